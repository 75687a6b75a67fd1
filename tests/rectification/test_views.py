"""Rectification's pages per persona, the sign-off flow through the pages, exports, query counts."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from luoshi.rectification import rules
from luoshi.rectification.models import Problem, Round
from luoshi.rectification.services import NewProblem, problems_create, signoff_submit
from tests.factories import Personas, evidence
from tests.helpers import client_for, exact_queries, personas

from .conftest import close_measures, make_problem

SEES = {"reporter_a", "head_a", "leader", "officer"}


def _many(p: Personas, rnd: Round, n: int) -> list[Problem]:
    rows = [
        NewProblem(
            number=str(i),
            text=f"问题{i}",
            responsible_unit=p.unit_a if i % 2 else p.unit_b,
            responsible_leader=p.leader.person if i % 3 else None,
            deadline=date(2024, 8, 31) if i % 4 else date(2099, 1, 1),
            measures=[(f"措施{i}甲", None), (f"措施{i}乙", None)],
            money_involved=i,
        )
        for i in range(1, n + 1)
    ]
    return problems_create(actor=p.officer, round=rnd, rows=rows)


@pytest.mark.parametrize("who", personas())
def test_round_list_per_persona(p: Personas, rnd: Round, problem: Problem, who: str) -> None:
    response = client_for(getattr(p, who)).get(reverse("rectification:rounds"))
    if who == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert (rnd.name in response.content.decode()) == (who in SEES)


@pytest.mark.parametrize("who", personas())
@pytest.mark.parametrize("name", ["round", "problem"])
def test_round_and_problem_pages_per_persona(
    p: Personas, rnd: Round, problem: Problem, who: str, name: str
) -> None:
    pk = rnd.pk if name == "round" else problem.pk
    response = client_for(getattr(p, who)).get(reverse(f"rectification:{name}", args=[pk]))
    if who == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if who in SEES else 404)


def test_unit_b_sees_only_its_own_problems(p: Personas, rnd: Round) -> None:
    make_problem(p, rnd, "1")
    make_problem(p, rnd, "2", text="乙单位的问题", responsible_unit=p.unit_b, responsible_leader=None)
    body = client_for(p.reporter_b).get(reverse("rectification:round", args=[rnd.pk])).content.decode()
    assert "乙单位的问题" in body and "财务报销审核不严" not in body


@pytest.mark.parametrize("tab", ["problems", "tasks", "duties"])
def test_the_three_lists(p: Personas, rnd: Round, tab: str) -> None:
    _many(p, rnd, 4)
    c = client_for(p.officer)
    url = reverse("rectification:round", args=[rnd.pk]) + f"?list={tab}"
    full = c.get(url)
    part = c.get(url, headers={"HX-Request": "true"})
    assert full.status_code == part.status_code == 200
    body = part.content.decode()
    assert 'id="list-tabs"' in body and 'id="lists"' not in body  # the inside of #lists
    assert "<html" not in body and '<div id="lists">' in full.content.decode()
    table = {"problems": "problem-list", "tasks": "task-list", "duties": "duty-list"}[tab]
    assert f'id="{table}"' in body
    if tab == "tasks":
        assert "措施1甲" in body and "措施4乙" in body


def test_lists_are_paged(p: Personas, rnd: Round, monkeypatch: pytest.MonkeyPatch) -> None:
    from luoshi.rectification import views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 3)
    _many(p, rnd, 7)
    c = client_for(p.officer)
    url = reverse("rectification:round", args=[rnd.pk])
    second = c.get(url + "?list=problems&page=2", headers={"HX-Request": "true"}).content.decode()
    assert ">4</td>" in second and ">6</td>" in second and ">7</td>" not in second and ">3</td>" not in second
    assert "第 2 / 3 页，共 7 条" in second
    tasks = c.get(url + "?list=tasks&page=5").content.decode()
    assert "措施7甲" in tasks and "措施6乙" not in tasks


def test_round_page_figures(p: Personas, rnd: Round) -> None:
    _many(p, rnd, 4)  # deadlines: 1-3 past (not done), 4 in 2099 (in progress)
    body = client_for(p.officer).get(reverse("rectification:round", args=[rnd.pk])).content.decode()
    assert "问题 4 个：已完成 0，整改中 1，未完成 3，完成率 0.00%。" in body
    assert "rectification-chart" in body and "units-chart" in body


@pytest.mark.parametrize("tab", ["problems", "tasks", "duties"])
def test_exports_xlsx_and_csv(p: Personas, rnd: Round, tab: str) -> None:
    _many(p, rnd, 3)
    make_problem(p, rnd, "9", text='=HYPERLINK("http://x")', responsible_unit=p.unit_a)
    c = client_for(p.reporter_a)
    url = reverse("rectification:round_export", args=[rnd.pk, "xlsx"]) + f"?list={tab}"
    response = c.get(url)
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    rows = list(wb.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    header = rows[2]
    data = [r for r in rows[3:] if any(v is not None for v in r)]
    csv_response = c.get(url.replace("export.xlsx", "export.csv"))
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    csv_rows = list(csv.reader(io.StringIO(text)))
    assert csv_rows[0] == [str(h) for h in header]
    assert len(csv_rows) - 1 == len(data)
    if tab == "problems":
        # reporter A sees unit A's problems only (1, 3 and 9), in natural order
        assert [r[0] for r in data] == ["1", "3", "9"]
        assert csv_rows[3][1].startswith("'=")  # neutralised formula
    if tab == "tasks":
        assert [r[0] for r in data] == ["1.1", "1.2", "3.1", "3.2", "9.1"]


def test_export_of_an_unknown_format_is_404(p: Personas, rnd: Round) -> None:
    response = client_for(p.officer).get(reverse("rectification:round_export", args=[rnd.pk, "pdf"]))
    assert response.status_code == 404


def _post(client: Any, name: str, pk: int, data: dict[str, Any]) -> Any:
    return client.post(reverse(f"rectification:{name}", args=[pk]), data)


def test_sign_off_and_reopen_through_the_pages(p: Personas, problem: Problem) -> None:
    close_measures(p, problem)
    page = reverse("rectification:problem", args=[problem.pk])
    reporter = client_for(p.reporter_a)
    assert 'id="signoff-form"' in reporter.get(page).content.decode()
    refused = _post(reporter, "signoff_submit", problem.pk, {"note": "已整改"})  # no evidence
    assert refused.status_code == 302
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.OPEN
    assert "销号须附佐证材料" in reporter.get(page).content.decode()
    _post(reporter, "signoff_submit", problem.pk, {"note": "已整改", "evidence": evidence()})
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.UNIT_HEAD
    signoff = problem.signoffs.get()
    ev = signoff.evidence.get()
    assert client_for(p.reporter_b).get(reverse("rectification:evidence", args=[ev.pk])).status_code == 404
    download = reporter.get(reverse("rectification:evidence", args=[ev.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    # the office may not jump the chain
    _post(client_for(p.officer), "signoff_approve", signoff.pk, {"step": "office"})
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.UNIT_HEAD
    for who, step in [("head_a", "unit_head"), ("leader", "leader"), ("officer", "office")]:
        c = client_for(getattr(p, who))
        assert 'id="approve-form"' in c.get(page).content.decode()
        assert _post(c, "signoff_approve", signoff.pk, {"step": step, "note": "同意"}).status_code == 302
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.DONE
    officer = client_for(p.officer)
    assert 'id="reopen-form"' in officer.get(page).content.decode()
    _post(
        officer,
        "reopen",
        problem.pk,
        {"reason": "回头看发现问题反弹", "deadline": "2099-06-30", "measure": "开展专项整治"},
    )
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.OPEN and problem.deadline == date(2099, 6, 30)
    body = officer.get(page).content.decode()
    assert "开展专项整治" in body and "回头看发现问题反弹" in body


def test_a_head_who_applied_cannot_approve_through_the_page(p: Personas, problem: Problem) -> None:
    close_measures(p, problem)
    signoff = signoff_submit(actor=p.head_a, problem=problem, note="已整改", files=evidence())
    c = client_for(p.head_a)
    assert 'id="approve-form"' in c.get(reverse("rectification:problem", args=[problem.pk])).content.decode()
    _post(c, "signoff_approve", signoff.pk, {"step": "unit_head"})
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.UNIT_HEAD
    assert (
        "申请销号的人不能审核自己的申请"
        in c.get(reverse("rectification:problem", args=[problem.pk])).content.decode()
    )


@pytest.mark.parametrize("who", ["reporter_b", "auditor"])
def test_hidden_problems_cannot_be_acted_on(p: Personas, problem: Problem, who: str) -> None:
    c = client_for(getattr(p, who))
    assert _post(c, "signoff_submit", problem.pk, {"note": "x"}).status_code == 404
    assert (
        _post(c, "reopen", problem.pk, {"reason": "x", "deadline": "2099-01-01", "measure": "x"}).status_code
        == 404
    )


def test_reopen_is_for_the_office(p: Personas, problem: Problem) -> None:
    response = _post(
        client_for(p.leader), "reopen", problem.pk, {"reason": "x", "deadline": "2099-01-01", "measure": "y"}
    )
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------
# Query counts: two sizes, exact baselines, and the count does not grow with rows


@pytest.mark.parametrize(
    ("what", "url_name", "query"),
    [
        ("rounds", "rounds", ""),
        ("problems", "round", "?list=problems"),
        ("tasks", "round", "?list=tasks"),
        ("duties", "round", "?list=duties"),
        ("export", "round_export", ""),
    ],
)
def test_query_counts(p: Personas, what: str, url_name: str, query: str) -> None:
    from .conftest import make_round

    counts = []
    for n in (3, 30):
        rnd = make_round(p, name=f"第{n}轮巡察")
        _many(p, rnd, n)
        args = [] if url_name == "rounds" else [rnd.pk, "xlsx"] if url_name == "round_export" else [rnd.pk]
        url = reverse(f"rectification:{url_name}", args=args) + query
        c = client_for(p.reporter_a)
        c.get(url)
        template = {
            "rounds": "/rectification/",
            "round_export": "/rectification/rounds/{round}/export.xlsx",
        }.get(url_name, "/rectification/rounds/{round}/")
        with exact_queries(f"rectification.{what}[reporter_a {template}{query}]@{n}") as counted:
            response = c.get(url)
            if url_name == "round_export":
                b"".join(response.streaming_content)
        assert response.status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_problem_page_query_count(p: Personas, rnd: Round) -> None:
    counts = []
    for n in (1, 8):
        problem = make_problem(p, rnd, str(n), measures=[(f"措施{i}", None) for i in range(n)])
        c = client_for(p.head_a)
        url = reverse("rectification:problem", args=[problem.pk])
        c.get(url)
        with exact_queries(
            f"rectification.problem[head_a /rectification/problems/{{problem}}/]@{n}"
        ) as counted:
            assert c.get(url).status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_office_creates_a_round_and_a_problem_through_the_pages(p: Personas) -> None:
    c = client_for(p.officer)
    assert "新建检查轮次" in c.get(reverse("rectification:rounds")).content.decode()
    data = {
        "kind": "audit",
        "name": "2024年度预算执行审计",
        "body": "区审计局",
        "start": "2024-03-01",
        "end": "2024-04-30",
        "due": "2024-12-31",
        "scope_units": [p.unit_a.pk],
    }
    refused = c.post(reverse("rectification:round_new"), data | {"due": "2024-04-01"})
    assert refused.status_code == 200 and "整改期限不能早于检查结束日期" in refused.content.decode()
    made = c.post(reverse("rectification:round_new"), data)
    rnd = Round.objects.get(name="2024年度预算执行审计")
    assert made.status_code == 302 and made["Location"] == reverse("rectification:round", args=[rnd.pk])
    problem = {
        "number": "一",
        "text": "预算执行率偏低",
        "responsible_unit": p.unit_a.pk,
        "responsible_leader": p.leader.person.pk,
        "deadline": "2024-10-31",
        "kind": "long_term",
        "measures": "加快支出进度\n\n建立预算执行通报制度\n",
        "money_involved": "120.5",
    }
    url = reverse("rectification:problem_new", args=[rnd.pk])
    refused = c.post(url, problem)
    assert refused.status_code == 200 and "长期整改的问题须写明长效机制" in refused.content.decode()
    assert c.post(url, problem | {"mechanism": "每月通报预算执行"}).status_code == 302
    made_problem = Problem.objects.get(round=rnd)
    assert made_problem.measures.count() == 2 and str(made_problem.money_involved) == "120.50"


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader"])
def test_only_the_office_creates(p: Personas, rnd: Round, who: str) -> None:
    c = client_for(getattr(p, who))
    assert c.get(reverse("rectification:round_new")).status_code == 403
    assert c.get(reverse("rectification:problem_new", args=[rnd.pk])).status_code in (403, 404)


def test_sign_off_by_htmx_answers_in_place(p: Personas, problem: Problem) -> None:
    """By HTMX the sign-off section comes back in place (the stage out of band): refused, each field
    marked and described with focus on the first; filed, the pending application with focus on it."""
    close_measures(p, problem)
    reporter = client_for(p.reporter_a)
    url = reverse("rectification:signoff_submit", args=[problem.pk])
    hx = {"HTTP_HX_REQUEST": "true"}

    refused = reporter.post(url, {"note": "已整改"}, **hx)  # no evidence
    assert refused.status_code == 200
    said = json.loads(refused["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {"message": "有 1 处需要修改", "focus": "#signoff-evidence"}
    box = refused.content.decode()
    assert box.startswith('<div id="signoff-section">') and "hx-swap-oob" not in box
    field = re.search(r'<input type="file" name="evidence"[^>]*>', box)
    assert field and 'aria-invalid="true" aria-describedby="signoff-evidence-error"' in field.group()
    assert re.search(r'id="signoff-evidence-error">销号须附佐证材料', box)
    assert ">已整改</textarea>" in box  # what was typed stays
    empty = reporter.post(url, {"note": " ", "evidence": evidence()}, **hx)
    said = json.loads(empty["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said["focus"] == "#signoff-note"
    assert (
        'id="signoff-note" aria-invalid="true" aria-describedby="signoff-note-error"'
        in empty.content.decode()
    )
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.OPEN and not problem.signoffs.exists()

    filed = reporter.post(url, {"note": "已整改", "evidence": evidence()}, **hx)
    said = json.loads(filed["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {"message": "销号申请已提交。", "focus": "#pending-signoff"}
    box = filed.content.decode()
    assert 'id="pending-signoff"' in box and "验收报告.pdf" in box and 'id="signoff-form"' not in box
    assert '<p id="problem-status" hx-swap-oob="true">' in box and "待单位负责人审核" in box
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.UNIT_HEAD
    # Applied again while pending: refused for the form as a whole, the message focused.
    again = reporter.post(url, {"note": "再次申请", "evidence": evidence()}, **hx)
    said = json.loads(again["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said["focus"] == "#signoff-error" and 'id="signoff-error"' in again.content.decode()
    assert problem.signoffs.count() == 1
