"""Domain signals of the task engine (领域事件), sent after the write that caused them commits.

Other apps (notify today; followers, supervision and early warning later) subscribe to these
instead of editing `work/`. Every signal is sent with `send_on_commit`: a write that rolls back sends
nothing, and a receiver always sees the committed state. Payloads are ids and old/new values, never
model instances, which could be stale by the time a receiver runs. Receivers run after the commit,
so a failing receiver is logged and cannot undo or break the write (`send_robust`).

Payloads (every signal also gets `sender`, the model class the event is about):

- `task_status_changed(task_id, plan_id, old, new, action, actor_id, reason)` — any status
  transition; `action` is the transition's audit code (e.g. "work.task.completion_rejected").
- `task_light_changed(changes, on, plan_ids)` — stored lights that changed in one refresh, as a tuple
  of `LightChange(task_id, old, new)`; one signal per refresh (the tick changes thousands at once).
  `plan_ids`: the plans whose stored figures (light, progress, slack…) changed in that refresh, sent
  even when `changes` is empty (progress moved, no light changed): cached roll-ups listen to it.
- `report_submitted(report_id, task_id, unit_id, author_id, state, period_end, corrects_id)` — a report
  was filed (state "pending" while it waits for the unit head, else "submitted") or a pending one
  was approved (state "submitted"); a receiver that wants what the office sees filters on state.
- `task_overdue(task_id, old, on)` — a task's stored light became overdue (逾期), as the daily tick
  finds when the due date passes; `old` is the light before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

task_status_changed = Signal()
task_light_changed = Signal()
report_submitted = Signal()
task_overdue = Signal()


@dataclass(frozen=True)
class LightChange:
    """One task's stored light before and after a refresh (light codes, e.g. "green" → "red")."""

    task_id: int
    old: str
    new: str


def send_on_commit(signal: Signal, *, sender: Any, **payload: Any) -> None:
    """Send `signal` once the current transaction commits (at once outside a transaction).

    A rolled-back write sends nothing. Receivers' errors are logged, not raised: the write they
    react to is already committed."""

    def send() -> None:
        for receiver, outcome in signal.send_robust(sender=sender, **payload):
            if isinstance(outcome, Exception):
                log.error(
                    "receiver %r of a domain signal failed",
                    receiver,
                    exc_info=(type(outcome), outcome, outcome.__traceback__),
                )

    transaction.on_commit(send)


def lights_changed(
    changes: Iterable[tuple[int, str, str]], *, on: date, plan_ids: Iterable[int] = ()
) -> None:
    """Announce stored lights that changed (task id, old, new): one `task_light_changed`, and a
    `task_overdue` for each task that became overdue. `plan_ids`: the plans whose stored figures
    (lights or progress) changed in the refresh; the signal is sent for them even when no light did."""
    from .models import Light, Task

    batch = tuple(LightChange(task_id, old, new) for task_id, old, new in changes)
    plans = tuple(sorted(set(plan_ids)))
    if not batch and not plans:
        return
    send_on_commit(task_light_changed, sender=Task, changes=batch, on=on, plan_ids=plans)
    if not task_overdue.has_listeners(Task):
        return  # a large import makes thousands of lights at once: no callback for nobody
    for change in batch:
        if change.new == Light.OVERDUE and change.old != Light.OVERDUE:
            send_on_commit(task_overdue, sender=Task, task_id=change.task_id, old=change.old, on=on)


def status_changed(
    *, task_id: int, plan_id: int, old: str, new: str, action: str, actor_id: int | None, reason: str
) -> None:
    """Announce a status transition of a task (after commit)."""
    from .models import Task

    send_on_commit(
        task_status_changed,
        sender=Task,
        task_id=task_id,
        plan_id=plan_id,
        old=old,
        new=new,
        action=action,
        actor_id=actor_id,
        reason=reason,
    )


def report_filed(report: Any) -> None:
    """Announce a report filed or approved (after commit), from the values it has now."""
    from .models import Report

    send_on_commit(
        report_submitted,
        sender=Report,
        report_id=report.pk,
        task_id=report.task_id,
        unit_id=report.unit_id,
        author_id=report.author_id,
        state=str(report.state),
        period_end=report.period_end,
        corrects_id=report.corrects_id,
    )
