"""The task engine's domain signals turned into notifications for the users who follow a task.

Connected in `NotifyConfig.ready`. Receivers run after the commit of the write that sent the signal
(`work.signals.send_on_commit`), so they read committed data; the texts are those users read before
the notify app existed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from luoshi.work import signals
from luoshi.work.models import Light
from luoshi.work.selectors import followers, task_titles

from .services import Message, notify


def on_light_changed(sender: Any, *, changes: tuple[signals.LightChange, ...], **kwargs: Any) -> None:
    """Followers of a task are told its light changed: "<title>：正常 → 滞后"."""
    label = dict(Light.choices)
    by_task = {c.task_id: c for c in changes}
    following = followers(list(by_task))
    if not following:
        return
    titles = task_titles({t for _u, t in following})
    messages = []
    for user_id, task_id in following:
        change = by_task[task_id]
        old, new = label.get(change.old, change.old), label.get(change.new, change.new)
        messages.append(Message(user_id, task_id, f"{titles[task_id][:80]}：{old} → {new}"))
    notify(messages)


def on_status_changed(sender: Any, *, task_id: int, action: str, reason: str, **kwargs: Any) -> None:
    """Followers are told when the office sends a completion claim back (完成申请被退回)."""
    if action != "work.task.completion_rejected":
        return
    following = followers([task_id])
    if not following:
        return
    title = task_titles([task_id])[task_id]
    text = _("完成申请被退回：%(t)s（%(r)s）") % {"t": title[:80], "r": reason[:80]}
    notify(Message(user_id, task_id, text) for user_id, _t in following)


def connect() -> None:
    signals.task_light_changed.connect(on_light_changed, dispatch_uid="notify.light_changed")
    signals.task_status_changed.connect(on_status_changed, dispatch_uid="notify.status_changed")
    from luoshi.jobs import periodic

    from .services import outbox_step

    periodic.register("notify.outbox", order=900, run=outbox_step)
