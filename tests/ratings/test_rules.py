"""Ratings rules: trimmed means, minimum responses, the service veto, the scale — case tables and
hypothesis properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.ratings import rules
from luoshi.ratings.rules import ItemAggregate, Option

D = Decimal
points = st.integers(min_value=0, max_value=100).map(Decimal)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([D(80)], D(80)),
        ([D(80), D(100)], D(90)),
        ([D(0), D(80), D(100)], D(80)),  # n = 3: the middle one
        ([D(100), D(100), D(100), D(0)], D(100)),  # one 100 and the 0 dropped
        ([D(100), D(100), D(80), D(80)], D(90)),  # ties: exactly one of each dropped
        ([D(0), D(0), D(0)], D(0)),
        ([D(10), D(1), D(5), D(7), D(3)], D(5)),  # (5 + 7 + 3) / 3
    ],
)
def test_trimmed_mean_table(values: list[Decimal], expected: Decimal | None) -> None:
    assert rules.trimmed_mean(values) == expected


@given(st.lists(points, min_size=3, max_size=20))
def test_trimmed_mean_drops_exactly_one_highest_and_one_lowest(values: list[Decimal]) -> None:
    rest = sorted(values)[1:-1]
    assert rules.trimmed_mean(values) == sum(rest, D(0)) / len(rest)
    # The same from SQL's aggregates.
    assert rules.trimmed_from_aggregates(
        n=len(values), total=sum(values, D(0)), highest=max(values), lowest=min(values)
    ) == sum(rest, D(0)) / len(rest)


@given(st.lists(points, min_size=2, max_size=20))
def test_one_outlier_is_what_gets_dropped(values: list[Decimal]) -> None:
    """A rating above all others is the one highest dropped: the rest are trimmed of their lowest only."""
    kept = sorted(values)[1:]
    assert rules.trimmed_mean([*values, D(1000)]) == sum(kept, D(0)) / len(kept)


@given(st.lists(points, min_size=1, max_size=2))
def test_one_or_two_ratings_are_not_trimmed(values: list[Decimal]) -> None:
    assert rules.trimmed_mean(values) == sum(values, D(0)) / len(values)


@pytest.mark.parametrize(
    ("n", "minimum", "enough"),
    [(0, 5, False), (4, 5, False), (5, 5, True), (6, 5, True), (0, 0, False), (1, 0, True)],
)
def test_minimum_responses(n: int, minimum: int, enough: bool) -> None:
    assert rules.enough(n, minimum) is enough


@pytest.mark.parametrize(
    ("unsatisfied", "total", "threshold", "veto"),
    [
        (3, 10, D(30), False),  # exactly at the line: not crossed
        (4, 10, D(30), True),
        (0, 10, D(0), False),
        (1, 10, D(0), True),
        (10, 10, D(100), False),
        (1, 3, D("33.33"), True),  # 33.333…% > 33.33%
        (1, 3, D("33.34"), False),
        (0, 0, D(0), False),
    ],
)
def test_veto_boundaries(unsatisfied: int, total: int, threshold: Decimal, veto: bool) -> None:
    assert rules.vetoed(unsatisfied=unsatisfied, total=total, threshold_percent=threshold) is veto


@given(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(min_value=0, max_value=n))
    ),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_veto_is_share_strictly_above_threshold(nu: tuple[int, int], threshold: Decimal) -> None:
    total, unsatisfied = nu
    assert rules.vetoed(unsatisfied=unsatisfied, total=total, threshold_percent=threshold) is (
        D(unsatisfied) / D(total) > threshold / 100
    )


def agg(values: list[Decimal], unsatisfied: int = 0) -> ItemAggregate:
    return ItemAggregate(len(values), sum(values, D(0)), max(values), min(values), unsatisfied)


def test_unit_outcome_below_minimum_has_no_score_and_no_veto() -> None:
    out = rules.unit_outcome([agg([D(0)] * 4, 4)], ballots=4, minimum=5, threshold_percent=D(30))
    assert out.insufficient and out.score is None and not out.veto
    assert out.unsatisfied_percent == D("100.00")
    assert out.items[0].insufficient and out.items[0].score is None


def test_unit_outcome_mean_of_item_trimmed_means_and_veto() -> None:
    a = agg([D(100), D(80), D(80), D(0), D(0)], unsatisfied=2)  # trimmed: (80 + 80 + 0) / 3
    b = agg([D(100)] * 5)
    out = rules.unit_outcome([a, b], ballots=5, minimum=5, threshold_percent=D(15))
    assert out.items[0].score == D("53.33") and out.items[1].score == D("100.00")
    assert out.score == D("76.67")  # (53.333… + 100) / 2
    assert out.unsatisfied_percent == D("20.00") and out.veto  # 2 of 10 > 15%
    assert not rules.unit_outcome([a, b], ballots=5, minimum=5, threshold_percent=D(20)).veto


@pytest.mark.parametrize(
    ("choice", "label"),
    [
        (0, "满意"),
        (2, "不满意"),
        ("1", "基本满意"),
        (3, None),
        (-1, None),
        ("x", None),
        ("", None),
        (True, None),
        ("٣", None),
        (None, None),
        (1.0, None),
    ],
)
def test_choose(choice: object, label: str | None) -> None:
    option = rules.choose(rules.SATISFACTION, choice)
    assert (option.label if option else None) == label


@pytest.mark.parametrize(
    ("options", "ok"),
    [
        (rules.SATISFACTION, True),
        (rules.TEN_POINTS, True),
        ((Option("满意", D(1)),), False),
        ((Option("满意", D(1)), Option("满意", D(0))), False),
        ((Option("满意", D(1)), Option(" ", D(0))), False),
        ((Option("满意", D(1)), Option("不满意", D(-1))), False),
        ((Option("满意", D("NaN")), Option("不满意", D(0))), False),
    ],
)
def test_scale_problem(options: tuple[Option, ...], ok: bool) -> None:
    assert (rules.scale_problem(options) is None) is ok


def test_ten_point_scale_marks_five_and_below_unsatisfied() -> None:
    assert [o.label for o in rules.TEN_POINTS if o.unsatisfied] == ["5", "4", "3", "2", "1"]


@pytest.mark.parametrize(
    ("part", "whole", "pct"),
    [(0, 0, D("0.00")), (1, 3, D("33.33")), (2, 3, D("66.67")), (50, 50, D("100.00"))],
)
def test_share_percent(part: int, whole: int, pct: Decimal) -> None:
    assert rules.share_percent(part, whole) == pct
