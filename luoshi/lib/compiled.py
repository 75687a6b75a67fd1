"""Statements compiled once: the ORM's SQL for a hot statement about one row, kept per database.

Building a query with subqueries through the ORM costs a few milliseconds of Python each time, more
than PostgreSQL takes to run it. A statement run on every report submission is compiled once per
database with a placeholder id; later calls put the row's id in its place and run the same SQL.

Only for statements whose other parameters are constants (no "today", no user): `build(row_id)`
must return the same SQL for every id, with the id exactly once among its parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery

# An id no row has (ids are positive), so the one parameter equal to it is the row's id.
_PLACEHOLDER = -704_200_391
_compiled: dict[tuple[str, str], tuple[str, list[Any], int]] = {}


def update_sql(qs: QuerySet[Any], *, using: str = "default", **values: Any) -> tuple[str, list[Any]]:
    """The SQL and parameters `qs.update(**values)` runs on `using` (a plain UPDATE, no related
    updates)."""
    query: Any = qs.query.chain(UpdateQuery)
    query.add_update_values(values)
    query.annotations = {}
    if query.related_updates:
        raise ValueError("update_sql: related updates are not one statement")
    sql, params = query.get_compiler(using).as_sql()
    return sql, list(params)


def statement(
    key: str, row_id: int, build: Callable[[int], tuple[str, Sequence[Any]]], *, using: str = "default"
) -> tuple[str, list[Any]]:
    """(sql, params) of `build(row_id)`, compiled once per `key` and database vendor."""
    vendor = connections[using].vendor
    found = _compiled.get((key, vendor))
    if found is None:
        sql, params = build(_PLACEHOLDER)
        params = list(params)
        places = [i for i, p in enumerate(params) if p == _PLACEHOLDER]
        if len(places) != 1:
            raise ValueError(f"compiled statement {key!r}: the id must be one parameter, found {len(places)}")
        found = (sql, params, places[0])
        _compiled[(key, vendor)] = found
    sql, params, place = found
    out = list(params)
    out[place] = int(row_id)
    return sql, out


def execute(
    key: str, row_id: int, build: Callable[[int], tuple[str, Sequence[Any]]], *, using: str = "default"
) -> int:
    """Run the compiled statement for `row_id`; the number of rows it touched."""
    sql, params = statement(key, row_id, build, using=using)
    with connections[using].cursor() as cur:
        cur.execute(sql, params)
        return int(cur.rowcount)
