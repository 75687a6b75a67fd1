"""Sending notifications: write one outbox row per recipient, deliver it after the commit.

`notify` is called inside the write that causes the message (so a rolled-back write leaves no row)
and delivers after the commit, in the same reaction that users see today: the in-app notification
exists as soon as the write is committed. `deliver` is idempotent — a row is claimed by a
conditional update and sent once — and tries failed rows again, up to `MAX_ATTEMPTS` times (the
daily tick runs it for whatever an earlier reaction failed to send).

Light changes of followed tasks are not sent as they happen: `light_changes_stage` keeps the latest
light per (follower, task) beside the light last announced, and `light_changes_deliver` (the outbox
step) tells the net change once it is due, holds it while the task has a pending report, or puts it
in the follower's daily / weekly digest (docs/rules.md, 关注任务的通知).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import InvalidField, NotAllowed

from . import rules
from .models import Channel, Digest, FollowedLight, Notification, Outbox, OutboxState, Preference

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


def outbox_step(day: date) -> dict[str, int]:
    """The tick's step `notify.outbox` (daily, and every few minutes from the worker): tell followers
    the staged light changes that are due (`light_changes_deliver`), then send whatever is unsent."""
    summary = light_changes_deliver(day=day)
    return {**summary, "notifications_sent": deliver()}


# --- Light changes of followed tasks: staged, coalesced, delivered as the net change -------------


def light_changes_stage(changes: Iterable[Any], *, on: date, now: datetime | None = None) -> int:
    """Stage light changes (`task_id`, `old`, `new`, as `work.signals.LightChange`) for every follower
    of their tasks; nothing is told yet (`light_changes_deliver` does). Returns how many (follower,
    task) pairs were staged. A pair seen for the first time was last told `old`."""
    from luoshi.work.selectors import followers

    by_task: dict[int, tuple[str, str]] = {}  # task -> (light before the first change, after the last)
    for c in changes:
        by_task[c.task_id] = (by_task[c.task_id][0] if c.task_id in by_task else c.old, c.new)
    following = followers(list(by_task)) if by_task else []
    if not following:
        return 0
    when = now or timezone.now()
    for attempt in (1, 2):  # a concurrent stage or delivery may get in the way (new pair, deadlock)
        try:
            with transaction.atomic():
                return _stage(by_task, following, on=on, now=when)
        except DatabaseError:
            if attempt == 2:
                raise
    return 0  # pragma: no cover (the loop returns or raises)


def _stage(
    by_task: dict[int, tuple[str, str]], following: list[tuple[int, int]], *, on: date, now: datetime
) -> int:
    tasks = sorted({t for _u, t in following})
    existing: dict[tuple[int, int], FollowedLight] = {}
    for i in range(0, len(tasks), _BATCH):
        chunk = tasks[i : i + _BATCH]
        for row in FollowedLight.objects.select_for_update().filter(task_id__in=chunk).order_by("pk"):
            existing[(row.user_id, row.task_id)] = row
    new: list[FollowedLight] = []
    changed: list[FollowedLight] = []
    for user_id, task_id in following:
        old, new_light = by_task[task_id]
        found = existing.get((user_id, task_id))
        if found is None:
            new.append(
                FollowedLight(
                    user_id=user_id,
                    task_id=task_id,
                    announced=old,
                    light=new_light,
                    changed_on=on,
                    changed_at=now,
                )
            )
        else:
            found.light, found.changed_on, found.changed_at = new_light, on, now
            changed.append(found)
    FollowedLight.objects.bulk_create(new, batch_size=_BATCH)
    FollowedLight.objects.bulk_update(changed, ["light", "changed_on", "changed_at"], batch_size=_BATCH)
    return len(new) + len(changed)


def quiet_period() -> timedelta:
    return timedelta(minutes=max(0, int(getattr(settings, "LUOSHI_NOTIFY_QUIET_MINUTES", 15))))


def light_changes_deliver(*, day: date, now: datetime | None = None) -> dict[str, int]:
    """Tell followers the staged light changes that are due as of `day` (local date) and `now`: one
    notice per (follower, task) with the net change from the light last announced to them (none when
    it came back), or one digest per daily / weekly follower and period. A task with a pending report
    (filed, awaiting its unit head) is held. Idempotent: a delivered change is no longer staged."""
    from luoshi.work.selectors import task_titles

    now = now or timezone.now()
    with transaction.atomic():
        rows = list(FollowedLight.objects.select_for_update().filter(changed_at__isnull=False).order_by("pk"))
        if not rows:
            return {
                "light_notices": 0,
                "light_digests": 0,
                "light_changes_dropped": 0,
                "light_changes_held": 0,
            }
        users = sorted({r.user_id for r in rows})
        prefs = {p.user_id: p for p in Preference.objects.select_for_update().filter(user_id__in=users)}
        due = _due_changes(rows, prefs, day=day, now=now)
        titles = task_titles(
            {r.task_id for r in due.told} | {r.task_id for rs in due.digests.values() for r in rs}
        )
        messages = [
            Message(r.user_id, r.task_id, rules.change_text(titles.get(r.task_id, ""), r.announced, r.light))
            for r in due.told
        ]
        digests = 0
        for user_id, digest_rows in due.digests.items():
            chosen = prefs[user_id]
            text = rules.digest_text(
                chosen.digest, [(titles.get(r.task_id, ""), r.announced, r.light) for r in digest_rows]
            )
            if text is not None:
                messages.append(Message(user_id, None, text))
                digests += 1
            chosen.digest_until = due.period_end[user_id]
        Preference.objects.bulk_update([prefs[u] for u in due.digests], ["digest_until"])
        for row in due.done:
            row.announced, row.changed_on, row.changed_at = row.light, None, None
        FollowedLight.objects.bulk_update(
            due.done, ["announced", "changed_on", "changed_at"], batch_size=_BATCH
        )
        for i in range(0, len(due.gone), _BATCH):
            FollowedLight.objects.filter(pk__in=due.gone[i : i + _BATCH]).delete()
        notify(messages)
    told_in_digests = sum(1 for rs in due.digests.values() for r in rs if r.light != r.announced)
    return {
        "light_notices": len(due.told),
        "light_digests": digests,
        "light_changes_dropped": len(due.done) - len(due.told) - told_in_digests,
        "light_changes_held": due.held,
    }


@dataclass
class _Due:
    done: list[FollowedLight]  # delivered now (told, digested, or dropped as no net change)
    told: list[FollowedLight]  # immediate notices
    digests: dict[int, list[FollowedLight]]  # user id -> the changes their digest summarises
    period_end: dict[int, date | None]  # user id -> the last day their digest due now covers
    gone: list[int]  # rows of pairs no longer followed
    held: int


def _due_changes(
    rows: list[FollowedLight], prefs: dict[int, Preference], *, day: date, now: datetime
) -> _Due:
    """Sort staged rows into what is delivered now and how, by the follower's preference."""
    from luoshi.work.models import Light, Report, ReportState
    from luoshi.work.selectors import followers

    tasks = sorted({r.task_id for r in rows})
    followed: set[tuple[int, int]] = set()
    pending: set[int] = set()
    for i in range(0, len(tasks), _BATCH):
        chunk = tasks[i : i + _BATCH]
        followed.update(followers(chunk))
        pending.update(
            Report.objects.filter(task_id__in=chunk, state=ReportState.PENDING).values_list(
                "task_id", flat=True
            )
        )
    period_end = {u: rules.digest_due(p.digest, day=day, sent_until=p.digest_until) for u, p in prefs.items()}
    quiet = quiet_period()
    out = _Due(done=[], told=[], digests={}, period_end=period_end, gone=[], held=0)
    for row in rows:
        if (row.user_id, row.task_id) not in followed:
            out.gone.append(row.pk)  # unfollowed: a new follow starts afresh
            continue
        # Held while a report waits: the lag may be only the office not having seen it yet. Not so a
        # change into 逾期, which follows the due date and the task's status, never a report's figures.
        if row.task_id in pending and row.light != Light.OVERDUE:
            out.held += 1
            continue
        assert row.changed_on is not None and row.changed_at is not None  # staged rows have both
        pref = prefs.get(row.user_id)
        if pref is None or pref.digest == Digest.IMMEDIATE:
            if not rules.is_due(
                changed_on=row.changed_on, changed_at=row.changed_at, day=day, now=now, quiet=quiet
            ):
                continue
            if row.light != row.announced:
                out.told.append(row)
        else:
            end = period_end[row.user_id]
            if end is None or row.changed_on > end:
                continue
            out.digests.setdefault(row.user_id, []).append(row)
        out.done.append(row)
    return out


# --- Preferences ----------------------------------------------------------------------------------


def preference_of(user: Any) -> str:
    """The user's way of hearing of light changes (immediate when they never chose)."""
    found = Preference.objects.visible_to(user).values_list("digest", flat=True).first()
    return found or Digest.IMMEDIATE


@transaction.atomic
def preference_set(*, actor: Any, digest: str) -> Preference:
    """Choose immediate notices or a daily / weekly digest of followed tasks' light changes (通知方式).

    Audited as `notify.preference.changed` when it changes. Staged changes are kept: they go out by
    the new choice."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("请先登录。"))
    if digest not in Digest.values:
        raise InvalidField(_("请选择通知方式。"), field="digest")
    pref, _new = Preference.objects.select_for_update().get_or_create(user=actor)
    before = pref.digest
    if before != digest:
        pref.digest = digest
        pref.save(update_fields=["digest"])
        record(
            pref,
            "notify.preference.changed",
            actor=actor,
            before={"digest": before},
            after={"digest": digest},
        )
    return pref


@transaction.atomic
def notification_mark_read(*, actor: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when `ids` is None); returns how many changed.

    Not audited: a notification's read flag is the reader's own bookkeeping, not a change of record.
    """
    qs = Notification.objects.filter(user=actor, read=False)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read=True)
