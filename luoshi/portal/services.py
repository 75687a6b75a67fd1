"""Writes of the public portal: proposing a new public version of an item, the office's review of it,
withdrawal, the daily collection of public tasks' and projects' changes, and citizens' feedback.

Every change to something public becomes a pending `Snapshot`; the public keeps seeing the last
reviewed one (`Publication.current`) until an officer publishes the new one (`snapshot_review`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotFound
from luoshi.lib import ratelimit
from luoshi.lib.text import pinyin_forms
from luoshi.org.access import require_officer

from . import cache, rules
from .models import Feedback, FeedbackState, Kind, Publication, Snapshot, SnapshotState

# The field of each kind's data that lists and counts read as its status.
STATUS_FIELD = {"commitment": "state", "task": "light", "project": "light", "catalogue": "kind"}
TITLE_FIELD = {"commitment": "title", "task": "title", "project": "name", "catalogue": "kind"}


def _search_text(data: dict[str, Any]) -> str:
    parts: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and v:
            parts.append(v)

    walk(data)
    text = " ".join(parts)
    full, initials = pinyin_forms(text[:2000])
    return f"{text} {full} {initials}".lower()


@transaction.atomic
def publication_propose(
    *, kind: str, ref: str, unit_id: int | None, data: dict[str, Any], actor: Any = None, audit: bool = True
) -> Snapshot | None:
    """Propose `data` (reduced to the kind's public fields) as the item's next public version.

    Nothing happens when it equals the pending proposal, or the published version with none pending;
    a newer proposal replaces an older pending one. Returns the pending snapshot, or None."""
    if kind not in Kind.values:
        raise InvalidField(_("未知的公开类别：%(kind)s") % {"kind": kind}, field="kind")
    public = rules.only_public(kind, data)
    pub, _created = Publication.objects.select_for_update().get_or_create(
        kind=kind, ref=ref, defaults={"unit_id": unit_id}
    )
    pending = pub.snapshots.filter(state=SnapshotState.PENDING).first()
    if pending is not None:
        if pending.data == public:
            return pending
        pending.state = SnapshotState.SUPERSEDED
        pending.save(update_fields=["state"])
    elif pub.current_id is not None and not pub.withdrawn:
        current = Snapshot.objects.filter(pk=pub.current_id).values_list("data", flat=True).first()
        if current == public:
            return None
    number = (pub.snapshots.aggregate(n=Max("number"))["n"] or 0) + 1
    snap = Snapshot.objects.create(
        publication=pub,
        number=number,
        data=public,
        proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if audit:
        record(
            snap, "portal.snapshot.proposed", actor=actor, data={"kind": kind, "ref": ref, "number": number}
        )
    return snap


_CHUNK = 5000  # ids and refs per IN list


@transaction.atomic
def publications_propose_many(kind: str, items: Mapping[str, tuple[int | None, dict[str, Any]]]) -> int:
    """`publication_propose` (no actor, not audited) for many items at once, set-based: the daily
    sync proposes a new version of most public tasks each day (expected progress moves), one service
    call each was a minute at province scale. Each item ends as it would item by item: nothing when its
    public data equals its pending proposal, or its published version with none pending; else a new
    pending version numbered after its last, superseding an older pending one. `items` is ref →
    (unit id, data). Returns the number of new proposals. The rule is `publication_propose`'s, written
    again for sets; tests/portal/test_propose_many.py holds the two alike on every case."""
    from luoshi.lib.regions import fill_regions

    if kind not in Kind.values:
        raise InvalidField(_("未知的公开类别：%(kind)s") % {"kind": kind}, field="kind")
    public = {ref: rules.only_public(kind, data) for ref, (_unit, data) in items.items()}
    refs = sorted(public)
    fields = ("ref", "pk", "current_id", "withdrawn", "region_id")
    pubs: dict[str, tuple[int, int | None, bool, int]] = {}
    for i in range(0, len(refs), _CHUNK):
        found = Publication.objects.select_for_update().filter(kind=kind, ref__in=refs[i : i + _CHUNK])
        pubs.update({r[0]: r[1:] for r in found.order_by("pk").values_list(*fields)})
    missing = [ref for ref in refs if ref not in pubs]
    if missing:
        rows: list[dict[str, Any]] = [{"kind": kind, "ref": ref, "unit_id": items[ref][0]} for ref in missing]
        fill_regions(Publication, rows)
        Publication.objects.bulk_create([Publication(**row) for row in rows], batch_size=2000)
        for i in range(0, len(missing), _CHUNK):
            made = Publication.objects.filter(kind=kind, ref__in=missing[i : i + _CHUNK])
            pubs.update({r[0]: r[1:] for r in made.values_list(*fields)})
    ids = [pubs[ref][0] for ref in refs]
    pending: dict[int, tuple[int, Any]] = {}
    numbers: dict[int, int] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        snaps = Snapshot.objects.filter(publication_id__in=chunk, state=SnapshotState.PENDING)
        pending.update({p: (pk, data) for pk, p, data in snaps.values_list("pk", "publication_id", "data")})
        last = Snapshot.objects.filter(publication_id__in=chunk).order_by().values("publication_id")
        numbers.update(last.annotate(n=Max("number")).values_list("publication_id", "n"))
    shown = [
        c for pid, c, withdrawn, _r in pubs.values() if c is not None and not withdrawn and pid not in pending
    ]
    current: dict[int, Any] = {}
    for i in range(0, len(shown), _CHUNK):
        current.update(Snapshot.objects.filter(pk__in=shown[i : i + _CHUNK]).values_list("pk", "data"))
    superseded: list[int] = []
    new: list[Snapshot] = []
    for ref in refs:
        pid, current_id, withdrawn, region_id = pubs[ref]
        waiting = pending.get(pid)
        if waiting is not None:
            if waiting[1] == public[ref]:
                continue
            superseded.append(waiting[0])
        elif current_id is not None and not withdrawn and current.get(current_id) == public[ref]:
            continue
        number = numbers.get(pid, 0) + 1
        new.append(Snapshot(publication_id=pid, number=number, data=public[ref], region_id=region_id))
    for i in range(0, len(superseded), _CHUNK):
        Snapshot.objects.filter(pk__in=superseded[i : i + _CHUNK]).update(state=SnapshotState.SUPERSEDED)
    Snapshot.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _publish(snap: Snapshot, *, actor: Any, now: datetime) -> None:
    pub = snap.publication
    if pub.current_id is not None:
        Snapshot.objects.filter(pk=pub.current_id).update(state=SnapshotState.SUPERSEDED)
    snap.state = SnapshotState.PUBLISHED
    snap.reviewed_by = actor
    snap.reviewed_at = now
    snap.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    pub.current = snap
    data = snap.data
    pub.title = str(data.get(TITLE_FIELD[pub.kind], ""))[:300]
    pub.status = str(data.get(STATUS_FIELD[pub.kind], ""))[:16]
    pub.search_text = _search_text(data)
    pub.published_at = now
    pub.withdrawn = False
    pub.save(update_fields=["current", "title", "status", "search_text", "published_at", "withdrawn"])


@transaction.atomic
def snapshot_review(*, actor: Any, snapshot: Snapshot, publish: bool, note: str = "") -> Snapshot:
    """The office publishes a pending version (it replaces the public one) or rejects it (the public
    keeps the former; a reason is required)."""
    require_officer(actor, _("只有督查室人员可以审核公开内容。"))
    snap = Snapshot.objects.select_for_update().select_related("publication").get(pk=snapshot.pk)
    if snap.state != SnapshotState.PENDING:
        raise Conflict(_("该版本已审核或已被更新的版本替换。"))
    now = timezone.now()
    if publish:
        _publish(snap, actor=actor, now=now)
    else:
        note = note.strip()
        if not note:
            raise InvalidField(_("不予公开时请填写原因。"), field="note")
        snap.state = SnapshotState.REJECTED
        snap.reviewed_by = actor
        snap.reviewed_at = now
        snap.review_note = note[:300]
        snap.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    cache.bump()
    record(
        snap,
        "portal.snapshot.published" if publish else "portal.snapshot.rejected",
        actor=actor,
        data={
            "kind": snap.publication.kind,
            "ref": snap.publication.ref,
            "number": snap.number,
            "note": note,
        },
    )
    return snap


@transaction.atomic
def snapshots_publish(*, actor: Any, ids: Iterable[int]) -> int:
    """Publish many pending versions at once (one audit entry); returns how many were published."""
    require_officer(actor, _("只有督查室人员可以审核公开内容。"))
    now = timezone.now()
    snaps = list(
        Snapshot.objects.select_for_update()
        .select_related("publication")
        .filter(pk__in=list(ids), state=SnapshotState.PENDING)
        .order_by("pk")
    )
    for snap in snaps:
        _publish(snap, actor=actor, now=now)
    if snaps:
        cache.bump()
        record(
            None,
            "portal.snapshots.published",
            actor=actor,
            object_type="portal.snapshot",
            data={"count": len(snaps), "ids": [s.pk for s in snaps][:500]},
        )
    return len(snaps)


@transaction.atomic
def publication_withdraw(*, actor: Any, publication: Publication, reason: str) -> Publication:
    """Take an item off the portal (its versions are kept); a reason is required."""
    require_officer(actor, _("只有督查室人员可以撤回公开内容。"))
    reason = reason.strip()
    if not reason:
        raise InvalidField(_("请填写撤回原因。"), field="reason")
    pub = Publication.objects.select_for_update().get(pk=publication.pk)
    if pub.withdrawn:
        raise Conflict(_("该事项已撤回。"))
    pub.withdrawn = True
    pub.save(update_fields=["withdrawn"])
    cache.bump()
    record(pub, "portal.publication.withdrawn", actor=actor, data={"reason": reason})
    return pub


# --- Public tasks and key projects ---------------------------------------------------------------


def task_public_data(on: date) -> dict[str, tuple[int, dict[str, Any]]]:
    """ref → (lead unit id, public data) of every public task (`Task.is_public`) in a public status."""
    from luoshi.work.choices import PUBLIC_STATUSES
    from luoshi.work.models import Task

    rows = (
        Task.objects.filter(is_public=True, status__in=PUBLIC_STATUSES)
        .order_by()
        .values_list(
            "pk",
            "lead_unit_id",
            "lead_unit__name",
            "plan__name",
            "title",
            "start",
            "due",
            "status",
            "light",
            "actual_pct",
            "expected_pct",
        )
    )
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for pk, unit_id, unit, plan, title, start, due, status, light, actual, expected in rows.iterator(2000):
        out[str(pk)] = (
            unit_id,
            {
                "unit": unit,
                "plan": plan,
                "title": title,
                "start": start.isoformat(),
                "due": due.isoformat(),
                "status": status,
                "light": light,
                "actual_pct": str(actual),
                "expected_pct": str(expected),
            },
        )
    return out


def project_public_data(ids: list[int], on: date) -> dict[str, tuple[int | None, dict[str, Any]]]:
    """ref → (lead unit id, public data) of the given key projects, with their light on `on`."""
    from luoshi.projects.models import Project
    from luoshi.projects.selectors import standings

    projects = list(
        Project.objects.filter(pk__in=ids)
        .select_related("lead_unit")
        .only("pk", "name", "category", "stage", "stage_since", "lat", "lng", "lead_unit__name")
    )
    figures = standings(projects, on)
    out: dict[str, tuple[int | None, dict[str, Any]]] = {}
    for p in projects:
        s = figures[p.pk]
        out[str(p.pk)] = (
            p.lead_unit_id,
            {
                "unit": p.lead_unit.name if p.lead_unit is not None else "",
                "name": p.name,
                "category": p.category,
                "stage": p.stage,
                "light": s.light,
                "annual_plan": str(s.annual_plan),
                "completed": str(s.completed),
                "lat": str(p.lat) if p.lat is not None else None,
                "lng": str(p.lng) if p.lng is not None else None,
            },
        )
    return out


@transaction.atomic
def project_publish(*, actor: Any, project_ids: list[int], on: date) -> int:
    """Make key projects public: each gets a publication and a first version to review."""
    require_officer(actor, _("只有督查室人员可以公开重点项目。"))
    data = project_public_data(project_ids, on)
    if len(data) != len(set(project_ids)):
        raise NotFound(_("项目不存在。"))
    n = 0
    for ref, (unit_id, fields) in data.items():
        if publication_propose(
            kind=Kind.PROJECT, ref=ref, unit_id=unit_id, data=fields, actor=actor, audit=False
        ):
            n += 1
    record(
        None,
        "portal.projects.published",
        actor=actor,
        object_type="projects.project",
        data={"ids": project_ids},
    )
    return n


def _current_and_pending(kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    current = dict(
        Publication.objects.filter(kind=kind, withdrawn=False, current__isnull=False).values_list(
            "ref", "current__data"
        )
    )
    pending = dict(
        Snapshot.objects.filter(publication__kind=kind, state=SnapshotState.PENDING).values_list(
            "publication__ref", "data"
        )
    )
    return current, pending


@transaction.atomic
def publications_sync(day: date, *, actor: Any = None) -> dict[str, int]:
    """Propose new versions of the public tasks and published key projects whose public fields
    changed (daily step; idempotent: a second run for the same day proposes nothing new); withdraw
    tasks that are no longer public."""
    proposed = withdrawn = 0
    tasks = task_public_data(day)
    current, pending = _current_and_pending(Kind.TASK)
    changed = {
        ref: item
        for ref, item in tasks.items()
        if pending.get(ref, current.get(ref)) != rules.only_public(Kind.TASK, item[1])
    }
    proposed += publications_propose_many(Kind.TASK, changed)
    gone = [ref for ref in current if ref not in tasks]
    if gone:
        withdrawn = Publication.objects.filter(kind=Kind.TASK, ref__in=gone).update(withdrawn=True)
    stale = [ref for ref in pending if ref not in tasks]
    if stale:
        Snapshot.objects.filter(
            publication__kind=Kind.TASK, publication__ref__in=stale, state=SnapshotState.PENDING
        ).update(state=SnapshotState.SUPERSEDED)
    project_refs = list(
        Publication.objects.filter(kind=Kind.PROJECT, withdrawn=False).values_list("ref", flat=True)
    )
    current, pending = _current_and_pending(Kind.PROJECT)
    moved = {
        ref: item
        for ref, item in project_public_data([int(r) for r in project_refs], day).items()
        if pending.get(ref, current.get(ref)) != rules.only_public(Kind.PROJECT, item[1])
    }
    proposed += publications_propose_many(Kind.PROJECT, moved)
    if withdrawn:
        cache.bump()
    if proposed or withdrawn:
        record(
            None,
            "portal.sync.done",
            actor=actor,
            object_type="portal.publication",
            data={"day": day.isoformat(), "proposed": proposed, "withdrawn": withdrawn},
        )
    return {"proposed": proposed, "withdrawn": withdrawn}


def sync_step(day: date) -> dict[str, int]:
    return publications_sync(day)


# --- Feedback ------------------------------------------------------------------------------------

BODY_MIN, BODY_MAX = 5, 1000


address_hash = ratelimit.sender_hash  # the sender's address, hashed with a key


@transaction.atomic
def feedback_submit(
    *, publication_id: int, body: str, contact: str = "", address: str, now: datetime | None = None
) -> Feedback:
    """A citizen's message about a public item, held for moderation. Refused (nothing stored) over
    the rate limit per address (`rules.LIMITS`)."""
    now = now or timezone.now()
    publication = Publication.objects.filter(
        pk=publication_id, withdrawn=False, current__isnull=False
    ).first()
    if publication is None:
        raise NotFound(_("该事项未公开。"))
    body = body.strip()
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise InvalidField(
            _("留言请写 %(min)s 到 %(max)s 个字。") % {"min": BODY_MIN, "max": BODY_MAX}, field="body"
        )
    key = address_hash(address)
    longest = max(window for window, _most in rules.LIMITS)
    sent = Feedback.objects.filter(address_hash=key, created__gt=now - longest).values_list(
        "created", flat=True
    )
    wait = rules.retry_after(list(sent), now)
    if wait is not None:
        minutes = ratelimit.wait_minutes(wait)
        raise LuoshiError(
            _("留言过于频繁：同一网络地址 10 分钟内最多留言 2 条、每天最多 5 条。请 %(minutes)s 分钟后再试。")
            % {"minutes": minutes},
            code="rate_limited",
        )
    fb = Feedback.objects.create(
        publication=publication, body=body, contact=contact.strip()[:80], address_hash=key, created=now
    )
    record(fb, "portal.feedback.received", actor=None, data={"publication": publication.pk})
    return fb


@transaction.atomic
def feedback_moderate(*, actor: Any, feedback: Feedback, approve: bool, reply: str = "") -> Feedback:
    """The office shows a message publicly with its reply, or keeps it off the portal."""
    require_officer(actor, _("只有督查室人员可以审核留言。"))
    fb = Feedback.objects.select_for_update().get(pk=feedback.pk)
    reply = reply.strip()
    if approve and not reply:
        raise InvalidField(_("公开留言时请填写答复。"), field="reply")
    before = {"state": fb.state, "reply": fb.reply}
    fb.state = FeedbackState.APPROVED if approve else FeedbackState.REJECTED
    fb.reply = reply[:2000]
    fb.moderated_by = actor
    fb.moderated_at = timezone.now()
    fb.save(update_fields=["state", "reply", "moderated_by", "moderated_at"])
    cache.bump()
    record(
        fb,
        "portal.feedback.moderated",
        actor=actor,
        before=before,
        after={"state": fb.state, "reply": fb.reply},
    )
    return fb
