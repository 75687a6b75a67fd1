"""Checking the stored trail with the audit key: the chained entries in seq order from their base
(the genesis or the last retention purge), then the entries not chained yet by their MACs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import chain, keys
from .models import Entry, Purge


def purge_base(key: bytes) -> tuple[int, str] | chain.Break:
    """Where the chain starts: after the newest purge whose record is the key's, else the genesis."""
    last = Purge.objects.order_by("-through_seq").first()
    if last is None:
        return 0, chain.GENESIS
    if not chain.same(chain.hmac_sm3(key, b"purge|" + chain.canonical(last.content())), last.mac):
        return chain.Break(
            last.through_seq, "the record of the retention purge through this entry was altered"
        )
    return last.through_seq, last.through_hash


def _chained(batch: int) -> Iterator[chain.Row]:
    last_seq: int | None = None  # no lower bound: a forged entry numbered 0 or below is seen too
    while True:
        qs = Entry.objects.filter(seq__isnull=False)
        if last_seq is not None:
            qs = qs.filter(seq__gt=last_seq)
        page = list(qs.order_by("seq")[:batch])
        if not page:
            return
        for e in page:
            assert e.seq is not None
            yield e.seq, e.prev_hash, e.hash, e.mac, e.content()
        last_seq = page[-1].seq


def _unchained(batch: int) -> Iterator[tuple[int, str, dict[str, Any]]]:
    last_id = 0
    while True:
        page = list(Entry.objects.filter(seq__isnull=True, id__gt=last_id).order_by("id")[:batch])
        if not page:
            return
        for e in page:
            yield e.pk, e.mac, e.content()
        last_id = page[-1].pk


def check_entries(batch: int = 5000) -> chain.Break | None:
    key = keys.chain_key()
    base = purge_base(key)
    if isinstance(base, chain.Break):
        return base
    broken = chain.verify(key, _chained(batch), base_seq=base[0], base_hash=base[1])
    return broken or chain.verify_unchained(key, _unchained(batch))
