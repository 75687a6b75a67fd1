"""The daily tick (每日巡检): recompute stored lights, record late reports, count lights per unit.

`tick_run` is safe to run again for the same day (it then changes nothing at all) and safe to run
from two workers at once (the second finds the day claimed and returns without work).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from luoshi.audit.services import record
from luoshi.work.models import LightCount, Plan
from luoshi.work.selectors import compute_lights, counted_rows
from luoshi.work.services.lights import mark_late_reports, persist_lights

from .models import TickRun

log = logging.getLogger(__name__)

# A worker that died mid-run leaves its lease; another may take the day over after this long.
LEASE = timedelta(hours=1)


class TickBusy(Exception):
    """Another worker holds the day."""


@dataclass
class TickResult:
    day: date
    ran: bool = True
    plans: int = 0
    lights_changed: int = 0
    late_reports: int = 0
    light_counts_changed: int = 0
    per_plan: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.lights_changed + self.late_reports + self.light_counts_changed

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data.pop("ran")
        return data


def _claim(day: date) -> str | None:
    """Take the lease on `day` with one atomic statement; None when another worker holds it."""
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"[:64]
    now = timezone.now()
    try:
        with transaction.atomic():
            TickRun.objects.create(day=day, lease_token=token, lease_until=now + LEASE)
        return token
    except IntegrityError:
        pass
    taken = TickRun.objects.filter(Q(lease_token__isnull=True) | Q(lease_until__lt=now), day=day).update(
        lease_token=token, lease_until=now + LEASE
    )
    return token if taken == 1 else None


def _release(day: date, token: str, result: TickResult | None) -> None:
    changes: dict[str, Any] = {"lease_token": None, "lease_until": None}
    if result is not None and result.changed:
        changes |= {"finished_at": timezone.now(), "summary": result.as_data()}
    TickRun.objects.filter(day=day, lease_token=token).update(**changes)


def _light_counts(plan_id: int, day: date, rows: list[Any]) -> int:
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
    LightCount.objects.bulk_create(
        [
            LightCount(plan_id=plan_id, unit_id=unit, day=day, light=light, count=count)
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
            _light_counts(plan_id, day, rows),
        )


def _tick_plan_in_thread(plan_id: int, day: date) -> tuple[int, int, int]:
    try:
        return _tick_plan(plan_id, day)
    finally:
        connections.close_all()  # this thread's own connection


def tick_threads() -> int:
    """Plans ticked at once: half of the work is waiting on PostgreSQL, so two threads keep both
    the database and Python busy. SQLite has one writer: always 1 there."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1  # other connections would not see the caller's uncommitted writes
    return max(1, int(getattr(settings, "LUOSHI_TICK_THREADS", 2)))


def _tick_plans(day: date, threads: int | None = None) -> TickResult:
    """Each plan is ticked in its own transaction (a plan's lights, late reports and counts change
    together). A run cut short leaves some plans done for the day and the lease to run out; the
    next run redoes them without change, since every step only writes what differs."""
    result = TickResult(day=day)
    plan_ids = list(Plan.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    threads = tick_threads() if threads is None else threads
    if threads > 1 and len(plan_ids) > 1:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tick") as pool:
            outcomes = list(pool.map(lambda pid: _tick_plan_in_thread(pid, day), plan_ids))
    else:
        outcomes = [_tick_plan(pid, day) for pid in plan_ids]
    for plan_id, (lights, late, counts) in zip(plan_ids, outcomes, strict=True):
        result.plans += 1
        result.lights_changed += lights
        result.late_reports += late
        result.light_counts_changed += counts
        if lights or late or counts:
            result.per_plan[str(plan_id)] = {"lights": lights, "late_reports": late, "light_counts": counts}
    if result.changed:
        with transaction.atomic():
            record(
                None,
                "jobs.tick.ran",
                object_type="jobs.tickrun",
                object_id=day.isoformat(),
                object_repr=str(day),
                data=result.as_data(),
            )
    return result


def tick_run(*, on: date) -> TickResult:
    """Run the daily tick for day `on` over every active plan.

    For each plan: compute and store lights, record late reports, write the day's light counts per
    unit; one audit entry `jobs.tick.ran` when anything changed. Returns `ran=False` without doing
    anything when another worker holds the day.
    """
    token = _claim(on)
    if token is None:
        log.info("tick for %s is running elsewhere; skipped", on)
        return TickResult(day=on, ran=False)
    result: TickResult | None = None
    try:
        result = _tick_plans(on)
    finally:
        _release(on, token, result)
    _vacuum_after(result)
    return result


def _vacuum_after(result: TickResult) -> None:
    """After the tick rewrote the stored lights of many tasks, vacuum the task table at once.

    Counts and facet lists read work_task by index-only scans, which fall back to the heap for
    every page not marked all-visible: at province scale the task list's count went from 64 ms to
    164 ms after a tick until autovacuum came round. PostgreSQL only, outside any transaction."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    from luoshi.work.models import Task

    total = Task.objects.count()
    if total and result.lights_changed * 10 >= total:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(Task._meta.db_table)}")
