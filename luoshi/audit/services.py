"""Writing the audit trail. Services call `record` inside their own transaction.

`record` appends one entry with its MAC and no place in the chain yet: no lock, no read of the
chain's head, so writers never wait for each other here. After the transaction commits, the
sequencer (`audit.sequencer.chain_pending`) chains every committed entry in order, in its region's
chain (docs/scaling.md).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import chain, keys
from .actions import ACTIONS
from .context import client_address
from .models import NO_REGION, Entry, appending

log = logging.getLogger(__name__)


def _plain(value: Any) -> Any:
    """JSON-safe copy (Decimals, dates to strings) so the stored value hashes the same after reload."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _chain_after_commit() -> None:
    from django.conf import settings

    from .sequencer import chain_pending

    if settings.LUOSHI_AUDIT_CHAIN_IN_BACKGROUND:
        from . import background

        background.wake()
        return
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


def _unit_region(unit_id: Any) -> Subquery:
    from luoshi.org.models import Unit

    return Subquery(Unit.objects.filter(pk=unit_id).values("region_id")[:1])


def _root_region() -> Subquery:
    from luoshi.org.models import Unit

    # lib.regions.root_region_id, inside the INSERT
    return Subquery(
        Unit.objects.filter(parent__isnull=True)
        .order_by("pk")
        .annotate(key=Coalesce("region_id", "pk"))
        .values("key")[:1]
    )


def entry_region(obj: models.Model | None, actor: Any) -> Any:
    """The region (docs/scaling.md) of an entry about `obj` by `actor`, without a query of its own:
    the object's `region_id` when it carries one (a task, a report, a plan, a unit); else an
    expression the INSERT itself evaluates — the unit's region for a unit saved without one, the
    region of the actor's unit when their access context is loaded already, else the root region
    (sign-ins, changes to posts and people: what belongs to no region), else `NO_REGION` when the
    install has no unit yet."""
    from luoshi.org.models import Unit

    found = getattr(obj, "region_id", None) if obj is not None else None
    if found is not None:
        return found
    choices: list[Any] = []
    if isinstance(obj, Unit) and obj.pk is not None:
        choices.append(_unit_region(obj.pk))
    ctx = getattr(actor, "_luoshi_ctx", None) if actor is not None else None
    if ctx is not None and ctx.post_unit_ids:
        choices.append(_unit_region(min(ctx.post_unit_ids)))
    return Coalesce(*choices, _root_region(), Value(NO_REGION), output_field=models.BigIntegerField())


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
        region_id=entry_region(obj, actor),
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
    if not isinstance(entry.__dict__.get("region_id"), int):
        del entry.__dict__["region_id"]  # the INSERT chose it: read on first use, not before
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
