"""The daily tick (每日巡检): run the apps' registered daily steps (`jobs.periodic`) under a lease.

The task engine's step (`work.periodic`) recomputes stored lights, records late reports and counts
lights per unit. `tick_run` is safe to run again for the same day (it then changes nothing but the
steps' bookkeeping) and safe to run from two workers at once (the second finds the day claimed and
returns without work).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from luoshi.audit.services import record

from .models import TickRun
from .periodic import run_steps

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


# Summary keys of the steps that add up into TickResult's counts.
_COUNTED = ("plans", "lights_changed", "late_reports", "light_counts_changed")


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


def _tick_steps(day: date) -> TickResult:
    """Run the registered daily steps (`jobs.periodic`) and add up their summaries; one audit entry
    `jobs.tick.ran` when anything changed."""
    result = TickResult(day=day)
    for summary in run_steps(day).values():
        for key, value in summary.items():
            if key == "per_plan":
                result.per_plan.update(value)
            elif key in _COUNTED:
                setattr(result, key, getattr(result, key) + value)
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
    """Run the daily tick for day `on`: every registered step in order (for the task engine, each
    active plan's lights, late reports and light counts per unit); one audit entry `jobs.tick.ran`
    when anything changed. A run cut short resumes at the step that did not finish. Returns `ran=False` without doing
    anything when another worker holds the day.
    """
    token = _claim(on)
    if token is None:
        log.info("tick for %s is running elsewhere; skipped", on)
        return TickResult(day=on, ran=False)
    result: TickResult | None = None
    try:
        result = _tick_steps(on)
    finally:
        _release(on, token, result)
    return result
