"""Stored lights (亮灯) and late reports: the writes that follow the selectors' computations.

`figures_refresh` wherever a report becomes known (the task's stored known figures), `task_refresh`
after a write (the task and its ancestors), `persist_lights` for a whole plan (the daily tick,
imports, plan edits), `mark_late_reports` for the periods that closed without a report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection, router, transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone

from luoshi.lib import compiled
from luoshi.lib.background import Background
from luoshi.lib.bulk import update_rows
from luoshi.lib.ids import id_batches

from .. import rules, signals
from ..models import UNREPORTED, LateCause, LateReport, Plan, Report, StaleTask, Status, Task
from ..selectors import LightRow, compute_path_lights, compute_paths_lights

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


def figures_refresh(task_ids: Iterable[int] | None = None) -> int:
    """Store the tasks' known figures (every task's with None): the effective report as known so far
    (`ReportQuerySet.effective`, reports with a known_on) and the latest known_on among the task's
    reports. One set-based UPDATE; every path that makes a report known calls it in its transaction,
    before refreshing lights (not audited: derived data). Returns the number of tasks updated.

    For any day `on >= known_through` these are exactly what `selectors._latest_reports(…, on)` finds
    in the history, so `compute_lights` reads them instead of the reports."""
    if task_ids is None:
        return Task.objects.all().update(**_known_figures())
    ids = sorted(set(task_ids))
    if len(ids) == 1:  # a report filed: the same statement every time, compiled once
        using = router.db_for_write(Task)
        return compiled.execute("work.figures_refresh", ids[0], _one_task_figures, using=using)
    return Task.objects.filter(pk__in=ids).update(**_known_figures())


def _one_task_figures(task_id: int) -> tuple[str, list[Any]]:
    return compiled.update_sql(
        Task.objects.filter(pk=task_id), using=router.db_for_write(Task), **_known_figures()
    )


def _known_figures() -> dict[str, Any]:
    """`figures_refresh`'s values: subqueries over each task's reports."""
    known = Report.objects.filter(task_id=OuterRef("pk"), known_on__isnull=False).known_by(date.max)
    effective = Report.objects.filter(task_id=OuterRef("pk"), known_on__isnull=False).effective()
    top = effective.order_by("-period_end", "-reported_on", "-id")
    return dict(
        known_percent=Subquery(top.values("percent")[:1]),
        known_value=Subquery(top.values("value")[:1]),
        known_period=Subquery(top.values("period_end")[:1]),
        known_last_on=Subquery(
            effective.order_by().values("task_id").annotate(m=Max("reported_on")).values("m")[:1]
        ),
        known_through=Subquery(
            known.order_by().values("task_id").annotate(m=Max("known_on")).values("m")[:1]
        ),
    )


def refresh_after_report(items: Iterable[tuple[Task, date]]) -> None:
    """A report became known for each task (as of the day given): store the tasks' known figures and
    their and their ancestors' lights.

    In the writer's transaction; or, with LUOSHI_LIGHTS_IN_BACKGROUND (production's default), queued
    in it (`StaleTask`, one INSERT) and stored just after its commit by the process's refresher
    thread, many reports' at once (`refresh_stale`): the filer does not wait for the roll-up, a
    busy hour's reports share it, and a queued task left by a stopped process is refreshed by the
    next run anywhere or the worker's minute step."""
    items = sorted(items, key=lambda item: item[0].pk)
    if not items:
        return
    if not settings.LUOSHI_LIGHTS_IN_BACKGROUND or _refresh_deferred.get():
        figures_refresh([task.pk for task, _day in items])
        for task, day in items:
            task_refresh(task=task, on=day)
        return
    StaleTask.objects.bulk_create(
        [StaleTask(task_id=task.pk, region_id=task.region_id, on=day) for task, day in items]
    )
    if not any(hook[1] is _wake_refresher for hook in connection.run_on_commit):
        transaction.on_commit(_wake_refresher)


_REFRESH_LOCK = 7_042_010  # any constant, distinct from the other advisory locks


def refresh_stale(*, limit: int = 2000) -> int:
    """Store the known figures and lights of the queued tasks (`StaleTask`) and take them off the
    queue, up to `limit` rows a transaction, until it is empty; the number of rows taken.

    One refresher at a time: on PostgreSQL each transaction waits for an advisory lock, so a run
    woken while another holds it refreshes, once it has it, what the other's reading missed, and
    ancestors shared by both are rolled up from each other's stored figures, never from a stale
    read. Tasks queued for several days are refreshed as of each day, earliest first."""
    if not StaleTask.objects.exists():
        return 0  # the commonest case (the daily tick, the minute step): one query, no lock
    total = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
            rows = list(StaleTask.objects.order_by("id").values_list("id", "task_id", "on")[:limit])
            if not rows:
                return total
            StaleTask.objects.filter(pk__in=[r[0] for r in rows]).delete()
            by_day: dict[date, set[int]] = defaultdict(set)
            for _id, task_id, day in rows:
                by_day[day].add(task_id)
            figures_refresh({task_id for _id, task_id, _day in rows})
            for day in sorted(by_day):
                persist_lights(compute_paths_lights(task_ids=by_day[day], on=day), on=day)
        total += len(rows)
        if len(rows) < limit:
            return total


_refresher = Background("luoshi-lights", refresh_stale)


def refresh_before_showing() -> None:
    """Before a page shows the filer the task they just filed for: with LUOSHI_LIGHTS_IN_BACKGROUND,
    store what is queued now (waiting for a run under way, which stores it first), so the page never
    shows the light from before the report. Nothing to do where reports refresh in their own
    transaction. API clients are answered without it: their answer carries no light."""
    if settings.LUOSHI_LIGHTS_IN_BACKGROUND:
        refresh_stale()


def _wake_refresher() -> None:
    _refresher.wake()


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
    stored = {
        t[0]: t[1:]
        for batch in id_batches(ids)
        for t in Task.objects.filter(pk__in_ids=batch).values_list("id", *_STORED_FIELDS, "plan_id")
    }
    plans: set[int] = set()
    changed: list[tuple[Any, ...]] = []
    light_changed: list[tuple[int, str, str]] = []
    for r in rows:
        if only is not None and r.id not in only:
            continue
        old = stored.get(r.id)
        new = _compared(r)
        if old is not None and old[:6] == new:
            continue
        if old is not None and old[0] != r.light:
            light_changed.append((r.id, old[0], r.light))
        if old is not None:
            plans.add(old[-1])
        changed.append((*new, on, r.id))
    update_rows(Task, _STORED, changed)
    signals.lights_changed(light_changed, on=on, plan_ids=plans)
    return len(changed)


def first_lights(rows: list[LightRow], *, on: date, plan_id: int) -> dict[int, dict[str, Any]]:
    """The stored light columns (by task id) of new tasks about to be written with them, for the rows
    whose lights are not a new task's defaults; announced as `persist_lights` announces a change from
    those defaults, so a writer that stores them with the rows (`work.bulk.task_create_many`
    `lights_on`) leaves the plan's refresh nothing to rewrite and its listeners nothing missed."""
    from ..bulk import task_default

    default = tuple(task_default(f) for f in _STORED_FIELDS[:6])
    out: dict[int, dict[str, Any]] = {}
    light_changed: list[tuple[int, str, str]] = []
    for r in rows:
        new = _compared(r)
        if new == default:
            continue
        if r.light != default[0]:
            light_changed.append((r.id, default[0], r.light))
        out[r.id] = dict(zip(_STORED_FIELDS, (*new, on), strict=True))
    signals.lights_changed(light_changed, on=on, plan_ids=[plan_id] if out else [])
    return out


def _compared(r: LightRow) -> tuple[Any, ...]:
    """A computed light's stored values but the day (`_STORED` without `light_on`)."""
    return (r.light, r.actual, r.expected, r.slack, r.report_late, r.last_report_on)


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


def plan_figures_changed(*, plan_ids: Iterable[int]) -> int:
    """Mark the plans' stored figures as changed (`Plan.figures_version` + 1), so cached roll-ups and
    dashboards of them are not served again (not audited: derived data). Run after the commit of
    the change, from the `task_light_changed` and `task_status_changed` receivers, in its own short
    statement: report writers never wait on the plan's row."""
    ids = sorted(set(plan_ids))
    if not ids:
        return 0
    return Plan.objects.filter(pk__in=ids).update(figures_version=F("figures_version") + 1)


def mark_late_reports(*, plan_id: int, on: date) -> int:
    """Record every reporting period whose report was not known to the office by its deadline (迟报),
    once per task and period, with why (`LateReport.cause`, `rules.late_cause`).

    Everything is decided by dates, never by the day the tick runs: a period is late when no report
    for it was known (`known_on`) by its deadline, even if one arrived before a catch-up tick; facts
    after `on` are not seen. A mark is written once; the one later change is a filing mark that a
    paper report made in time and entered within the grace days (`rules.filed_in_time`) turns into
    an approval mark. Returns the number of marks written or reclassified; a rerun writes nothing.

    Only the periods whose deadline fell since the plan's last run (`Plan.late_checked_on`) are looked
    at — every period so far on the first run, the whole gap after a pause, none on a second run the
    same day — and, for reclassifying, the periods of reports entered since then; only the reports
    and late marks of those periods are read, so the cost follows the plan's tasks and the day's
    facts, not the length of its history. A run for a day before the last one looks at every period
    up to that day, as a first run would."""
    plan = Plan.objects.get(pk=plan_id)
    checked = plan.late_checked_on
    since = checked if checked is not None and checked <= on else None
    tasks = list(
        Task.objects.filter(region_id=plan.region_id, plan_id=plan_id, status=Status.IN_PROGRESS)
        .exclude(UNREPORTED)
        .values_list("id", "lead_unit_id", "start", "due", "cadence", "depth", "assigned_on")
    )
    candidates: dict[int, list[date]] = {}
    for tid, _unit_id, start, due, cadence, depth, assigned_on in tasks:
        periods = rules.late_periods(
            cadence=cadence or plan.cadence,
            start=rules.reports_from(start, assigned_on),
            due=due,
            reported_periods=(),
            on=on,
            grace_days=plan.grace_days,
            cascade_days=plan.cascade_days,
            levels_below_top=depth,
            since=since,
        )
        if periods:
            candidates[tid] = periods
    plan_reports = Report.objects.filter(
        region_id=plan.region_id, task__region_id=plan.region_id, task__plan_id=plan_id, filed_on__lte=on
    ).order_by()
    # Reports entered since the last run may turn a filing mark of their period into an approval mark.
    entered = plan_reports if since is None else plan_reports.filter(filed_on__gt=since)
    recent = set(entered.values_list("task_id", "period_end").distinct())
    ends = sorted({p for periods in candidates.values() for p in periods} | {p for _t, p in recent})
    if not ends:
        _late_checked(plan_id, checked, on)
        return 0
    depth_of = {t[0]: t[5] for t in tasks}
    filings, known_in_time = _filings(plan, plan_reports.filter(period_end__in=ends), on, depth_of)
    recorded: set[tuple[int, date]] = set()
    reclassified: list[int] = []
    for mark_id, tid, period, due_on, cause in LateReport.objects.filter(
        region_id=plan.region_id, task__region_id=plan.region_id, task__plan_id=plan_id, period_end__in=ends
    ).values_list("id", "task_id", "period_end", "due_on", "cause"):
        recorded.add((tid, period))
        if cause == LateCause.FILING and (tid, period) in recent:
            if (
                rules.late_cause(filings=filings[(tid, period)], due_on=due_on, grace_days=plan.grace_days)
                != cause
            ):
                reclassified.append(mark_id)
    new: list[LateReport] = []
    for tid, unit_id, _start, _due, _cadence, depth, _assigned_on in tasks:
        for period in candidates.get(tid, ()):
            if (tid, period) in recorded or period in known_in_time.get(tid, ()):
                continue
            due_on = rules.report_due(
                period, grace_days=plan.grace_days, cascade_days=plan.cascade_days, levels_below_top=depth
            )
            cause = rules.late_cause(
                filings=filings.get((tid, period), ()), due_on=due_on, grace_days=plan.grace_days
            )
            new.append(
                LateReport(
                    region_id=plan.region_id,
                    task_id=tid,
                    unit_id=unit_id,
                    period_end=period,
                    due_on=due_on,
                    detected_on=on,
                    cause=cause,
                )
            )
    # Periods recorded before are skipped above; ignore_conflicts only guards a concurrent writer.
    LateReport.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    if reclassified:
        LateReport.objects.filter(pk__in=reclassified, cause=LateCause.FILING).update(
            cause=LateCause.APPROVAL
        )
    _late_checked(plan_id, checked, on)
    return len(new) + len(reclassified)


def _filings(
    plan: Plan, reports: Any, on: date, depth_of: dict[int, int]
) -> tuple[dict[tuple[int, date], list[tuple[date, date, date | None]]], dict[int, set[date]]]:
    """(task, period) -> [(filed_on, made_on, returned by `on`)] of `reports`, and per task the periods
    whose report was known to the office by the period's deadline (and by `on`), for the tasks in
    progress (`depth_of`: their depth below the plan's top, which moves the deadline)."""
    filings: dict[tuple[int, date], list[tuple[date, date, date | None]]] = defaultdict(list)
    known_in_time: dict[int, set[date]] = defaultdict(set)
    for tid, period, filed_on, made_on, known_on, returned_on in reports.values_list(
        "task_id", "period_end", "filed_on", "reported_on", "known_on", "returned_on"
    ):
        returned = returned_on if returned_on is not None and returned_on <= on else None
        filings[(tid, period)].append((filed_on, made_on, returned))
        if known_on is None or known_on > on or tid not in depth_of:
            continue
        due_on = rules.report_due(
            period,
            grace_days=plan.grace_days,
            cascade_days=plan.cascade_days,
            levels_below_top=depth_of[tid],
        )
        if known_on <= due_on:
            known_in_time[tid].add(period)
    return filings, known_in_time


def _late_checked(plan_id: int, checked: date | None, on: date) -> None:
    if checked is None or checked < on:
        Plan.objects.filter(pk=plan_id).update(late_checked_on=on)
