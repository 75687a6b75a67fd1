"""Pure rules of filing a report: which period a report may name, and which figures look like a
mistake (合理性提示). Tables of cases, plus properties over random dates and figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.work import rules


def d(text: str) -> date:
    return date.fromisoformat(text)


# A task from 2024-01-10 to 2024-06-15 (a Wednesday to a Saturday).
START, DUE = d("2024-01-10"), d("2024-06-15")


@pytest.mark.parametrize(
    "cadence, on, period, expected, problem",
    [
        # No period named: the one holding today, or the task's last one once due has passed.
        ("monthly", "2024-03-05", None, "2024-03-31", ""),
        ("monthly", "2024-09-01", None, "2024-06-30", ""),
        ("weekly", "2024-03-05", None, "2024-03-10", ""),
        ("quarterly", "2024-05-20", None, "2024-06-30", ""),
        # ...and before the task's first period has begun there is nothing to report for.
        ("monthly", "2023-12-20", None, "2023-12-31", rules.PERIOD_BEFORE_START),
        # Named periods: the current one and earlier ones of the task.
        ("monthly", "2024-03-05", "2024-03-31", "2024-03-31", ""),
        ("monthly", "2024-03-05", "2024-01-31", "2024-01-31", ""),
        ("weekly", "2024-03-05", "2024-01-14", "2024-01-14", ""),
        ("quarterly", "2024-07-02", "2024-06-30", "2024-06-30", ""),
        # The last period is cut at due: the due date names it, stored as the period's end.
        ("monthly", "2024-06-15", "2024-06-15", "2024-06-30", ""),
        ("weekly", "2024-06-15", "2024-06-15", "2024-06-16", ""),
        # Not a period boundary of the cadence.
        ("monthly", "2024-03-05", "2024-03-15", "2024-03-15", rules.PERIOD_NOT_AN_END),
        ("weekly", "2024-03-05", "2024-03-09", "2024-03-09", rules.PERIOD_NOT_AN_END),
        ("quarterly", "2024-05-05", "2024-04-30", "2024-04-30", rules.PERIOD_NOT_AN_END),
        # Outside the task's periods.
        ("monthly", "2024-03-05", "2023-12-31", "2023-12-31", rules.PERIOD_BEFORE_START),
        ("monthly", "2024-09-05", "2024-07-31", "2024-07-31", rules.PERIOD_AFTER_DUE),
        ("monthly", "2024-03-05", "9999-12-31", "9999-12-31", rules.PERIOD_AFTER_DUE),
        # Within the task but not begun yet: no reporting ahead.
        ("monthly", "2024-03-05", "2024-04-30", "2024-04-30", rules.PERIOD_IN_FUTURE),
        ("weekly", "2024-03-05", "2024-03-17", "2024-03-17", rules.PERIOD_IN_FUTURE),
        ("monthly", "2024-03-31", "2024-04-30", "2024-04-30", rules.PERIOD_IN_FUTURE),
        ("monthly", "2024-04-01", "2024-04-30", "2024-04-30", ""),
    ],
)
def test_report_period(cadence: str, on: str, period: str | None, expected: str, problem: str) -> None:
    got = rules.report_period(
        cadence=cadence, start=START, due=DUE, on=d(on), period=d(period) if period else None
    )
    assert got == (d(expected), problem)


def test_report_period_of_a_one_day_task() -> None:
    day = d("2024-05-08")
    assert rules.report_period(cadence="monthly", start=day, due=day, on=day) == (d("2024-05-31"), "")
    assert rules.report_period(cadence="monthly", start=day, due=day, on=day, period=day) == (
        d("2024-05-31"),
        "",
    )


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(
    cadence=st.sampled_from(["weekly", "monthly", "quarterly"]),
    start=days,
    length=st.integers(min_value=0, max_value=800),
    on=days,
    period=days,
)
def test_accepted_periods_are_exactly_the_begun_periods_of_the_task(
    cadence: str, start: date, length: int, on: date, period: date
) -> None:
    """Naive definition: the task's periods listed one by one, those whose calendar start is by `on`."""
    due = start + timedelta(days=length)
    got, problem = rules.report_period(cadence=cadence, start=start, due=due, on=on, period=period)
    listed = rules.periods_between(cadence, start, due)
    begun = {p for p in listed if rules.previous_period_end(cadence, p) < on}
    named = listed[-1] if period == due else period
    assert (problem == "") == (named in begun)
    assert got == named
    default, problem = rules.report_period(cadence=cadence, start=start, due=due, on=on)
    assert (problem == "") == bool(begun)
    if not problem:
        assert default == max(begun)


D = Decimal


@pytest.mark.parametrize(
    "previous, current, is_measure, direction, baseline, target, warnings",
    [
        # The fgj_tb case: 充电桩 (a cumulative count) filed as 100 after 803.
        (D(803), D(100), True, "higher", D(0), D(1000), [rules.WARN_DROP]),
        (D(803), D(803), True, "higher", D(0), D(1000), []),
        (D(803), D(850), True, "higher", D(0), D(1000), []),
        # A slipped digit: tenfold up, and far beyond the target.
        (D(803), D(8030), True, "higher", D(0), D(1000), [rules.WARN_JUMP, rules.WARN_BEYOND_TARGET]),
        # Tenfold exactly, from a small start, within target: a jump all the same.
        (D(10), D(100), True, "higher", D(0), D(1000), [rules.WARN_JUMP]),
        (D(10), D(99), True, "higher", D(0), D(1000), []),
        # From zero (or nothing before) any growth up to 150% of the target is plausible.
        (D(0), D(1), True, "higher", D(0), D(1), []),
        (None, D(1000), True, "higher", D(0), D(1000), []),
        (None, D(1500), True, "higher", D(0), D(1000), []),
        (None, D(1501), True, "higher", D(0), D(1000), [rules.WARN_BEYOND_TARGET]),
        # Measured from the baseline: 150% of the way from 200 to 300 is 350.
        (D(250), D(350), True, "higher", D(200), D(300), []),
        (D(250), D(351), True, "higher", D(200), D(300), [rules.WARN_BEYOND_TARGET]),
        # Lower-is-better measures are levels: they may rise, but not tenfold or far past target.
        (D(60), D(70), True, "lower", D(100), D(50), []),
        (D(60), D(6), True, "lower", D(100), D(50), [rules.WARN_JUMP, rules.WARN_BEYOND_TARGET]),
        (D(60), D(24), True, "lower", D(100), D(50), [rules.WARN_BEYOND_TARGET]),
        (D(60), D(25), True, "lower", D(100), D(50), []),
        # A target that asks for no change has no "beyond", however far the value goes.
        (D(5), D(9), True, "higher", D(10), D(10), []),
        (D(12), D(20), True, "higher", D(10), D(10), []),
        # A target that moves by less than one unit (a rate from 95.2 to 96) has a "beyond" too.
        (D("95.6"), D("97.5"), True, "higher", D("95.2"), D(96), [rules.WARN_BEYOND_TARGET]),
        (D("95.6"), D("96.2"), True, "higher", D("95.2"), D(96), []),
        # Tenfold either way counts below one unit too; a fall to zero is a drop, not a jump.
        (D("0.5"), D(5), True, "higher", D(0), D(100), [rules.WARN_JUMP]),
        (D(5), D("0.5"), True, "lower", D(10), D(0), [rules.WARN_JUMP]),
        (D(803), D(0), True, "higher", D(0), D(1000), [rules.WARN_DROP]),
        # 7.1 typed after 803 on a cumulative count (a slipped decimal point): fell, and by far.
        (D(803), D("7.1"), True, "higher", D(0), D(1000), [rules.WARN_DROP, rules.WARN_JUMP]),
        # Without both baseline and target there is no "beyond"; a percent task has none at all.
        (None, D(5000), True, "higher", None, D(1000), []),
        (None, D(5000), True, "higher", D(0), None, []),
        (D(10), D(100), False, "higher", D(0), D(50), []),
        # Percent progress is cumulative: it never drops; big steps are normal (a task done at once).
        (D(60), D(10), False, "higher", None, None, [rules.WARN_DROP]),
        (D(5), D(100), False, "higher", None, None, []),
        (D(60), D(60), False, "higher", None, None, []),
        (None, D(0), False, "higher", None, None, []),
    ],
)
def test_implausible_change(
    previous: Decimal | None,
    current: Decimal,
    is_measure: bool,
    direction: str,
    baseline: Decimal | None,
    target: Decimal | None,
    warnings: list[str],
) -> None:
    got = rules.implausible_change(
        previous=previous,
        current=current,
        is_measure=is_measure,
        direction=direction,
        baseline=baseline,
        target=target,
    )
    assert got == warnings


figures = st.decimals(min_value=0, max_value=10**6, places=2)


@given(previous=figures, current=figures)
def test_an_unchanged_or_modestly_growing_count_is_never_flagged(previous: Decimal, current: Decimal) -> None:
    """Growth of less than tenfold, within 150% of the target, never warns; a drop always does."""
    target = max(previous, current) * 2 + 1
    got = rules.implausible_change(
        previous=previous, current=current, is_measure=True, baseline=D(0), target=target
    )
    assert (rules.WARN_DROP in got) == (current < previous)
    if previous <= current < previous * 10:
        assert got == []


@pytest.mark.parametrize(
    "value, direction, baseline, target, refused",
    [
        # A running total (累计) counts up from zero: below zero is a slipped sign.
        (D(-5), "higher", D(0), D(200), True),
        (D("-0.01"), "higher", D(0), D(200), True),
        (D(0), "higher", D(0), D(200), False),
        (D(5), "higher", D(0), D(200), False),
        (D(-5), "higher", None, None, True),
        (D(-5), "higher", D(10), None, True),
        # A measure whose baseline or target is below zero is a balance or a rate: it may go negative.
        (D(-5), "higher", D(-20), D(0), False),
        (D(-5), "higher", D(-1), D(10), False),
        (D(-5), "higher", D(0), D(-1), False),
        (D(-5), "higher", None, D(-1), False),
        # A lower-is-better measure is a level, not a running total.
        (D(-5), "lower", D(100), D(50), False),
    ],
)
def test_negative_total(
    value: Decimal, direction: str, baseline: Decimal | None, target: Decimal | None, refused: bool
) -> None:
    assert rules.negative_total(value=value, direction=direction, baseline=baseline, target=target) is refused


bounds = st.none() | st.decimals(min_value=-(10**6), max_value=10**6, places=2)


@given(
    value=st.decimals(min_value=-(10**6), max_value=10**6, places=2),
    direction=st.sampled_from(["higher", "lower"]),
    baseline=bounds,
    target=bounds,
)
def test_negative_total_is_the_naive_definition(
    value: Decimal, direction: str, baseline: Decimal | None, target: Decimal | None
) -> None:
    """Refused exactly when a cumulative measure, whose bounds are all at or above zero, is below zero;
    a value at or above zero is never refused."""
    known = [b for b in (baseline, target) if b is not None]
    naive = direction == "higher" and value < 0 and all(b >= 0 for b in known)
    assert rules.negative_total(value=value, direction=direction, baseline=baseline, target=target) is naive
    if value >= 0:
        assert not rules.negative_total(value=value, direction=direction, baseline=baseline, target=target)
