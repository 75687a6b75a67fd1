"""`field__in_ids=id_array(ids)`: a filter on a list of ids that costs one parameter on PostgreSQL.

Django writes `field IN (%s, %s, …)` with a parameter per id, and walks the list several times while
building the query; with thousands of ids that took longer than running the query (the project map's
3,000 points spent most of their time there). `in_ids` sends the list as one array literal,
`field = ANY(%s::bigint[])`; on SQLite (no arrays) it is the ordinary `IN` list. Same rows either
way; an empty list matches none. Pass the ids wrapped in `id_array` (a plain list works too, but
Django then walks it as it does for `__in`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup


class IdArray:
    """Ids for `in_ids`, opaque to the query builder (not iterable: Django passes it through as is)."""

    __slots__ = ("ids",)

    def __init__(self, ids: Iterable[Any]) -> None:
        self.ids = sorted({int(i) for i in ids})

    def __len__(self) -> int:
        return len(self.ids)


def id_array(ids: Iterable[Any]) -> IdArray:
    return IdArray(ids)


# SQLite binds one parameter per id (at most 32,766 in a statement): its lists go in chunks
SQLITE_CHUNK = 5000


def id_batches(ids: Iterable[Any], *, using: str = "default") -> Iterator[IdArray]:
    """The ids as `in_ids` arguments: all of them at once on PostgreSQL (one array parameter, however
    many), in chunks of `SQLITE_CHUNK` on SQLite; none for no ids."""
    from django.db import connections

    ordered = sorted({int(i) for i in ids})
    size = len(ordered) if connections[using].vendor == "postgresql" else SQLITE_CHUNK
    for i in range(0, len(ordered), max(size, 1)):
        yield IdArray(ordered[i : i + size])


class InIds(Lookup[Any]):
    lookup_name = "in_ids"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self.rhs.ids if isinstance(self.rhs, IdArray) else sorted({int(i) for i in self.rhs})
        if not ids:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, "{" + ",".join(map(str, ids)) + "}"]
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


models.Field.register_lookup(InIds)
models.ForeignObject.register_lookup(InIds)  # a foreign key's lookups are its own, not Field's
