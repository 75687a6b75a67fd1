"""Pure rules of commitments: periods (quarters), the state a commitment shows, compliance rates."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

PERIOD_RE = re.compile(r"^(\d{4})Q([1-4])$")

# Worst first: the state a unit's row shows is the worst of its commitments'.
STATES = ("not_started", "behind", "on_track", "fulfilled")
# What counts as keeping a commitment (兑现率 numerator).
KEPT = frozenset({"fulfilled", "on_track"})


def period_of(day: date) -> str:
    """The quarter holding `day`, as `2026Q2`."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period `YYYYQn`; ValueError for anything else."""
    m = PERIOD_RE.match(period)
    if not m:
        raise ValueError(period)
    year, q = int(m.group(1)), int(m.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year, 12, 31) if q == 4 else date(year, 3 * q + 1, 1) - timedelta(days=1)
    return start, end


def current_state(accepted: Mapping[str, str], *, deadline: date, on: date) -> str:
    """What a commitment shows `on`: the state of its latest accepted period; with none, not started
    — and behind once its deadline has passed without being fulfilled."""
    state = accepted[max(accepted)] if accepted else "not_started"
    if state != "fulfilled" and deadline < on:
        return "behind"
    return state


def compliance_rate(states: Iterable[str]) -> Decimal | None:
    """Percent of commitments kept (fulfilled or on track), one decimal; None for no commitment."""
    rows = list(states)
    if not rows:
        return None
    kept = sum(1 for s in rows if s in KEPT)
    return (Decimal(100) * kept / len(rows)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
