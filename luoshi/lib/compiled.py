"""Statements compiled once: the ORM's SQL for a hot statement about one row, kept per database.

Building a query with subqueries through the ORM costs a few milliseconds of Python each time, more
than PostgreSQL takes to run it. A statement run on every report submission is compiled once per
database with a placeholder id; later calls put the row's id in its place and run the same SQL.

Only for statements whose other parameters are constants (no "today", no user): `build(row_id)`
must return the same SQL for every id, with the id exactly once among its parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
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


@cache
def columns(model: type[Model]) -> tuple[str, ...]:
    """The model's column attributes in `Model.from_db`'s order: what a `values_list` of them gives
    back is one instance's row (`model.from_db(using, columns(model), row)`)."""
    return tuple(f.attname for f in model._meta.concrete_fields)


# Stand-ins for `rows`' arguments while the statement is compiled: values no argument has.
_MARK_DAY = date(1, 1, 1)
_compiled_rows: dict[tuple[str, str], tuple[str, list[Any], list[int | None], dict[int, Any]]] = {}


def _mark(value: Any, i: int) -> Any:
    if isinstance(value, str):
        return f"\x00compiled argument {i}"
    if isinstance(value, bool) or not isinstance(value, (int, date)) or isinstance(value, datetime):
        raise TypeError(
            f"compiled rows: argument {i} must be an int, a date or a text, not {type(value).__name__}"
        )
    return _PLACEHOLDER - i if isinstance(value, int) else _MARK_DAY + timedelta(days=i)


def rows(
    key: str, build: Callable[..., QuerySet[Any]], *args: Any, using: str = "default"
) -> list[tuple[Any, ...]]:
    """The rows of `build(*args)`, a `values_list` query of plain columns whose arguments are ids,
    days and texts compared as they are (no `__contains`, no `__in`): on PostgreSQL its SQL is compiled once per `key` (with stand-ins for the arguments,
    each of which must reach the SQL as parameters, any number of times) and run again with the
    arguments in their places; elsewhere the ORM runs it (SQLite's converters read its dates).

    For the few reads on every report submission, where compiling costs more than running."""
    if connections[using].vendor != "postgresql":
        return list(build(*args))
    found = _compiled_rows.get((key, "postgresql"))
    if found is None:
        marks = [_mark(a, i) for i, a in enumerate(args)]
        compiler = build(*marks).query.get_compiler(using)
        sql, params = compiler.as_sql()
        places: list[int | None] = [marks.index(p) if p in marks else None for p in params]
        missing = set(range(len(args))) - {p for p in places if p is not None}
        if missing:
            raise ValueError(f"compiled rows {key!r}: arguments {sorted(missing)} are not parameters")
        # The columns' converters (a JSON column's parsing, an encrypted one's decryption), as the
        # ORM applies them to what the database returns.
        converters = compiler.get_converters([col for col, _alias, _name in compiler.select])
        found = (sql, list(params), places, converters)
        _compiled_rows[(key, "postgresql")] = found
    sql, params, places, converters = found
    values = [p if i is None else args[i] for p, i in zip(params, places, strict=True)]
    connection = connections[using]
    with connection.cursor() as cur:
        cur.execute(sql, values)
        fetched = cur.fetchall()
    if not converters:
        return list(fetched)
    out = []
    for row in fetched:
        row = list(row)
        for pos, (funcs, expression) in converters.items():
            value = row[pos]
            for func in funcs:
                value = func(value, expression, connection)
            row[pos] = value
        out.append(tuple(row))
    return out
