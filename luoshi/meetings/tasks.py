"""Huey tasks of the meetings app: agendas go out within ten minutes of their time (48 hours
before the meeting by default), not only at the daily tick.

`luoshi worker` (`run_huey`) finds this module itself.
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import meetings_step


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def meetings_agendas() -> dict[str, int]:
    """Send the agendas whose time came and close the rolls of meetings that ended."""
    return meetings_step(timezone.localdate())
