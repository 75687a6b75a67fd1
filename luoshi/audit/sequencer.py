"""The sequencer: gives committed entries their place in their region's chain (docs/scaling.md).

Each region has its own chain: `seq` gapless per region, `prev_hash` the hash of the region's
previous entry. The sequencer runs after each writer's commit (`services._chain_after_commit`),
every minute in the worker (`audit.tasks`) and from `luoshi audit chain`. One sequencer at a time per
region (a PostgreSQL advisory lock on the region, tried without waiting; SQLite transactions are
serialised already), so sequencers of different regions run at once: a writer whose commit finds a
region's sequencer busy leaves that region's entries to the running one, which looks again after it
lets go. Within a region, entries are chained in the order they were written (`id`) among those
committed, so an entry whose transaction commits late is chained after the ones that committed
before it.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q

from . import chain, keys
from .models import Entry

_SEQUENCER_LOCK = 7_042_002  # any constant, distinct from other advisory locks (its first half)
BATCH = 2000


def _try_lock(region: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cur:
        # The two-key form: (this lock's class, the region), each a 32-bit integer.
        cur.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_SEQUENCER_LOCK, int(region) & 0x7FFFFFFF])
        row = cur.fetchone()
    return bool(row and row[0])


def head(region: int) -> tuple[int, str]:
    """(seq, hash) of the region's newest chained entry, or (0, GENESIS)."""
    last = (
        Entry.objects.filter(region_id=region, seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    if last is None or last[0] is None:
        return 0, chain.GENESIS
    return int(last[0]), str(last[1])


def heads() -> dict[int, tuple[int, str]]:
    """Every region's (seq, hash) of its newest chained entry: what a checkpoint signs."""
    tops = dict(
        Entry.objects.filter(seq__isnull=False)
        .order_by()
        .values("region_id")
        .annotate(top=Max("seq"))
        .values_list("region_id", "top")
    )
    if not tops:
        return {}
    match = Q()
    for region, top in tops.items():
        match |= Q(region_id=region, seq=top)
    return {
        int(r): (int(s or 0), str(h))
        for r, s, h in Entry.objects.filter(match).values_list("region_id", "seq", "hash")
    }


def _chain_batch(key: bytes, region: int, batch: int) -> int | None:
    """Chain up to `batch` of the region's pending entries; None when another sequencer holds it."""
    with transaction.atomic():
        if not _try_lock(region):
            return None
        seq, prev = head(region)
        pending = list(
            Entry.objects.filter(region_id=region, seq__isnull=True)
            .order_by("id")
            .values_list("id", "mac")[:batch]
        )
        rows = []
        for entry_id, mac in pending:
            seq += 1
            h = chain.link(key, prev, seq, mac)
            rows.append((seq, prev, h, entry_id))
            prev = h
        if rows:
            with connection.cursor() as cur:
                cur.executemany(
                    f"UPDATE {Entry._meta.db_table} SET seq = %s, prev_hash = %s, hash = %s"
                    " WHERE id = %s AND seq IS NULL",
                    rows,
                )
        return len(rows)


def pending_regions() -> list[int]:
    """The regions with entries not chained yet."""
    return list(
        Entry.objects.filter(seq__isnull=True)
        .order_by("region_id")
        .values_list("region_id", flat=True)
        .distinct()
    )


def pending_exists() -> bool:
    return Entry.objects.filter(seq__isnull=True).exists()


def chain_region(region: int, *, key: bytes | None = None, batch: int = BATCH) -> int | None:
    """Chain the region's committed pending entries; None when its sequencer is busy elsewhere."""
    key = key or keys.chain_key()
    total = 0
    while True:
        n = _chain_batch(key, region, batch)
        if n is None:
            return None if total == 0 else total
        total += n
        if n < batch:
            return total


def chain_pending(batch: int = BATCH) -> int:
    """Chain every committed entry not chained yet, region by region; the number chained by this
    call. A region whose sequencer is busy elsewhere is left to it."""
    key = keys.chain_key()
    total = 0
    busy: set[Any] = set()
    for _round in range(3):  # look again after letting go: a writer may have found us busy
        todo = [r for r in pending_regions() if r not in busy]
        for region in todo:
            n = chain_region(region, key=key, batch=batch)
            if n is None:
                busy.add(region)  # the sequencer holding the region chains what is left
            else:
                total += n
        if (
            connection.in_atomic_block
            or not Entry.objects.filter(seq__isnull=True).exclude(region_id__in=busy).exists()
        ):
            break
    return total
