"""Helpers every test folder shares: the persona names, a signed-in client, and exact query counts.

Query counts follow netbox: each measured operation has a name and a recorded exact count in
tests/query_counts.json, per database vendor where SQLite and PostgreSQL differ. `exact_queries`
fails when the measured count differs from the baseline, in either direction, and prints both
counts with the queries. After a deliberate change, re-record and commit the file with the change:

    LUOSHI_RECORD_QUERY_COUNTS=1 .venv/bin/pytest tests/...            # SQLite
    LUOSHI_RECORD_QUERY_COUNTS=1 DATABASE_URL=postgres://… LUOSHI_TEST_POSTGRES=1 .venv/bin/pytest tests/...

(see tests/README.md). Recording never fails a test on a count; it rewrites the entries that changed.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# ---------------------------------------------------------------------------------------------
# Personas: the attribute names of tests.factories.Personas, in the order tests are parametrised.

PERSONAS: tuple[str, ...] = (
    "reporter_a",
    "head_a",
    "reporter_b",
    "leader",
    "officer",
    "auditor",
    "anonymous",
)


def personas(*, but: Iterable[str] = ()) -> list[str]:
    """PERSONAS without the named ones, in the same order (a subset for `parametrize`)."""
    leave = set(but)
    unknown = leave - set(PERSONAS)
    if unknown:
        raise ValueError(f"not a persona: {sorted(unknown)}")
    return [name for name in PERSONAS if name not in leave]


# The persona table of CONVENTIONS.md (practice 5): the six without the audit administrator.
TABLE = personas(but=["auditor"])


def client_for(user: Any) -> Client:
    """A test client signed in as `user`; anonymous when `user` is None."""
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


# ---------------------------------------------------------------------------------------------
# Exact query counts against recorded baselines

BASELINES = Path(__file__).with_name("query_counts.json")
RECORD_ENV = "LUOSHI_RECORD_QUERY_COUNTS"
VENDORS = ("postgresql", "sqlite")


@dataclass
class Counted:
    """What one measured block ran: filled in when the block ends."""

    name: str
    queries: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.queries)


@contextmanager
def exact_queries(name: str) -> Iterator[Counted]:
    """Run the block, count its queries and assert the count equals the baseline named `name`."""
    counted = Counted(name)
    with CaptureQueriesContext(connection) as ctx:
        yield counted
    counted.queries = [q["sql"] for q in ctx.captured_queries]
    check_count(name, counted.queries)


def baseline(name: str, vendor: str | None = None) -> int | None:
    """The recorded count of `name` on `vendor` (this connection's by default), None if unrecorded."""
    entry = load_baselines().get(name)
    vendor = vendor or connection.vendor
    if isinstance(entry, dict):
        value = entry.get(vendor)
        return int(value) if value is not None else None
    return None if entry is None else int(entry)


def check_count(name: str, queries: list[str]) -> None:
    measured = len(queries)
    expected = baseline(name)
    if recording():
        if expected != measured:
            record_count(name, connection.vendor, measured)
        return
    if expected == measured:
        return
    listing = "\n".join(f"{i:3}. {sql[:600]}" for i, sql in enumerate(queries, 1))
    if expected is None:
        pytest.fail(
            f"no query-count baseline {name!r} on {connection.vendor}: measured {measured}.\n"
            f"Record it with {RECORD_ENV}=1 (tests/README.md).\n{listing}",
            pytrace=False,
        )
    pytest.fail(
        f"query count {name!r} on {connection.vendor}: measured {measured}, baseline {expected}.\n"
        f"If the change is deliberate, re-record with {RECORD_ENV}=1 and commit "
        f"tests/query_counts.json with it.\n{listing}",
        pytrace=False,
    )


def recording() -> bool:
    return os.environ.get(RECORD_ENV, "") == "1"


def load_baselines(path: Path | None = None) -> dict[str, Any]:
    path = path or BASELINES
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def record_count(name: str, vendor: str, measured: int, path: Path | None = None) -> None:
    """Write `measured` as the count of `name` on `vendor`: one number while both vendors agree,
    a {vendor: count} map once they differ (an unrecorded vendor keeps the shared number).

    The read-change-write holds an exclusive lock on a file beside the baselines, so the workers of
    a parallel run (`pytest -n`) record without losing each other's entries."""
    path = path or BASELINES
    with open(path.with_suffix(".json.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _record_count(name, vendor, measured, path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _record_count(name: str, vendor: str, measured: int, path: Path) -> None:
    data = load_baselines(path)
    entry = data.get(name)
    if entry is None:
        data[name] = measured
    else:
        counts = dict(entry) if isinstance(entry, dict) else {v: int(entry) for v in VENDORS}
        counts[vendor] = measured
        values = set(counts.values())
        data[name] = values.pop() if len(values) == 1 and set(counts) >= set(VENDORS) else counts
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
