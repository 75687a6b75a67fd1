"""The pure rules of DESIGN.md: tables of cases for every function, then hypothesis properties.

No database: these run in milliseconds and pin the arithmetic every light in the product rests on.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.work import rules
from luoshi.work.rules import (
    DONE,
    GREEN,
    NOT_STARTED,
    OVERDUE,
    RED,
    SEVERITY,
    YELLOW,
    PlannedMilestone,
    Thresholds,
)

PROPS = settings(max_examples=200, deadline=None)


def d(text: str) -> date:
    return date.fromisoformat(text)


# ---------------------------------------------------------------------------------------------
# Expected progress (均衡进度) by elapsed time


@pytest.mark.parametrize(
    ("start", "due", "on", "expected"),
    [
        ("2024-01-01", "2024-01-11", "2023-12-31", "0"),  # before start
        ("2024-01-01", "2024-01-11", "2024-01-01", "0"),  # on start
        ("2024-01-01", "2024-01-11", "2024-01-04", "30"),
        ("2024-01-01", "2024-01-11", "2024-01-06", "50"),
        ("2024-01-01", "2024-01-11", "2024-01-11", "100"),  # on due
        ("2024-01-01", "2024-01-11", "2024-02-20", "100"),  # after due: clamped
        ("2024-01-01", "2024-01-04", "2024-01-02", "33.33"),  # rounded half up to 2 places
        ("2024-01-01", "2024-01-04", "2024-01-03", "66.67"),
        ("2024-01-01", "2024-12-31", "2024-07-01", "49.86"),  # leap year: 182 / 365
        ("2024-11-01", "2025-02-28", "2025-01-01", "51.26"),  # across a year end: 61 / 119
        ("2024-05-01", "2024-05-01", "2024-04-30", "0"),  # start == due: 0 before the day
        ("2024-05-01", "2024-05-01", "2024-05-01", "100"),  # … 100 from it
        ("2024-05-01", "2024-05-01", "2024-06-01", "100"),
    ],
)
def test_expected_by_time(start: str, due: str, on: str, expected: str) -> None:
    assert rules.expected_by_time(d(start), d(due), d(on)) == D(expected)


def test_expected_by_time_refuses_due_before_start() -> None:
    with pytest.raises(ValueError):
        rules.expected_by_time(d("2024-02-01"), d("2024-01-31"), d("2024-01-15"))


# ---------------------------------------------------------------------------------------------
# Expected progress by monthly plan

PLAN = {"2024-01": 10, "2024-02": "25", "2024-03": 40.0}


@pytest.mark.parametrize(
    ("on", "planned"),
    [
        ("2023-12-31", None),
        ("2024-01-30", None),  # the first month has not ended: nothing planned yet
        ("2024-01-31", "10"),
        ("2024-02-28", "10"),  # 2024 is a leap year: February ends on the 29th
        ("2024-02-29", "25"),
        ("2024-03-15", "25"),
        ("2024-03-31", "40"),
        ("2024-12-31", "40"),  # after the plan's last month: its last value
    ],
)
def test_planned_value_to_date(on: str, planned: str | None) -> None:
    got = rules.planned_value_to_date(PLAN, d(on))
    assert got == (None if planned is None else D(planned))


def test_planned_value_orders_months_as_dates_not_text() -> None:
    # "2024-10" < "2024-9" as text; the plan must still take October as the later month.
    plan = {"2024-9": 50, "2024-10": 80, "2024-11": 95}
    assert rules.planned_value_to_date(plan, d("2024-10-31")) == D(80)
    assert rules.planned_value_to_date(plan, d("2024-11-30")) == D(95)


@pytest.mark.parametrize(
    ("plan", "baseline", "target", "direction", "on", "expected"),
    [
        (PLAN, "0", "100", "higher", "2024-01-31", "10"),  # planned / target with a zero baseline
        (PLAN, "0", "80", "higher", "2024-02-29", "31.25"),
        (PLAN, "0", "100", "higher", "2024-01-15", "0"),  # before the first month end
        ({"2024-06": 70}, "20", "120", "higher", "2024-06-30", "50"),  # measured from the baseline
        ({"2024-06": 80}, "100", "60", "lower", "2024-06-30", "50"),  # lower is better: mirrored
        ({"2024-06": 150}, "0", "100", "higher", "2024-06-30", "100"),  # never more than 100
        ({"2024-06": -5}, "0", "100", "higher", "2024-06-30", "0"),
        ({"2024-12": 30, "2025-01": 45}, "0", "60", "higher", "2025-01-31", "75"),  # year end
    ],
)
def test_expected_by_plan(
    plan: dict[str, object], baseline: str, target: str, direction: str, on: str, expected: str
) -> None:
    got = rules.expected_by_plan(
        plan,  # type: ignore[arg-type]
        baseline=D(baseline),
        target=D(target),
        direction=direction,
        on=d(on),
    )
    assert got == D(expected)


# ---------------------------------------------------------------------------------------------
# Measure progress, with direction and cap


@pytest.mark.parametrize(
    ("actual", "baseline", "target", "direction", "cap", "expected"),
    [
        ("50", "0", "200", "higher", "120", "25"),
        ("200", "0", "200", "higher", "120", "100"),
        ("240", "0", "200", "higher", "120", "120"),  # over-achieved up to the cap
        ("300", "0", "200", "higher", "120", "120"),  # capped at 120%
        ("300", "0", "200", "higher", "100", "100"),  # the cap is configurable
        ("-10", "0", "200", "higher", "120", "0"),  # worse than the baseline: 0, never negative
        ("110", "100", "130", "higher", "120", "33.33"),
        ("80", "100", "60", "lower", "120", "50"),  # lower is better: (baseline − actual) / (…)
        ("60", "100", "60", "lower", "120", "100"),
        ("52", "100", "60", "lower", "120", "120"),
        ("40", "100", "60", "lower", "120", "120"),
        ("110", "100", "60", "lower", "120", "0"),  # got worse
        ("5", "5", "5", "higher", "120", "100"),  # target == baseline: met iff not worse
        ("4", "5", "5", "higher", "120", "0"),
        ("5", "5", "5", "lower", "120", "100"),
        ("6", "5", "5", "lower", "120", "0"),
        ("9", "10", "8", "higher", "120", "100"),  # a target below the baseline for "higher"
        ("7", "10", "8", "higher", "120", "0"),
    ],
)
def test_measure_progress(
    actual: str, baseline: str, target: str, direction: str, cap: str, expected: str
) -> None:
    got = rules.measure_progress(
        D(actual), baseline=D(baseline), target=D(target), direction=direction, cap=D(cap)
    )
    assert got == D(expected)


def test_measure_progress_refuses_unknown_direction() -> None:
    with pytest.raises(ValueError):
        rules.measure_progress(D(1), baseline=D(0), target=D(2), direction="up", cap=D(120))


@pytest.mark.parametrize(
    ("percent", "cap", "expected"),
    [
        ("50", "120", "50"),
        ("-1", "120", "0"),
        ("130", "120", "120"),
        ("100", "100", "100"),
        ("33.335", "120", "33.34"),
    ],
)
def test_percent_progress(percent: str, cap: str, expected: str) -> None:
    assert rules.percent_progress(D(percent), cap=D(cap)) == D(expected)


# ---------------------------------------------------------------------------------------------
# Lights (亮灯)


@pytest.mark.parametrize(
    ("expected", "actual", "thresholds", "light"),
    [
        ("50", "50", None, GREEN),
        ("50", "80", None, GREEN),  # ahead of schedule
        ("50", "45", None, GREEN),  # lag exactly 5: still green
        ("50", "44.99", None, YELLOW),  # 5.01
        ("50", "35", None, YELLOW),  # lag exactly 15: still yellow
        ("50", "34.99", None, RED),  # 15.01
        ("100", "0", None, RED),
        ("50", "46", (3, 10), YELLOW),  # per-plan thresholds
        ("50", "47", (3, 10), GREEN),
        ("50", "40", (3, 10), YELLOW),
        ("50", "39.99", (3, 10), RED),
        ("50", "50", (0, 0), GREEN),
        ("50", "49.99", (0, 0), RED),
    ],
)
def test_lag_light(expected: str, actual: str, thresholds: tuple[int, int] | None, light: str) -> None:
    th = rules.DEFAULT_THRESHOLDS if thresholds is None else Thresholds(D(thresholds[0]), D(thresholds[1]))
    assert rules.lag_light(D(expected), D(actual), th) == light


@pytest.mark.parametrize(("green", "yellow"), [(-1, 5), (10, 5)])
def test_thresholds_must_be_ordered(green: int, yellow: int) -> None:
    with pytest.raises(ValueError):
        Thresholds(D(green), D(yellow))


S, E = d("2024-01-01"), d("2024-12-31")


@pytest.mark.parametrize(
    ("on", "start", "due", "closed", "expected", "actual", "late", "missed", "light"),
    [
        # done first: a closed task is done whatever else holds
        ("2025-03-01", S, E, True, "100", "0", True, True, DONE),
        ("2023-06-01", S, E, True, "0", "0", False, False, DONE),
        # then overdue: past due and not closed, even with nothing lagging
        ("2025-01-01", S, E, False, "100", "100", False, False, OVERDUE),
        ("2025-01-01", S, E, False, "100", "0", True, True, OVERDUE),
        ("2024-12-31", S, E, False, "100", "100", False, False, GREEN),  # on the due day: not yet
        # not started: before the start date, whatever the other signals say
        ("2023-12-31", S, E, False, "0", "0", False, False, NOT_STARTED),
        ("2023-12-31", S, E, False, "0", "0", True, True, NOT_STARTED),
        ("2024-01-01", S, E, False, "0", "0", False, False, GREEN),  # on the start day: started
        # the worst of lag, late report (yellow) and missed milestone (red)
        ("2024-07-01", S, E, False, "50", "45", False, False, GREEN),
        ("2024-07-01", S, E, False, "50", "40", False, False, YELLOW),
        ("2024-07-01", S, E, False, "50", "30", False, False, RED),
        ("2024-07-01", S, E, False, "50", "50", True, False, YELLOW),  # a late report on time progress
        ("2024-07-01", S, E, False, "50", "40", True, False, YELLOW),
        ("2024-07-01", S, E, False, "50", "30", True, False, RED),  # lag is worse than late
        ("2024-07-01", S, E, False, "50", "60", False, True, RED),  # missed milestone, ahead on %
        ("2024-07-01", S, E, False, "50", "60", True, True, RED),
        # start == due
        ("2024-05-01", d("2024-05-01"), d("2024-05-01"), False, "100", "0", False, False, RED),
        ("2024-05-01", d("2024-05-01"), d("2024-05-01"), False, "100", "100", False, False, GREEN),
        ("2024-05-02", d("2024-05-01"), d("2024-05-01"), False, "100", "100", False, False, OVERDUE),
    ],
)
def test_light(
    on: str,
    start: date,
    due: date,
    closed: bool,
    expected: str,
    actual: str,
    late: bool,
    missed: bool,
    light: str,
) -> None:
    got = rules.light(
        on=d(on),
        start=start,
        due=due,
        closed=closed,
        expected=D(expected),
        actual=D(actual),
        report_late=late,
        milestone_missed=missed,
    )
    assert got == light


def test_light_uses_the_plans_thresholds() -> None:
    args = dict(on=d("2024-07-01"), start=S, due=E, closed=False, expected=D(50), actual=D(46))
    assert rules.light(**args) == GREEN  # type: ignore[arg-type]
    assert rules.light(**args, thresholds=Thresholds(D(2), D(3))) == RED  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("milestones", "on", "missed"),
    [
        ([], "2024-06-01", False),
        ([("2024-05-31", None)], "2024-05-31", False),  # on its date: not passed yet
        ([("2024-05-31", None)], "2024-06-01", True),  # passed, unmet
        ([("2024-05-31", "2024-05-20")], "2024-06-01", False),  # met early
        ([("2024-05-31", "2024-06-10")], "2024-06-05", True),  # met late: red until met…
        ([("2024-05-31", "2024-06-10")], "2024-06-10", False),  # … and not after
        ([("2024-05-31", "2024-05-20"), ("2024-06-30", None)], "2024-07-01", True),
        ([("2024-05-31", "2024-05-20"), ("2024-06-30", None)], "2024-06-30", False),
    ],
)
def test_milestone_missed(milestones: list[tuple[str, str | None]], on: str, missed: bool) -> None:
    pairs = [(d(due), d(met) if met else None) for due, met in milestones]
    assert rules.milestone_missed(pairs, d(on)) is missed


def test_worst_and_light_counts() -> None:
    assert rules.worst([GREEN, RED, YELLOW]) == RED
    assert rules.worst([DONE, NOT_STARTED]) == NOT_STARTED
    assert rules.worst([OVERDUE, RED]) == OVERDUE
    counts = rules.light_counts([GREEN, GREEN, RED, DONE])
    assert counts == {DONE: 1, NOT_STARTED: 0, GREEN: 2, YELLOW: 0, RED: 1, OVERDUE: 0}


# ---------------------------------------------------------------------------------------------
# Rollup


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        ([], None),
        ([(1, 40)], "40"),
        ([(1, 30), (1, 60)], "45"),
        ([(1, 30), (2, 60)], "50"),  # weighted mean
        ([(0, 30), (0, 60)], "45"),  # all weights zero: equal weights
        ([(0, 0), (2, 60)], "60"),  # a zero weight among others counts for nothing
        ([(1, 0), (1, 0), (1, 100)], "33.33"),
        ([(D("0.5"), 120), (D("1.5"), 0)], "30"),  # capped over-achievement counts
    ],
)
def test_rollup(children: list[tuple[object, object]], expected: str | None) -> None:
    got = rules.rollup([(D(str(w)), D(str(p))) for w, p in children])
    assert got == (None if expected is None else D(expected))


def test_rollup_refuses_negative_weights() -> None:
    with pytest.raises(ValueError):
        rules.rollup([(D(-1), D(10)), (D(2), D(50))])


# ---------------------------------------------------------------------------------------------
# Backward scheduling (倒排工期) and slack


def ms(
    *specs: tuple[str, int | None, str | None] | tuple[str, int | None, str | None, str],
) -> list[PlannedMilestone]:
    out = []
    for spec in specs:
        due, days, met = spec[0], spec[1], spec[2]
        weight = D(spec[3]) if len(spec) > 3 else None  # type: ignore[misc]
        out.append(
            PlannedMilestone(due=d(due), met_on=d(met) if met else None, duration_days=days, weight=weight)
        )
    return out


Q1S, Q1E = d("2024-01-01"), d("2024-03-31")  # a span of 90 days


@pytest.mark.parametrize(
    ("milestones", "latest"),
    [
        ([], []),
        (ms(("2024-03-31", 10, None)), ["2024-03-31"]),  # the last milestone is due with the task
        (
            ms(("2024-02-01", 10, None), ("2024-03-01", 20, None), ("2024-03-31", 30, None)),
            ["2024-02-10", "2024-03-01", "2024-03-31"],
        ),  # durations: due − 30, due − 30 − 20
        (
            ms(("2024-02-01", None, None), ("2024-03-01", None, None), ("2024-03-31", None, None)),
            ["2024-01-31", "2024-03-01", "2024-03-31"],
        ),  # equal shares of 90 days
        (
            ms(("2024-02-01", None, None, "1"), ("2024-03-31", None, None, "2")),
            ["2024-01-31", "2024-03-31"],
        ),  # shares by weight: 30 and 60 days
        (
            ms(("2024-02-01", None, None), ("2024-03-31", 10, None)),
            ["2024-03-21", "2024-03-31"],
        ),  # a given duration; the rest of the span to the other
        (
            ms(("2024-03-01", 60, None), ("2024-03-31", 60, None)),
            ["2024-01-31", "2024-03-31"],
        ),  # more work than span: latest dates before start are kept
    ],
)
def test_latest_dates(milestones: list[PlannedMilestone], latest: list[str]) -> None:
    assert rules.latest_dates(Q1S, Q1E, milestones) == [d(x) for x in latest]


def test_latest_dates_rounds_cumulatively() -> None:
    # Three equal shares of 10 days: 3.33 each. Per-step rounding would give due − 6 for the first.
    got = rules.latest_dates(
        d("2024-01-01"),
        d("2024-01-11"),
        ms(("2024-01-04", None, None), ("2024-01-08", None, None), ("2024-01-11", None, None)),
    )
    assert got == [d("2024-01-04"), d("2024-01-08"), d("2024-01-11")]


@pytest.mark.parametrize(
    ("on", "start", "due", "expected", "actual", "milestones", "slack"),
    [
        ("2024-02-20", "2024-01-01", "2024-04-10", "50", "50", [], 0),  # span 100 days
        ("2024-02-20", "2024-01-01", "2024-04-10", "50", "40", [], -10),
        ("2024-02-20", "2024-01-01", "2024-04-10", "50", "60", [], 10),
        ("2024-01-05", "2024-01-01", "2024-01-11", "40", "25", [], -2),  # −1.5 rounds half away from 0
        ("2024-05-01", "2024-05-01", "2024-05-01", "100", "0", [], 0),  # start == due: no span
        # with milestones: the least float of the unmet ones (latest date − later of plan and today)
        (
            "2024-01-10",
            "2024-01-01",
            "2024-03-31",
            "10",
            "10",
            ms(("2024-02-15", 30, None), ("2024-03-20", 30, None)),
            11,
        ),  # floats 15 and 11
        (
            "2024-02-20",
            "2024-01-01",
            "2024-03-31",
            "10",
            "10",
            ms(("2024-02-15", 30, None), ("2024-03-20", 30, None)),
            10,
        ),  # first passed unmet: 03-01 − 02-20 (leap year)
        (
            "2024-02-20",
            "2024-01-01",
            "2024-03-31",
            "10",
            "10",
            ms(("2024-02-15", 30, "2024-02-14"), ("2024-03-20", 30, None)),
            11,
        ),  # first met
        (
            "2024-02-20",
            "2024-01-01",
            "2024-03-31",
            "50",
            "40",
            ms(("2024-02-15", 30, "2024-02-14"), ("2024-03-20", 30, "2024-03-01")),
            -9,
        ),  # all met: by %
    ],
)
def test_slack_days(
    on: str, start: str, due: str, expected: str, actual: str, milestones: list[PlannedMilestone], slack: int
) -> None:
    got = rules.slack_days(
        on=d(on), start=d(start), due=d(due), expected=D(expected), actual=D(actual), milestones=milestones
    )
    assert got == slack


# ---------------------------------------------------------------------------------------------
# Reporting periods and due dates


@pytest.mark.parametrize(
    ("cadence", "day", "end"),
    [
        ("weekly", "2024-12-30", "2025-01-05"),  # Monday, across the year end
        ("weekly", "2024-12-29", "2024-12-29"),  # a Sunday ends its own week
        ("weekly", "2024-02-26", "2024-03-03"),
        ("monthly", "2024-02-10", "2024-02-29"),
        ("monthly", "2023-02-10", "2023-02-28"),
        ("monthly", "2024-12-01", "2024-12-31"),
        ("monthly", "2024-12-31", "2024-12-31"),
        ("quarterly", "2024-01-01", "2024-03-31"),
        ("quarterly", "2024-04-01", "2024-06-30"),
        ("quarterly", "2024-09-30", "2024-09-30"),
        ("quarterly", "2024-11-15", "2024-12-31"),
    ],
)
def test_period_end(cadence: str, day: str, end: str) -> None:
    assert rules.period_end(cadence, d(day)) == d(end)


@pytest.mark.parametrize(
    ("cadence", "day", "end"),
    [
        ("weekly", "2025-01-01", "2024-12-29"),
        ("weekly", "2025-01-05", "2024-12-29"),
        ("monthly", "2025-01-15", "2024-12-31"),
        ("monthly", "2024-03-31", "2024-02-29"),
        ("quarterly", "2025-02-01", "2024-12-31"),
        ("quarterly", "2024-09-30", "2024-06-30"),
    ],
)
def test_previous_period_end(cadence: str, day: str, end: str) -> None:
    assert rules.previous_period_end(cadence, d(day)) == d(end)


@pytest.mark.parametrize("fn", [rules.period_end, rules.previous_period_end])
def test_unknown_cadence(fn: object) -> None:
    with pytest.raises(ValueError):
        fn("daily", d("2024-01-01"))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("cadence", "start", "end", "periods"),
    [
        ("monthly", "2024-11-15", "2025-02-01", ["2024-11-30", "2024-12-31", "2025-01-31", "2025-02-28"]),
        ("monthly", "2024-03-31", "2024-03-31", ["2024-03-31"]),
        ("weekly", "2024-12-25", "2025-01-08", ["2024-12-29", "2025-01-05", "2025-01-12"]),
        ("quarterly", "2024-08-01", "2025-04-01", ["2024-09-30", "2024-12-31", "2025-03-31", "2025-06-30"]),
        ("monthly", "2024-03-01", "2024-02-01", []),  # an empty range has no periods
    ],
)
def test_periods_between(cadence: str, start: str, end: str, periods: list[str]) -> None:
    assert rules.periods_between(cadence, d(start), d(end)) == [d(x) for x in periods]


@pytest.mark.parametrize(
    ("period", "grace", "cascade", "levels", "due"),
    [
        ("2024-11-30", 3, 0, 0, "2024-12-03"),  # period end plus grace
        ("2024-11-30", 0, 0, 0, "2024-11-30"),
        ("2024-12-31", 5, 0, 0, "2025-01-05"),  # across the year end
        ("2024-11-30", 3, 2, 0, "2024-12-03"),  # a top-level task: no cascade
        ("2024-11-30", 3, 2, 1, "2024-12-01"),  # a child: 2 days before its parent's
        ("2024-11-30", 3, 1, 2, "2024-12-01"),
        ("2024-11-30", 3, 2, 2, "2024-11-30"),  # would be 11-29: never before the period ends
        ("2024-11-30", 3, 2, 5, "2024-11-30"),
    ],
)
def test_report_due(period: str, grace: int, cascade: int, levels: int, due: str) -> None:
    got = rules.report_due(d(period), grace_days=grace, cascade_days=cascade, levels_below_top=levels)
    assert got == d(due)


H1 = dict(cadence="monthly", start=d("2024-01-01"), due=d("2024-06-30"), grace_days=3)


@pytest.mark.parametrize(
    ("kw", "reported", "on", "late"),
    [
        ({}, ["2024-01-31", "2024-03-31"], "2024-04-04", ["2024-02-29"]),
        ({}, ["2024-01-31", "2024-03-31"], "2024-04-03", ["2024-02-29"]),  # on the deadline: not late
        ({}, ["2024-01-31"], "2024-04-04", ["2024-02-29", "2024-03-31"]),
        ({}, ["2024-01-31"], "2024-04-03", ["2024-02-29"]),
        ({}, [], "2024-02-03", []),  # January's report is due 02-03
        ({}, [], "2024-02-04", ["2024-01-31"]),
        ({}, [], "2023-12-01", []),  # before start
        (
            {},
            ["2024-01-31", "2024-03-31"],
            "2024-12-31",
            ["2024-02-29", "2024-04-30", "2024-05-31", "2024-06-30"],
        ),  # nothing after the due period
        (
            {"cascade_days": 2, "levels_below_top": 1},
            ["2024-01-31", "2024-02-29"],
            "2024-04-02",
            ["2024-03-31"],
        ),  # a child's report is due 04-01, two days before its parent's
        ({"cascade_days": 2, "levels_below_top": 0}, ["2024-01-31", "2024-02-29"], "2024-04-02", []),
        (
            {"cadence": "quarterly", "start": d("2024-10-01"), "due": d("2025-06-30")},
            [],
            "2025-04-05",
            ["2024-12-31", "2025-03-31"],
        ),  # quarters across the year end
        (
            {"cadence": "weekly", "start": d("2024-12-20"), "due": d("2025-01-31"), "grace_days": 1},
            ["2024-12-22"],
            "2025-01-07",
            ["2024-12-29", "2025-01-05"],
        ),  # week to 01-05 was due 01-06…
        (
            {"cadence": "weekly", "start": d("2024-12-20"), "due": d("2025-01-31"), "grace_days": 1},
            ["2024-12-22", "2025-01-05"],
            "2025-01-07",
            ["2024-12-29"],
        ),  # … here it was filed
    ],
)
def test_late_periods(kw: dict[str, object], reported: list[str], on: str, late: list[str]) -> None:
    args = {**H1, **kw}
    got = rules.late_periods(reported_periods=[d(x) for x in reported], on=d(on), **args)  # type: ignore[arg-type]
    assert got == [d(x) for x in late]


@pytest.mark.parametrize(
    ("reported", "on", "late"),
    [
        (["2024-01-31", "2024-03-31"], "2024-04-04", False),  # the latest closed period has a report
        (["2024-01-31"], "2024-04-04", True),
        (["2024-04-30"], "2024-04-04", False),  # a report for a later period counts as keeping up
        ([], "2024-02-03", False),  # no deadline has passed yet
        ([], "2024-02-04", True),
        (["2024-02-29"], "2024-04-03", False),  # March's deadline is today: not passed
        ([], "2023-12-01", False),
    ],
)
def test_is_report_late_now(reported: list[str], on: str, late: bool) -> None:
    got = rules.is_report_late_now(reported_periods=[d(x) for x in reported], on=d(on), **H1)  # type: ignore[arg-type]
    assert got is late


# ---------------------------------------------------------------------------------------------
# Properties

pct = st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False)
weight = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
cadences = st.sampled_from(["weekly", "monthly", "quarterly"])
value = st.decimals(min_value=-10_000, max_value=10_000, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def thresholds(draw: st.DrawFn) -> Thresholds:
    g = draw(st.decimals(min_value=0, max_value=50, places=2))
    y = draw(st.decimals(min_value=g, max_value=100, places=2))
    return Thresholds(g, y)


@st.composite
def spans(draw: st.DrawFn) -> tuple[date, date]:
    start = draw(days)
    return start, start + timedelta(days=draw(st.integers(0, 800)))


@PROPS
@given(st.lists(st.tuples(weight, pct), min_size=1, max_size=12))
def test_rollup_lies_between_children(children: list[tuple[D, D]]) -> None:
    got = rules.rollup(children)
    assert got is not None
    progress = [p for _, p in children]
    assert min(progress) <= got <= max(progress)


@PROPS
@given(
    span=spans(),
    on=days,
    closed=st.booleans(),
    late=st.booleans(),
    missed=st.booleans(),
    th=thresholds(),
    expected=pct,
    a1=pct,
    a2=pct,
)
def test_more_lag_never_gives_a_better_light(
    span: tuple[date, date],
    on: date,
    closed: bool,
    late: bool,
    missed: bool,
    th: Thresholds,
    expected: D,
    a1: D,
    a2: D,
) -> None:
    def sev(e: D, a: D) -> int:
        return SEVERITY[
            rules.light(
                on=on,
                start=span[0],
                due=span[1],
                closed=closed,
                expected=e,
                actual=a,
                thresholds=th,
                report_late=late,
                milestone_missed=missed,
            )
        ]

    low, high = sorted((a1, a2))
    # less actual progress: at least as bad
    assert sev(expected, low) >= sev(expected, high)
    # more expected progress (a1, a2 reused as expectations): at least as bad
    assert sev(high, expected) >= sev(low, expected)


@PROPS
@given(span=spans(), t1=days, t2=days)
def test_expected_by_time_is_monotonic_and_bounded(span: tuple[date, date], t1: date, t2: date) -> None:
    early, late = sorted((t1, t2))
    e1 = rules.expected_by_time(span[0], span[1], early)
    e2 = rules.expected_by_time(span[0], span[1], late)
    assert D(0) <= e1 <= e2 <= D(100)
    assert rules.expected_by_time(span[0], span[1], span[1]) == D(100)


@PROPS
@given(
    a1=value,
    a2=value,
    baseline=value,
    target=value,
    direction=st.sampled_from(["higher", "lower"]),
    cap=st.decimals(min_value=100, max_value=200, places=0),
)
def test_measure_progress_is_monotonic_in_actual(
    a1: D, a2: D, baseline: D, target: D, direction: str, cap: D
) -> None:
    low, high = sorted((a1, a2))
    p_low = rules.measure_progress(low, baseline=baseline, target=target, direction=direction, cap=cap)
    p_high = rules.measure_progress(high, baseline=baseline, target=target, direction=direction, cap=cap)
    assert D(0) <= min(p_low, p_high) and max(p_low, p_high) <= cap
    if direction == "higher":
        assert p_low <= p_high
    else:
        assert p_low >= p_high


@st.composite
def milestone_lists(draw: st.DrawFn) -> list[PlannedMilestone]:
    n = draw(st.integers(0, 6))
    return [
        PlannedMilestone(
            due=draw(days),
            duration_days=draw(st.none() | st.integers(0, 300)),
            weight=draw(st.none() | st.decimals(min_value=0, max_value=10, places=2)),
        )
        for _ in range(n)
    ]


@PROPS
@given(span=spans(), milestones=milestone_lists())
def test_latest_dates_are_ordered_and_end_at_due(
    span: tuple[date, date], milestones: list[PlannedMilestone]
) -> None:
    got = rules.latest_dates(span[0], span[1], milestones)
    assert len(got) == len(milestones)
    assert got == sorted(got)
    if milestones:
        assert got[-1] == span[1]
    if all(m.duration_days is None for m in milestones):
        assert all(span[0] <= x <= span[1] for x in got)  # shares of the span stay inside it


@PROPS
@given(
    cadence=cadences,
    span=spans(),
    on=days,
    grace=st.integers(0, 20),
    cascade=st.integers(0, 5),
    levels=st.integers(0, 4),
    reported_idx=st.sets(st.integers(0, 60), max_size=20),
)
def test_late_rules_agree_with_the_definition_period_by_period(
    cadence: str,
    span: tuple[date, date],
    on: date,
    grace: int,
    cascade: int,
    levels: int,
    reported_idx: set[int],
) -> None:
    """The fast forms (bisect, constant-time "late now") equal the definition written out naively:
    every period of the task whose report was due before `on`."""
    start, due = span
    periods = rules.periods_between(cadence, start, due)
    reported = [periods[i] for i in reported_idx if i < len(periods)]
    kw = dict(grace_days=grace, cascade_days=cascade, levels_below_top=levels)
    closed = [p for p in periods if rules.report_due(p, **kw) < on]  # type: ignore[arg-type]
    args = dict(cadence=cadence, start=start, due=due, reported_periods=reported, on=on, **kw)
    late = rules.late_periods(**args)  # type: ignore[arg-type]
    assert late == [p for p in closed if p not in reported]
    assert all(p < on for p in late) and not set(late) & set(reported)
    expected_now = bool(closed) and not any(r >= closed[-1] for r in reported)
    now = rules.is_report_late_now(**args)  # type: ignore[arg-type]
    assert now == expected_now
    assert not now or late  # late now means the latest closed period is among the late ones


@pytest.mark.parametrize(
    ("cadence", "grace", "cascade", "levels", "on", "late_now", "late"),
    [
        # On the deadline day itself the report is not yet late; the day after it is.
        ("monthly", 0, 0, 0, "2026-03-31", False, []),
        ("monthly", 0, 0, 0, "2026-04-01", True, ["2026-03-31"]),
        ("monthly", 5, 0, 0, "2026-04-05", False, []),
        ("monthly", 5, 0, 0, "2026-04-06", True, ["2026-03-31"]),
        ("monthly", 5, 2, 1, "2026-04-03", False, []),
        ("monthly", 5, 2, 1, "2026-04-04", True, ["2026-03-31"]),
        ("weekly", 2, 0, 0, "2026-03-03", False, []),  # week ending Sun 1 Mar, due Tue 3 Mar
        ("weekly", 2, 0, 0, "2026-03-04", True, ["2026-03-01"]),
        ("quarterly", 10, 0, 0, "2026-04-11", True, ["2026-03-31"]),
    ],
)
def test_late_on_the_deadline_boundary(
    cadence: str, grace: int, cascade: int, levels: int, on: str, late_now: bool, late: list[str]
) -> None:
    """Reports are in up to the period before the boundary one; lateness starts the day after its deadline."""
    last_reported = rules.previous_period_end(
        cadence, d("2026-03-01") if cadence == "weekly" else d("2026-03-31")
    )
    args = dict(
        cadence=cadence,
        start=d("2026-01-01"),
        due=d("2026-12-31"),
        reported_periods=[p for p in rules.periods_between(cadence, d("2026-01-01"), last_reported)],
        on=d(on),
        grace_days=grace,
        cascade_days=cascade,
        levels_below_top=levels,
    )
    assert rules.is_report_late_now(**args) is late_now  # type: ignore[arg-type]
    assert rules.late_periods(**args) == [d(x) for x in late]  # type: ignore[arg-type]


@PROPS
@given(cadence=cadences, day=days)
def test_periods_are_consistent(cadence: str, day: date) -> None:
    end = rules.period_end(cadence, day)
    assert end >= day
    assert rules.period_end(cadence, end) == end
    prev = rules.previous_period_end(cadence, day)
    assert prev < day and rules.period_end(cadence, prev) == prev
    assert rules.period_end(cadence, prev + timedelta(days=1)) == end  # no gap between periods


@PROPS
@given(cadence=cadences, start=days, length=st.integers(0, 400))
def test_periods_between_cover_the_range(cadence: str, start: date, length: int) -> None:
    end = start + timedelta(days=length)
    periods = rules.periods_between(cadence, start, end)
    assert periods[0] == rules.period_end(cadence, start)
    assert periods[-1] == rules.period_end(cadence, end)
    for a, b in zip(periods, periods[1:], strict=False):
        assert rules.period_end(cadence, a + timedelta(days=1)) == b


# ---------------------------------------------------------------------------------------------
# Rules pinned where mutation testing (`make mutation`) showed the tables above left them open


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("0.125", "0.13"),  # an exact tie rounds up (half-even would give 0.12)
        ("0.135", "0.14"),
        ("33.335", "33.34"),
        ("-0.125", "-0.13"),  # away from zero, as offices round
        ("0.124", "0.12"),
    ],
)
def test_percentages_round_half_up_at_an_exact_tie(value: str, rounded: str) -> None:
    assert rules.q2(D(value)) == D(rounded)
    assert str(rules.q2(D(value))) == rounded


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: rules.expected_by_time(d("2024-02-01"), d("2024-01-31"), d("2024-01-15")),
            "due date before start date",
        ),
        (
            lambda: rules.measure_progress(D(1), baseline=D(0), target=D(2), direction="up", cap=D(120)),
            "unknown direction 'up'",
        ),
        (lambda: Thresholds(D(10), D(5)), "thresholds must satisfy 0 ≤ green_max ≤ yellow_max"),
        (lambda: rules.rollup([(D(-1), D(10))]), "weights must not be negative"),
        (lambda: rules.period_end("daily", d("2024-01-01")), "unknown cadence 'daily'"),
        (lambda: rules.previous_period_end("daily", d("2024-01-01")), "unknown cadence 'daily'"),
    ],
)
def test_refusals_say_what_is_wrong(call: object, message: str) -> None:
    """A refused value is named in the error, so an import or API error can be traced to it."""
    with pytest.raises(ValueError) as refused:
        call()  # type: ignore[operator]
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction", "expected"),
    [
        # A target that moves by less than one unit is a real target, not "no change asked".
        ("95.2", "96", "95.6", "higher", "50"),
        ("95.2", "96", "95.2", "higher", "0"),
        ("96", "95.2", "95.6", "lower", "50"),
        ("10", "11", "10.5", "higher", "50"),  # by exactly one unit
        ("0", "0.5", "0.25", "higher", "50"),
    ],
)
def test_measure_progress_with_a_small_target_change(
    baseline: str, target: str, actual: str, direction: str, expected: str
) -> None:
    got = rules.measure_progress(
        D(actual), baseline=D(baseline), target=D(target), direction=direction, cap=D(120)
    )
    assert got == D(expected)


def test_monthly_plan_keys_may_carry_a_day() -> None:
    """A key written as a date ("2024-03-31", as some clients send month ends) names its month."""
    plan = {"2024-01-31": 10, "2024-3-31": 30}
    assert rules.planned_value_to_date(plan, d("2024-02-29")) == D(10)
    assert rules.planned_value_to_date(plan, d("2024-03-31")) == D(30)


ONE_DAY = d("2024-05-20")


@pytest.mark.parametrize(
    ("start", "due", "milestones", "latest"),
    [
        # An open milestone after a given duration: the rest of the span is its share.
        (Q1S, Q1E, ms(("2024-01-20", 30, None), ("2024-03-31", None, None)), ["2024-01-31", "2024-03-31"]),
        # A zero duration leaves the whole span to the others; a negative one counts as zero.
        (Q1S, Q1E, ms(("2024-02-01", None, None), ("2024-03-31", 0, None)), ["2024-03-31", "2024-03-31"]),
        (Q1S, Q1E, ms(("2024-02-01", None, None), ("2024-03-31", -5, None)), ["2024-03-31", "2024-03-31"]),
        # A zero weight counts as no weight (an equal share), not as no work.
        (
            Q1S,
            Q1E,
            ms(("2024-02-01", None, None, "0"), ("2024-03-31", None, None, "1")),
            ["2024-02-15", "2024-03-31"],
        ),
        # Fractional weights share by their ratio: 0.5 : 1.5 of 90 days is 22.5 and 67.5 days.
        (
            Q1S,
            Q1E,
            ms(("2024-02-01", None, None, "0.5"), ("2024-03-31", None, None, "1.5")),
            ["2024-01-23", "2024-03-31"],
        ),
        # Weighted and unweighted mixed: no weight counts as 1, so 3 : 1 of 90 days (22.5 rounds to 23).
        (
            Q1S,
            Q1E,
            ms(("2024-02-01", None, None, "3"), ("2024-03-31", None, None)),
            ["2024-03-08", "2024-03-31"],
        ),
        # A one-day task: there is no span to share, every milestone is due that day.
        (
            ONE_DAY,
            ONE_DAY,
            ms(("2024-05-20", None, None), ("2024-05-20", None, None)),
            ["2024-05-20", "2024-05-20"],
        ),
    ],
)
def test_latest_dates_edges(
    start: date, due: date, milestones: list[PlannedMilestone], latest: list[str]
) -> None:
    assert rules.latest_dates(start, due, milestones) == [d(x) for x in latest]


def test_backward_scheduling_rounds_a_half_day_up() -> None:
    # Two equal shares of 9 days: 4.5 days after the first milestone, rounded half up to 5.
    got = rules.latest_dates(
        d("2024-01-01"), d("2024-01-10"), ms(("2024-01-05", None, None), ("2024-01-10", None, None))
    )
    assert got == [d("2024-01-05"), d("2024-01-10")]


@pytest.mark.parametrize(
    ("actual", "slack"),
    [
        ("55", 5),  # 5 points of a 100-day span: 5 days ahead
        ("50.5", 1),  # half a day rounds up
        ("49.5", -1),  # and away from zero behind schedule
        ("50.4", 0),
    ],
)
def test_slack_days_round_half_up(actual: str, slack: int) -> None:
    start, due = d("2024-01-01"), d("2024-04-10")  # 100 days
    got = rules.slack_days(on=d("2024-02-20"), start=start, due=due, expected=D(50), actual=D(actual))
    assert got == slack


def test_report_due_defaults_to_no_cascade() -> None:
    """A top-level task, or a plan without cascading, is due at the period end plus grace."""
    assert rules.report_due(d("2024-11-30"), grace_days=3) == d("2024-12-03")
    assert rules.report_due(d("2024-11-30"), grace_days=3, cascade_days=2) == d("2024-12-03")
    assert rules.report_due(d("2024-11-30"), grace_days=3, levels_below_top=1) == d("2024-12-03")
    kw = dict(
        cadence="monthly", start=d("2024-01-01"), due=d("2024-06-30"), reported_periods=[], grace_days=3
    )
    # Due 2024-02-03 with the defaults; with any cascade it would already be late on 02-02.
    assert rules.late_periods(on=d("2024-02-03"), **kw) == []  # type: ignore[arg-type]
    assert rules.is_report_late_now(on=d("2024-02-03"), **kw) is False  # type: ignore[arg-type]
    assert rules.late_periods(on=d("2024-02-04"), **kw) == [d("2024-01-31")]  # type: ignore[arg-type]
    assert rules.is_report_late_now(on=d("2024-02-04"), **kw) is True  # type: ignore[arg-type]
    # One of the two given: still no cascade (a top-level task; a plan without cascade days).
    for one in ({"cascade_days": 2}, {"levels_below_top": 1}):
        assert rules.late_periods(on=d("2024-02-03"), **kw, **one) == []  # type: ignore[arg-type]
        assert rules.is_report_late_now(on=d("2024-02-03"), **kw, **one) is False  # type: ignore[arg-type]


def test_a_task_starting_on_a_periods_last_day_owes_that_period() -> None:
    """Its first period is the one ending the day it starts; missing it is late once due."""
    kw = dict(
        cadence="monthly", start=d("2024-03-31"), due=d("2024-06-30"), reported_periods=[], grace_days=0
    )
    assert rules.late_periods(on=d("2024-03-31"), **kw) == []  # type: ignore[arg-type]
    assert rules.is_report_late_now(on=d("2024-03-31"), **kw) is False  # type: ignore[arg-type]
    assert rules.late_periods(on=d("2024-04-01"), **kw) == [d("2024-03-31")]  # type: ignore[arg-type]
    assert rules.is_report_late_now(on=d("2024-04-01"), **kw) is True  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "lights", [[GREEN, YELLOW, RED], [RED, OVERDUE], [NOT_STARTED, DONE], [YELLOW, GREEN]]
)
def test_worst_does_not_depend_on_order(lights: list[str]) -> None:
    """Severity is a strict order: the worst light wins whatever its place in the list."""
    expected = max(lights, key=lambda x: SEVERITY[x])
    for rotation in range(len(lights)):
        rotated = lights[rotation:] + lights[:rotation]
        assert rules.worst(rotated) == expected
        assert rules.worst(list(reversed(rotated))) == expected
    assert len(set(SEVERITY.values())) == len(SEVERITY)  # no two lights tie


@pytest.mark.parametrize(
    ("start", "assigned", "first"),
    [
        ("2024-01-01", None, "2024-01-01"),
        ("2024-01-01", "2024-11-05", "2024-11-05"),
        ("2024-03-01", "2024-02-01", "2024-03-01"),  # assigned before it starts: from its start
        ("2024-03-01", "2024-03-01", "2024-03-01"),
    ],
)
def test_reports_are_counted_from_the_later_of_start_and_assignment(
    start: str, assigned: str | None, first: str
) -> None:
    assert rules.reports_from(d(start), d(assigned) if assigned else None) == d(first)
