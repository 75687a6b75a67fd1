"""Sending notifications: write one outbox row per recipient, deliver it after the commit.

`notify` is called inside the write that causes the message (so a rolled-back write leaves no row)
and delivers after the commit, in the same reaction that users see today: the in-app notification
exists as soon as the write is committed. `deliver` is idempotent — a row is claimed by a
conditional update and sent once — and tries failed rows again, up to `MAX_ATTEMPTS` times (the
daily tick runs it for whatever an earlier reaction failed to send).

Reminders and events (`queue`, `notify_event`; planned daily by `reminders.reminders_plan`) carry the
rule that sent them and a unique dedupe key; external channels (`channels.py`) are sent only by
`deliver()` without ids — the outbox step and the worker — claimed before the send, at most once.

Light changes of followed tasks are not sent as they happen: `light_changes_stage` keeps the latest
light per (follower, task) beside the light last announced, and `light_changes_deliver` (the outbox
step) tells the net change once it is due, holds it while the task has a pending report, or puts it
in the follower's daily / weekly digest (docs/rules.md, 关注任务的通知).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import InvalidField, NotAllowed, refuse_unknown_fields
from luoshi.lib.regions import key_rows

from . import rules
from .channels import OutMessage, SendResult
from .channels import configured as configured_channel
from .models import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    EXTERNAL,
    Channel,
    Digest,
    FollowedLight,
    Notification,
    Outbox,
    OutboxState,
    Preference,
)

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


def notify(messages: Iterable[Message], *, rule: str, channel: str = Channel.IN_APP) -> list[int]:
    """Queue messages in the outbox (in the caller's transaction) and deliver them after the commit.

    `rule` names what sent them (`rules.RULE_LABELS` gives its label in the outbox view), so every
    message can be traced to its rule.

    Returns the outbox rows' ids. Not audited: notifications are not records of the office's work.
    Only in-app rows are delivered after the commit; other channels wait for the outbox step."""
    rows = [
        Outbox(
            recipient_id=m.user_id,
            channel=channel,
            payload={"task": m.task_id, "text": m.text[:300]},
            rule=rule[:60],
            source=f"work.task:{m.task_id}" if m.task_id else "",
            task_id=m.task_id,
        )
        for m in messages
    ]
    if not rows:
        return []
    key_rows(Outbox, rows)
    created = Outbox.objects.bulk_create(rows, batch_size=_BATCH)
    ids = [r.pk for r in created]
    transaction.on_commit(lambda: deliver(ids=ids))
    return ids


def _in_app(rows: Sequence[Outbox]) -> None:
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=r.recipient_id,
                task_id=r.payload.get("task"),
                text=r.payload["text"][:300],
                region_id=r.region_id,  # the outbox row's: its task's region, or the root's
            )
            for r in rows
        ],
        batch_size=_BATCH,
    )


# Channels delivered inside the database transaction that marks their rows sent (exactly once):
# channel -> how a batch of its rows is delivered (raising leaves them unsent). The in-app channel
# is `channels.InAppChannel` one row at a time; here it is the same insert, in batches.
CHANNELS: dict[str, Callable[[Sequence[Outbox]], None]] = {Channel.IN_APP: _in_app}


def deliver(*, ids: Sequence[int] | None = None, now: datetime | None = None) -> int:
    """Deliver the outbox rows not yet sent (those in `ids`, or all), failed ones again while they
    have attempts left; returns how many were sent. Safe to run twice and from two workers.

    With `ids` (after a request's commit) only in-app rows are delivered; without (the outbox step,
    the worker) the external channels too (`deliver_external`), so no request waits on a gateway."""
    due = Outbox.objects.filter(state__in=_OPEN, attempts__lt=MAX_ATTEMPTS, channel__in=list(CHANNELS))
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
    if ids is None:
        sent += deliver_external(now=now)["sent"]
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


# --- External channels: claim, then send, at most once ---------------------------------------------
#
# A row of an external channel (e-mail, SMS, robots) is claimed before it is sent: in one short
# transaction its state goes to "sending" with this worker's token (PostgreSQL: the candidates are
# read FOR UPDATE SKIP LOCKED, so two workers take different rows; SQLite: the UPDATE … WHERE
# state IN (pending, failed) is the guard, only one writer wins a row). Then the worker sends and
# records the outcome. A worker that dies between the claim and the record leaves the row "sending":
# it is NEVER sent again by itself — after CLAIM_LEASE it becomes "unknown" (结果未知), shown in the
# outbox view, where an officer may requeue it (`outbox_requeue`). This is at-most-once on purpose:
# a reminder that may have gone out is not worth a second SMS to a leader at night; in-app rows,
# delivered inside the database transaction, are exactly once.

CLAIM_LEASE = timedelta(minutes=15)
CLAIM_BATCH = 100


def _claim(*, now: datetime, limit: int = CLAIM_BATCH) -> tuple[str, list[Outbox]]:
    """Claim up to `limit` due rows of external channels; returns the claim token and the rows."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        candidates = (
            Outbox.objects.filter(channel__in=EXTERNAL, state__in=_OPEN, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
            .order_by("pk")
        )
        if connection.vendor == "postgresql":
            candidates = candidates.select_for_update(skip_locked=True)
        pks = list(candidates.values_list("pk", flat=True)[:limit])
        if not pks:
            return token, []
        Outbox.objects.filter(pk__in=pks, state__in=_OPEN).update(
            state=OutboxState.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1
        )
    return token, list(Outbox.objects.filter(claim_token=token, state=OutboxState.SENDING).order_by("pk"))


def _addresses(user_ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    from django.contrib.auth import get_user_model

    from luoshi.org.models import Person

    emails = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "email"))
    phones = dict(
        Person.objects.filter(user_id__in=user_ids).exclude(phone="").values_list("user_id", "phone")
    )
    return emails, phones


def _out_message(row: Outbox, emails: dict[int, str], phones: dict[int, str]) -> OutMessage:
    payload = row.payload or {}
    return OutMessage(
        outbox_id=row.pk,
        recipient_id=row.recipient_id,
        text=str(payload.get("text", "")),
        subject=str(payload.get("subject", "")),
        link=str(payload.get("link", "")),
        task_id=payload.get("task"),
        email=emails.get(row.recipient_id, "") or "",
        phone=phones.get(row.recipient_id, "") or "",
    )


def _send(row: Outbox, message: OutMessage) -> SendResult:
    channel = configured_channel(row.channel)
    if channel is None:
        return SendResult(ok=False, error=f"channel {row.channel} is not configured")
    try:
        return channel.send(message)
    except Exception as exc:  # a channel should answer, not raise; a bug in one is a failed send
        return SendResult(ok=False, error=repr(exc)[:500])


def _record_outcome(row: Outbox, token: str, result: SendResult, now: datetime) -> None:
    mine = Outbox.objects.filter(pk=row.pk, claim_token=token, state=OutboxState.SENDING)
    if result.ok:
        mine.update(state=OutboxState.SENT, sent_at=now, last_error="", next_try_at=None)
        return
    again = row.attempts < MAX_ATTEMPTS
    mine.update(
        state=OutboxState.FAILED,
        last_error=result.error[:2000],
        next_try_at=now + rules.backoff(row.attempts) if again else None,
    )


def claims_expire(*, now: datetime) -> int:
    """Rows claimed longer than CLAIM_LEASE ago by a worker that never recorded the outcome become
    "unknown" (结果未知): not resent (at most once), visible to the office. Returns how many."""
    return Outbox.objects.filter(state=OutboxState.SENDING, claimed_at__lt=now - CLAIM_LEASE).update(
        state=OutboxState.UNKNOWN, last_error=_("发送过程中断，结果未知，未重发。")
    )


def deliver_external(*, now: datetime | None = None) -> dict[str, int]:
    """Send the due rows of external channels, claim by claim, until none is due; failures get their
    next try by back-off (`rules.backoff`). Only the outbox step and the worker call this."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "unknown": claims_expire(now=now)}
    while True:
        token, rows = _claim(now=now)
        if not rows:
            return counts
        emails, phones = _addresses({r.recipient_id for r in rows})
        for row in rows:
            result = _send(row, _out_message(row, emails, phones))
            _record_outcome(row, token, result, now)
            counts["sent" if result.ok else "failed"] += 1


def outbox_step(day: date) -> dict[str, int]:
    """The tick's step `notify.outbox` (daily, and every few minutes from the worker): tell followers
    the staged light changes that are due (`light_changes_deliver`), then send whatever is unsent."""
    summary = light_changes_deliver(day=day)
    return {**summary, "notifications_sent": deliver()}


# --- Events and reminders: rule-traced, deduplicated, per the recipient's channels -----------------


@dataclass(frozen=True)
class Entry:
    """One message a rule sends to one person: traced by rule and source, unique per occurrence."""

    rule: str
    source: str
    recipient: int
    text: str
    occurrence: str = ""
    link: str = ""
    task_id: int | None = None
    subject: str = ""


def _channels_of(pref: Preference | None, *, email: str, phone: str, available: set[str]) -> list[str]:
    """The channels a person hears reminders on: in-app always, the others they switched on that are
    configured here (`available`) and for which they have an address."""
    chosen = [Channel.IN_APP.value]
    if pref is None:
        return chosen
    wanted = [
        (Channel.EMAIL, pref.email_on and bool(email)),
        (Channel.SMS, pref.sms_on and bool(phone)),
        (Channel.WECOM, pref.wecom_on),
        (Channel.DINGTALK, pref.dingtalk_on),
    ]
    return chosen + [c.value for c, on in wanted if on and c.value in available]


def queue(entries: Iterable[Entry], *, now: datetime | None = None) -> int:
    """Write the entries' outbox rows, one per channel of each recipient; a row whose dedupe key is
    already there is skipped by the database (ON CONFLICT DO NOTHING). External rows due inside the
    recipient's quiet hours wait for their end; in-app ones go at once (after the commit). Returns
    how many rows were new."""
    entries = list(entries)
    if not entries:
        return 0
    now = now or timezone.now()
    users = {e.recipient for e in entries}
    prefs = {p.user_id: p for p in Preference.objects.filter(user_id__in=users)}
    emails, phones = _addresses(users)
    local = timezone.localtime(now)
    available = {str(c) for c in EXTERNAL if configured_channel(c) is not None}
    # Each row's dedupe key first, then the keys already there, then model instances for the new
    # rows only: the daily step proposes the week's overdue and late reminders again every day (a
    # province: hundreds of thousands), and nearly all of them were queued on an earlier day.
    wanted: list[tuple[Entry, str, str]] = []
    for e in entries:
        pref = prefs.get(e.recipient)
        for channel in _channels_of(
            pref, email=emails.get(e.recipient, ""), phone=phones.get(e.recipient, ""), available=available
        ):
            key = rules.dedupe_key(
                rule=e.rule, source=e.source, recipient=e.recipient, channel=channel, occurrence=e.occurrence
            )
            wanted.append((e, channel, key))
    present: set[str] = set()
    all_keys = [key for _e, _channel, key in wanted]
    for i in range(0, len(all_keys), _BATCH):
        present.update(
            str(k)
            for k in Outbox.objects.filter(dedupe_key__in=all_keys[i : i + _BATCH]).values_list(
                "dedupe_key", flat=True
            )
        )
    keys: list[str] = []
    new: list[Outbox] = []
    for e, channel, key in wanted:
        if key in present:
            continue
        present.add(key)  # the same key twice in one call is one row (the database would skip it)
        wait = None
        if channel != Channel.IN_APP:
            pref = prefs.get(e.recipient)
            start = pref.quiet_start if pref else DEFAULT_QUIET_START
            end = pref.quiet_end if pref else DEFAULT_QUIET_END
            wait = rules.quiet_release(local, start=start, end=end)
        payload: dict[str, Any] = {"task": e.task_id, "text": e.text[:300]}
        if e.link:
            payload["link"] = e.link
        if e.subject:
            payload["subject"] = e.subject[:120]
        new.append(
            Outbox(
                recipient_id=e.recipient,
                channel=channel,
                payload=payload,
                rule=e.rule[:60],
                source=e.source[:80],
                dedupe_key=key,
                next_try_at=wait,
                task_id=e.task_id,
            )
        )
        if channel == Channel.IN_APP:
            keys.append(key)
    key_rows(Outbox, new)
    # A concurrent planner may insert the same key meanwhile: the unique key makes that a no-op.
    Outbox.objects.bulk_create(new, batch_size=_BATCH, ignore_conflicts=True)
    if keys:
        transaction.on_commit(lambda: _deliver_keys(keys))
    return len(new)


def _deliver_keys(keys: Sequence[str]) -> None:
    ids: list[int] = []
    for i in range(0, len(keys), _BATCH):
        ids += Outbox.objects.filter(
            dedupe_key__in=keys[i : i + _BATCH], state=OutboxState.PENDING
        ).values_list("pk", flat=True)
    if ids:
        deliver(ids=ids)


def notify_event(
    *,
    rule: str,
    recipients: Iterable[int],
    text: str,
    key: str,
    link: str = "",
    occurrence: str = "",
    task_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Tell people of an event (an escalation, a sign-off waiting for them …) on their channels.

    The hook other apps call from their signal receivers (after the commit of the write):
    `rule` names the rule that sends it ("supervision.escalated"), `key` the record it is about
    ("supervision.item:42"), `occurrence` tells repeated events about the same record apart (a
    level, a step, a date); the same (rule, key, occurrence) never reaches a person twice on a
    channel. `link` is a site path ("/rectification/problems/7/"). In-app goes at once, the other
    channels of each recipient's preference with the outbox step (quiet hours respected).
    Returns how many outbox rows were new."""
    if not (rule or "").strip() or not (key or "").strip():
        raise InvalidField(_("通知须注明规则和来源。"), field="rule")
    return queue(
        (
            Entry(
                rule=rule,
                source=key,
                recipient=u,
                text=text,
                occurrence=occurrence,
                link=link,
                task_id=task_id,
            )
            for u in sorted(set(recipients))
        ),
        now=now,
    )


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
    key_rows(FollowedLight, new)
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
        notify(messages, rule=rules.LIGHT_CHANGE)
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


# --- Reminder preferences and the office's outbox -------------------------------------------------

REMINDER_FIELDS = (
    "email_on",
    "sms_on",
    "wecom_on",
    "dingtalk_on",
    "weekly_digest",
    "quiet_start",
    "quiet_end",
)


@transaction.atomic
def reminders_set(*, actor: Any, **changes: Any) -> Preference:
    """Choose the channels reminders reach the actor on besides in-app, the weekly digest and the
    quiet hours (免打扰时段); audited as `notify.reminders.changed` with what changed."""
    from datetime import time as Time

    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("请先登录。"))
    refuse_unknown_fields(changes, REMINDER_FIELDS)
    for name in ("quiet_start", "quiet_end"):
        if name in changes and not isinstance(changes[name], Time):
            raise InvalidField(_("请填写时间，如 22:00。"), field=name)
    pref, _new = Preference.objects.select_for_update().get_or_create(user=actor)
    before = {k: getattr(pref, k) for k in changes}
    changed = {k: v for k, v in changes.items() if before[k] != v}
    if changed:
        for k, v in changed.items():
            setattr(pref, k, v)
        pref.save(update_fields=list(changed))
        record(
            pref,
            "notify.reminders.changed",
            actor=actor,
            before={k: str(before[k]) for k in changed},
            after={k: str(v) for k, v in changed.items()},
        )
    return pref


@transaction.atomic
def outbox_requeue(*, actor: Any, ids: Sequence[int]) -> int:
    """The office sends messages again whose delivery failed for good or whose outcome is unknown
    (a worker stopped after claiming them): they go once more, from the next outbox step."""
    from luoshi.errors import LuoshiError
    from luoshi.org.access import require_officer

    require_officer(actor)
    pks = list(
        Outbox.objects.select_for_update()
        .filter(pk__in=list(ids), state__in=[OutboxState.UNKNOWN, OutboxState.FAILED])
        .values_list("pk", flat=True)
    )
    if not pks:
        raise LuoshiError(_("所选消息没有可重新发送的（只有发送失败或结果未知的消息可以重发）。"))
    Outbox.objects.filter(pk__in=pks).update(
        state=OutboxState.PENDING, attempts=0, next_try_at=None, claim_token="", claimed_at=None
    )
    record(
        None,
        "notify.outbox.requeued",
        actor=actor,
        data={"rows": pks},
        object_type="notify.outbox",
        object_id=",".join(map(str, pks))[:60],
        object_repr=_("%(n)s 条消息") % {"n": len(pks)},
    )
    return len(pks)
