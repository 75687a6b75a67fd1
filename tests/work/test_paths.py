"""Tree paths (luoshi.work.paths): built and read by one pure module; tables of cases and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.lib.natural import sort_path
from luoshi.work import paths


@pytest.mark.parametrize(
    ("path", "ids", "ancestors", "parent", "depth", "plan"),
    [
        ("/p3/", [], [], None, -1, 3),
        ("/p3/10/", [10], [], None, 0, 3),
        ("/p3/10/11/", [10, 11], [10], 10, 1, 3),
        ("/p12/7/8/9/", [7, 8, 9], [7, 8], 8, 2, 12),
        ("/1/", [1], [], None, 0, None),
        ("/1/5/40/", [1, 5, 40], [1, 5], 5, 2, None),
        ("", [], [], None, -1, None),
    ],
)
def test_reading_a_path(
    path: str, ids: list[int], ancestors: list[int], parent: int | None, depth: int, plan: int | None
) -> None:
    assert paths.path_ids(path) == ids
    assert paths.ancestor_ids(path) == ancestors
    assert paths.parent_id(path) == parent
    assert paths.depth(path) == depth
    assert paths.plan_id(path) == plan


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", []),
        ("/1/", ["/1/"]),
        ("/1/2/3/", ["/1/2/3/", "/1/2/", "/1/"]),
    ],
)
def test_prefixes_nearest_first(path: str, expected: list[str]) -> None:
    assert paths.prefixes(path) == expected


def test_building_paths() -> None:
    assert paths.plan_root(4) == "/p4/"
    assert paths.child_path("/p4/", 9) == "/p4/9/"
    assert paths.child_path(paths.UNIT_ROOT, 1) == "/1/"
    assert paths.child_path("/1/", 2) == "/1/2/"
    assert paths.moved("/p4/9/10/11/", "/p4/9/10/", "/p4/3/10/") == "/p4/3/10/11/"
    with pytest.raises(AssertionError):
        paths.moved("/p4/8/", "/p4/9/", "/p4/3/")


def test_place_at_the_top_and_under_a_parent() -> None:
    top = paths.place(plan_id=4, pk=9, code="1", parent=None)
    assert top == paths.Place("/p4/9/", 0, sort_path("", "1", 9))
    kid = paths.place(plan_id=4, pk=12, code="1.2", parent=top)
    assert kid == paths.Place("/p4/9/12/", 1, sort_path(top.sort_path, "1.2", 12))
    assert kid.sort_path.startswith(top.sort_path) and kid.sort_path != top.sort_path


@given(
    plan=st.integers(min_value=1, max_value=10**6),
    ids=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=8),
)
def test_round_trip_of_a_task_path(plan: int, ids: list[int]) -> None:
    parent: paths.Place | None = None
    for pk in ids:
        parent = paths.place(plan_id=plan, pk=pk, code=str(pk), parent=parent)
    assert parent is not None
    assert paths.path_ids(parent.path) == ids
    assert paths.ancestor_ids(parent.path) == ids[:-1]
    assert paths.depth(parent.path) == parent.depth == len(ids) - 1
    assert paths.plan_id(parent.path) == plan
    assert paths.parent_id(parent.path) == (ids[-2] if len(ids) > 1 else None)


@given(ids=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=8))
def test_round_trip_of_a_unit_path(ids: list[int]) -> None:
    path = paths.UNIT_ROOT
    for pk in ids:
        path = paths.child_path(path, pk)
    assert paths.path_ids(path) == ids
    assert paths.plan_id(path) is None
    assert [paths.path_ids(p) for p in paths.prefixes(path)] == [ids[:i] for i in range(len(ids), 0, -1)]
