"""Stored lights (亮灯) and late reports: the writes that follow the selectors' computations.

`task_refresh` after a write (the task and its ancestors), `persist_lights` for a whole plan (the daily
tick, imports, plan edits), `mark_late_reports` for the periods that closed without a report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.utils import timezone

from luoshi.lib.bulk import update_rows

from .. import rules, signals
from ..models import LateReport, Plan, Report, Status, Task
from ..selectors import LightRow, compute_path_lights

# Set while a caller replays history and recomputes whole plans afterwards (the demo's loader).
_refresh_deferred: ContextVar[bool] = ContextVar("work_refresh_deferred", default=False)


@contextmanager
def refresh_deferred() -> Iterator[None]:
    """Within the block `task_refresh` does nothing: the caller recomputes the plans' lights after it
    (`persist_lights(compute_lights(...))`). Stored lights are derived data; reports, transitions and
    the audit trail are written as always."""
    token = _refresh_deferred.set(True)
    try:
        yield
    finally:
        _refresh_deferred.reset(token)


def task_refresh(*, task: Task, on: date | None = None) -> None:
    """Recompute the stored light of a task and of its ancestors (not audited: derived data).

    Only the task and its ancestors are recomputed; every other task's stored values (kept fresh by
    the daily tick) stand in for their subtrees, so the cost is the depth, not the plan's size.
    """
    if _refresh_deferred.get():
        return
    day = on or timezone.localdate()
    rows = compute_path_lights(task_id=task.pk, on=day)
    persist_lights(rows, on=day)


def persist_lights(rows: list[LightRow], *, on: date, only: set[int] | None = None) -> int:
    """Store computed lights; write only rows that changed, so a second run writes nothing."""
    ids = [r.id for r in rows if only is None or r.id in only]
    stored = (
        {t[0]: t[1:] for t in Task.objects.filter(pk__in=ids).values_list("id", *_STORED_FIELDS)}
        if len(ids) < 5000
        else _stored_in_chunks(ids)
    )
    changed: list[tuple[Any, ...]] = []
    light_changed: list[tuple[int, str, str]] = []
    for r in rows:
        if only is not None and r.id not in only:
            continue
        old = stored.get(r.id)
        new = (r.light, r.actual, r.expected, r.slack, r.report_late, r.last_report_on)
        if old is not None and old[:6] == new:
            continue
        if old is not None and old[0] != r.light:
            light_changed.append((r.id, old[0], r.light))
        changed.append((r.light, r.actual, r.expected, r.slack, r.report_late, r.last_report_on, on, r.id))
    update_rows(Task, _STORED, changed)
    signals.lights_changed(light_changed, on=on)
    return len(changed)


# Stored per-task state refreshed by reports and the tick: (field, SQL type) for `update_rows`.
_STORED = (
    ("light", "varchar"),
    ("actual_pct", "numeric"),
    ("expected_pct", "numeric"),
    ("slack_days", "integer"),
    ("report_late", "boolean"),
    ("last_report_on", "date"),
    ("light_on", "date"),
)
_STORED_FIELDS = tuple(field for field, _type in _STORED)


def _stored_in_chunks(ids: list[int]) -> dict[int, tuple[Any, ...]]:
    out: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        for t in Task.objects.filter(pk__in=chunk).values_list("id", *_STORED_FIELDS):
            out[t[0]] = t[1:]
    return out


def mark_late_reports(*, plan_id: int, on: date) -> int:
    """Record every reporting period that closed without a report (once per task and period)."""
    plan = Plan.objects.get(pk=plan_id)
    tasks = list(
        Task.objects.filter(plan_id=plan_id, status=Status.IN_PROGRESS).values_list(
            "id", "lead_unit_id", "start", "due", "cadence", "depth", "assigned_on"
        )
    )
    reported: dict[int, set[date]] = defaultdict(set)
    for tid, period in (
        Report.objects.filter(task__plan_id=plan_id)
        .known_by(on)
        .order_by()  # without Report's default ordering, which DISTINCT would have to include
        .values_list("task_id", "period_end")
        .distinct()
    ):
        reported[tid].add(period)
    recorded: dict[int, set[date]] = defaultdict(set)
    for tid, period in LateReport.objects.filter(task__plan_id=plan_id).values_list("task_id", "period_end"):
        recorded[tid].add(period)
    new: list[LateReport] = []
    for tid, unit_id, start, due, cadence, depth, assigned_on in tasks:
        for period in rules.late_periods(
            cadence=cadence or plan.cadence,
            start=rules.reports_from(start, assigned_on),
            due=due,
            reported_periods=reported.get(tid, set()) | recorded.get(tid, set()),
            on=on,
            grace_days=plan.grace_days,
            cascade_days=plan.cascade_days,
            levels_below_top=depth,
        ):
            due_on = rules.report_due(
                period, grace_days=plan.grace_days, cascade_days=plan.cascade_days, levels_below_top=depth
            )
            new.append(
                LateReport(task_id=tid, unit_id=unit_id, period_end=period, due_on=due_on, detected_on=on)
            )
    # Periods recorded before are skipped above; ignore_conflicts only guards a concurrent writer.
    LateReport.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    return len(new)
