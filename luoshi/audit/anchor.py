"""Signed checkpoints outside the database (锚定), and the whole check of the trail against them.

A checkpoint is a small JSON file in LUOSHI_AUDIT_ANCHOR_DIR (a directory the operator names: a
write-once mount, another machine's share): every region's chain count and head hash at a time
(each region has its own chain, docs/scaling.md), signed with the Ed25519 signing key. Files are
only ever added (never overwritten), named by time so the last one sorts last. Someone who can
change the database but not that directory cannot remove a region's newest entries, rewrite its
tail (even holding the audit key) or restore an older backup without `luoshi audit verify` saying
so, naming the region. Version 1 files (one chain, before regions) are read as the chain of the
region the entries of that time went to (the root region, `audit/migrations/0005_region_fill`).
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from . import chain, keys
from .models import NO_REGION, Entry
from .sequencer import chain_pending, heads
from .verify import check_region, purge_base, region_labels, regions_on_record

PREFIX = "checkpoint-"

Heads = dict[int, tuple[int, str]]


def legacy_region() -> int:
    """The region of the one chain written before regions: the root region (as the migration chose)."""
    from django.db import connection

    from luoshi.lib.regions import root_region_id

    if "org_unit" not in connection.introspection.table_names():  # `luoshi restore`, before it restores
        return NO_REGION
    return int(root_region_id() or NO_REGION)


class BadCheckpoint(Exception):
    pass


@dataclass(frozen=True)
class Checkpoint:
    regions: Heads  # region -> (count, head hash) of its chain
    at: str
    key: str
    note: dict[str, Any] | None
    name: str
    version: int = 2

    @property
    def count(self) -> int:
        """Entries chained in every region together."""
        return sum(n for n, _h in self.regions.values())

    def payload(self) -> dict[str, Any]:
        if self.version == 1:
            ((count, head),) = self.regions.values() or [(0, chain.GENESIS)]
            return {
                "version": 1,
                "count": count,
                "head": head,
                "at": self.at,
                "key": self.key,
                "note": self.note,
            }
        return {
            "version": 2,
            "count": self.count,
            "regions": {str(r): {"count": n, "head": h} for r, (n, h) in sorted(self.regions.items())},
            "at": self.at,
            "key": self.key,
            "note": self.note,
        }


def anchor_dir() -> Path:
    return Path(settings.LUOSHI_AUDIT_ANCHOR_DIR)


def checkpoint_files(directory: Path | None = None) -> list[Path]:
    d = directory or anchor_dir()
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.name.startswith(PREFIX) and p.suffix == ".json")


def load(path: Path) -> Checkpoint:
    """A checkpoint file, its signature checked with the verify key."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        version = int(doc.get("version", 1))
        if version == 1:
            regions = {legacy_region(): (int(doc["count"]), str(doc["head"]))}
        else:
            regions = {int(r): (int(v["count"]), str(v["head"])) for r, v in doc["regions"].items()}
        cp = Checkpoint(
            regions=regions,
            at=str(doc["at"]),
            key=str(doc["key"]),
            note=doc.get("note"),
            name=path.name,
            version=version,
        )
        signature = base64.b64decode(doc["signature"])
        # What the file says, as it says it: a total or a version-1 head edited is a bad signature.
        signed = cp.payload() | {"count": int(doc["count"])}
        if version == 1:
            signed |= {"head": str(doc["head"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadCheckpoint(f"checkpoint {path.name} cannot be read: {exc}") from exc
    try:
        keys.verify_key().verify(signature, chain.canonical(signed))
    except InvalidSignature as exc:
        raise BadCheckpoint(
            f"checkpoint {path.name} does not carry the audit signing key's signature"
        ) from exc
    return cp


def last_checkpoint(directory: Path | None = None) -> Checkpoint | None:
    files = checkpoint_files(directory)
    return load(files[-1]) if files else None


def write_checkpoint(*, note: dict[str, Any] | None = None, directory: Path | None = None) -> Checkpoint:
    """Chain what is pending, then sign and write every region's count and head as a new file."""
    chain_pending()
    now = timezone.now()
    private = keys.signing_key()
    regions = heads()
    total = sum(n for n, _h in regions.values())
    cp = Checkpoint(
        regions=regions,
        at=now.isoformat(),
        key=keys.key_id(private.public_key()),
        note=note,
        name=f"{PREFIX}{now:%Y%m%dT%H%M%S%f}Z-{total:012d}.json",
    )
    doc = cp.payload() | {"signature": base64.b64encode(private.sign(chain.canonical(cp.payload()))).decode()}
    d = directory or anchor_dir()
    d.mkdir(parents=True, exist_ok=True)
    with open(d / cp.name, "x", encoding="utf-8") as f:  # "x": never overwrite a checkpoint
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    return cp


def checkpoint_due(now: datetime | None = None) -> bool:
    """A checkpoint is due when a chain moved and the last one is older than the interval."""
    current = heads()
    files = checkpoint_files()
    if not files:
        return bool(current)
    last = load(files[-1])
    if {r: v for r, v in last.regions.items() if v[0]} == current:
        return False
    age = (now or timezone.now()) - datetime.fromisoformat(last.at)
    return age >= timedelta(seconds=int(settings.LUOSHI_AUDIT_CHECKPOINT_SECONDS))


@dataclass
class RegionReport:
    """One region's chain as `luoshi audit verify` found it."""

    region: int
    label: str
    entries: int = 0
    unchained: int = 0
    chained_through: int = 0
    problem: str | None = None


@dataclass
class Report:
    entries: int = 0
    unchained: int = 0
    checkpoint: Checkpoint | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    regions: list[RegionReport] = field(default_factory=list)

    @property
    def problem(self) -> str | None:
        return "\n".join(self.problems) if self.problems else None

    @property
    def ok(self) -> bool:
        return not self.problems


def _against(cp: Checkpoint, region: RegionReport, report: Report) -> str | None:
    count = region.chained_through
    cp_count, cp_head = cp.regions.get(region.region, (0, chain.GENESIS))
    signed = f"the signed checkpoint {cp.name} ({cp.at})"
    where = f"{region.label}: "
    if count < cp_count:
        return (
            f"{where}BROKEN at entry {count + 1}: the chain ends at entry {count} but {signed} recorded "
            f"{cp_count} entries: entries {count + 1}..{cp_count} were deleted, or an older backup was restored"
        )
    base = purge_base(keys.chain_key(), region.region)
    base_seq, base_hash = base if isinstance(base, tuple) else (0, chain.GENESIS)
    if cp_count < base_seq or cp_count == 0:
        pass  # purged since (the purge's own record is checked with the chain), or not anchored yet
    else:
        at_count = (
            base_hash
            if cp_count == base_seq
            else Entry.objects.filter(region_id=region.region, seq=cp_count)
            .values_list("hash", flat=True)
            .first()
            or ""
        )
        if not chain.same(at_count, cp_head):
            return (
                f"{where}BROKEN at entry {cp_count}: its hash is not the one in {signed}: "
                f"the chain up to it was rewritten (and rehashed)"
            )
    if count > cp_count:
        report.notes.append(f"{where}entries {cp_count + 1}..{count} are newer than the last checkpoint")
    return None


def _lost_notes(cp: Checkpoint, labels: dict[int, str]) -> list[str]:
    restored = (cp.note or {}).get("restored")
    if not restored:
        return []
    lost = restored.get("lost") or {str(legacy_region()): [restored["lost_from"], restored["lost_to"]]}
    return [
        f"{labels.get(int(r), f'region #{r}')}: entries {a}..{b} were lost when the backup of "
        f"{restored['backup_at']} was restored at {cp.at} (acknowledged; audit entry audit.backup.restored)"
        for r, (a, b) in sorted(lost.items(), key=lambda item: int(item[0]))
    ]


def verify_trail() -> Report:
    """Everything `luoshi audit verify` checks, region by region: each chain and its unchained
    entries with the audit key, then each chain against the last signed checkpoint."""
    report = Report()
    try:
        cp = last_checkpoint()
    except BadCheckpoint as exc:
        cp, report.problems = None, [f"BROKEN: {exc}"]
    report.checkpoint = cp
    chains = heads()
    counted = {
        r: (n, u)
        for r, n, u in Entry.objects.order_by()
        .values("region_id")
        .annotate(n=Count("id"), u=Count("id", filter=Q(seq__isnull=True)))
        .values_list("region_id", "n", "u")
    }
    regions = sorted(set(regions_on_record()) | set(cp.regions if cp else ()))
    labels = region_labels(regions)
    key = keys.chain_key()
    for r in regions:
        n, u = counted.get(r, (0, 0))
        region = RegionReport(r, labels[r], entries=n, unchained=u, chained_through=chains.get(r, (0, ""))[0])
        broken = check_region(r, key=key, label=labels[r])
        if broken is not None:
            region.problem = str(broken)
        elif cp is not None:
            region.problem = _against(cp, region, report)
        report.regions.append(region)
        report.entries += n
        report.unchained += u
        if region.problem:
            report.problems.append(region.problem)
    if cp is None and not report.problems:
        report.notes.append(f"no checkpoint in {anchor_dir()} yet: run `luoshi audit checkpoint`")
    elif cp is not None and not report.problems:
        report.notes.extend(_lost_notes(cp, labels))
    return report
