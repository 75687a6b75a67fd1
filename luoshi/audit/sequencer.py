"""The sequencer: gives committed entries their place in the chain, one sequencer at a time.

It runs after each writer's commit (`services._chain_after_commit`), every minute in the worker
(`audit.tasks`) and from `luoshi audit chain`. Only one runs at once (a PostgreSQL advisory lock
tried without waiting; SQLite transactions are serialised already): a writer whose commit finds
the sequencer busy leaves its entries to the running one, which looks again after it lets go.
Entries are chained in the order they were written (`id`) among those committed, so an entry
whose transaction commits late is chained after the ones that committed before it.
"""

from __future__ import annotations

from django.db import connection, transaction

from . import chain, keys
from .models import Entry

_SEQUENCER_LOCK = 7_042_002  # any constant, distinct from other advisory locks
BATCH = 2000


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEQUENCER_LOCK])
        row = cur.fetchone()
    return bool(row and row[0])


def head() -> tuple[int, str]:
    """(seq, hash) of the newest chained entry, or (0, GENESIS)."""
    last = Entry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    if last is None or last[0] is None:
        return 0, chain.GENESIS
    return int(last[0]), str(last[1])


def _chain_batch(key: bytes, batch: int) -> int | None:
    """Chain up to `batch` pending entries; None when another sequencer holds the lock."""
    with transaction.atomic():
        if not _try_lock():
            return None
        seq, prev = head()
        pending = list(Entry.objects.filter(seq__isnull=True).order_by("id").values_list("id", "mac")[:batch])
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


def pending_exists() -> bool:
    return Entry.objects.filter(seq__isnull=True).exists()


def chain_pending(batch: int = BATCH) -> int:
    """Chain every committed entry not chained yet; the number chained by this call."""
    key = keys.chain_key()
    total = 0
    for _round in range(3):  # look again after letting go: a writer may have found us busy
        while True:
            n = _chain_batch(key, batch)
            if n is None:
                return total  # the sequencer holding the lock chains what is left
            total += n
            if n < batch:
                break
        if connection.in_atomic_block or not pending_exists():
            break
    return total
