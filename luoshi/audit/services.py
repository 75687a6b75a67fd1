"""Writing the audit trail. Services call `record` inside their own transaction."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from . import chain
from .actions import ACTIONS
from .context import client_address
from .models import Entry, appending

# Any constant: the advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_KEY = 7_042_001


def _plain(value: Any) -> Any:
    """JSON-safe copy (Decimals, dates to strings) so the stored value hashes the same after reload."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def lock_chain() -> None:
    """Serialise appends to the chain until this transaction ends (PostgreSQL advisory lock).

    Services call it first thing, so every writer takes this lock before any row lock.
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (settings), so writers are already serialised.


_lock_chain = lock_chain  # the old private name


def record(
    obj: models.Model | None,
    action: str,
    *,
    actor: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> Entry:
    """Append one entry to the chain; call from inside the service's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to luoshi/audit/actions.py")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        lock_chain()
        last = Entry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
        entry = Entry(
            seq=seq,
            at=timezone.now(),
            actor=actor,
            actor_name=(actor.get_full_name() or actor.get_username()) if actor else "system",
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            before=_plain(before),
            after=_plain(after),
            data=_plain(data),
            client_address=client_address.get(),
            prev_hash=prev,
        )
        entry.hash = chain.link(prev, entry.chained_fields())
        token = appending.set(True)
        try:
            entry.save()
        finally:
            appending.reset(token)
    return entry


def verify_chain(batch: int = 5000) -> chain.Break | None:
    """Walk the whole stored chain in seq order; return the first break or None."""

    def rows() -> Any:
        last_seq: int | None = None  # no lower bound: a forged entry numbered 0 or below is seen too
        while True:
            qs = Entry.objects.all() if last_seq is None else Entry.objects.filter(seq__gt=last_seq)
            page = list(qs.order_by("seq")[:batch])
            if not page:
                return
            for e in page:
                yield e.seq, e.prev_hash, e.hash, e.chained_fields()
            last_seq = page[-1].seq

    return chain.verify(rows())
