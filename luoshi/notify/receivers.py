"""The task engine's domain signals turned into notifications for the users who follow a task.

Connected in `NotifyConfig.ready`. Receivers run after the commit of the write that sent the signal
(`work.signals.send_on_commit`), so they read committed data. Light changes are staged per follower
and told as the net change by the outbox step (`services.light_changes_deliver`); the texts are those
users read before the notify app existed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.work import signals
from luoshi.work.selectors import followers, task_titles

from .services import Message, light_changes_stage, notify


def on_light_changed(
    sender: Any, *, changes: tuple[signals.LightChange, ...], on: date | None = None, **kwargs: Any
) -> None:
    """A light change of a followed task is staged for its followers, not told at once: the outbox
    step tells each the net change once it is due (`services.light_changes_deliver`, docs/rules.md)."""
    light_changes_stage(changes, on=on or timezone.localdate())


def on_status_changed(sender: Any, *, task_id: int, action: str, reason: str, **kwargs: Any) -> None:
    """Followers are told when the office sends a completion claim back (完成申请被退回)."""
    if action != "work.task.completion_rejected":
        return
    following = followers([task_id])
    if not following:
        return
    title = task_titles([task_id])[task_id]
    text = _("完成申请被退回：%(t)s（%(r)s）") % {"t": title[:80], "r": reason[:80]}
    notify(
        (Message(user_id, task_id, text) for user_id, _t in following),
        rule="work.completion.returned.followers",
    )


def connect() -> None:
    signals.task_light_changed.connect(on_light_changed, dispatch_uid="notify.light_changed")
    signals.task_status_changed.connect(on_status_changed, dispatch_uid="notify.status_changed")
    from luoshi.jobs import periodic

    from .reminders import reminders_plan
    from .services import outbox_step

    periodic.register("notify.reminders", order=850, run=reminders_plan)
    periodic.register("notify.outbox", order=900, run=outbox_step)
