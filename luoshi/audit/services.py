"""Writing the audit trail. Services call `record` inside their own transaction."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from . import chain
from .actions import ACTIONS
from .context import client_address
from .models import Entry

# Any constant: the advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_KEY = 7_042_001


def _plain(value: Any) -> Any:
    """JSON-safe copy (Decimals, dates to strings) so the stored value hashes the same after reload."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (settings), so writers are already serialised.


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
        _lock_chain()
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
        entry.save()
    return entry


def verify_chain(batch: int = 5000) -> chain.Break | None:
    """Walk the whole stored chain in seq order; return the first break or None."""

    def rows() -> Any:
        last_seq = 0
        while True:
            page = list(Entry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
            if not page:
                return
            for e in page:
                yield e.seq, e.prev_hash, e.hash, e.chained_fields()
            last_seq = page[-1].seq

    return chain.verify(rows())
