"""Huey tasks of the notify app: the outbox step every five minutes, so immediate followers hear of a
light change within minutes of it settling (`LUOSHI_NOTIFY_QUIET_MINUTES`), not only at the daily tick.

`luoshi worker` (`run_huey`) finds this module itself.
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import outbox_step


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def notify_outbox() -> dict[str, int]:
    """Deliver the staged light changes that are due and whatever the outbox has not sent yet."""
    return outbox_step(timezone.localdate())
