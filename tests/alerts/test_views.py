"""Early warning pages and API per persona, with exact query counts at two sizes for the lists."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from luoshi.alerts.models import Flag, FlagState, Warning
from luoshi.alerts.services import flags_step, warnings_step
from luoshi.work.services import report_submit
from luoshi.work.services.lights import mark_late_reports
from tests.factories import Personas, make_unit
from tests.helpers import TABLE, client_for, exact_queries

pytestmark = pytest.mark.django_db

DAY = date(2024, 4, 10)
EMPTY = "高度重视，提高政治站位，强化组织领导，压实工作责任，扎实推进各项工作。"


def _late_units(p: Personas, n: int, start: int = 0) -> None:
    """n more units, each leading one task whose three monthly reports are all late; unit A too."""
    plan = p.plan(head_approval=False)
    if start == 0:
        p.task(plan, unit=p.unit_a, title="甲单位任务")
    for i in range(start, n):
        p.task(plan, unit=make_unit(f"单位{i}", parent=p.district), title=f"任务{i}")
    mark_late_reports(plan_id=plan.pk, on=DAY)
    warnings_step(DAY)


@pytest.mark.parametrize("who", TABLE)
def test_board_is_for_leaders_and_officers(p: Personas, who: str) -> None:
    _late_units(p, 2)
    r = client_for(getattr(p, who)).get(reverse("alerts:board"))
    assert r.status_code == {"anonymous": 302, "officer": 200, "leader": 200}.get(who, 403)
    if r.status_code == 200:
        body = r.content.decode()
        assert "区发展和改革局" in body and "预警趋势" in body
        # The leader sees the units of the portfolio (unit A) only.
        assert ("单位1" in body) is (who == "officer")


def test_warning_reasons_page_and_scope(p: Personas) -> None:
    _late_units(p, 1)
    mine = Warning.objects.get(subject="unit", unit=p.unit_a)
    other = Warning.objects.exclude(unit=p.unit_a).filter(subject="unit").first()
    assert other is not None
    r = client_for(p.leader).get(reverse("alerts:warning", args=[mine.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "迟报" in body and "甲单位任务" in body and "蓝色预警" in body
    assert client_for(p.leader).get(reverse("alerts:warning", args=[other.pk])).status_code == 404
    assert client_for(p.reporter_a).get(reverse("alerts:warning", args=[mine.pk])).status_code == 403


def test_board_htmx_partial_and_filters(p: Personas) -> None:
    _late_units(p, 2)
    c = client_for(p.officer)
    r = c.get(reverse("alerts:board"), {"level": "blue", "subject": "unit"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    body = r.content.decode()
    assert "<html" not in body and "warning-table" in body and "迟报×1" in body
    assert (
        c.get(reverse("alerts:board"), {"level": "bogus", "subject": "x", "day": "nonsense"}).status_code
        == 200
    )


def test_board_without_levels(p: Personas) -> None:
    r = client_for(p.officer).get(reverse("alerts:board"))
    assert r.status_code == 200 and "还没有计算预警等级" in r.content.decode()


def test_board_query_count(p: Personas) -> None:
    c = client_for(p.officer)
    counts = []
    start = 0
    for n in (3, 12):
        if start:
            Warning.objects.all().delete()
        _late_units(p, n, start)
        start = n
        c.get(reverse("alerts:board"))
        with exact_queries(f"alerts.board[officer /alerts/]@{n}") as counted:
            assert c.get(reverse("alerts:board")).status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def _flagged(p: Personas, n: int, start: int = 0) -> None:
    plan = p.plan(head_approval=False)
    for i in range(start, n):
        task = p.task(plan, title=f"空话任务{i}")
        report_submit(actor=p.reporter_a, task=task, percent=20, narrative=EMPTY, on=date(2024, 3, 1))
    flags_step(date(2024, 3, 2))


@pytest.mark.parametrize("who", TABLE)
def test_flags_queue_is_the_office_s(p: Personas, who: str) -> None:
    _flagged(p, 1)
    r = client_for(getattr(p, who)).get(reverse("alerts:flags"))
    assert r.status_code == {"anonymous": 302, "officer": 200}.get(who, 403)
    if r.status_code == 200:
        assert "空话套话" in r.content.decode() and "只有表态" in r.content.decode()


def test_flags_queue_query_count(p: Personas) -> None:
    c = client_for(p.officer)
    counts = []
    start = 0
    for n in (3, 20):
        _flagged(p, n, start)
        start = n
        c.get(reverse("alerts:flags"))
        with exact_queries(f"alerts.flags[officer /alerts/flags/]@{n}") as counted:
            assert c.get(reverse("alerts:flags")).status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_dismiss_a_flag_from_the_queue(p: Personas) -> None:
    _flagged(p, 1)
    flag = Flag.objects.get()
    c = client_for(p.officer)
    url = reverse("alerts:flag_decide", args=[flag.pk])
    r = c.post(url, {"state": "dismissed", "note": ""}, follow=True)
    assert "排除提示须写明理由" in r.content.decode()
    flag.refresh_from_db()
    assert flag.state == FlagState.OPEN
    r = c.post(url, {"state": "dismissed", "note": "已核实，属如实填报", "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == reverse("alerts:flags")
    flag.refresh_from_db()
    assert flag.state == FlagState.DISMISSED and flag.note == "已核实，属如实填报"
    assert client_for(p.leader).post(url, {"state": "looked"}).status_code == 403


@pytest.mark.parametrize("who", TABLE)
def test_timeliness_for_the_unit_and_its_leader(p: Personas, who: str) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan)
    p.task(plan, unit=p.unit_b)
    report_submit(actor=p.reporter_a, task=task, percent=20, narrative=EMPTY, on=date(2024, 1, 30))
    mark_late_reports(plan_id=plan.pk, on=DAY)
    r = client_for(getattr(p, who)).get(reverse("alerts:timeliness"), {"day": "2024-04-10", "weeks": "16"})
    if who == "anonymous":
        assert r.status_code == 302
        return
    assert r.status_code == 200
    body = r.content.decode()
    assert ("区发展和改革局" in body) is (who in {"reporter_a", "head_a", "leader", "officer"})
    assert ("区财政局" in body) is (who in {"reporter_b", "officer"})
    # the page links the warning board only to whoever may open it (a unit's clerk got a 403 there)
    board = f'href="{reverse("alerts:board")}"' in body
    assert board is (who in {"leader", "officer"})
    assert (client_for(getattr(p, who)).get(reverse("alerts:board")).status_code == 200) is board


def test_timeliness_figures(p: Personas) -> None:
    from luoshi.alerts.selectors import timeliness

    plan = p.plan(head_approval=False)
    task = p.task(plan)
    report_submit(
        actor=p.reporter_a, task=task, percent=20, narrative=EMPTY, problems="无", on=date(2024, 1, 30)
    )
    mark_late_reports(plan_id=plan.pk, on=DAY)  # February and March are late, January was on time
    [row] = timeliness(p.officer, start=date(2024, 1, 1), end=DAY)
    assert row.unit == p.unit_a
    assert (row.owed, row.on_time, row.late, row.reports) == (3, 1, 2, 1)
    # February's deadline March 3 and March's April 3, both still missing on April 10: 38 + 7 days.
    assert row.mean_delay == pytest.approx((38 + 7) / 2)
    assert row.fields == 3  # percent, narrative, problems


def test_api_per_persona(p: Personas) -> None:
    _late_units(p, 1)
    _flagged(p, 1)
    assert client_for(None).get("/api/v1/alerts/warnings").status_code == 401
    assert client_for(p.reporter_a).get("/api/v1/alerts/warnings").status_code == 403
    r = client_for(p.leader).get("/api/v1/alerts/warnings")
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == 1 and data["items"][0]["unit_id"] == p.unit_a.pk
    detail = client_for(p.leader).get(f"/api/v1/alerts/warnings/{data['items'][0]['id']}").json()
    assert detail["reasons"][0]["kind"] == "late_report"
    assert client_for(p.leader).get("/api/v1/alerts/trend").json()["dates"] == ["2024-04-10"]
    assert client_for(p.leader).get("/api/v1/alerts/flags").status_code == 403
    flags = client_for(p.officer).get("/api/v1/alerts/flags").json()
    assert flags["count"] == 1 and flags["items"][0]["kind"] == "empty"
    fid = flags["items"][0]["id"]
    c = client_for(p.officer)
    assert (
        c.post(
            f"/api/v1/alerts/flags/{fid}/decision", {"state": "looked"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        c.post(
            f"/api/v1/alerts/flags/{fid}/decision", {"state": "looked"}, content_type="application/json"
        ).status_code
        == 409
    )
    t = client_for(p.head_a).get("/api/v1/alerts/timeliness", {"start": "2024-01-01", "end": "2024-04-10"})
    assert t.status_code == 200 and [row["unit_id"] for row in t.json()] == [p.unit_a.pk]
    assert (
        client_for(p.head_a)
        .get("/api/v1/alerts/timeliness", {"start": "2024-05-01", "end": "2024-04-10"})
        .status_code
        == 400
    )


def test_api_warnings_query_count(p: Personas) -> None:
    c = client_for(p.officer)
    counts = []
    start = 0
    for n in (3, 12):
        if start:
            Warning.objects.all().delete()
        _late_units(p, n, start)
        start = n
        c.get("/api/v1/alerts/warnings")
        with exact_queries(f"alerts.api.warnings[officer /api/v1/alerts/warnings]@{n}") as counted:
            assert c.get("/api/v1/alerts/warnings").status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def _settings_post(plan_id: int, form: dict[str, object], **changes: object) -> dict[str, object]:
    data = {k: v for k, v in form.items() if v is not None}
    data.update(changes)
    return data


def test_the_office_sets_a_plan_s_thresholds_on_its_page_and_a_stale_form_conflicts(p: Personas) -> None:
    """预警参数 per plan: the office's page shows the plan's settings (the defaults until set), saves
    them through the service (audited), refuses thresholds out of order beside the field, and an edit
    of a form loaded before someone else saved is refused with 409 and the stored settings shown."""
    from luoshi.alerts.models import PlanSettings
    from luoshi.audit.models import Entry

    plan = p.plan()
    url = reverse("alerts:plan_settings", args=[plan.pk])
    officer = client_for(p.officer)
    assert client_for(p.leader).get(url).status_code == 403
    assert officer.get(reverse("alerts:settings")).status_code == 302
    switched = officer.get(reverse("alerts:settings"), {"plan": plan.pk})
    assert switched.status_code == 302 and switched["Location"] == url
    page = officer.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    loaded = {name: form[name].value() for name in form.fields}
    assert loaded["window_days"] == 28 and str(loaded["red"]) == "14" and str(loaded["w_late_report"]) == "2"

    bad = officer.post(url, _settings_post(plan.pk, loaded, yellow="20"))
    assert (
        bad.status_code == 400 and "蓝≤黄≤橙≤红" in bad.content.decode() and not PlanSettings.objects.exists()
    )

    saved = officer.post(url, _settings_post(plan.pk, loaded, red="20", w_absence="5"))
    assert saved.status_code == 302
    row = PlanSettings.objects.get(plan=plan)
    assert (
        row.red == 20 and row.as_rules().weight("absence") == 5 and row.as_rules().weight("late_report") == 2
    )
    assert Entry.objects.filter(action="alerts.settings.saved").count() == 1

    stale = officer.post(url, _settings_post(plan.pk, loaded, red="30"))  # loaded before the save above
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    assert PlanSettings.objects.get(plan=plan).red == 20
    assert str(stale.context["form"]["red"].value()) == "20.00"
