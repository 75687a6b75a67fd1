"""Checking the stored trail with the audit key, region by region (each region has its own chain,
docs/scaling.md): each region's chained entries in seq order from their base (the genesis or the
region's last retention purge), then the entries not chained yet by their MACs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from . import chain, keys
from .models import NO_REGION, Entry, Purge


def region_labels(regions: Iterable[int]) -> dict[int, str]:
    """How a report names each region: its unit's name and id (`示范区 #3`)."""
    from luoshi.org.models import Unit

    wanted = sorted(set(regions))
    names = dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return {
        r: f"region {names.get(r) or ('(no unit yet)' if r == NO_REGION else '(unknown unit)')} #{r}"
        for r in wanted
    }


def regions_on_record() -> list[int]:
    """Every region with entries or a retention purge."""
    with_entries = set(Entry.objects.order_by("region_id").values_list("region_id", flat=True).distinct())
    return sorted(with_entries | set(Purge.objects.values_list("region_id", flat=True)))


def purge_base(key: bytes, region: int) -> tuple[int, str] | chain.Break:
    """Where the region's chain starts: after its newest purge whose record is the key's, else the
    genesis."""
    last = Purge.objects.filter(region_id=region).order_by("-through_seq").first()
    if last is None:
        return 0, chain.GENESIS
    if not chain.same(chain.hmac_sm3(key, b"purge|" + chain.canonical(last.content())), last.mac):
        return chain.Break(
            last.through_seq, "the record of the retention purge through this entry was altered"
        )
    return last.through_seq, last.through_hash


def _chained(region: int, batch: int) -> Iterator[chain.Row]:
    last_seq: int | None = None  # no lower bound: a forged entry numbered 0 or below is seen too
    while True:
        qs = Entry.objects.filter(region_id=region, seq__isnull=False)
        if last_seq is not None:
            qs = qs.filter(seq__gt=last_seq)
        page = list(qs.order_by("seq")[:batch])
        if not page:
            return
        for e in page:
            assert e.seq is not None
            yield e.seq, e.prev_hash, e.hash, e.mac, e.content()
        last_seq = page[-1].seq


def _unchained(region: int, batch: int) -> Iterator[tuple[int, str, dict[str, Any]]]:
    last_id = 0
    while True:
        page = list(
            Entry.objects.filter(region_id=region, seq__isnull=True, id__gt=last_id).order_by("id")[:batch]
        )
        if not page:
            return
        for e in page:
            yield e.pk, e.mac, e.content()
        last_id = page[-1].pk


def check_region(region: int, *, key: bytes, batch: int = 5000, label: str = "") -> chain.Break | None:
    """The region's chain and its entries not chained yet; the first break (named with `label`)."""
    base = purge_base(key, region)
    if isinstance(base, chain.Break):
        broken: chain.Break | None = base
    else:
        broken = chain.verify(key, _chained(region, batch), base_seq=base[0], base_hash=base[1])
        broken = broken or chain.verify_unchained(key, _unchained(region, batch))
    return None if broken is None else dataclasses.replace(broken, region=label)


def check_regions(batch: int = 5000) -> dict[int, chain.Break | None]:
    """Every region's chain checked (the region -> its first break, or None)."""
    key = keys.chain_key()
    regions = regions_on_record()
    labels = region_labels(regions)
    return {r: check_region(r, key=key, batch=batch, label=labels[r]) for r in regions}


def check_entries(batch: int = 5000) -> chain.Break | None:
    """The first break of any region's chain, or None."""
    return next((b for b in check_regions(batch).values() if b is not None), None)
