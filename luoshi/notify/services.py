"""Sending notifications: write one outbox row per recipient, deliver it after the commit.

`notify` is called inside the write that causes the message (so a rolled-back write leaves no row)
and delivers after the commit, in the same reaction that users see today: the in-app notification
exists as soon as the write is committed. `deliver` is idempotent — a row is claimed by a
conditional update and sent once — and tries failed rows again, up to `MAX_ATTEMPTS` times (the
daily tick runs it for whatever an earlier reaction failed to send).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Channel, Notification, Outbox, OutboxState

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
_OPEN = (OutboxState.PENDING, OutboxState.FAILED)
_BATCH = 1000


@dataclass(frozen=True)
class Message:
    """One in-app message: to whom, about which task (or none), and its text as the user reads it."""

    user_id: int
    task_id: int | None
    text: str


def notify(messages: Iterable[Message], *, channel: str = Channel.IN_APP) -> list[int]:
    """Queue messages in the outbox (in the caller's transaction) and deliver them after the commit.

    Returns the outbox rows' ids. Not audited: notifications are not records of the office's work."""
    rows = [
        Outbox(
            recipient_id=m.user_id,
            channel=channel,
            payload={"task": m.task_id, "text": m.text[:300]},
        )
        for m in messages
    ]
    if not rows:
        return []
    created = Outbox.objects.bulk_create(rows, batch_size=_BATCH)
    ids = [r.pk for r in created]
    transaction.on_commit(lambda: deliver(ids=ids))
    return ids


def _in_app(rows: Sequence[Outbox]) -> None:
    Notification.objects.bulk_create(
        [
            Notification(user_id=r.recipient_id, task_id=r.payload.get("task"), text=r.payload["text"][:300])
            for r in rows
        ],
        batch_size=_BATCH,
    )


# channel -> how a batch of its rows is delivered (raising leaves them unsent)
CHANNELS: dict[str, Callable[[Sequence[Outbox]], None]] = {Channel.IN_APP: _in_app}


def deliver(*, ids: Sequence[int] | None = None) -> int:
    """Deliver the outbox rows not yet sent (those in `ids`, or all), failed ones again while they
    have attempts left; returns how many were sent. Safe to run twice and from two workers."""
    due = Outbox.objects.filter(state__in=_OPEN, attempts__lt=MAX_ATTEMPTS)
    todo: list[int] = []
    if ids is None:
        todo = list(due.order_by("pk").values_list("pk", flat=True))
    else:
        for i in range(0, len(ids), _BATCH):
            todo += due.filter(pk__in=ids[i : i + _BATCH]).order_by("pk").values_list("pk", flat=True)
    sent = 0
    for i in range(0, len(todo), _BATCH):
        chunk = todo[i : i + _BATCH]
        try:
            sent += _deliver_rows(chunk)
        except Exception:  # find the row that fails, send the others
            sent += sum(_deliver_one(pk) for pk in chunk)
    return sent


@transaction.atomic
def _deliver_rows(pks: Sequence[int]) -> int:
    rows = list(
        Outbox.objects.select_for_update()
        .filter(pk__in=pks, state__in=_OPEN, attempts__lt=MAX_ATTEMPTS)
        .order_by("pk")
    )
    by_channel: dict[str, list[Outbox]] = {}
    for row in rows:
        by_channel.setdefault(row.channel, []).append(row)
    for channel, batch in by_channel.items():
        CHANNELS[channel](batch)
    Outbox.objects.filter(pk__in=[r.pk for r in rows]).update(
        state=OutboxState.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return len(rows)


def _deliver_one(pk: int) -> int:
    try:
        return _deliver_rows([pk])
    except Exception as exc:
        log.warning("notification outbox row %s not delivered: %r", pk, exc)
        Outbox.objects.filter(pk=pk, state__in=_OPEN).update(
            state=OutboxState.FAILED, attempts=F("attempts") + 1, last_error=repr(exc)[:2000]
        )
        return 0


def outbox_step(day: Any) -> dict[str, int]:
    """The daily tick's step: send what earlier reactions failed to send (the day does not matter)."""
    return {"notifications_sent": deliver()}


@transaction.atomic
def notification_mark_read(*, actor: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when `ids` is None); returns how many changed.

    Not audited: a notification's read flag is the reader's own bookkeeping, not a change of record.
    """
    qs = Notification.objects.filter(user=actor, read=False)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read=True)
