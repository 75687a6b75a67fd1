"""Pure rules of commitments: quarters, the state a commitment shows, the compliance rate."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.commitments import rules


@pytest.mark.parametrize(
    "day, period",
    [
        (date(2026, 1, 1), "2026Q1"),
        (date(2026, 3, 31), "2026Q1"),
        (date(2026, 4, 1), "2026Q2"),
        (date(2026, 12, 31), "2026Q4"),
    ],
)
def test_period_of(day: date, period: str) -> None:
    assert rules.period_of(day) == period


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_a_day_lies_in_the_bounds_of_its_period(day: date) -> None:
    start, end = rules.period_bounds(rules.period_of(day))
    assert start <= day <= end
    assert rules.period_of(start) == rules.period_of(end)
    assert rules.period_of(start - timedelta(days=1)) != rules.period_of(day)
    assert rules.period_of(end + timedelta(days=1)) != rules.period_of(day)


@pytest.mark.parametrize("bad", ["2026Q5", "2026Q0", "26Q1", "2026-Q1", "", "2026q1"])
def test_period_bounds_refuses_other_text(bad: str) -> None:
    with pytest.raises(ValueError):
        rules.period_bounds(bad)


@pytest.mark.parametrize(
    "accepted, deadline, on, expected",
    [
        ({}, date(2026, 12, 31), date(2026, 6, 1), "not_started"),
        ({}, date(2026, 5, 31), date(2026, 6, 1), "behind"),
        ({"2026Q1": "on_track", "2026Q2": "behind"}, date(2026, 12, 31), date(2026, 7, 1), "behind"),
        ({"2026Q2": "on_track", "2026Q1": "behind"}, date(2026, 12, 31), date(2026, 7, 1), "on_track"),
        ({"2026Q2": "fulfilled"}, date(2026, 5, 31), date(2026, 7, 1), "fulfilled"),
        ({"2026Q2": "on_track"}, date(2026, 5, 31), date(2026, 7, 1), "behind"),
    ],
)
def test_current_state(accepted: dict[str, str], deadline: date, on: date, expected: str) -> None:
    assert rules.current_state(accepted, deadline=deadline, on=on) == expected


@pytest.mark.parametrize(
    "states, rate",
    [
        ([], None),
        (["fulfilled"], Decimal("100.0")),
        (["fulfilled", "behind", "on_track"], Decimal("66.7")),
        (["behind", "not_started"], Decimal("0.0")),
    ],
)
def test_compliance_rate(states: list[str], rate: Decimal | None) -> None:
    assert rules.compliance_rate(states) == rate


@given(st.lists(st.sampled_from(rules.STATES), min_size=1, max_size=50))
def test_rate_is_the_share_kept(states: list[str]) -> None:
    rate = rules.compliance_rate(states)
    assert rate is not None and Decimal(0) <= rate <= Decimal(100)
    # Exact arithmetic: 3 kept of 16 is 18.75, rounded half up to 18.8, exactly 0.05 away (in floats
    # 0.05000000000000071, which failed the test once).
    exact = Fraction(100 * sum(1 for s in states if s in ("fulfilled", "on_track")), len(states))
    assert abs(Fraction(rate) - exact) <= Fraction(1, 20)
