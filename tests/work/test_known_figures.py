"""Issue 20, item 4: a tick whose cost does not grow with history.

Every task keeps the effective report's figures as known so far (`Task.known_*`, kept by
`services.lights.figures_refresh` wherever a report becomes known). `compute_lights(on)` reads them for
every task whose reports were all known by `on` and asks the history only for the others, so the daily
tick reads no report; `mark_late_reports` looks only at the periods whose deadline fell since the plan's
last run. These tests hold the stored path to the history computation.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q

from luoshi.errors import LuoshiError
from luoshi.work import selectors
from luoshi.work.models import LateReport, Plan, Report, ReportState, Task
from luoshi.work.periodic import tick_plans
from luoshi.work.selectors import LightRow, compute_lights, compute_path_lights
from luoshi.work.services import (
    report_approve,
    report_approve_many,
    report_return,
    report_submit,
    task_claim_completion,
    task_confirm_completion,
)
from luoshi.work.services.lights import figures_refresh, mark_late_reports, persist_lights
from tests.factories import Personas, evidence
from tests.helpers import exact_queries

START = date(2024, 3, 4)


def history_lights(monkeypatch: pytest.MonkeyPatch, **kw: Any) -> list[LightRow]:
    """`compute_lights` from the reports alone, as before the stored figures: every task's figures
    from the history query."""
    n = len(selectors._TASK_FIELDS)

    def from_history(tasks: list[tuple[Any, ...]], on: date, scope_q: Q) -> Any:
        return [t[:n] for t in tasks], selectors._latest_reports(scope_q, on)

    with monkeypatch.context() as m:
        m.setattr(selectors, "_figures_as_of", from_history)
        return compute_lights(**kw)


def stored_figures(task_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """The stored figures of tasks with a known report, as `_latest_reports` gives them."""
    out = {}
    for tid, pct, val, last, period, _through in Task.objects.filter(pk__in=task_ids).values_list(
        "id", *selectors._KNOWN_FIELDS
    ):
        if period is not None:
            out[tid] = (pct, val, last, period)
    return out


def check_figures(task_ids: list[int]) -> None:
    """The stored figures are the history's answer for the end of time, and `known_through` is the
    latest known_on among the task's reports."""
    history = selectors._latest_reports(Q(task_id__in=task_ids), date.max)
    assert stored_figures(task_ids) == history
    for tid in task_ids:
        days = [d for d in Report.objects.filter(task_id=tid).values_list("known_on", flat=True) if d]
        assert Task.objects.get(pk=tid).known_through == (max(days) if days else None)


def _act(rnd: random.Random, p: Personas, tasks: list[Task], day: date) -> None:
    """One random step of a unit's reporting on `day`: filings (pending or known at once),
    approvals one by one or in a batch, returns, corrections by the head or the reporter."""
    pending = list(Report.objects.filter(task__in=tasks, state=ReportState.PENDING).order_by("pk"))
    live = list(
        Report.objects.filter(task__in=tasks, state=ReportState.SUBMITTED)
        .exclude(corrected_by__state__in=[ReportState.SUBMITTED, ReportState.PENDING])
        .order_by("pk")
    )
    what = rnd.choice(["file", "file", "file_known", "approve", "approve_many", "return", "correct"])
    task = rnd.choice(tasks)
    figure = {"value": rnd.randint(0, 120)} if task.has_measure else {"percent": rnd.randint(0, 100)}
    if what == "file":
        report_submit(actor=p.reporter_a, task=task, on=day, acknowledge_warnings=True, **figure)
    elif what == "file_known":
        report_submit(actor=p.head_a, task=task, on=day, acknowledge_warnings=True, **figure)
    elif what == "approve" and pending:
        report_approve(actor=p.head_a, report=rnd.choice(pending), on=day)
    elif what == "approve_many" and pending:
        report_approve_many(actor=p.head_a, reports=rnd.sample(pending, min(3, len(pending))), on=day)
    elif what == "return" and pending:
        report_return(actor=p.head_a, report=rnd.choice(pending), reason="数据有误", on=day)
    elif what == "correct" and live:
        old = rnd.choice(live)
        figure = {"value": rnd.randint(0, 120)} if old.task.has_measure else {"percent": rnd.randint(0, 100)}
        actor = rnd.choice([p.head_a, p.reporter_a])
        report_submit(actor=actor, task=old.task, corrects=old, on=day, acknowledge_warnings=True, **figure)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_stored_figures_equal_the_history(p: Personas, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Random filings, approvals (single and batched), returns and corrections over six weeks: after
    every day the stored figures equal the history computation, compute_lights from them equals
    compute_lights from the history for that day and for earlier days, and a day's lights computed
    at the end are the ones computed on that day."""
    rnd = random.Random(seed)
    plan = p.plan()  # the unit head approves the reporter's reports
    parent = p.task(plan, title="目标")
    tasks = [
        p.task(plan, title="百分比", parent=parent),
        p.task(plan, title="周报", parent=parent, cadence="weekly"),
        p.task(
            plan, title="指标", parent=parent, metric_name="项目", metric_unit="个", baseline=0, target=100
        ),
        p.task(plan, title="独立", start=date(2024, 2, 1), due=date(2024, 9, 30)),
    ]
    ids = [t.pk for t in tasks] + [parent.pk]
    seen: dict[date, list[LightRow]] = {}
    day = START
    for _ in range(24):
        for _step in range(rnd.randint(0, 3)):
            try:
                _act(rnd, p, tasks, day)
            except LuoshiError:
                pass  # a step the rules refuse (a closed period, a figure out of range…) changes nothing
        check_figures(ids)
        today = compute_lights(plan_id=plan.pk, on=day)
        assert today == history_lights(monkeypatch, plan_id=plan.pk, on=day)
        seen[day] = today
        past = rnd.choice(sorted(seen))
        assert compute_lights(plan_id=plan.pk, on=past) == history_lights(
            monkeypatch, plan_id=plan.pk, on=past
        )
        # A task's path (task_refresh) against the plan's computation, once the others are stored.
        persist_lights(today, on=day)
        by_id = {r.id: r for r in today}
        for tid in (tasks[0].pk, tasks[2].pk):
            assert compute_path_lights(task_id=tid, on=day) == [by_id[tid], by_id[parent.pk]]
        day += timedelta(days=rnd.randint(1, 3))
    # As known at the time: every day's lights, computed again at the end, are what they were.
    for d, rows in seen.items():
        assert compute_lights(plan_id=plan.pk, on=d) == rows, d


@pytest.mark.django_db
def test_a_confirmed_claims_final_report_is_stored(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan, metric_name="项目", metric_unit="个", baseline=0, target=200)
    report_submit(actor=p.head_a, task=task, value=80, on=date(2024, 6, 3))
    task_claim_completion(actor=p.head_a, task=task, note="完成", value=150, files=evidence())
    task_confirm_completion(actor=p.officer, task=task, on=date(2024, 6, 20))
    check_figures([task.pk])
    task.refresh_from_db()
    assert task.known_value == Decimal(150) and task.known_through == date(2024, 6, 20)


@pytest.mark.django_db
def test_the_tick_of_today_reads_no_report(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan)
    report_submit(actor=p.head_a, task=task, percent=40, on=date(2024, 6, 3))
    with exact_queries("work.compute_lights[stored figures]") as counted:
        rows = compute_lights(plan_id=plan.pk, on=date(2024, 6, 10))
    assert not any("work_report" in q for q in counted.queries)
    assert {r.id: r.actual for r in rows}[task.pk] == Decimal(40)
    # A day before the report was known asks the history, for that task only.
    with exact_queries("work.compute_lights[a day before]") as counted:
        rows = compute_lights(plan_id=plan.pk, on=date(2024, 6, 2))
    assert sum("work_report" in q for q in counted.queries) == 1
    assert {r.id: r.actual for r in rows}[task.pk] == Decimal(0)


def _file_months(p: Personas, plan: Plan, tasks: list[Task], months: range, rnd: random.Random) -> None:
    """A monthly report per task for each month, every second one approved a few days later."""
    for m in months:
        for t in tasks:
            filed = date(2024, m, 25)
            r = report_submit(
                actor=p.reporter_a, task=t, percent=min(100, 8 * m + rnd.randint(0, 5)), on=filed
            )
            if rnd.random() < 0.5:
                report_approve(actor=p.head_a, report=r, on=filed + timedelta(days=rnd.randint(0, 9)))


@pytest.mark.django_db
def test_tick_queries_do_not_grow_with_history(p: Personas) -> None:
    """The tick of one plan makes the same queries after 2 and after 12 months of reports, on a day a
    reporting deadline has just passed (that period's reports and late marks are read) and on a day
    none has."""
    rnd = random.Random(7)
    plan = p.plan(name="考核计划", start=date(2024, 1, 1), due=date(2025, 12, 31))
    Plan.objects.exclude(pk=plan.pk).update(is_active=False)
    tasks = [p.task(plan, title=f"任务{i}") for i in range(6)]
    tick_plans(date(2024, 1, 2), threads=1)
    counts: dict[str, list[int]] = {"deadline": [], "quiet": []}
    for months, deadline, quiet in (
        (range(1, 3), date(2024, 3, 4), date(2024, 3, 12)),  # February's reports were due 03-03
        (range(3, 13), date(2025, 1, 4), date(2025, 1, 12)),  # December's were due 01-03
    ):
        _file_months(p, plan, tasks, months, rnd)
        tick_plans(deadline - timedelta(days=1), threads=1)  # catches up the gap at once
        size = f"{months.stop - 1} months"
        with exact_queries(f"work.tick[one plan, deadline passed]@{size}") as counted:
            tick_plans(deadline, threads=1)
        counts["deadline"].append(counted.count)
        with exact_queries(f"work.tick[one plan, quiet day]@{size}") as counted:
            tick_plans(quiet, threads=1)
        counts["quiet"].append(counted.count)
    assert counts["deadline"][0] == counts["deadline"][1]
    assert counts["quiet"][0] == counts["quiet"][1]
    assert counts["quiet"][0] < counts["deadline"][0]  # a quiet day reads only the reports entered since
    assert Report.objects.filter(task__plan=plan).count() == 12 * len(tasks)


@pytest.mark.django_db
def test_late_marks_incremental_equal_a_full_check(p: Personas) -> None:
    """Daily runs, a gap of several weeks and a first run all record the same late periods as one
    run over the whole history."""
    plans = []
    for n in range(2):
        plan = p.plan(name=f"计划{n}", head_approval=False)
        tasks = [
            p.task(plan, title=f"月{n}"),
            p.task(plan, title=f"周{n}", cadence="weekly"),
            p.task(plan, title=f"季{n}", cadence="quarterly", start=date(2024, 2, 10)),
        ]
        for t in tasks:
            for m in (1, 2, 4, 7):
                report_submit(actor=p.head_a, task=t, percent=10 * m, on=date(2024, m, 28))
        plans.append((plan, tasks))
    incremental, full = plans
    day = date(2024, 1, 1)
    while day <= date(2024, 9, 30):
        if not date(2024, 5, 3) <= day <= date(2024, 6, 20):  # a pause, caught up at once after it
            mark_late_reports(plan_id=incremental[0].pk, on=day)
        day += timedelta(days=1)
    mark_late_reports(plan_id=full[0].pk, on=date(2024, 9, 30))

    def marks(plan: Plan, tasks: list[Task]) -> set[tuple[str, date]]:
        names = {t.pk: t.title[0] for t in tasks}
        return {
            (names[tid], period)
            for tid, period in LateReport.objects.filter(task__plan=plan).values_list("task_id", "period_end")
        }

    assert marks(*incremental) == marks(*full)
    assert len(marks(*full)) > 20
    # A second run the same day, and a run for an earlier day, add nothing.
    assert mark_late_reports(plan_id=incremental[0].pk, on=date(2024, 9, 30)) == 0
    assert mark_late_reports(plan_id=incremental[0].pk, on=date(2024, 8, 1)) == 0
    assert Plan.objects.get(pk=incremental[0].pk).late_checked_on == date(2024, 9, 30)


@pytest.mark.django_db
def test_figures_refresh_of_every_task(p: Personas) -> None:
    plan = p.plan(head_approval=False)
    tasks = [p.task(plan) for _ in range(3)]
    report_submit(actor=p.head_a, task=tasks[0], percent=30, on=date(2024, 5, 2))
    Task.objects.update(
        known_percent=None, known_value=None, known_period=None, known_last_on=None, known_through=None
    )
    assert figures_refresh() == Task.objects.count()
    check_figures([t.pk for t in tasks])
