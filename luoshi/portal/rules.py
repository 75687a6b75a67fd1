"""Pure rules of the public portal: which fields may be public, what changed between two versions,
the feedback rate limit and the arithmetic challenge. No database access."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from luoshi.lib import ratelimit

# The only fields a snapshot of each kind may hold: never internal narrative (report texts, review
# notes), evidence files or persons' names — only units' names, dates, figures and public wording.
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "commitment": (
        "unit",
        "session",
        "year",
        "number",
        "title",
        "measure",
        "deadline",
        "compliance",
        "state",
    ),
    "task": ("unit", "plan", "title", "start", "due", "status", "light", "actual_pct", "expected_pct"),
    "project": ("unit", "name", "category", "stage", "light", "annual_plan", "completed", "lat", "lng"),
    "catalogue": ("unit", "kind", "items"),
}
# Inside a catalogue's items and a commitment's compliance rows, likewise.
ITEM_FIELDS = ("code", "name", "basis", "post", "process")
COMPLIANCE_FIELDS = ("period", "state", "note")


def only_public(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """`data` reduced to the public fields of `kind` (an unknown kind keeps nothing)."""
    allowed = PUBLIC_FIELDS.get(kind, ())
    out = {k: data[k] for k in allowed if k in data}
    if "items" in out:
        out["items"] = [{k: row[k] for k in ITEM_FIELDS if k in row} for row in out["items"]]
    if "compliance" in out:
        out["compliance"] = [{k: row[k] for k in COMPLIANCE_FIELDS if k in row} for row in out["compliance"]]
    return out


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """The fields whose value differs between `old` (None: nothing published yet) and `new`, in
    `new`'s order then the removed ones: (field, old value or None, new value or None)."""
    before = old or {}
    changed = [(k, before.get(k), v) for k, v in new.items() if before.get(k) != v]
    changed += [(k, v, None) for k, v in before.items() if k not in new]
    return changed


# Feedback: at most this many messages per address in each window.
LIMITS: tuple[tuple[timedelta, int], ...] = ((timedelta(minutes=10), 2), (timedelta(days=1), 5))


def retry_after(
    sent: Iterable[datetime], now: datetime, limits: Sequence[tuple[timedelta, int]] = LIMITS
) -> timedelta | None:
    """None if one more message from an address that sent at `sent` is allowed `now`; else how long
    until it is (`luoshi.lib.ratelimit`, with the feedback's limits)."""
    return ratelimit.retry_after(sent, now, limits)


def challenge_answer(a: int, b: int, op: str) -> int:
    """The answer of the arithmetic challenge `a op b` (op: "+" or "-")."""
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    raise ValueError(op)


def answer_ok(a: int, b: int, op: str, given: str) -> bool:
    """Whether the typed `given` answers `a op b` (surrounding spaces and full-width digits allowed)."""
    text = given.strip().translate({ord("０") + i: ord("0") + i for i in range(10)}).replace("－", "-")
    if not text or len(text) > 6:
        return False
    try:
        return int(text) == challenge_answer(a, b, op)
    except ValueError:
        return False
