"""Issue 16: `luoshi backup` then `luoshi restore` into an empty database gives identical row
counts, the same evidence files and a verifying chain; a restore of an older backup is reported by
`luoshi audit verify` (done behind Luoshi's back) or refused, and recorded when accepted. Runs on
the database of the run (SQLite, then PostgreSQL): the backup is made in this process from the
test database, each restore in a process of its own into a new, empty database."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from luoshi.audit import anchor
from luoshi.audit.models import Entry
from luoshi.audit.services import record
from tests.audit.test_audit import run_services

ROOT = Path(__file__).resolve().parent.parent.parent


class Target:
    """A new, empty database of the run's kind, and the environment of a process using it."""

    def __init__(self, tmp: Path, name: str, anchor_dir: str) -> None:
        self.tmp = tmp / name
        self.tmp.mkdir()
        self.media = self.tmp / "media"
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            self.name = f"{db['NAME']}_{name}"
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}"')
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            url = f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{self.name}"
        else:
            self.name = str(self.tmp / "restored.sqlite3")
            url = f"sqlite:///{self.name}"
        self.env = os.environ | {
            "DATABASE_URL": url,
            "LUOSHI_DATA_DIR": str(self.tmp),
            "LUOSHI_MEDIA_ROOT": str(self.media),
            "LUOSHI_AUDIT_ANCHOR_DIR": anchor_dir,
        }

    def _admin(self, statement: str) -> None:
        import psycopg

        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(statement)

    def drop(self) -> None:
        if connection.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def luoshi(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "luoshi", *argv],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def counts(self, tables: list[str]) -> dict[str, int]:
        if connection.vendor == "postgresql":
            import psycopg

            db = connection.settings_dict
            with psycopg.connect(
                host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                password=db["PASSWORD"] or None, dbname=self.name,
            ) as conn:  # fmt: skip
                return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]
        with sqlite3.connect(self.name) as conn:
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}

    def restore_behind_luoshis_back(self, backup: Path) -> None:
        """What an intruder or a hurried operator does: the database file put back with the
        database's own tools, no `luoshi restore`."""
        with tarfile.open(backup) as tar:
            tar.extractall(self.tmp / "raw", filter="data")
        raw = self.tmp / "raw"
        if connection.vendor == "postgresql":
            db = connection.settings_dict
            subprocess.run(
                ["pg_restore", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"],
                 "--no-owner", "-d", self.name, str(raw / "database.dump")],
                check=True, env=os.environ | {"PGPASSWORD": db["PASSWORD"] or ""}, capture_output=True,
            )  # fmt: skip
        else:
            shutil.copy(raw / "database.sqlite3", self.name)


@pytest.fixture
def targets(tmp_path: Path) -> Iterator[Any]:
    made: list[Target] = []

    def make(name: str, anchor_dir: str) -> Target:
        t = Target(tmp_path, name, anchor_dir)
        made.append(t)
        return t

    yield make
    for t in made:
        t.drop()


def manifest_of(backup: Path) -> dict[str, Any]:
    with tarfile.open(backup) as tar:
        f = tar.extractfile("manifest.json")
        assert f is not None
        return json.loads(f.read())  # type: ignore[no-any-return]


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_loses_nothing(p, tmp_path, targets):
    run_services(p)  # with an evidence file (the completion claim's)
    media = Path(django_settings.MEDIA_ROOT)
    assert digests(media), "the services left no evidence file to back up"
    backup = tmp_path / "luoshi.tar.gz"
    call_command("backup", str(backup))
    m = manifest_of(backup)
    assert m["vendor"] == connection.vendor and m["chain"]["count"] == Entry.objects.count()
    assert m["tables"]["work_task"] >= 1 and m["tables"]["audit_entry"] == Entry.objects.count()
    assert Entry.objects.filter(action="audit.backup.created").count() == 1
    with pytest.raises(CommandError):
        call_command("backup", str(backup))  # never over another backup

    # Restored elsewhere, with its own copy of the anchor directory (a rehearsal).
    t = targets("restore", str(tmp_path / "anchor-copy"))
    done = t.luoshi("restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert "(the same as the backup's)" in done.stdout
    restored = t.counts(sorted(m["tables"]))
    expected = dict(m["tables"]) | {"audit_entry": m["tables"]["audit_entry"] + 1}  # + audit.backup.restored
    assert restored == expected
    assert digests(t.media) == digests(media)
    verify = t.luoshi("audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "audit chain OK" in verify.stdout and "matches checkpoint" in verify.stdout

    # Not into a database that is not empty.
    again = t.luoshi("restore", str(backup))
    assert again.returncode != 0 and "not empty" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_restore_of_an_older_backup_is_reported_refused_or_recorded(p, tmp_path, targets):
    run_services(p)
    backup = tmp_path / "older.tar"
    call_command("backup", str(backup))
    at_backup = manifest_of(backup)["chain"]["count"]
    for i in range(4):  # life goes on after the backup, and is anchored
        record(None, "jobs.tick.ran", object_type="tick", object_id=str(i))
    later = anchor.write_checkpoint()
    assert later.count == at_backup + 4
    production_anchor = django_settings.LUOSHI_AUDIT_ANCHOR_DIR

    # Put back behind Luoshi's back: verify says so.
    raw = targets("raw", production_anchor)
    raw.restore_behind_luoshis_back(backup)
    verify = raw.luoshi("audit", "verify")
    assert verify.returncode != 0
    assert f"the chain ends at entry {at_backup} but the signed checkpoint {later.name}" in verify.stderr
    assert "an older backup was restored" in verify.stderr

    # Through `luoshi restore`: refused, naming what would be lost …
    t = targets("older", production_anchor)
    refused = t.luoshi("restore", str(backup))
    assert refused.returncode != 0
    assert f"loses entries {at_backup + 1}..{at_backup + 4}" in refused.stderr

    # … or accepted (into the same database: the refusal wrote nothing): the loss is recorded in the
    # trail and in a signed checkpoint, and verify says it.
    t2 = t
    accepted = t2.luoshi("restore", str(backup), "--accept-loss")
    assert accepted.returncode == 0, accepted.stderr
    assert f"audit entries {at_backup + 1}..{at_backup + 4} were lost" in accepted.stdout
    verify = t2.luoshi("audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert f"entries {at_backup + 1}..{at_backup + 4} were lost when the backup of" in verify.stdout
    last = json.loads(sorted(Path(production_anchor).glob("checkpoint-*.json"))[-1].read_text())
    assert last["note"]["restored"]["superseded"]["count"] == later.count
