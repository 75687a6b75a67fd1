"""Filing reports: periods checked against the task (issue 10.2), who may correct whose report and
what a returned correction means (10.3), and plausibility warnings for filer and approver (8.9).
Through the services, the API and the pages, for every persona."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import ImplausibleReport, InvalidField, LuoshiError, NotAllowed
from luoshi.org.models import Role
from luoshi.work import rules
from luoshi.work.models import Report, ReportState
from luoshi.work.services import (
    report_approve,
    report_return,
    report_submit,
    task_refresh,
)
from tests.factories import make_user
from tests.helpers import client_for

API = "/api/v1"
HX = {"HTTP_HX_REQUEST": "true"}


def post(user: Any, url: str, data: dict[str, Any]) -> Any:
    return client_for(user).post(API + url, data=data, content_type="application/json")


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    return timezone.localdate()


@pytest.fixture
def plan(p, today):  # type: ignore[no-untyped-def]
    """A running monthly plan with head approval, from 200 days ago to 165 days ahead."""
    return p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))


def _task(p, plan, **kw):  # type: ignore[no-untyped-def]
    task = p.task(plan, **kw)
    task_refresh(task=task)
    task.refresh_from_db()
    return task


# ---------------------------------------------------------------------------------------------
# 10.2 A report's period is one of the task's periods, not in the future


def test_far_future_period_is_refused_and_does_not_freeze_the_task(p, plan):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    # Past the dates the API accepts at all (2999-12-31): refused by the schema, naming the field.
    resp = post(p.head_a, f"/tasks/{task.pk}/reports", {"percent": 10, "period_end": "9999-12-31"})
    assert resp.status_code == 422, resp.content
    assert resp.json()["errors"][0]["loc"][-1] == "period_end"
    # Within those dates but years ahead of the task: refused by the period rule.
    resp = post(p.head_a, f"/tasks/{task.pk}/reports", {"percent": 10, "period_end": "2999-12-31"})
    assert resp.status_code == 400, resp.content
    body = resp.json()
    assert body["field"] == "period_end" and "所属期 2999-12-31" in body["detail"]
    assert not Report.objects.filter(task=task).exists()
    # The next, normal report counts.
    resp = post(p.head_a, f"/tasks/{task.pk}/reports", {"percent": 80})
    assert resp.status_code == 201, resp.content
    task.refresh_from_db()
    assert task.actual_pct == Decimal(80)


@pytest.mark.parametrize("case", ["not_an_end", "before_start", "after_due", "future"])
def test_api_refuses_periods_outside_the_task_naming_the_field(p, plan, today, case):  # type: ignore[no-untyped-def]
    task = _task(p, plan)
    this = rules.period_end("monthly", today)
    period = {
        "not_an_end": this - timedelta(days=1),
        "before_start": rules.previous_period_end("monthly", plan.start),
        "after_due": rules.period_end("monthly", plan.due + timedelta(days=40)),
        "future": rules.period_end("monthly", this + timedelta(days=1)),
    }[case]
    resp = post(p.head_a, f"/tasks/{task.pk}/reports", {"percent": 10, "period_end": period.isoformat()})
    assert resp.status_code == 400
    assert resp.json()["field"] == "period_end" and str(period) in resp.json()["detail"]
    assert not Report.objects.filter(task=task).exists()


def test_api_accepts_earlier_periods_and_the_due_date_as_the_last(p, plan, today):  # type: ignore[no-untyped-def]
    task = _task(p, plan, due=today)
    earlier = rules.previous_period_end("monthly", today)
    resp = post(p.head_a, f"/tasks/{task.pk}/reports", {"percent": 10, "period_end": earlier.isoformat()})
    assert resp.status_code == 201 and resp.json()["period_end"] == earlier.isoformat()
    resp = post(p.head_a, f"/tasks/{task.pk}/reports", {"percent": 20, "period_end": today.isoformat()})
    assert resp.status_code == 201
    assert resp.json()["period_end"] == rules.period_end("monthly", today).isoformat()


def test_overdue_task_reports_for_its_last_period(p, plan, today):  # type: ignore[no-untyped-def]
    task = _task(p, plan, start=today - timedelta(days=120), due=today - timedelta(days=40))
    report = report_submit(actor=p.head_a, task=task, percent=90)
    assert report.period_end == rules.period_end("monthly", task.due)


def test_fill_page_shows_the_period_refusal(p, plan, today):  # type: ignore[no-untyped-def]
    """A task whose first period has not begun cannot be filed from the page either."""
    later = rules.period_end("monthly", today) + timedelta(days=1)
    task = _task(p, plan, start=later)
    resp = client_for(p.reporter_a).post(f"/work/fill/{task.pk}/", {"percent": "10"}, **HX)
    assert resp.status_code == 200
    assert "所属期" in resp.content.decode() and 'class="flow-error"' in resp.content.decode()
    assert not Report.objects.filter(task=task).exists()


# ---------------------------------------------------------------------------------------------
# 10.3 Only the unit that filed a report corrects it; a returned correction is void


@pytest.fixture
def shared(p, plan):  # type: ignore[no-untyped-def]
    """A task of A with co-unit B; the lead unit's report, in force (filed by A's head)."""
    task = _task(p, plan, co_units=[p.unit_b])
    lead = report_submit(actor=p.head_a, task=task, percent=40, narrative="牵头单位填报")
    assert lead.state == ReportState.SUBMITTED
    return task, lead


@pytest.mark.parametrize(
    "who, status, state",
    [
        ("reporter_a", 201, ReportState.PENDING),
        ("head_a", 201, ReportState.SUBMITTED),
        ("officer", 201, ReportState.SUBMITTED),
        ("reporter_b", 403, None),
        ("leader", 403, None),
        ("anonymous", 401, None),
    ],
)
def test_who_may_correct_the_lead_units_report(p, shared, who, status, state):  # type: ignore[no-untyped-def]
    task, lead = shared
    resp = post(getattr(p, who), f"/tasks/{task.pk}/reports", {"percent": 45, "corrects": lead.pk})
    assert resp.status_code == status, resp.content
    corrections = Report.objects.filter(corrects=lead)
    if state is None:
        assert not corrections.exists()
    else:
        assert resp.json()["state"] == state and resp.json()["unit_id"] == p.unit_a.pk
        assert corrections.get().state == state


def test_co_unit_cannot_lock_the_lead_units_report(p, shared):  # type: ignore[no-untyped-def]
    """The issue's case: B's clerk "corrects" A's report; A's own correction must still go through."""
    task, lead = shared
    with pytest.raises(NotAllowed, match="区发展和改革局"):
        report_submit(actor=p.reporter_b, task=task, percent=5, corrects=lead)
    fixed = report_submit(actor=p.head_a, task=task, percent=42, corrects=lead)
    assert fixed.corrects_id == lead.pk and fixed.state == ReportState.SUBMITTED
    task.refresh_from_db()
    assert task.actual_pct == Decimal(42)


def test_lead_unit_cannot_correct_a_co_units_report(p, shared):  # type: ignore[no-untyped-def]
    task, _lead = shared
    head_b = make_user("head_b", unit=p.unit_b, role=Role.HEAD)
    co = report_submit(actor=p.reporter_b, task=task, percent=43, narrative="配合单位填报")
    report_approve(actor=head_b, report=co)
    with pytest.raises(NotAllowed):
        report_submit(actor=p.reporter_a, task=task, percent=44, corrects=co)
    assert report_submit(actor=p.reporter_b, task=task, percent=44, corrects=co).corrects_id == co.pk


def _ledger(user: Any, plan: Any) -> list[list[str]]:
    resp = client_for(user).get(f"/documents/ledger.csv?plan={plan.pk}")
    assert resp.status_code == 200
    text = b"".join(resp.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_returned_correction_is_void_and_the_report_may_be_corrected_again(p, plan, shared):  # type: ignore[no-untyped-def]
    task, lead = shared
    bad = report_submit(actor=p.reporter_a, task=task, percent=4, narrative="错误的更正", corrects=lead)
    assert bad.state == ReportState.PENDING
    # While the correction waits for the head, the report it names stays in force everywhere.
    assert list(Report.objects.effective().filter(task=task)) == [lead]
    assert _ledger(p.officer, plan)[1][-1].endswith("牵头单位填报")
    task.refresh_from_db()
    assert task.actual_pct == Decimal(40)
    page = client_for(p.head_a).get(f"/work/tasks/{task.pk}/").content.decode()
    assert f'id="report-{lead.pk}" class="' in page
    assert f'id="report-{lead.pk}" class="corrected' not in page
    with pytest.raises(LuoshiError, match="待单位负责人审核"):
        report_submit(actor=p.head_a, task=task, percent=41, corrects=lead)

    report_return(actor=p.head_a, report=bad, reason="数据不对")
    # Returned: void. The report stands and may be corrected again, by its unit.
    assert list(Report.objects.effective().filter(task=task)) == [lead]
    with pytest.raises(LuoshiError, match="已退回"):
        report_submit(actor=p.reporter_a, task=task, percent=41, corrects=bad)
    again = report_submit(actor=p.reporter_a, task=task, percent=41, corrects=lead)
    report_approve(actor=p.head_a, report=again)
    assert list(Report.objects.effective().filter(task=task)) == [again]
    page = client_for(p.head_a).get(f"/work/tasks/{task.pk}/").content.decode()
    assert f'id="report-{lead.pk}" class="corrected' in page
    assert f'id="report-{bad.pk}" class="corrected' not in page
    assert _ledger(p.officer, plan)[1][-1] != "" and "牵头单位填报" not in _ledger(p.officer, plan)[1][-1]
    task.refresh_from_db()
    assert task.actual_pct == Decimal(41)
    with pytest.raises(LuoshiError, match="已被更正过"):
        report_submit(actor=p.head_a, task=task, percent=42, corrects=lead)


def test_redoing_a_returned_correction_on_the_fill_page_corrects_the_same_report(p, shared):  # type: ignore[no-untyped-def]
    task, lead = shared
    bad = report_submit(actor=p.reporter_a, task=task, percent=4, corrects=lead)
    report_return(actor=p.head_a, report=bad, reason="数据不对")
    c = client_for(p.reporter_a)
    assert f'id="redo-{bad.pk}"' in c.get("/work/fill/").content.decode()
    resp = c.post(f"/work/fill/{task.pk}/", {"percent": "43", "redo": str(bad.pk)}, **HX)
    assert resp.status_code == 200 and "已填报" in resp.content.decode()
    redo = Report.objects.exclude(pk__in=[lead.pk, bad.pk]).get(task=task)
    assert redo.corrects_id == lead.pk and redo.state == ReportState.PENDING


# ---------------------------------------------------------------------------------------------
# 8.9 Plausibility warnings (合理性提示)


@pytest.fixture
def chargers(p, plan, today):  # type: ignore[no-untyped-def]
    """6.2.5 充电桩: a cumulative count, 803 reported for the last period."""
    task = _task(
        p,
        plan,
        title="新建充电桩",
        code="6.2.5",
        metric_name="充电桩",
        metric_unit="个",
        baseline=Decimal(0),
        target=Decimal(1000),
    )
    report_submit(actor=p.head_a, task=task, value=803, period=rules.previous_period_end("monthly", today))
    return task


def test_drop_on_a_cumulative_measure_needs_the_filers_confirmation(p, chargers):  # type: ignore[no-untyped-def]
    with pytest.raises(ImplausibleReport) as refused:
        report_submit(actor=p.reporter_a, task=chargers, value=100)
    assert refused.value.warnings == [rules.WARN_DROP] and refused.value.previous == Decimal(803)
    assert refused.value.field == "value" and "上期 803，本期 100" in str(refused.value)
    assert Report.objects.filter(task=chargers).count() == 1
    report = report_submit(actor=p.reporter_a, task=chargers, value=100, acknowledge_warnings=True)
    assert report.warnings == [rules.WARN_DROP] and report.warnings_acknowledged
    assert report.previous_figure == Decimal(803) and report.change == Decimal(-703)
    entry = Entry.objects.get(action="work.report.submitted", object_id=str(report.pk))
    assert entry.data["warnings"] == ["drop"] and entry.data["warnings_acknowledged"] is True
    # The task's timeline marks it for everyone who reads the report later.
    page = client_for(p.head_a).get(f"/work/tasks/{chargers.pk}/").content.decode()
    assert "合理性提示（填报人已确认）" in page and "比上期减少" in page


def test_plausible_reports_carry_no_warning(p, chargers):  # type: ignore[no-untyped-def]
    report = report_submit(actor=p.reporter_a, task=chargers, value=850)
    assert report.warnings == [] and not report.warnings_acknowledged
    assert report.previous_figure == Decimal(803)
    same = report_submit(actor=p.head_a, task=chargers, no_change=True)
    assert same.warnings == []


def test_api_warns_then_files_when_acknowledged(p, chargers):  # type: ignore[no-untyped-def]
    url = f"/tasks/{chargers.pk}/reports"
    resp = post(p.reporter_a, url, {"value": 100})
    assert resp.status_code == 400
    body = resp.json()
    assert body["field"] == "value" and body["warnings"] == ["drop"] and body["previous"] == 803
    resp = post(p.reporter_a, url, {"value": 100, "acknowledge_warnings": True})
    assert resp.status_code == 201
    assert resp.json()["warnings"] == ["drop"] and resp.json()["warnings_acknowledged"] is True
    assert resp.json()["previous_figure"] == 803


def test_fill_page_warns_and_files_on_confirmation(p, chargers):  # type: ignore[no-untyped-def]
    c = client_for(p.reporter_a)
    url = f"/work/fill/{chargers.pk}/"
    html = c.post(url, {"value": "100"}, **HX).content.decode()
    assert "上期 803，本期 100" in html and 'name="acknowledge_warnings"' in html
    assert 'value="100"' in html  # the figure typed is kept for the confirmation
    assert Report.objects.filter(task=chargers).count() == 1
    # Without JavaScript: the queue page comes back with the warning on that row.
    page = c.post(url, {"value": "100"})
    assert page.status_code == 200 and "上期 803，本期 100" in page.content.decode()
    html = c.post(url, {"value": "100", "acknowledge_warnings": "1"}, **HX).content.decode()
    assert "已填报" in html
    report = Report.objects.filter(task=chargers).latest("id")
    assert report.value == Decimal(100) and report.warnings_acknowledged


def test_approver_sees_previous_change_and_warning_and_must_approve_it_alone(p, plan, chargers):  # type: ignore[no-untyped-def]
    flagged = report_submit(actor=p.reporter_a, task=chargers, value=100, acknowledge_warnings=True)
    plain = report_submit(actor=p.reporter_a, task=_task(p, plan, title="普通任务"), percent=30)
    c = client_for(p.head_a)
    html = c.get("/work/approvals/").content.decode()
    row = html[html.index(f'id="approval-{flagged.pk}"') :]
    assert "上期 803个" in row and "-703" in row and "比上期减少" in row
    toolbar = html[: html.index('class="flow-list"')]
    assert f'name="report" value="{plain.pk}"' in toolbar
    assert f'name="report" value="{flagged.pk}"' not in toolbar and "须逐条审核" in toolbar
    # Even when posted, "approve all" leaves it for an individual decision.
    c.post("/work/approvals/approve-all/", {"report": [str(flagged.pk), str(plain.pk)]}, **HX)
    flagged.refresh_from_db()
    plain.refresh_from_db()
    assert plain.state == ReportState.SUBMITTED and flagged.state == ReportState.PENDING
    c.post(f"/work/approvals/{flagged.pk}/approve/", **HX)
    flagged.refresh_from_db()
    assert flagged.state == ReportState.SUBMITTED
    chargers.refresh_from_db()
    assert chargers.actual_pct == Decimal(10)


def test_warnings_read_in_english(p, chargers):  # type: ignore[no-untyped-def]
    from tests.web.test_i18n import chinese_left, user_data, visible_text

    report_submit(actor=p.reporter_a, task=chargers, value=100, acknowledge_warnings=True)
    head = client_for(p.head_a)
    head.cookies["django_language"] = "en"
    html = head.get("/work/approvals/").content.decode()
    assert "Plausibility warning" in html and "lower than the last report" in html
    assert not chinese_left(visible_text(html), user_data())
    clerk = client_for(p.head_a)
    clerk.cookies["django_language"] = "en"
    html = clerk.post(f"/work/fill/{chargers.pk}/", {"value": "90"}, **HX).content.decode()
    assert "last report 803, this report 90" in html and "submit anyway" in html
    assert not chinese_left(visible_text(html), user_data())
    resp = post(p.head_a, f"/tasks/{chargers.pk}/reports", {"percent": 5, "period_end": "2999-12-31"})
    assert resp.json()["field"] == "period_end"


def test_a_frozen_task_is_unfrozen_by_correcting_its_far_future_report(p, plan, today):  # type: ignore[no-untyped-def]
    """Reports filed before periods were checked: correcting one names a valid period."""
    task = _task(p, plan)
    stuck = Report.objects.create(
        task=task,
        unit=p.unit_a,
        author=p.head_a,
        period_end=date(9999, 12, 31),
        reported_on=today,
        filed_on=today,
        known_on=today,
        percent=Decimal(10),
        approved_by=p.head_a,
    )
    task_refresh(task=task)
    report_submit(actor=p.head_a, task=task, percent=60)
    task.refresh_from_db()
    assert task.actual_pct == Decimal(10)  # frozen by the old report
    with pytest.raises(InvalidField, match="9999-12-31"):
        report_submit(actor=p.officer, task=task, percent=60, corrects=stuck)
    fix = report_submit(
        actor=p.officer, task=task, percent=60, corrects=stuck, period=rules.period_end("monthly", today)
    )
    assert fix.state == ReportState.SUBMITTED and fix.unit_id == p.unit_a.pk
    task.refresh_from_db()
    assert task.actual_pct == Decimal(60)
