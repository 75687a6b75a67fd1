"""Counting a list's rows, exactly while it is cheap and by PostgreSQL's estimate past that."""

from __future__ import annotations

import json
from typing import Any

from django.db import connections

# Counted row by row up to this many; past it, the planner's estimate ("约 12,000").
EXACT_UP_TO = 1000


def count_or_estimate(qs: Any, *, exact_up_to: int | None = None) -> tuple[int, bool]:
    """(count, estimated): the exact count of `qs` when it is at most `exact_up_to` (or on SQLite,
    which has no estimates: embedded installs are small); else PostgreSQL's estimate of the rows,
    never below `exact_up_to` + 1, and True."""
    if exact_up_to is None:
        exact_up_to = EXACT_UP_TO
    qs = qs.order_by()
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return qs.count(), False
    n = qs[: exact_up_to + 1].count()
    if n <= exact_up_to:
        return n, False
    sql, params = qs.values("pk").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cur.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    return max(int(plan["Plan Rows"]), exact_up_to + 1), True
