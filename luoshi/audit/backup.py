"""`luoshi backup` and `luoshi restore`: the database, the evidence files under MEDIA_ROOT and the
audit checkpoints, in one tar file with a manifest (row counts per table, SM3 of every file, each
region chain's count and head at the moment of the snapshot).

- PostgreSQL: `pg_dump -Fc` of an exported REPEATABLE READ snapshot, the row counts taken in that
  same snapshot; restored with `pg_restore` into an empty database.
- SQLite: SQLite's online backup into a copy, counted from the copy; restored by the same backup
  the other way into an empty database file.

Restore refuses a database that is not empty and evidence files that differ from the backup's. A
backup older than the last checkpoint in LUOSHI_AUDIT_ANCHOR_DIR would silently lose the history
since: it is refused unless `--accept-loss`, and then the loss is recorded (an audit entry and a
signed checkpoint naming the lost entries), so `luoshi audit verify` keeps saying what was lost.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from luoshi.errors import Conflict, InvalidField

from . import anchor
from .sequencer import chain_pending
from .services import record

FORMAT = 1


def _sm3_file(path: Path) -> str:
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(hashes.SM3())
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.finalize().hex()


def _media_files(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise Conflict(f"{cmd[0]} failed: {done.stderr.strip()[:2000]}")


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for t in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(t)}")
        counts[t] = int(cursor.fetchone()[0])
    return counts


def _chain_state(cursor: Any) -> dict[str, Any]:
    """Each region chain's count and head (and the total) as the snapshot holds them."""
    from .models import Entry

    t = Entry._meta.db_table
    cursor.execute(
        f"SELECT e.region_id, e.seq, e.hash FROM {t} e JOIN (SELECT region_id, MAX(seq) AS top FROM {t}"
        " WHERE seq IS NOT NULL GROUP BY region_id) m ON m.region_id = e.region_id AND m.top = e.seq"
        " ORDER BY e.region_id"
    )
    regions = {str(r): {"count": int(seq), "head": str(h)} for r, seq, h in cursor.fetchall()}
    return {"count": sum(v["count"] for v in regions.values()), "regions": regions}


def _backup_heads(state: dict[str, Any]) -> dict[int, int]:
    """region -> count in a manifest's chain state; a backup made before regions held one chain,
    the root region's since (`audit/migrations/0005_region_fill`)."""
    if "regions" not in state:
        return {anchor.legacy_region(): int(state["count"])}
    return {int(r): int(v["count"]) for r, v in state["regions"].items()}


def _dump_postgres(target: Path) -> tuple[dict[str, int], dict[str, Any]]:
    args, env = _pg_args()
    tables = connection.introspection.table_names()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        counts = _counts(cur, tables)
        state = _chain_state(cur)
        name = str(connection.settings_dict["NAME"])
        _run(
            [
                "pg_dump",
                *args,
                "-Fc",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "-f",
                str(target),
                name,
            ],
            env,
        )
    return counts, state


def _dump_sqlite(target: Path) -> tuple[dict[str, int], dict[str, Any]]:
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)
    finally:
        dest.close()
    copy = sqlite3.connect(target)
    try:
        cur = copy.cursor()
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = sorted(r[0] for r in cur.fetchall())
        return _counts(cur, tables), _chain_state(cur)
    finally:
        copy.close()


@dataclass
class Made:
    path: Path
    manifest: dict[str, Any]


def backup_make(*, target: Path, actor: Any = None) -> Made:
    """Write the backup tar to `target` (never over an existing file)."""
    if target.exists():
        raise InvalidField(f"{target} exists already: a backup is never written over another", field="target")
    with transaction.atomic():
        record(None, "audit.backup.created", actor=actor, data={"file": target.name})
    cp = anchor.write_checkpoint()  # chains everything committed, the entry above too
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="luoshi-backup-") as tmp:
        work = Path(tmp)
        vendor = connection.vendor
        db_file = work / ("database.dump" if vendor == "postgresql" else "database.sqlite3")
        counts, state = _dump_postgres(db_file) if vendor == "postgresql" else _dump_sqlite(db_file)
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": vendor,
            "database": db_file.name,
            "tables": counts,
            "chain": state,
            "checkpoint": cp.name,
            "files": {rel: _sm3_file(p) for rel, p in files.items()},
        }
        (work / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        mode = "w:gz" if target.name.endswith(".gz") else "w"
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, mode) as tar:  # type: ignore[call-overload]
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(db_file, arcname=db_file.name)
            for rel, p in files.items():
                tar.add(p, arcname=f"media/{rel}")
            for cp_file in anchor.checkpoint_files():
                tar.add(cp_file, arcname=f"anchor/{cp_file.name}")
        partial.rename(target)
    return Made(target, manifest)


@contextmanager
def _unpacked(source: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    if not source.is_file():
        raise InvalidField(f"{source} is not a file", field="source")
    with tempfile.TemporaryDirectory(prefix="luoshi-restore-") as tmp, tarfile.open(source) as tar:
        for member in tar.getmembers():
            name = member.name
            if not (member.isfile() or member.isdir()) or name.startswith("/") or ".." in Path(name).parts:
                raise InvalidField(f"{source}: unexpected member {name!r}", field="source")
        tar.extractall(tmp, filter="data")
        work = Path(tmp)
        try:
            manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidField(
                f"{source} has no readable manifest: not a Luoshi backup", field="source"
            ) from exc
        if manifest.get("format") != FORMAT:
            raise InvalidField(
                f"{source}: backup format {manifest.get('format')!r} is not {FORMAT}", field="source"
            )
        yield work, manifest


@dataclass
class Restored:
    manifest: dict[str, Any]
    counts: dict[str, int]
    files: int
    lost: dict[int, tuple[int, int]]  # region -> the entries the restore lost (from, to)


def _live_counts(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cur:
        return _counts(cur, tables)


def backup_restore(*, source: Path, accept_loss: bool = False) -> Restored:
    """Restore a backup into the configured database, which must be empty, and MEDIA_ROOT."""
    with _unpacked(source) as (work, manifest):
        if manifest["vendor"] != connection.vendor:
            raise InvalidField(
                f"the backup is of a {manifest['vendor']} database; this one is {connection.vendor}",
                field="source",
            )
        if connection.introspection.table_names():
            raise Conflict("the database is not empty: restore only into a new, empty database")
        # Checked before anything is written: the evidence files and the age against the anchor.
        media_root = Path(settings.MEDIA_ROOT)
        for rel, digest in manifest["files"].items():
            there = media_root / rel
            if there.exists() and _sm3_file(there) != digest:
                raise Conflict(f"{there} exists and differs from the backup's file: not overwritten")
        last = anchor.last_checkpoint()
        lost: dict[int, tuple[int, int]] = {}
        if last is not None:
            held = _backup_heads(manifest["chain"])
            lost = {
                r: (held.get(r, 0) + 1, n)
                for r, (n, _h) in sorted(last.regions.items())
                if n > held.get(r, 0)
            }
        if lost and not accept_loss:
            assert last is not None
            raise Conflict(
                f"this backup ends earlier than the checkpoint {last.name} in the anchor directory: restoring it "
                "loses "
                + ", ".join(f"entries {a}..{b} of region #{r}" for r, (a, b) in lost.items())
                + " and everything written with them. Restore a newer backup, or pass --accept-loss to restore "
                "it and have the loss recorded"
            )
        if connection.vendor == "postgresql":
            args, env = _pg_args()
            name = str(connection.settings_dict["NAME"])
            _run(
                ["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error", "-d", name,
                 str(work / manifest["database"])],
                env,
            )  # fmt: skip
        else:
            connection.close()
            src = sqlite3.connect(work / manifest["database"])
            dest = sqlite3.connect(str(connection.settings_dict["NAME"]))
            try:
                src.backup(dest)
            finally:
                src.close()
                dest.close()
        counts = _live_counts(sorted(manifest["tables"]))
        if counts != manifest["tables"]:
            differ = {
                t: (manifest["tables"][t], counts[t]) for t in counts if counts[t] != manifest["tables"][t]
            }
            raise Conflict(
                f"restored row counts differ from the backup's (table: backup, restored): {differ}"
            )
        for rel in manifest["files"]:
            there = media_root / rel
            if not there.exists():
                there.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(work / "media" / rel, there)
            if _sm3_file(there) != manifest["files"][rel]:
                raise Conflict(f"{there} does not match the backup after copying")
        anchor_dir = anchor.anchor_dir()
        anchor_dir.mkdir(parents=True, exist_ok=True)
        for cp_file in sorted((work / "anchor").glob(f"{anchor.PREFIX}*.json")):
            if not (anchor_dir / cp_file.name).exists():  # never over a checkpoint already there
                shutil.copy2(cp_file, anchor_dir / cp_file.name)
    chain_pending()
    data: dict[str, Any] = {
        "file": source.name,
        "backup_created": manifest["created"],
        "chain": manifest["chain"],
    }
    note = None
    if lost and last is not None:
        spans = {str(r): [a, b] for r, (a, b) in lost.items()}
        data |= {"lost": spans, "superseded_checkpoint": last.name}
        note = {
            "restored": {
                "backup_at": manifest["created"],
                "lost": spans,
                "superseded": {
                    "name": last.name,
                    "count": last.count,
                    "regions": last.payload().get("regions"),
                },
            }
        }
    with transaction.atomic():
        record(None, "audit.backup.restored", data=data)
    anchor.write_checkpoint(note=note)
    return Restored(manifest, counts, len(manifest["files"]), lost)
