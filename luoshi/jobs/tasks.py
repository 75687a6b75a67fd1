"""Huey tasks: the daily tick at 01:30 local time (settings.TIME_ZONE, Asia/Shanghai by default).

Run the worker with `luoshi worker` (that is, `manage.py run_huey`); it finds this module itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from .services import TickResult, tick_run

TICK_AT = (1, 30)


def daily_at(hour: int, minute: int) -> Callable[[dt.datetime], bool]:
    """A Huey schedule matching hour:minute in the project's time zone, whatever clock Huey keeps.

    Huey hands the validator a naive UTC timestamp (or naive local time when `utc` is off), and its
    own `crontab` would read 01:30 as UTC — 09:30 in Shanghai.
    """

    def validate(timestamp: dt.datetime) -> bool:
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=dt.UTC) if HUEY.utc else timestamp.astimezone()
        local = timestamp.astimezone(ZoneInfo(settings.TIME_ZONE))
        return (local.hour, local.minute) == (hour, minute)

    return validate


@db_periodic_task(daily_at(*TICK_AT))  # type: ignore[untyped-decorator]
def daily_tick() -> None:
    """Recompute stored lights and mark late reports for today (the local date)."""
    tick_run(on=timezone.localdate())


@db_task()  # type: ignore[untyped-decorator]
def tick_for(day: str) -> dict[str, object]:
    """Run the tick for one day on the worker (e.g. after a bulk import); `day` is YYYY-MM-DD."""
    result: TickResult = tick_run(on=dt.date.fromisoformat(day))
    return {"ran": result.ran, **result.as_data()}


@db_task()  # type: ignore[untyped-decorator]
def run_job(job_id: int) -> bool:
    """Run a recorded job (`jobs.durable`): parsing a large import, completing search text."""
    from .durable import run

    return run(job_id)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def recover_jobs() -> int:
    """Every minute: queue again the jobs whose worker died (their lease ran out)."""
    from .durable import recover

    return recover()
