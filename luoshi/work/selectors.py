"""Set-based reads of the task engine: batch light computation, rollups, dashboards.

`compute_lights` loads a plan (or one subtree) in a fixed number of queries — tasks, the latest
report of each task as of a date, milestones — and applies the pure rules in memory, leaves
first, then parents from their children's weighted rollup.

Selectors only read: the stored lights and late reports are written by `services.lights`
(`task_refresh`, `persist_lights`, `mark_late_reports`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Q, Window
from django.db.models.functions import RowNumber

from . import paths, rules
from .models import NOT_COUNTED, Follow, Milestone, Plan, Report, Status, Task

SKIPPED_STATUSES = set(NOT_COUNTED)


@dataclass
class LightRow:
    id: int
    parent_id: int | None
    depth: int
    title: str
    lead_unit_id: int
    start: date
    due: date
    status: str
    weight: Decimal
    expected: Decimal
    actual: Decimal
    light: str
    slack: int | None
    report_late: bool
    last_report_on: date | None


def counted_rows(rows: list[LightRow]) -> list[LightRow]:
    """The rows every count counts (统计口径), as `Task.objects.counted()` in SQL: live work items,
    i.e. not draft or cancelled and without a live child."""
    live = [r for r in rows if r.status not in SKIPPED_STATUSES]
    parents = {r.parent_id for r in live if r.parent_id is not None}
    return [r for r in live if r.id not in parents]


def _latest_reports(task_filter: Q, on: date) -> dict[int, tuple[Decimal | None, Decimal | None, date, date]]:
    """task id -> (percent, value, last filing date, max period_end) of the effective report as known
    at the end of `on` (`ReportQuerySet.effective_by`).

    The effective report is the one for the latest period (a correction of an older period must
    not override newer progress), the latest made within it; a report superseded by a correction
    known by `on` does not count. Reports become known on their `known_on` (approval), so the answer
    for a past `on` does not change when old reports are approved later.
    """
    base = Report.objects.filter(task_filter).effective_by(on)
    # One pass: the effective row per task (rn = 1) carries its task's latest filing date too.
    latest = (
        base.annotate(
            rn=Window(
                RowNumber(),
                partition_by=[F("task_id")],
                order_by=[F("period_end").desc(), F("reported_on").desc(), F("id").desc()],
            ),
            last=Window(Max("reported_on"), partition_by=[F("task_id")]),
        )
        .filter(rn=1)
        .values_list("task_id", "percent", "value", "last", "period_end")
    )
    return {tid: (pct, val, last, period) for tid, pct, val, last, period in latest}


_TASK_FIELDS = (
    "id",
    "parent_id",
    "depth",
    "title",
    "lead_unit_id",
    "start",
    "due",
    "status",
    "weight",
    "baseline",
    "target",
    "direction",
    "monthly_plan",
    "cadence",
    "assigned_on",
)


def _milestones(task_q: Q, on: date) -> dict[int, list[rules.PlannedMilestone]]:
    milestones: dict[int, list[rules.PlannedMilestone]] = defaultdict(list)
    for tid, due, met, days in (
        Milestone.objects.filter(task_q)
        .order_by("task_id", "sort", "due")
        .values_list("task_id", "due", "met_on", "duration_days")
    ):
        milestones[tid].append(
            rules.PlannedMilestone(due=due, met_on=met if met and met <= on else None, duration_days=days)
        )
    return milestones


def _own_row(
    task: tuple[Any, ...],
    rep: tuple[Decimal | None, Decimal | None, date, date] | None,
    ms: list[rules.PlannedMilestone],
    plan: Plan,
    on: date,
) -> LightRow:
    """A task's light from its own report and dates, before any rollup of children."""
    (
        tid,
        parent_id,
        depth,
        title,
        unit_id,
        start,
        due,
        status,
        weight,
        baseline,
        target,
        direction,
        monthly_plan,
        cadence,
        assigned_on,
    ) = task
    cap = plan.progress_cap
    has_measure = baseline is not None and target is not None
    if has_measure and rep is not None and rep[1] is not None:
        actual = rules.measure_progress(
            rep[1], baseline=baseline, target=target, direction=direction, cap=cap
        )
    elif rep is not None and rep[0] is not None:
        actual = rules.percent_progress(rep[0], cap=cap)
    else:
        actual = rules.ZERO
    if status == Status.CLOSED and not has_measure:
        # A claim of completion says the work is done; a measure keeps its final reported value,
        # so a task closed below its target shows so (完成（未达标）).
        actual = max(actual, rules.HUNDRED)
    if has_measure and monthly_plan:
        expected = rules.expected_by_plan(
            monthly_plan, baseline=baseline, target=target, direction=direction, on=on
        )
    else:
        expected = rules.expected_by_time(start, due, on)
    late = False
    if status == Status.IN_PROGRESS:
        late = rules.is_report_late_now(
            cadence=cadence or plan.cadence,
            start=rules.reports_from(start, assigned_on),
            due=due,
            reported_periods=[rep[3]] if rep else [],
            on=on,
            grace_days=plan.grace_days,
            cascade_days=plan.cascade_days,
            levels_below_top=depth,
        )
    row = LightRow(
        id=tid,
        parent_id=parent_id,
        depth=depth,
        title=title,
        lead_unit_id=unit_id,
        start=start,
        due=due,
        status=status,
        weight=weight,
        expected=expected,
        actual=actual,
        light="",
        slack=None,
        report_late=late,
        last_report_on=rep[2] if rep else None,
    )
    thresholds = rules.Thresholds(plan.green_max, plan.yellow_max)
    row.light = _light_of(row, on, thresholds, ms)
    row.slack = _slack_of(row, on, ms)
    return row


def _roll_up(
    row: LightRow,
    kids: list[tuple[Decimal, Decimal, Decimal, str]],
    ms: list[rules.PlannedMilestone],
    plan: Plan,
    on: date,
) -> None:
    """A parent's progress from its children's (weight, actual, expected, status), skipping drafts and
    cancelled ones; with no such child it keeps its own."""
    counted = [(w, a, e) for w, a, e, status in kids if status not in SKIPPED_STATUSES]
    if not counted:
        return
    row.actual = rules.rollup([(w, a) for w, a, _e in counted]) or rules.ZERO
    row.expected = rules.rollup([(w, e) for w, _a, e in counted]) or rules.ZERO
    # A closed parent keeps its children's rollup: they are closed or cancelled, so it is 100% unless
    # one of them closed below its target.
    thresholds = rules.Thresholds(plan.green_max, plan.yellow_max)
    row.light = _light_of(row, on, thresholds, ms)
    row.slack = _slack_of(row, on, ms)


def compute_lights(
    *, plan_id: int, on: date, task_ids: Iterable[int] | None = None, subtree_of: int | None = None
) -> list[LightRow]:
    """Lights of every task in a plan (or in one task's subtree) as of `on`."""
    plan = Plan.objects.get(pk=plan_id)
    scope = Q(plan_id=plan_id)
    task_q = Q(task__plan_id=plan_id)
    if subtree_of is not None:
        root_path = Task.objects.filter(pk=subtree_of).values_list("path", flat=True).get()
        scope &= Q(path__startswith=root_path)
        task_q &= Q(task__path__startswith=root_path)
    if task_ids is not None:
        scope &= Q(pk__in=list(task_ids))
    tasks = list(Task.objects.filter(scope).values_list(*_TASK_FIELDS))
    reports = _latest_reports(task_q, on)
    milestones = _milestones(task_q, on)
    rows: dict[int, LightRow] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for task in tasks:
        tid, parent_id = task[0], task[1]
        if parent_id is not None:
            children[parent_id].append(tid)
        rows[tid] = _own_row(task, reports.get(tid), milestones.get(tid, []), plan, on)
    # Parents from their children's rollup, deepest first.
    for tid in sorted((t for t in rows if t in children), key=lambda t: -rows[t].depth):
        kids = [rows[c] for c in children[tid] if c in rows]
        _roll_up(
            rows[tid],
            [(k.weight, k.actual, k.expected, k.status) for k in kids],
            milestones.get(tid, []),
            plan,
            on,
        )
    return [rows[t[0]] for t in tasks]


def compute_path_lights(*, task_id: int, on: date) -> list[LightRow]:
    """Lights of one task and its ancestors as of `on`, in a fixed number of queries.

    Equal to `compute_lights` for those tasks when every other task's stored values are as of `on`
    (the daily tick keeps them so): each parent rolls up its children's stored values, except for
    the child on the path, which is recomputed first. Returned leaf-first.
    """
    path = Task.objects.filter(pk=task_id).values_list("path", "plan_id").get()
    ids = paths.path_ids(path[0]) or [task_id]
    plan = Plan.objects.get(pk=path[1])
    tasks = {t[0]: t for t in Task.objects.filter(pk__in=ids).values_list(*_TASK_FIELDS)}
    task_q = Q(task_id__in=ids)
    reports = _latest_reports(task_q, on)
    milestones = _milestones(task_q, on)
    # One query for the children of every task on the path (the task's own children included).
    kids: dict[int, dict[int, tuple[Decimal, Decimal, Decimal, str]]] = defaultdict(dict)
    for kid, parent_id, weight, actual, expected, status in Task.objects.filter(
        parent_id__in=ids
    ).values_list("id", "parent_id", "weight", "actual_pct", "expected_pct", "status"):
        kids[parent_id][kid] = (weight, actual, expected, status)
    out: list[LightRow] = []
    below: LightRow | None = None
    for tid in reversed(ids):
        row = _own_row(tasks[tid], reports.get(tid), milestones.get(tid, []), plan, on)
        mine = dict(kids.get(tid, {}))
        if below is not None:
            mine[below.id] = (below.weight, below.actual, below.expected, below.status)
        if mine:
            # Children in id order, as compute_lights meets them, so the rollup sums in the same order.
            _roll_up(row, [mine[k] for k in sorted(mine)], milestones.get(tid, []), plan, on)
        out.append(row)
        below = row
    return out


def _light_of(row: LightRow, on: date, thresholds: rules.Thresholds, ms: list[rules.PlannedMilestone]) -> str:
    return rules.light(
        on=on,
        start=row.start,
        due=row.due,
        closed=row.status == Status.CLOSED,
        expected=row.expected,
        actual=row.actual,
        thresholds=thresholds,
        report_late=row.report_late,
        milestone_missed=rules.milestone_missed(((m.due, m.met_on) for m in ms), on),
    )


def _slack_of(row: LightRow, on: date, ms: list[rules.PlannedMilestone]) -> int | None:
    if row.status == Status.CLOSED:
        return None
    return rules.slack_days(
        on=on, start=row.start, due=row.due, expected=row.expected, actual=row.actual, milestones=ms
    )


def followers(task_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(user id, task id) of everyone following one of the tasks (关注), for other apps' reactions."""
    return list(Follow.objects.filter(task_id__in=list(task_ids)).values_list("user_id", "task_id"))


def task_titles(task_ids: Iterable[int]) -> dict[int, str]:
    """Task id → title, in one query."""
    return dict(Task.objects.filter(pk__in=list(task_ids)).values_list("id", "title"))
