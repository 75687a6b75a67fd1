"""Writing the audit trail. Services call `record` inside their own transaction.

`record` appends one entry with its MAC and no place in the chain yet: no lock, no read of the
chain's head, so writers never wait for each other here. After the transaction commits, the
sequencer (`audit.sequencer.chain_pending`) chains every committed entry in order.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from . import chain, keys
from .actions import ACTIONS
from .context import client_address
from .models import Entry, appending

log = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    """JSON-safe copy (Decimals, dates to strings) so the stored value hashes the same after reload."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _chain_after_commit() -> None:
    from .sequencer import chain_pending

    try:
        chain_pending()
    except Exception:  # the writer's work is committed; the periodic step chains what is left
        log.exception("audit: chaining after commit failed; the periodic step will chain the entries")


def _schedule_chaining() -> None:
    """Chain after this transaction commits, once per transaction however many entries it wrote."""
    if connection.in_atomic_block and any(
        hook[1] is _chain_after_commit for hook in connection.run_on_commit
    ):
        return
    transaction.on_commit(_chain_after_commit)


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
    """Append one entry; call from inside the service's transaction (it is written with it, or not
    at all)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to luoshi/audit/actions.py")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = Entry(
        at=timezone.now(),
        actor=actor,
        actor_name=(actor.get_full_name() or actor.get_username()) if actor else "system",
        action=action,
        object_type=object_type[:60],
        object_id=object_id[:64],
        object_repr=object_repr[:300],
        before=_plain(before),
        after=_plain(after),
        data=_plain(data),
        client_address=client_address.get()[:64],
    )
    entry.mac = chain.entry_mac(keys.chain_key(), entry.content())
    token = appending.set(True)
    try:
        entry.save()
    finally:
        appending.reset(token)
    _schedule_chaining()
    return entry


def verify_chain(batch: int = 5000) -> chain.Break | None:
    """The stored trail, chained and not yet chained, checked with the audit key; the first break
    or None. (The check against the signed checkpoints is `audit.anchor.verify_trail`.)"""
    from .verify import check_entries

    return check_entries(batch=batch)


def record_read(
    request: Any, action: str, obj: models.Model | None = None, *, what: str = "", fmt: str = "", **data: Any
) -> Entry:
    """Record that someone read something worth knowing about (an export, an evidence file, the
    audit trail) from a view that writes nothing else: its own small transaction."""
    details = {"what": what, "format": fmt} | data if what or fmt else data
    with transaction.atomic():
        return record(obj, action, actor=request.user, data=details or None)
