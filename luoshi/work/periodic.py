"""The task engine's daily step (registered with `jobs.periodic` in `WorkConfig.ready`).

`work.plans`: for each active plan, in its own transaction, recompute and store the lights, record
late reports and write the day's light counts per unit (统计口径) — a plan's three change together.
Plans run on `jobs.periodic.tick_threads()` threads. A run cut short leaves some plans done for the
day; the next run redoes them without change, since every part only writes what differs.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db import connection, connections, transaction

from luoshi.jobs.periodic import tick_threads

from .models import LightCount, Plan, Task
from .selectors import compute_lights, counted_rows
from .services.lights import mark_late_reports, persist_lights, refresh_stale


@dataclass
class PlanTotals:
    """What the step changed, in the daily tick's summary fields."""

    plans: int = 0
    lights_changed: int = 0
    late_reports: int = 0
    light_counts_changed: int = 0
    per_plan: dict[str, dict[str, int]] = field(default_factory=dict)


def light_counts_store(plan_id: int, day: date, rows: list[Any]) -> int:
    """Store how many counted tasks (统计口径: work items) of each lead unit have each light; rewrite
    only when they differ."""
    new = Counter((r.lead_unit_id, r.light) for r in counted_rows(rows))
    old = {
        (unit, light): count
        for unit, light, count in LightCount.objects.filter(plan_id=plan_id, day=day).values_list(
            "unit_id", "light", "count"
        )
    }
    if old == dict(new):
        return 0
    LightCount.objects.filter(plan_id=plan_id, day=day).delete()
    region_id = Plan.objects.filter(pk=plan_id).values_list("region_id", flat=True).get()
    LightCount.objects.bulk_create(
        [
            LightCount(plan_id=plan_id, region_id=region_id, unit_id=unit, day=day, light=light, count=count)
            for (unit, light), count in sorted(new.items())
        ],
        batch_size=1000,
    )
    return len(set(old.items()) ^ set(new.items()))


def _tick_plan(plan_id: int, day: date) -> tuple[int, int, int]:
    """One plan's share of the tick, in its own transaction: (lights, late reports, light counts)."""
    with transaction.atomic():
        rows = compute_lights(plan_id=plan_id, on=day)
        return (
            persist_lights(rows, on=day),
            mark_late_reports(plan_id=plan_id, on=day),
            light_counts_store(plan_id, day, rows),
        )


def _tick_plan_in_thread(plan_id: int, day: date) -> tuple[int, int, int]:
    try:
        return _tick_plan(plan_id, day)
    finally:
        connections.close_all()  # this thread's own connection


def tick_plans(day: date, threads: int | None = None) -> PlanTotals:
    """Tick every active plan for `day`, each in its own transaction."""
    totals = PlanTotals()
    refresh_stale()  # the reports filed last, queued for the refresher: known before the plans are ticked
    plan_ids = list(Plan.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    threads = tick_threads() if threads is None else threads
    if threads > 1 and len(plan_ids) > 1:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tick") as pool:
            outcomes = list(pool.map(lambda pid: _tick_plan_in_thread(pid, day), plan_ids))
    else:
        outcomes = [_tick_plan(pid, day) for pid in plan_ids]
    for plan_id, (lights, late, counts) in zip(plan_ids, outcomes, strict=True):
        totals.plans += 1
        totals.lights_changed += lights
        totals.late_reports += late
        totals.light_counts_changed += counts
        if lights or late or counts:
            totals.per_plan[str(plan_id)] = {"lights": lights, "late_reports": late, "light_counts": counts}
    return totals


def plans_step(day: date) -> dict[str, Any]:
    """The registered step: tick every plan, then vacuum the task table if many lights changed."""
    totals = tick_plans(day)
    vacuum_tasks(totals.lights_changed)
    return asdict(totals)


def vacuum_tasks(lights_changed: int) -> None:
    """After the tick rewrote the stored lights of many tasks, vacuum the task table at once.

    Counts and facet lists read work_task by index-only scans, which fall back to the heap for
    every page not marked all-visible: at province scale the task list's count went from 64 ms to
    164 ms after a tick until autovacuum came round. PostgreSQL only, outside any transaction."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    total = Task.objects.count()
    if total and lights_changed * 10 >= total:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(Task._meta.db_table)}")


def register() -> None:
    from luoshi.jobs import periodic

    periodic.register("work.plans", order=100, run=plans_step)
