"""One fact typed once, for files (一个事实只填一次): an application to sign a problem off carries
(沿用) the evidence files the unit already handed in reporting and closing each measure — listed on the
form per measure, ticked, attached without a new upload or a copied byte, checked on the server to be
this problem's measures' files the applicant sees, named apart in the audit, and served and counted
(the approval chain needs evidence) like uploaded ones."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField
from luoshi.rectification import services
from luoshi.rectification.models import Problem, Round, SignOff, SignOffEvidence
from luoshi.work.models import Evidence, Task
from luoshi.work.services.reports import report_submit
from tests.factories import Personas, evidence
from tests.helpers import client_for, exact_queries

from .conftest import close_measures, make_problem

pytestmark = pytest.mark.django_db
API = "/api/v1/rectification"


def _tasks(problem: Problem) -> list[Task]:
    return list(Task.objects.filter(pk__in=problem.measures.values("task_id")).order_by("sort_path"))


def _report(p: Personas, task: Task, name: str) -> Evidence:
    report = report_submit(
        actor=p.reporter_a,
        task=task,
        percent=80,
        narrative="已整改",
        on=date(2024, 6, 28),
        files=evidence(name),
    )
    return report.evidence.get()


def _ready(p: Personas, rnd: Round, measures: int = 2, number: str = "1") -> tuple[Problem, list[Evidence]]:
    """A problem whose measures each have a report with a file and a confirmed completion claim (the
    claim's file is 验收报告.pdf, from the factories); returns it with the reports' files."""
    problem = make_problem(p, rnd, number, measures=[(f"措施{i}", None) for i in range(measures)])
    files = [_report(p, t, f"台账{i}.pdf") for i, t in enumerate(_tasks(problem))]
    close_measures(p, problem)
    return problem, files


def _stored() -> int:
    return sum(1 for f in Path(settings.MEDIA_ROOT).rglob("*") if f.is_file())


def test_a_signoff_carries_the_measures_files_without_a_copy(p: Personas, rnd: Round) -> None:
    problem, (a, b) = _ready(p, rnd)
    claim_file = Evidence.objects.filter(claim__task=_tasks(problem)[1]).get()
    before = _stored()
    signoff = services.signoff_submit(
        actor=p.reporter_a, problem=problem, note="已整改", files=[], carried=[b.pk, claim_file.pk]
    )
    rows = list(signoff.evidence.order_by("pk"))
    assert [(r.source_id, r.file.name, r.sha256) for r in rows] == [
        (b.pk, b.file.name, b.sha256),
        (claim_file.pk, claim_file.file.name, claim_file.sha256),
    ]
    assert _stored() == before  # nothing written: carried evidence alone satisfies "须附佐证材料"
    entry = Entry.objects.get(action="rectification.signoff.submitted")
    assert entry.data["evidence"] == []
    assert entry.data["carried"] == [["台账1.pdf", b.sha256], ["验收报告.pdf", claim_file.sha256]]
    assert entry.data["carried_from"] == [b.pk, claim_file.pk]
    # The chain counts carried files as evidence: the unit head approves.
    services.signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head", note="")
    assert signoff.approvals.filter(approved=True).count() == 1


@pytest.mark.parametrize("which", ["other_problem", "other_unit", "missing"])
def test_a_foreign_id_is_refused_and_nothing_is_stored(p: Personas, rnd: Round, which: str) -> None:
    problem, (a, _b) = _ready(p, rnd)

    def other_problem() -> int:
        other = make_problem(p, rnd, "9")
        return _report(p, _tasks(other)[0], "别的问题.pdf").pk

    def other_unit() -> int:
        task = p.task(p.plan(), unit=p.unit_b, title="乙单位任务")
        rep = report_submit(
            actor=p.reporter_b, task=task, percent=5, narrative="乙", files=evidence("乙.pdf")
        )
        return rep.evidence.get().pk

    bad: Any = {"other_problem": other_problem, "other_unit": other_unit, "missing": lambda: 10**9}[which]()
    before = _stored()
    with pytest.raises(InvalidField) as e:
        services.signoff_submit(
            actor=p.reporter_a, problem=problem, note="已整改", files=evidence("新.pdf"), carried=[a.pk, bad]
        )
    assert e.value.field == "carried"
    assert not SignOff.objects.exists() and not SignOffEvidence.objects.exists()
    assert not Entry.objects.filter(action="rectification.signoff.submitted").exists()
    assert _stored() == before


def _page(who: Any, problem: Problem) -> str:
    return html.unescape(
        client_for(who).get(reverse("rectification:problem", args=[problem.pk])).content.decode()
    )


def test_the_form_lists_each_measures_files_ticked_and_posting_carries_them(p: Personas, rnd: Round) -> None:
    problem, (a, b) = _ready(p, rnd)
    page = _page(p.reporter_a, problem)
    assert "沿用各项措施最近一次填报的佐证材料" in page
    claims = list(Evidence.objects.filter(claim__task__in=_tasks(problem)).order_by("pk"))
    for ev in (a, b, *claims):
        assert f'name="carried" value="{ev.pk}" id="signoff-carried-{ev.pk}" checked>' in page
    assert "（措施0 · 进度填报）" in page and "（措施1 · 完成申请）" in page
    assert page.index(f'value="{a.pk}"') < page.index(f'value="{b.pk}"')  # in the measures' order
    assert "沿用各项措施" not in _page(p.leader, problem)
    r = client_for(p.reporter_a).post(
        reverse("rectification:signoff_submit", args=[problem.pk]), {"note": "已整改", "carried": [b.pk]}
    )
    assert r.status_code == 302
    row = SignOffEvidence.objects.get()
    assert row.source_id == b.pk
    page = _page(p.head_a, problem)
    link = reverse("rectification:evidence", args=[row.pk])
    assert f'<a href="{link}">台账1.pdf</a>' in page
    for who in ("reporter_a", "head_a", "officer"):
        got = client_for(getattr(p, who)).get(link)
        assert got.status_code == 200, who
        assert b"".join(got.streaming_content) == b"%PDF-1.4 evidence"  # type: ignore[attr-defined]
    assert client_for(p.reporter_b).get(link).status_code == 404


def test_an_htmx_post_unticking_everything_asks_for_evidence_and_keeps_the_boxes(
    p: Personas, rnd: Round
) -> None:
    problem, (a, b) = _ready(p, rnd)
    r = client_for(p.reporter_a).post(
        reverse("rectification:signoff_submit", args=[problem.pk]),
        {"note": "已整改"},
        headers={"HX-Request": "true"},
    )
    body = html.unescape(r.content.decode())
    assert r.status_code == 200 and 'id="signoff-evidence-error"' in body
    assert f'value="{a.pk}" id="signoff-carried-{a.pk}">' in body  # left unticked, as the unit left it
    assert not SignOff.objects.exists()


def test_problem_page_with_files_to_carry_query_count(p: Personas, rnd: Round) -> None:
    """The applicant's page with 1 and 3 closed measures, each with files to carry: the same queries."""
    counts = []
    for n in (1, 3):
        problem, _files = _ready(p, rnd, n, str(n))
        c = client_for(p.reporter_a)
        url = reverse("rectification:problem", args=[problem.pk])
        c.get(url)
        with exact_queries(
            f"rectification.problem[reporter_a /rectification/problems/{{problem}}/]@{n}"
        ) as counted:
            r = c.get(url)
        assert r.content.decode().count('name="carried"') == 2 * n
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_api_carries_and_refuses_a_foreign_id(p: Personas, rnd: Round) -> None:
    problem, (a, b) = _ready(p, rnd)
    c = client_for(p.reporter_a)
    bad = c.post(f"{API}/problems/{problem.pk}/signoffs", {"note": "已整改", "carried": [a.pk, 10**9]})
    assert bad.status_code == 400 and bad.json()["field"] == "carried"
    assert not SignOff.objects.exists()
    r = c.post(
        f"{API}/problems/{problem.pk}/signoffs",
        {"note": "已整改", "carried": [a.pk], "files": evidence("新.pdf")},
    )
    assert r.status_code == 201, r.content
    assert r.json()["evidence"] == ["台账0.pdf", "新.pdf"] and r.json()["carried_from"] == [a.pk, None]
    detail = client_for(p.officer).get(f"{API}/problems/{problem.pk}").json()
    assert detail["signoffs"][0]["carried_from"] == [a.pk, None]


def test_the_carried_files_read_in_english_too(p: Personas, rnd: Round) -> None:
    from tests.web.test_i18n import chinese_left, visible_text

    from .test_i18n import _user_data

    problem, (a, _b) = _ready(p, rnd)
    en = client_for(p.reporter_a)
    en.cookies["django_language"] = "en"
    page = en.get(reverse("rectification:problem", args=[problem.pk])).content.decode()
    assert "Carry over the evidence of each measure" in page and "· completion claim)" in page
    known = sorted(
        {*_user_data(), "台账0.pdf", "台账1.pdf", "验收报告.pdf", "已整改", "措施0", "措施1"},
        key=len,
        reverse=True,
    )
    assert not chinese_left(visible_text(page), known), chinese_left(visible_text(page), known)
