"""Bulk row writers (benchmark generator, large imports): COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in the order of `columns`; ids are assigned by the caller so children can
reference parents without a round trip, and sequences are moved past them afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Field, Model

from luoshi.lib.regions import fill_regions, region_key


def _adapt(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _json_columns(model: type[Model], columns: Sequence[str]) -> list[int]:
    """The positions among `columns` whose values may be dicts or lists to write as JSON: the model's
    JSON fields, and any column that is not one of its fields (the caller knows what it holds)."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    fields.update({f.attname: f for f in model._meta.concrete_fields})
    return [i for i, c in enumerate(columns) if c not in fields or isinstance(fields[c], models.JSONField)]


def write_rows(
    model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]], *, table: str | None = None
) -> int:
    """Insert rows into `model`'s table (or `table`, one with the same columns, such as a scratch copy);
    returns the number written."""
    table = table or model._meta.db_table
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        # only the JSON columns are looked at value by value (a city-wide agenda's 19,296 lines of
        # twelve columns spent 30 ms asking each value whether it was a dict)
        json_at = _json_columns(model, columns)
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                if not json_at:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                    return count
                for row in rows:
                    values = list(row)
                    for i in json_at:
                        values[i] = _adapt(values[i])
                    copy.write_row(values)
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

    return (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


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


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """Take `count` ids from the table's own sequence (PostgreSQL), safe beside concurrent inserts."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cur.fetchall()]


def model_rows(
    model: type[Model], rows: Iterable[dict[str, Any]], *, skip_id: bool = False
) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    """Columns and row tuples for `write_rows`, each row its given values over the fields' defaults
    (`auto_now`/`auto_now_add` fields get the current time); `skip_id` leaves ids to the database."""
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if not (skip_id and f.primary_key)]
    now = timezone.now()
    base: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            base[f.attname] = now
        else:
            base[f.attname] = f.get_default()  # "" for text fields without a default, else None
    names = [f.attname for f in fields]
    columns = [f.column for f in fields]
    if region_key(model) is not None:
        # A region-scoped table: rows that do not name their region take their parent's, set-based.
        filled = [{**base, **values} for values in rows]
        fill_regions(model, filled)
        return columns, (tuple(merged[n] for n in names) for merged in filled)

    def gen() -> Iterator[tuple[Any, ...]]:
        for values in rows:
            merged = {**base, **values}
            yield tuple(merged[n] for n in names)

    return columns, gen()


def _column(model: type[Model], name: str) -> str:
    """The database column of the model's concrete field `name`."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column is not None, name
    return field.column


def update_rows(
    model: type[Model], fields: Sequence[tuple[str, str]], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Set some columns of many rows by id, set-based. `fields` are (field name, SQL type) pairs and
    each row is their values followed by the row's id.

    On PostgreSQL one `UPDATE … FROM unnest(arrays)` per 10,000 rows: one array parameter per
    column, no per-row SQL to build or parse (`bulk_update` builds a CASE per column per row and
    spent seconds in the ORM for a few thousand rows). Elsewhere one prepared UPDATE per row."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [_column(model, name) for name, _ in fields]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            sets = ", ".join(f"{qn(c)} = v.{qn(c)}" for c in columns)
            arrays = ", ".join(f"%s::{sql_type}[]" for _, sql_type in fields)
            names = ", ".join(qn(c) for c in columns)
            sql = f"UPDATE {table} AS t SET {sets} FROM unnest({arrays}, %s::bigint[]) AS v({names}, id) WHERE t.id = v.id"
            for i in range(0, len(rows), 10_000):
                cur.execute(sql, [list(col) for col in zip(*rows[i : i + 10_000], strict=True)])
        else:
            sets = ", ".join(f"{qn(c)} = %s" for c in columns)
            cur.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)
