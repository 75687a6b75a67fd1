"""Assessment's pages per persona, the office's flow through the pages (form, edit with a version
check, import with hand mapping, run, publish, exports, appeal), the API, and query counts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from luoshi.assessment import services
from luoshi.assessment.models import Appeal, AppealState, Run, RunState, Scheme, SchemeStatus
from luoshi.org.models import UnitCategory
from luoshi.org.services import unit_create
from tests.factories import Personas
from tests.helpers import client_for, exact_queries, personas

from .conftest import make_scheme
from .test_services import _facts

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "assessment" / "assessment_rules.csv"


def _run(p: Personas, publish: bool = False) -> Run:
    scheme = make_scheme(p)
    services.scheme_set_status(actor=p.officer, scheme=scheme, status=SchemeStatus.ACTIVE)
    _facts(p)
    run = services.run_create(actor=p.officer, scheme=scheme, as_of=date(2024, 12, 31))
    if publish:
        run = services.run_publish(
            actor=p.officer, run=run, appeal_until=timezone.localdate() + timedelta(days=5)
        )
    return run


OFFICE = ("officer", "officer2")


@pytest.mark.parametrize("who", personas())
def test_pages_per_persona_before_publishing(p: Personas, who: str) -> None:
    run = _run(p)
    c = client_for(getattr(p, who))
    pages = {
        "schemes": reverse("assessment:schemes"),
        "scheme": reverse("assessment:scheme", args=[run.scheme_id]),
        "run": reverse("assessment:run", args=[run.pk]),
        "breakdown": reverse("assessment:breakdown", args=[run.pk, p.unit_a.pk]),
        "appeals": reverse("assessment:appeals"),
        "events": reverse("assessment:events"),
        "import": reverse("assessment:import"),
    }
    got = {k: c.get(url).status_code for k, url in pages.items()}
    if who == "anonymous":
        assert set(got.values()) == {302}
    elif who in OFFICE:
        assert set(got.values()) == {200}
    elif who == "leader":
        assert got == {**dict.fromkeys(pages, 200), "events": 403, "import": 403}
    else:  # an unpublished run is hidden from units; the office's pages are refused
        assert got == {
            "schemes": 200, "scheme": 200, "run": 404, "breakdown": 404, "appeals": 200, "events": 403, "import": 403
        }  # fmt: skip


def test_published_results_are_seen_by_units_and_link_to_facts(p: Personas) -> None:
    run = _run(p, publish=True)
    c = client_for(p.reporter_a)
    page = c.get(reverse("assessment:run", args=[run.pk])).content.decode()
    assert "区发展和改革局" in page and "assessment-chart" in page
    bd = c.get(reverse("assessment:breakdown", args=[run.pk, p.unit_a.pk])).content.decode()
    assert "报告应于7月5日提交" in bd and "/work/tasks/" in bd and 'id="appeal-form"' in bd
    # A unit may not appeal for another unit.
    bd_b = c.get(reverse("assessment:breakdown", args=[run.pk, p.unit_b.pk])).content.decode()
    assert 'id="appeal-form"' not in bd_b


def test_scheme_form_new_and_edit_with_version_conflict(p: Personas) -> None:
    c = client_for(p.officer)
    form = {
        "name": "2025年度安全奖考核",
        "purpose": "safety",
        "period_kind": "year",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "total": "100",
        "bottom": "1",
        "groups": "区直部门 | 区直部门 | 1",
        "indicators": "区直部门 | 安全生产 | 60 | 扣分制 | 60 | assessment.other:10\n区直部门 | 领导评价 | 40 | 评分 | | trim",
        "grades": "优秀 | 90 | 30 | 是 | 1.2\n合格 | 0 | | 否 | 1",
        "vetoes": "assessment.veto | 安全生产一票否决",
    }
    response = c.post(reverse("assessment:scheme_new"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme = Scheme.objects.get(name="2025年度安全奖考核")
    assert scheme.groups.get().indicators.count() == 2
    # Weights not adding up: refused on the page, nothing saved.
    bad = {**form, "name": "坏方案", "indicators": form["indicators"].replace("| 40 |", "| 30 |")}
    page = c.post(reverse("assessment:scheme_new"), bad).content.decode()
    assert "应等于总分" in page and not Scheme.objects.filter(name="坏方案").exists()
    # A line that cannot be read names its line.
    page = c.post(
        reverse("assessment:scheme_new"), {**bad, "indicators": "区直部门 | x | abc | 评分"}
    ).content.decode()
    assert "考核指标第1行" in page
    # Edit: two officers read version 1; the second save answers 409.
    edit = reverse("assessment:scheme_edit", args=[scheme.pk])
    assert c.post(edit, {**form, "bottom": "2", "version": "1"}).status_code == 302
    response = client_for(p.officer2).post(edit, {**form, "bottom": "3", "version": "1"})
    assert response.status_code == 409
    scheme.refresh_from_db()
    assert scheme.bottom == 2 and scheme.version == 2


def test_import_through_the_page(p: Personas) -> None:
    c = client_for(p.officer)
    upload = SimpleUploadedFile("assessment_rules.csv", SAMPLE.read_bytes(), content_type="text/csv")
    page = c.post(reverse("assessment:import"), {"file": upload}).content.decode()
    assert "需人工确认的规则" in page and 'name="token"' in page
    token = page.split('name="token" value="')[1].split('"')[0]
    from .test_importer import DUCHA_MAPPING

    base = {"token": token, "filename": "assessment_rules.csv", "source": "ducha_xize"}
    page = c.post(reverse("assessment:import"), {**base, "step": "preview"}).content.decode()
    assert "扣5-10分" in page and "6 条规则未处理" in page
    response = c.post(reverse("assessment:import"), {**base, **DUCHA_MAPPING, "step": "import"})
    assert response.status_code == 302
    scheme = Scheme.objects.get()
    assert scheme.total == 100 and scheme.groups.count() == 2


def test_run_publish_exports_and_appeal_through_the_pages(p: Personas) -> None:
    scheme = make_scheme(p)
    _facts(p)
    c = client_for(p.officer)
    response = c.post(reverse("assessment:run_new", args=[scheme.pk]), {"as_of": "2024-12-31"})
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessment:run", args=[run.pk])
    until = (timezone.localdate() + timedelta(days=3)).isoformat()
    c.post(reverse("assessment:publish", args=[run.pk]), {"appeal_until": until})
    run.refresh_from_db()
    assert run.state == RunState.PUBLISHED
    xlsx = c.get(reverse("assessment:xlsx", args=[run.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = c.get(reverse("assessment:pdf", args=[run.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    head = client_for(p.head_a)
    response = head.post(
        reverse("assessment:appeal_new", args=[run.pk]), {"unit": p.unit_a.pk, "text": "报告已按时报送"}
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    # Only the office decides.
    assert (
        head.post(
            reverse("assessment:appeal", args=[appeal.pk]), {"decision": "reject", "reason": "x"}
        ).status_code
        == 403
    )
    page = c.get(reverse("assessment:appeal", args=[appeal.pk])).content.decode()
    assert 'id="decide-form"' in page
    late = run.inputs.filter(unit=p.unit_a, kind="work.late_report").first()
    assert late is not None
    c.post(
        reverse("assessment:appeal", args=[appeal.pk]),
        {"decision": "accept", "reason": "核实", "remove": [late.pk]},
    )
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ACCEPTED and appeal.new_run is not None
    page = c.get(reverse("assessment:appeal", args=[appeal.pk])).content.decode()
    assert 'id="diff"' in page and "+10" in page
    page = c.get(reverse("assessment:run", args=[appeal.new_run.pk])).content.decode()
    assert 'id="diff"' in page


def test_events_and_scores_pages(p: Personas) -> None:
    scheme = make_scheme(p)
    c = client_for(p.officer)
    response = c.post(
        reverse("assessment:events"),
        {
            "unit": p.unit_a.pk,
            "kind": "assessment.award",
            "occurred_on": "2024-03-01",
            "count": "1",
            "text": "表彰",
        },
    )
    assert response.status_code == 302
    ind = scheme.groups.get().indicators.get(name="领导评价")
    url = reverse("assessment:scores", args=[ind.pk])
    assert c.post(url, {"unit": p.unit_a.pk, "score": "36", "note": ""}).status_code == 302
    page = c.post(url, {"unit": p.unit_a.pk, "score": "60", "note": ""}).content.decode()
    assert "0 到 40" in page
    assert client_for(p.reporter_a).post(reverse("assessment:events"), {}).status_code == 403


# -- API -----------------------------------------------------------------------------------------


def test_api_flow(p: Personas) -> None:
    scheme = make_scheme(p)
    _facts(p)
    c = client_for(p.officer)
    assert c.get("/api/v1/assessment/schemes").json()["count"] == 1
    detail = c.get(f"/api/v1/assessment/schemes/{scheme.pk}").json()
    assert [i["method"] for i in detail["groups"][0]["indicators"]] == ["manual", "task", "deduction"]
    made = c.post(
        f"/api/v1/assessment/schemes/{scheme.pk}/runs",
        {"as_of": "2024-12-31"},
        content_type="application/json",
    )
    assert made.status_code == 201
    run_id = made.json()["id"]
    results = c.get(f"/api/v1/assessment/runs/{run_id}/results").json()
    assert results["count"] == 3
    bd = c.get(f"/api/v1/assessment/runs/{run_id}/units/{p.unit_a.pk}").json()
    assert sum(float(ln["points"]) for ln in bd["lines"]) == float(bd["result"]["score"])
    until = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert (
        c.post(
            f"/api/v1/assessment/runs/{run_id}/publish",
            {"appeal_until": until},
            content_type="application/json",
        ).status_code
        == 200
    )
    again = c.post(
        f"/api/v1/assessment/runs/{run_id}/publish", {"appeal_until": until}, content_type="application/json"
    )
    assert again.status_code == 409
    filed = client_for(p.head_a).post(
        f"/api/v1/assessment/runs/{run_id}/appeals",
        {"unit_id": p.unit_a.pk, "text": "申诉"},
        content_type="application/json",
    )
    assert filed.status_code == 201
    decided = c.post(
        f"/api/v1/assessment/appeals/{filed.json()['id']}/decision",
        {"accept": False, "reason": "依规"},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["state"] == "rejected"
    # A draft scheme is hidden from units (404); an active one is refused to them (403).
    url = f"/api/v1/assessment/schemes/{scheme.pk}/runs"
    reporter = client_for(p.reporter_a)
    assert reporter.post(url, {"as_of": "2024-12-31"}, content_type="application/json").status_code == 404
    services.scheme_set_status(actor=p.officer, scheme=scheme, status=SchemeStatus.ACTIVE)
    assert reporter.post(url, {"as_of": "2024-12-31"}, content_type="application/json").status_code == 403


# -- query counts ----------------------------------------------------------------------------------


def _more_units(p: Personas, n: int) -> None:
    for i in range(n):
        unit_create(
            actor=None,
            code=f"X{i:03d}",
            name=f"测试局{i}",
            category=UnitCategory.DEPARTMENT,
            parent=p.district,
        )


@pytest.mark.parametrize("extra", [0, 6])
def test_query_counts(p: Personas, extra: int) -> None:
    _more_units(p, extra)
    run = _run(p, publish=True)
    c = client_for(p.officer)
    with exact_queries("assessment.results"):
        assert c.get(reverse("assessment:run", args=[run.pk])).status_code == 200
    with exact_queries("assessment.breakdown"):
        assert c.get(reverse("assessment:breakdown", args=[run.pk, p.unit_a.pk])).status_code == 200
    with exact_queries("assessment.schemes"):
        assert c.get(reverse("assessment:schemes")).status_code == 200
