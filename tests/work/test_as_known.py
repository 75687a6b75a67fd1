"""Issue 20, item 1: "as of D" means "as known to the office at the end of D".

A report counts from the day it became known (`Report.known_on`: approved by the unit head, or entered
where no approval is needed), so lights for a past date do not change when old reports are approved
or corrected later.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from luoshi.work.models import Report, ReportState
from luoshi.work.selectors import compute_lights
from luoshi.work.services import report_approve, report_approve_many, report_return, report_submit
from luoshi.work.signals import task_light_changed
from tests.factories import Personas

D1 = date(2024, 7, 1)  # 182 of 365 days: expected 49.86%
D2 = date(2024, 7, 20)


def lights_csv(plan_id: int, day: date) -> dict[int, list[str]]:
    out = io.StringIO()
    call_command("lights", "--plan", str(plan_id), "--date", day.isoformat(), stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    return {int(r[0]): r[1:] for r in rows[1:]}


@pytest.mark.django_db
def test_approving_later_does_not_change_the_light_of_the_filing_day(p: Personas) -> None:
    """The issue's reproduction: filed on D1 (pending), lights for D1; approved on D2; D1 unchanged."""
    plan = p.plan()  # the unit head approves
    task = p.task(plan, title="待审核任务")
    report = report_submit(actor=p.reporter_a, task=task, percent=50, on=D1)
    assert report.state == ReportState.PENDING and report.known_on is None
    assert report.filed_on == D1 and report.reported_on == D1
    before = lights_csv(plan.pk, D1)
    assert "red" in before[task.pk]  # nothing known on D1: 0% against 49.86%
    report_approve(actor=p.head_a, report=report, on=D2)
    report.refresh_from_db()
    assert report.known_on == D2
    assert lights_csv(plan.pk, D1) == before
    # From D2 on the report counts: 50% against ~55% expected.
    row = {r.id: r for r in compute_lights(plan_id=plan.pk, on=D2)}[task.pk]
    assert row.actual == Decimal("50.00")
    earlier = {r.id: r for r in compute_lights(plan_id=plan.pk, on=D1)}[task.pk]
    assert earlier.actual == Decimal(0)


@pytest.mark.django_db
def test_a_correction_known_later_leaves_the_past_as_it_was(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan)
    first = report_submit(actor=p.head_a, task=task, percent=40, on=D1)
    assert first.known_on == D1  # no approval needed: known the day it is entered
    report_submit(actor=p.head_a, task=task, percent=48, corrects=first, on=D2)
    assert {r.id: r for r in compute_lights(plan_id=plan.pk, on=D1)}[task.pk].actual == Decimal("40.00")
    assert {r.id: r for r in compute_lights(plan_id=plan.pk, on=D2)}[task.pk].actual == Decimal("48.00")


@pytest.mark.django_db
def test_an_approval_is_never_known_before_the_report_was_entered(p: Personas) -> None:
    plan = p.plan()
    task = p.task(plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=30, on=D2)
    report_approve(actor=p.head_a, report=report, on=D1)
    report.refresh_from_db()
    assert report.known_on == D2


@pytest.mark.django_db
def test_a_returned_report_records_its_day_and_never_counts(p: Personas) -> None:
    plan = p.plan()
    task = p.task(plan)
    report = report_submit(actor=p.reporter_a, task=task, percent=30, on=D1)
    report_return(actor=p.head_a, report=report, reason="数据有误", on=D2)
    report.refresh_from_db()
    assert (report.state, report.returned_on, report.known_on) == (ReportState.RETURNED, D2, None)
    assert {r.id: r for r in compute_lights(plan_id=plan.pk, on=D2)}[task.pk].actual == Decimal(0)


@pytest.mark.django_db
def test_approving_many_refreshes_each_task_once(p: Personas, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """全部审核通过: two pending reports of one task and one of another → one light change each."""
    plan = p.plan()
    busy, other = p.task(plan, title="两条待审"), p.task(plan, title="一条待审")
    pending = [
        report_submit(actor=p.reporter_a, task=busy, percent=10 * (n + 1), period=date(2024, m, d), on=D1)
        for n, (m, d) in enumerate(((4, 30), (5, 31)))
    ]
    pending.append(report_submit(actor=p.reporter_a, task=other, percent=50, on=D1))
    heard: list[tuple[int, str, str]] = []

    def listen(sender, *, changes, **kw):  # type: ignore[no-untyped-def]
        heard.extend((c.task_id, c.old, c.new) for c in changes)

    task_light_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            approved, refused = report_approve_many(actor=p.head_a, reports=pending, on=D1)
    finally:
        task_light_changed.disconnect(listen)
    assert (len(approved), refused) == (3, [])
    assert Report.objects.filter(pk__in=[r.pk for r in pending], known_on=D1).count() == 3
    assert sorted(t for t, _o, _n in heard) == sorted({busy.pk, other.pk})


@pytest.mark.django_db
def test_approving_many_keeps_going_past_a_refused_one(p: Personas) -> None:
    plan = p.plan()
    task = p.task(plan)
    good = report_submit(actor=p.reporter_a, task=task, percent=20, on=D1)
    other_unit = report_submit(actor=p.reporter_b, task=p.task(plan, unit=p.unit_b), percent=20, on=D1)
    approved, refused = report_approve_many(actor=p.head_a, reports=[other_unit, good], on=D1)
    assert [r.pk for r in approved] == [good.pk]
    assert [r.pk for r, _e in refused] == [other_unit.pk]
    other_unit.refresh_from_db()
    assert other_unit.state == ReportState.PENDING
