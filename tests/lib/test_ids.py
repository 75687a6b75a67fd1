"""`in_ids`: the same rows as `__in`, one array parameter on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.lib.ids import id_array
from luoshi.org.models import Post, Unit


@pytest.mark.django_db
def test_in_ids_matches_in(p: Any) -> None:
    units = list(Unit.objects.values_list("pk", flat=True))
    some = units[::2] + [10**9]  # an id that matches nothing
    assert set(Unit.objects.filter(pk__in_ids=id_array(some)).values_list("pk", flat=True)) == set(
        Unit.objects.filter(pk__in=some).values_list("pk", flat=True)
    )
    # on a foreign key, and a plain list works too
    posts = Post.objects.filter(unit_id__in_ids=some)
    assert set(posts.values_list("pk", flat=True)) == set(
        Post.objects.filter(unit_id__in=some).values_list("pk", flat=True)
    )
    assert list(Unit.objects.filter(pk__in_ids=id_array([]))) == []  # none, and no query
    with CaptureQueriesContext(connection) as ctx:
        list(Unit.objects.filter(pk__in_ids=id_array(range(1, 3001))))
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql  # one array, not 3,000 parameters
    else:
        assert " IN (" in sql
