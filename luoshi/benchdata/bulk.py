"""Bulk row writers for the benchmark generator: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of `columns`; ids are assigned by the caller so children can
reference parents without a round trip, and sequences are moved past them afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def _adapt(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_rows(model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows into `model`'s table; returns the number written."""
    table = model._meta.db_table
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_adapt(v) for v in row])
                    count += 1
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({placeholders})"
    batch: list[list[Any]] = []
    with connection.cursor() as cur:
        for row in rows:
            batch.append([_adapt(v) for v in row])
            if len(batch) >= 5000:
                cur.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
            count += len(batch)
    return count


def next_id(model: type[Model]) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequence(model: type[Model]) -> None:
    """Move the id sequence past explicitly inserted ids (PostgreSQL; SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM "
            f"{connection.ops.quote_name(table)}), 1))",
            [table],
        )
