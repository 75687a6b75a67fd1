"""Lateness that tells filing from approval (issue 20.2) and back-filling a paper report with its date
(20.6): the late marks' cause, the plan setting both ways, tick reruns and a catch-up tick, the
timeliness selector, and the paper date through the service, the API and the fill page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField
from luoshi.work import rules
from luoshi.work.models import LateCause, LateReport, Plan, Report, Task
from luoshi.work.selectors import Timeliness, compute_lights, timeliness
from luoshi.work.selectors_plan import period_rollup
from luoshi.work.services import mark_late_reports, report_approve, report_submit
from luoshi.work.services.manage import plan_update
from tests.factories import Personas
from tests.helpers import client_for, exact_queries

D = date.fromisoformat
JAN = D("2024-01-31")  # January's report is due 02-03 (grace 3 days)
DUE = D("2024-02-03")
API = "/api/v1"
HX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# The pure rules


@pytest.mark.parametrize(
    ("filed", "made", "in_time"),
    [
        ("2024-02-03", "2024-02-03", True),  # entered on the deadline
        ("2024-02-04", "2024-02-04", False),  # a day late
        ("2024-02-05", "2024-01-30", True),  # paper made in time, entered within the grace days
        ("2024-02-06", "2024-02-03", True),  # … on the last day of them
        ("2024-02-07", "2024-01-30", False),  # entered too late for the paper date to count
        ("2024-02-05", "2024-02-04", False),  # paper made after the deadline
    ],
)
def test_filed_in_time(filed: str, made: str, in_time: bool) -> None:
    assert rules.filed_in_time(filed_on=D(filed), made_on=D(made), due_on=DUE, grace_days=3) is in_time


def test_late_cause_by_dates() -> None:
    cause = rules.late_cause
    assert cause(filings=[], due_on=DUE, grace_days=3) == rules.CAUSE_FILING
    assert cause(filings=[(D("2024-02-02"), D("2024-02-02"), None)], due_on=DUE, grace_days=3) == "approval"
    # Returned before the deadline: not a filing; returned after it: the delay is the review's.
    returned_early = (D("2024-02-01"), D("2024-02-01"), D("2024-02-02"))
    assert cause(filings=[returned_early], due_on=DUE, grace_days=3) == "filing"
    returned_late = (D("2024-02-01"), D("2024-02-01"), D("2024-02-05"))
    assert cause(filings=[returned_late], due_on=DUE, grace_days=3) == "approval"
    late_filing = (D("2024-02-09"), D("2024-02-09"), None)
    assert cause(filings=[returned_early, late_filing], due_on=DUE, grace_days=3) == "filing"
    assert LateCause.FILING == rules.CAUSE_FILING and LateCause.APPROVAL == rules.CAUSE_APPROVAL


def test_made_on_window() -> None:
    assert rules.made_on_window("monthly", JAN, grace_days=3) == (D("2024-01-01"), D("2024-02-03"))
    assert rules.made_on_window("weekly", D("2024-03-10"), grace_days=2) == (D("2024-03-04"), D("2024-03-12"))
    assert rules.made_on_window("quarterly", D("2024-06-30"), grace_days=0) == (
        D("2024-04-01"),
        D("2024-06-30"),
    )


# ---------------------------------------------------------------------------------------------
# Late marks from the tick


@pytest.fixture
def plan(p: Personas) -> Plan:
    """The 2024 monthly plan with the unit head's approval (grace 3 days, so January is due 02-03)."""
    return p.plan()


def _file(p: Personas, task: Task, on: str, *, made_on: str | None = None) -> Report:
    return report_submit(
        actor=p.reporter_a,
        task=task,
        percent=10,
        period=JAN,
        on=D(on),
        made_on=D(made_on) if made_on else None,
    )


def _marks(plan: Plan) -> dict[str, str]:
    """task title -> cause of its January mark."""
    return dict(
        LateReport.objects.filter(task__plan=plan, period_end=JAN).values_list("task__title", "cause")
    )


def _tasks(p: Personas, plan: Plan) -> dict[str, Task]:
    """One task per story of January's report; periods after January are reported by a head at once."""
    out = {}
    for title in ("按时审核", "逾期审核", "逾期填报", "从未填报", "负责人自报"):
        out[title] = p.task(plan, title=title, start=D("2024-01-01"), due=D("2024-03-31"))
    return out


def _january(p: Personas, t: dict[str, Task]) -> None:
    report_approve(actor=p.head_a, report=_file(p, t["按时审核"], "2024-02-01"), on=D("2024-02-03"))
    report_approve(actor=p.head_a, report=_file(p, t["逾期审核"], "2024-02-02"), on=D("2024-02-07"))
    report_approve(actor=p.head_a, report=_file(p, t["逾期填报"], "2024-02-06"), on=D("2024-02-06"))
    report_submit(actor=p.head_a, task=t["负责人自报"], percent=5, period=JAN, on=D("2024-02-02"))


def test_marks_tell_filing_from_approval_and_a_rerun_writes_nothing(p: Personas, plan: Plan) -> None:
    t = _tasks(p, plan)
    _january(p, t)
    assert mark_late_reports(plan_id=plan.pk, on=D("2024-02-08")) == 3
    assert _marks(plan) == {"逾期审核": "approval", "逾期填报": "filing", "从未填报": "filing"}
    due = set(LateReport.objects.values_list("due_on", flat=True))
    assert due == {DUE}
    before = list(LateReport.objects.order_by("pk").values())
    assert mark_late_reports(plan_id=plan.pk, on=D("2024-02-08")) == 0
    assert mark_late_reports(plan_id=plan.pk, on=D("2024-02-09")) == 0
    assert list(LateReport.objects.order_by("pk").values()) == before


def test_daily_ticks_and_one_catch_up_tick_record_the_same_marks(p: Personas, plan: Plan) -> None:
    """Ticks every day as the reports arrive, or one tick a week later: the same marks, by dates."""
    t = _tasks(p, plan)
    _january(p, t)
    for day in range(1, 9):
        mark_late_reports(plan_id=plan.pk, on=D("2024-02-01") + timedelta(days=day - 1))
    daily = _marks(plan)
    LateReport.objects.all().delete()
    Plan.objects.filter(pk=plan.pk).update(late_checked_on=None)  # as if never ticked
    mark_late_reports(plan_id=plan.pk, on=D("2024-02-08"))
    assert _marks(plan) == daily == {"逾期审核": "approval", "逾期填报": "filing", "从未填报": "filing"}
    # A tick as of a past day sees no fact after it: on 02-04 the late approval was still pending.
    LateReport.objects.all().delete()
    Plan.objects.filter(pk=plan.pk).update(late_checked_on=None)
    mark_late_reports(plan_id=plan.pk, on=D("2024-02-04"))
    assert _marks(plan) == {"逾期审核": "approval", "逾期填报": "filing", "从未填报": "filing"}


def test_paper_report_entered_within_the_grace_days_turns_a_filing_mark_into_approval(
    p: Personas, plan: Plan
) -> None:
    soon = p.task(plan, title="纸质及时录入", start=D("2024-01-01"), due=D("2024-03-31"))
    later = p.task(plan, title="纸质录入过晚", start=D("2024-01-01"), due=D("2024-03-31"))
    assert mark_late_reports(plan_id=plan.pk, on=D("2024-02-04")) == 2
    assert _marks(plan) == {"纸质及时录入": "filing", "纸质录入过晚": "filing"}
    _file(p, soon, "2024-02-06", made_on="2024-01-30")
    _file(p, later, "2024-02-07", made_on="2024-01-30")
    assert mark_late_reports(plan_id=plan.pk, on=D("2024-02-07")) == 1
    assert _marks(plan) == {"纸质及时录入": "approval", "纸质录入过晚": "filing"}
    assert mark_late_reports(plan_id=plan.pk, on=D("2024-02-08")) == 0


@pytest.mark.parametrize("counts", [True, False])
def test_plan_setting_decides_whether_approval_delay_is_late(p: Personas, plan: Plan, counts: bool) -> None:
    plan_update(actor=p.officer, plan=plan, late_approval_counts=counts)
    t = _tasks(p, plan)
    waiting = _file(p, t["逾期审核"], "2024-02-02")  # filed in time, still pending on 02-05
    _file(p, t["逾期填报"], "2024-02-05")  # filed late, pending
    lights = {r.title: r for r in compute_lights(plan_id=plan.pk, on=D("2024-02-05"))}
    assert lights["逾期审核"].report_late is counts
    assert lights["逾期填报"].report_late is True and lights["从未填报"].report_late is True
    mark_late_reports(plan_id=plan.pk, on=D("2024-02-05"))
    report_approve(actor=p.head_a, report=waiting, on=D("2024-02-07"))
    # The mark is recorded with its cause either way; it counts only where the plan says so.
    assert _marks(plan)["逾期审核"] == "approval"
    counted = set(LateReport.objects.counted().values_list("task__title", flat=True))
    assert ("逾期审核" in counted) is counts and {"逾期填报", "从未填报"} <= counted
    # As of 02-05 the same answer whenever it is asked: after the approval too.
    again = {r.title: r.report_late for r in compute_lights(plan_id=plan.pk, on=D("2024-02-05"))}
    assert again["逾期审核"] is counts
    # Once approved it is not late any more, either way.
    assert {r.title: r.report_late for r in compute_lights(plan_id=plan.pk, on=D("2024-02-07"))}[
        "逾期审核"
    ] is False
    rollup = period_rollup(p.officer, plan, JAN)
    unit = rollup["units"][0]
    # Three tasks never filed for January and one filed late; one filed in time and was approved late.
    assert (unit["filed_late"], unit["approved_late"]) == (4, 1)
    assert unit["late"] == (5 if counts else 4) == rollup["late"]


def test_plan_setting_on_the_manage_form_and_in_the_api(p: Personas, plan: Plan) -> None:
    from luoshi.work.forms_manage import PlanForm

    assert "late_approval_counts" in PlanForm().fields
    c = client_for(p.officer)
    page = c.get(f"/work/manage/plans/{plan.pk}/")
    assert (
        'name="late_approval_counts"' in page.content.decode() and "审核延迟计为迟报" in page.content.decode()
    )
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None and v is not False}
    data |= {"owner_unit": "", "start": "2024-01-01", "due": "2024-12-31"}
    data.pop("late_approval_counts")  # the box unticked
    assert c.post(f"/work/manage/plans/{plan.pk}/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.late_approval_counts is False
    plan_update(actor=p.officer, plan=plan, late_approval_counts=True)
    assert client_for(p.officer).get(f"{API}/plans/{plan.pk}").json()["late_approval_counts"] is True
    plan.refresh_from_db()
    plan_update(actor=p.officer, plan=plan, late_approval_counts=False)
    assert client_for(p.officer).get(f"{API}/plans/{plan.pk}").json()["late_approval_counts"] is False


# ---------------------------------------------------------------------------------------------
# The timeliness selector (the assessment's input)


def test_timeliness_per_unit(p: Personas, plan: Plan) -> None:
    t = _tasks(p, plan)
    b = p.task(plan, title="乙单位", unit=p.unit_b, start=D("2024-01-01"), due=D("2024-03-31"))
    _january(p, t)
    mark_late_reports(plan_id=plan.pk, on=D("2024-02-08"))
    got = timeliness(plan.pk, start=D("2024-02-01"), end=D("2024-02-29"))
    # Five tasks of A and one of B owe January's report (due 02-03); February's is due 03-03.
    assert got == {
        p.unit_a.pk: Timeliness(periods=5, filed_late=2, approved_late=1, counted_late=3),
        p.unit_b.pk: Timeliness(periods=1, filed_late=1, approved_late=0, counted_late=1),
    }
    assert timeliness(plan.pk, [p.unit_b.pk], start=D("2024-02-01"), end=D("2024-03-31")) == {
        p.unit_b.pk: Timeliness(periods=2, filed_late=1, approved_late=0, counted_late=1)
    }
    plan_update(actor=p.officer, plan=plan, late_approval_counts=False)
    assert timeliness(plan.pk, [p.unit_a.pk], start=DUE, end=DUE)[p.unit_a.pk].counted_late == 2
    assert b.pk  # the B task is the unit's one owed report


def test_timeliness_reads_a_fixed_number_of_queries(p: Personas, plan: Plan) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            timeliness(plan.pk, start=D("2024-01-01"), end=D("2024-12-31"))
        return len(ctx.captured_queries)

    p.task(plan, title="一")
    mark_late_reports(plan_id=plan.pk, on=D("2024-04-10"))
    few = queries()
    for i in range(6):
        p.task(plan, title=f"多{i}", unit=p.unit_b if i % 2 else p.unit_a)
    mark_late_reports(plan_id=plan.pk, on=D("2024-04-10"))
    assert queries() == few


def test_timeliness_api_per_visible_unit(p: Personas, plan: Plan) -> None:
    t = _tasks(p, plan)
    p.task(plan, title="乙单位", unit=p.unit_b, start=D("2024-01-01"), due=D("2024-03-31"))
    _january(p, t)
    mark_late_reports(plan_id=plan.pk, on=D("2024-02-08"))
    url = f"{API}/plans/{plan.pk}/timeliness?start=2024-02-01&end=2024-02-29"
    client = client_for(p.officer)
    client.get(url)
    with exact_queries("work.api[officer /plans/{plan}/timeliness]@6"):
        resp = client.get(url)
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["late_approval_counts"] is True
    rows = {u["unit_id"]: u for u in body["units"]}
    assert rows[p.unit_a.pk] | {} == {
        "unit_id": p.unit_a.pk,
        "unit_name": p.unit_a.name,
        "periods": 5,
        "filed_late": 2,
        "approved_late": 1,
        "counted_late": 3,
    }
    # A unit's reporter sees the units it may see, not the other's figures.
    mine = client_for(p.reporter_b).get(url).json()
    assert [u["unit_id"] for u in mine["units"]] == [p.unit_b.pk]
    assert client_for(None).get(url).status_code in (401, 403, 404)


def test_period_api_has_both_numbers(p: Personas, plan: Plan) -> None:
    t = _tasks(p, plan)
    _january(p, t)
    mark_late_reports(plan_id=plan.pk, on=D("2024-02-08"))
    body = client_for(p.officer).get(f"{API}/plans/{plan.pk}/periods/2024-01-31").json()
    assert (body["late"], body["filed_late"], body["approved_late"]) == (3, 2, 1)
    assert (body["units"][0]["filed_late"], body["units"][0]["approved_late"]) == (2, 1)


# ---------------------------------------------------------------------------------------------
# Back-filling a paper report (纸质填报)


@pytest.fixture
def running(p: Personas) -> tuple[Plan, Task]:
    """A monthly plan running today, a task of unit A."""
    today = timezone.localdate()
    plan = p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))
    return plan, p.task(plan, title="纸质填报任务")


def _last_period(today: date) -> date:
    return rules.previous_period_end("monthly", today)


def test_back_filled_report_keeps_both_dates_and_audits_them(p: Personas, running: Any) -> None:
    _plan, task = running
    today = timezone.localdate()
    made = _last_period(today) - timedelta(days=2)
    report = report_submit(actor=p.reporter_a, task=task, percent=20, on=today, made_on=made)
    # No period named: the period holding the paper date.
    assert (report.period_end, report.reported_on, report.filed_on) == (_last_period(today), made, today)
    entry = Entry.objects.filter(action="work.report.submitted").order_by("-seq").first()
    assert entry is not None
    assert entry.after["reported_on"] == made.isoformat() and entry.after["filed_on"] == today.isoformat()


@pytest.mark.parametrize("case", ["future", "before_period", "after_grace"])
def test_paper_date_outside_its_window_is_refused_naming_the_field(
    p: Personas, running: Any, case: str
) -> None:
    _plan, task = running
    today = timezone.localdate()
    last = _last_period(today)
    made, period = {
        "future": (today + timedelta(days=1), None),
        "before_period": (last - timedelta(days=40), last),
        "after_grace": (last + timedelta(days=4), last),
    }[case]
    if case == "after_grace" and made > today:
        made = today  # early in a month: the window's end is still ahead; today is inside the current period
        period = rules.previous_period_end("monthly", last)
    with pytest.raises(InvalidField) as exc:
        report_submit(actor=p.reporter_a, task=task, percent=20, on=today, made_on=made, period=period)
    assert exc.value.field == "reported_on"
    resp = client_for(p.reporter_a).post(
        f"{API}/tasks/{task.pk}/reports",
        data={
            "percent": 20,
            "reported_on": made.isoformat(),
            **({"period_end": period.isoformat()} if period else {}),
        },
        content_type="application/json",
    )
    assert resp.status_code == 400, resp.content
    assert resp.json()["field"] == "reported_on"
    assert not Report.objects.filter(task=task).exists()


def test_api_accepts_a_paper_date(p: Personas, running: Any) -> None:
    _plan, task = running
    today = timezone.localdate()
    made = _last_period(today) - timedelta(days=1)
    resp = client_for(p.head_a).post(
        f"{API}/tasks/{task.pk}/reports",
        data={"percent": 30, "reported_on": made.isoformat()},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["reported_on"], body["period_end"]) == (made.isoformat(), _last_period(today).isoformat())
    assert body["filed_on"] == today.isoformat()


def test_fill_page_takes_a_paper_date_and_the_history_shows_both(p: Personas, running: Any) -> None:
    _plan, task = running
    today = timezone.localdate()
    made = _last_period(today) - timedelta(days=3)
    client = client_for(p.reporter_a)
    page = client.get("/work/fill/")
    assert 'name="reported_on"' in page.content.decode()
    resp = client.post(f"/work/fill/{task.pk}/", {"percent": "40", "reported_on": made.isoformat()}, **HX)
    assert resp.status_code == 200, resp.content
    report = Report.objects.get(task=task)
    assert (report.reported_on, report.filed_on) == (made, today)
    detail = client.get(f"/work/tasks/{task.pk}/").content.decode()
    assert f"纸质报告 {made.month}月{made.day}日，{today.month}月{today.day}日录入" in detail
    # A paper date in the future comes back on the row, the report not filed.
    resp = client.post(
        f"/work/fill/{task.pk}/",
        {"percent": "45", "reported_on": (today + timedelta(days=2)).isoformat()},
        **HX,
    )
    assert "纸质填报日期" in resp.content.decode() and Report.objects.filter(task=task).count() == 1


@pytest.mark.parametrize("counts", [True, False])
def test_bulletin_lists_the_counted_marks_with_their_cause(p: Personas, plan: Plan, counts: bool) -> None:
    from luoshi.documents.bulletin import BulletinExporter, build_bulletin, render_bulletin_html

    plan_update(actor=p.officer, plan=plan, late_approval_counts=counts)
    t = _tasks(p, plan)
    _january(p, t)
    mark_late_reports(plan_id=plan.pk, on=D("2024-02-08"))
    b = build_bulletin(plan=Plan.objects.get(pk=plan.pk), on=D("2024-02-08"))
    listed = {x.title: x.cause_label for x in b.late}
    expected = {"逾期填报": "迟报（填报）", "从未填报": "迟报（填报）"}
    assert listed == expected | ({"逾期审核": "迟审（审核）"} if counts else {})
    assert (
        "迟审（审核）" in render_bulletin_html(b) if counts else "迟审（审核）" not in render_bulletin_html(b)
    )
    late_sheet = next(s for s in BulletinExporter(b).sheets() if s.name == "迟报")
    assert late_sheet.columns[-1].label == "原因"
    assert {row[-1] for row in late_sheet.rows} == set(listed.values())
