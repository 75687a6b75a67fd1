"""Signed checkpoints outside the database (锚定), and the whole check of the trail against them.

A checkpoint is a small JSON file in LUOSHI_AUDIT_ANCHOR_DIR (a directory the operator names: a
write-once mount, another machine's share): the chain's entry count and head hash at a time,
signed with the Ed25519 signing key. Files are only ever added (never overwritten), named by time
so the last one sorts last. Someone who can change the database but not that directory cannot
remove the newest entries, rewrite the tail (even holding the audit key) or restore an older backup
without `luoshi audit verify` saying so.
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
from django.utils import timezone

from . import chain, keys
from .models import Entry
from .sequencer import chain_pending, head
from .verify import check_entries, purge_base

PREFIX = "checkpoint-"


class BadCheckpoint(Exception):
    pass


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head: str
    at: str
    key: str
    note: dict[str, Any] | None
    name: str

    def payload(self) -> dict[str, Any]:
        return {
            "version": 1,
            "count": self.count,
            "head": self.head,
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
        cp = Checkpoint(
            count=int(doc["count"]),
            head=str(doc["head"]),
            at=str(doc["at"]),
            key=str(doc["key"]),
            note=doc.get("note"),
            name=path.name,
        )
        signature = base64.b64decode(doc["signature"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadCheckpoint(f"checkpoint {path.name} cannot be read: {exc}") from exc
    try:
        keys.verify_key().verify(signature, chain.canonical(cp.payload()))
    except InvalidSignature as exc:
        raise BadCheckpoint(
            f"checkpoint {path.name} does not carry the audit signing key's signature"
        ) from exc
    return cp


def last_checkpoint(directory: Path | None = None) -> Checkpoint | None:
    files = checkpoint_files(directory)
    return load(files[-1]) if files else None


def write_checkpoint(*, note: dict[str, Any] | None = None, directory: Path | None = None) -> Checkpoint:
    """Chain what is pending, then sign and write the chain's count and head as a new file."""
    chain_pending()
    count, head_hash = head()
    now = timezone.now()
    private = keys.signing_key()
    cp = Checkpoint(
        count=count,
        head=head_hash,
        at=now.isoformat(),
        key=keys.key_id(private.public_key()),
        note=note,
        name=f"{PREFIX}{now:%Y%m%dT%H%M%S%f}Z-{count:012d}.json",
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
    """A checkpoint is due when the chain moved and the last one is older than the interval."""
    count, head_hash = head()
    files = checkpoint_files()
    if not files:
        return count > 0
    last = load(files[-1])
    if (last.count, last.head) == (count, head_hash):
        return False
    age = (now or timezone.now()) - datetime.fromisoformat(last.at)
    return age >= timedelta(seconds=int(settings.LUOSHI_AUDIT_CHECKPOINT_SECONDS))


@dataclass
class Report:
    entries: int = 0
    unchained: int = 0
    chained_through: int = 0
    checkpoint: Checkpoint | None = None
    problem: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def _against(cp: Checkpoint, report: Report) -> str | None:
    count, _h = head()
    signed = f"the signed checkpoint {cp.name} ({cp.at})"
    if count < cp.count:
        return (
            f"BROKEN at entry {count + 1}: the chain ends at entry {count} but {signed} recorded "
            f"{cp.count} entries: entries {count + 1}..{cp.count} were deleted, or an older backup was restored"
        )
    base = purge_base(keys.chain_key())
    base_seq, base_hash = base if isinstance(base, tuple) else (0, chain.GENESIS)
    if cp.count < base_seq or cp.count == 0:
        return None  # purged since (the purge's own record is checked with the chain)
    at_count = (
        base_hash
        if cp.count == base_seq
        else Entry.objects.filter(seq=cp.count).values_list("hash", flat=True).first() or ""
    )
    if not chain.same(at_count, cp.head):
        return (
            f"BROKEN at entry {cp.count}: its hash is not the one in {signed}: "
            f"the chain up to it was rewritten (and rehashed)"
        )
    if count > cp.count:
        report.notes.append(f"entries {cp.count + 1}..{count} are newer than the last checkpoint")
    return None


def verify_trail() -> Report:
    """Everything `luoshi audit verify` checks: the chain and the unchained entries with the audit
    key, then the chain against the last signed checkpoint."""
    report = Report(
        entries=Entry.objects.count(),
        unchained=Entry.objects.filter(seq__isnull=True).count(),
        chained_through=head()[0],
    )
    broken = check_entries()
    if broken is not None:
        report.problem = str(broken)
        return report
    try:
        cp = last_checkpoint()
    except BadCheckpoint as exc:
        report.problem = f"BROKEN: {exc}"
        return report
    report.checkpoint = cp
    if cp is None:
        report.notes.append(f"no checkpoint in {anchor_dir()} yet: run `luoshi audit checkpoint`")
        return report
    report.problem = _against(cp, report)
    restored = (cp.note or {}).get("restored")
    if report.problem is None and restored:
        report.notes.append(
            f"entries {restored['lost_from']}..{restored['lost_to']} were lost when the backup of "
            f"{restored['backup_at']} was restored at {cp.at} (acknowledged; audit entry audit.backup.restored)"
        )
    return report
