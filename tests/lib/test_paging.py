"""The paginator that stops counting at a cap (超过 1,000 条): every row still reachable page after
page, the count honest below the cap, and a LIMITed count query above it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from luoshi.lib.paging import CappedPaginator


@pytest.mark.parametrize(
    ("rows", "cap", "count", "capped", "pages"),
    [
        (0, 10, 0, False, 1),
        (7, 10, 7, False, 2),
        (10, 10, 10, False, 3),
        (11, 10, 11, True, 3),  # one past the cap: "more than 10"
        (25, 10, 11, True, 3),
    ],
)
def test_count_and_pages(rows: int, cap: int, count: int, capped: bool, pages: int) -> None:
    p = CappedPaginator(list(range(rows)), 4, cap=cap)
    assert (p.count, p.capped, p.num_pages) == (count, capped, pages)


@given(st.integers(0, 60), st.integers(1, 9), st.integers(1, 30))
def test_every_row_is_reached_page_after_page(rows: int, per_page: int, cap: int) -> None:
    data = list(range(rows))
    p = CappedPaginator(data, per_page, cap=cap)
    seen: list[int] = []
    page = p.get_page(None)
    while True:
        seen.extend(page.object_list)
        assert page.start_index() == (seen[len(seen) - len(page.object_list)] + 1 if page.object_list else 0)
        if not page.has_next():
            break
        page = p.get_page(page.next_page_number())
    assert seen == data
    if rows > cap:
        assert p.capped and p.count == cap + 1


def test_past_the_rows_gives_the_last_counted_page() -> None:
    p = CappedPaginator(list(range(25)), 4, cap=10)
    assert p.get_page(7).object_list == [24] and not p.get_page(7).has_next()
    assert p.get_page(50).number == 3  # no rows there: back to the counted pages
    assert p.get_page("x").number == 1


@pytest.mark.django_db
def test_a_queryset_is_counted_no_further_than_the_cap(p: object) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.order_by("pk")
    total = users.count()
    assert total > 3
    pager = CappedPaginator(users, 2, cap=3)
    with CaptureQueriesContext(connection) as ctx:
        assert pager.count == 4 and pager.capped
    assert len(ctx.captured_queries) == 1 and "LIMIT 4" in ctx.captured_queries[0]["sql"]
    assert CappedPaginator(users, 2, cap=total).count == total
