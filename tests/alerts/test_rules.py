"""Early warning and report quality rules: case tables and hypothesis properties."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.alerts import rules
from luoshi.alerts.rules import Kind, Settings, Slip

DAY = date(2024, 6, 20)


def slips(*kinds_days: tuple[str, int], plan: int | None = None) -> list[Slip]:
    return [Slip(k, DAY - timedelta(days=d), plan, ref=f"{k}:{i}") for i, (k, d) in enumerate(kinds_days)]


@pytest.mark.parametrize(
    "points, level",
    [
        (Decimal(0), rules.NONE),
        (Decimal("1.5"), rules.NONE),
        (Decimal(2), rules.BLUE),
        (Decimal("4.5"), rules.BLUE),
        (Decimal(5), rules.YELLOW),
        (Decimal(9), rules.ORANGE),
        (Decimal("13.5"), rules.ORANGE),
        (Decimal(14), rules.RED),
        (Decimal(100), rules.RED),
    ],
)
def test_level_thresholds(points: Decimal, level: str) -> None:
    assert rules.level_for(points) == level


@pytest.mark.parametrize(
    "items, score, level",
    [
        ([], 0, rules.NONE),
        ([(Kind.REMINDER, 0)], Decimal("0.5"), rules.NONE),
        ([(Kind.LATE_REPORT, 0)], 2, rules.BLUE),
        ([(Kind.LATE_REPORT, 0), (Kind.MISSED_MILESTONE, 3)], 5, rules.YELLOW),
        (
            [(Kind.MISSED_MILESTONE, 1), (Kind.MISSED_MILESTONE, 2), (Kind.ABSENCE, 5), (Kind.RETURNED, 0)],
            9,
            rules.ORANGE,
        ),
        ([(Kind.MISSED_MILESTONE, d) for d in range(5)], 15, rules.RED),
        # The window is 28 days, both ends: 27 days ago counts, 28 days ago does not.
        ([(Kind.LATE_REPORT, 27)], 2, rules.BLUE),
        ([(Kind.LATE_REPORT, 28)], 0, rules.NONE),
        # A slip after the day is not known yet.
        ([(Kind.LATE_REPORT, -1)], 0, rules.NONE),
    ],
)
def test_assess_table(items: list[tuple[str, int]], score: int, level: str) -> None:
    a = rules.assess(slips(*items), DAY)
    assert a.score == Decimal(score)
    assert a.level == level
    assert len(a.reasons) == sum(1 for _k, d in items if 0 <= d < 28)


def test_plan_settings_and_worst_bucket() -> None:
    strict = Settings(window_days=7, blue=Decimal(1), yellow=Decimal(2), orange=Decimal(3), red=Decimal(4))
    plan_slips = slips((Kind.YELLOW_LIGHT, 0), (Kind.YELLOW_LIGHT, 1), (Kind.YELLOW_LIGHT, 10), plan=7)
    # Default settings: 3 points, blue. The plan's own: two in its 7-day window, yellow.
    assert rules.assess(plan_slips, DAY).level == rules.BLUE
    a = rules.assess(plan_slips, DAY, {7: strict})
    assert a.level == rules.YELLOW and a.score == 2
    # Slips of no plan (an absence) count in the plan's bucket too.
    a = rules.assess(plan_slips + slips((Kind.ABSENCE, 2)), DAY, {7: strict})
    assert a.level == rules.RED and a.score == 4
    # Reasons are every slip that counts in some bucket, newest first.
    assert [r.on for r in a.reasons] == sorted((r.on for r in a.reasons), reverse=True)


def test_validate() -> None:
    assert rules.validate(rules.DEFAULT) == []
    assert rules.validate(Settings(window_days=0)) == ["window_days"]
    assert rules.validate(Settings(blue=Decimal(6))) == ["thresholds"]
    assert rules.validate(Settings(weights={Kind.ABSENCE: Decimal(-1)})) == ["weights"]
    assert rules.validate(Settings(weights={"unknown": Decimal(1)})) == ["weights"]


def test_newly_warned() -> None:
    assert rules.newly_warned(rules.YELLOW, rules.BLUE)
    assert rules.newly_warned(rules.RED, rules.NONE)
    assert not rules.newly_warned(rules.RED, rules.YELLOW)
    assert not rules.newly_warned(rules.BLUE, rules.NONE)


slip_st = st.builds(
    Slip,
    kind=st.sampled_from(Kind.ALL),
    on=st.integers(min_value=-5, max_value=60).map(lambda d: DAY - timedelta(days=d)),
    plan_id=st.sampled_from([None, 1, 2]),
)
plan_settings_st = st.builds(
    Settings,
    window_days=st.integers(1, 60),
    blue=st.just(Decimal(1)),
    yellow=st.just(Decimal(3)),
    orange=st.just(Decimal(6)),
    red=st.just(Decimal(10)),
)
settings_st = st.fixed_dictionaries({1: plan_settings_st})


@given(st.lists(slip_st, max_size=30), slip_st, settings_st)
def test_levels_are_monotone_in_slips(base: list[Slip], extra: Slip, settings: dict[int, Settings]) -> None:
    """Adding a slip never lowers the level or the score."""
    before = rules.assess(base, DAY, settings)
    after = rules.assess([*base, extra], DAY, settings)
    assert rules.RANK[after.level] >= rules.RANK[before.level]
    assert after.score >= before.score or rules.RANK[after.level] > rules.RANK[before.level]


@given(st.lists(slip_st, max_size=30), st.sampled_from(Kind.ALL), st.integers(28, 400))
def test_a_slip_older_than_the_window_no_longer_counts(base: list[Slip], kind: str, age: int) -> None:
    old = Slip(kind, DAY - timedelta(days=age), None, ref="old")
    assert rules.assess([*base, old], DAY) == rules.assess(base, DAY)


@given(st.lists(slip_st, max_size=30))
def test_score_equals_naive_count(items: list[Slip]) -> None:
    """With default settings and one bucket, the score is the weighted count of slips in the window."""
    plain = [Slip(x.kind, x.on, None, ref=str(i)) for i, x in enumerate(items)]
    naive = sum(
        (rules.DEFAULT_WEIGHTS[x.kind] for x in plain if 0 <= (DAY - x.on).days < rules.DEFAULT.window_days),
        Decimal(0),
    )
    assert rules.assess(plain, DAY).score == naive


@pytest.mark.parametrize(
    "prev, pct, on, jump",
    [
        (Decimal(30), Decimal(70), date(2024, 6, 20), True),  # +40, 10 days before 6-30
        (Decimal(30), Decimal(59), date(2024, 6, 20), False),  # +29
        (Decimal(30), Decimal(70), date(2024, 5, 20), False),  # far from an assessment date
        (Decimal(30), Decimal(60), date(2024, 12, 31), True),  # on the date itself
        (None, Decimal(90), date(2024, 6, 20), False),  # no previous report
        (Decimal(60), Decimal(95), date(2024, 12, 20), True),
    ],
)
def test_jump(prev: Decimal | None, pct: Decimal, on: date, jump: bool) -> None:
    assert rules.is_jump(prev, pct, on) is jump


@pytest.mark.parametrize(
    "expected, evidenced, milestone, jump",
    [
        (None, False, False, True),  # nothing known: the timing alone
        (Decimal(50), False, False, True),  # 70 % claimed, 50 % expected: beyond the schedule
        (Decimal("69.99"), False, False, True),
        (Decimal(70), False, False, False),  # exactly up to the schedule: catching up
        (Decimal(85), False, False, False),  # still behind it
        (Decimal(50), True, False, False),  # evidence attached: the file is checked, not the timing
        (Decimal(50), False, True, False),  # a milestone due in the stretch was met
    ],
)
def test_jump_explained(expected: Decimal | None, evidenced: bool, milestone: bool, jump: bool) -> None:
    on = date(2024, 6, 20)  # +40 points, 10 days before 6-30
    got = rules.is_jump(
        Decimal(30), Decimal(70), on, expected_pct=expected, evidenced=evidenced, milestone_met=milestone
    )
    assert got is jump


@pytest.mark.parametrize(
    "milestones, after, upto, met",
    [
        ([], None, date(2024, 6, 30), False),
        ([(date(2024, 6, 30), date(2024, 6, 28))], date(2024, 5, 31), date(2024, 6, 30), True),
        ([(date(2024, 6, 30), None)], date(2024, 5, 31), date(2024, 6, 30), False),  # not met
        ([(date(2024, 6, 30), date(2024, 7, 2))], date(2024, 5, 31), date(2024, 6, 30), False),  # met later
        (
            [(date(2024, 5, 31), date(2024, 5, 30))],
            date(2024, 5, 31),
            date(2024, 6, 30),
            False,
        ),  # last stretch
        ([(date(2024, 7, 31), date(2024, 6, 29))], date(2024, 5, 31), date(2024, 6, 30), False),  # due later
        ([(date(2024, 2, 1), date(2024, 2, 1))], None, date(2024, 6, 30), True),  # no previous report
    ],
)
def test_milestone_met_between(
    milestones: list[tuple[date, date | None]], after: date | None, upto: date, met: bool
) -> None:
    assert rules.milestone_met_between(milestones, after, upto) is met


@given(
    st.integers(0, 100),
    st.integers(0, 100),
    st.dates(date(2024, 1, 1), date(2025, 12, 31)),
    st.one_of(st.none(), st.integers(0, 100)),
    st.booleans(),
    st.booleans(),
)
def test_jump_signals_only_ever_explain(
    prev: int, pct: int, on: date, expected: int | None, evidenced: bool, milestone: bool
) -> None:
    """Each signal can only take a flag away, never raise one; a flagged jump is always a rise of at
    least JUMP_POINTS within JUMP_DAYS of an assessment date, beyond the expected progress."""
    bare = rules.is_jump(Decimal(prev), Decimal(pct), on)
    full = rules.is_jump(
        Decimal(prev),
        Decimal(pct),
        on,
        expected_pct=None if expected is None else Decimal(expected),
        evidenced=evidenced,
        milestone_met=milestone,
    )
    assert bare or not full
    if full:
        assert pct - prev >= rules.JUMP_POINTS and rules.days_to_assessment(on) <= rules.JUMP_DAYS
        assert not evidenced and not milestone and (expected is None or pct > expected)


@pytest.mark.parametrize(
    "kinds, first, others",
    [
        ([], None, ()),
        (["empty"], "empty", ()),
        (["empty", "copied"], "copied", ("empty",)),
        (["jump", "no_evidence"], "no_evidence", ("jump",)),
        (
            ["empty", "jump", "no_evidence", "copied", "drop"],
            "no_evidence",
            ("drop", "copied", "jump", "empty"),
        ),
        (["phantom"], None, ()),  # a unit's flag, not a report's finding
    ],
)
def test_strongest(kinds: list[str], first: str | None, others: tuple[str, ...]) -> None:
    assert rules.strongest(kinds) == (first, others)
    assert rules.strongest(iter(kinds)) == (first, others)  # any iterable, read once


@given(st.lists(st.sampled_from(rules.PRECEDENCE), max_size=8))
def test_strongest_is_one_of_them_and_never_weaker(kinds: list[str]) -> None:
    first, others = rules.strongest(kinds)
    assert (first is None) == (not kinds)
    if first is not None:
        assert {first, *others} == set(kinds) and first not in others
        rank = rules.PRECEDENCE.index
        assert all(rank(first) < rank(k) for k in others)
        assert list(others) == sorted(others, key=rank)


def test_drop_completion_phantom() -> None:
    assert rules.is_drop(Decimal(10), Decimal(9), True)
    assert not rules.is_drop(Decimal(10), Decimal(9), False)
    assert not rules.is_drop(Decimal(10), Decimal(10), True)
    assert not rules.is_drop(None, Decimal(1), True)
    assert rules.claims_completion(Decimal(100), None, None)
    assert rules.claims_completion(None, Decimal(12), Decimal(10))
    assert not rules.claims_completion(Decimal(99), Decimal(9), Decimal(10))
    assert rules.is_phantom(2, 0) and not rules.is_phantom(1, 0) and not rules.is_phantom(5, 1)
    assert rules.days_to_assessment(date(2024, 12, 31)) == 0
    assert rules.days_to_assessment(date(2025, 1, 1)) == 89


def assess_by_definition(
    slips: list[Slip], day: date, settings: dict[int, Settings], default: Settings = rules.DEFAULT
) -> rules.Assessment:
    """The level as the module docstring defines it, written plainly (every bucket filtered from all
    the slips, each slip's window worked out on its own): what `rules.assess` must equal."""
    plans = sorted({x.plan_id for x in slips if x.plan_id is not None})
    buckets = [(default, [x for x in slips if x.plan_id is None])] + [
        (settings.get(p, default), [x for x in slips if x.plan_id in (p, None)]) for p in plans
    ]
    best = (rules.NONE, Decimal(0))
    counted: dict[tuple[str, date, str, str], Slip] = {}
    for s, members in buckets:
        live = [x for x in members if rules.in_window(x.on, day, s.window_days)]
        points = rules.score(live, day, s)
        level = rules.level_for(points, s)
        if (rules.RANK[level], points) > (rules.RANK[best[0]], best[1]):
            best = (level, points)
        for x in live:
            counted[(x.kind, x.on, x.ref, x.text)] = x
    reasons = tuple(sorted(counted.values(), key=lambda x: (x.on, x.kind, x.ref), reverse=True))
    return rules.Assessment(level=best[0], score=best[1], reasons=reasons)


# Two plans, each with its own window and weights.
two_plans_st = st.fixed_dictionaries(
    {
        p: st.builds(
            lambda s, weights: Settings(s.window_days, s.blue, s.yellow, s.orange, s.red, weights),
            plan_settings_st,
            st.fixed_dictionaries({k: st.decimals("0", "5", places=1) for k in Kind.ALL}),
        )
        for p in (1, 2)
    }
)


@given(
    st.lists(slip_st, max_size=40).map(
        lambda xs: [x.__class__(x.kind, x.on, x.plan_id, ref=str(i)) for i, x in enumerate(xs)]
    ),
    two_plans_st,
)
def test_assess_equals_its_definition(items: list[Slip], settings: dict[int, Settings]) -> None:
    """The daily step's faster `assess` (slips split by plan once, each bucket's window bounds and
    weights worked out once) gives the level, score and reasons of the plain definition."""
    assert rules.assess(items, DAY, settings) == assess_by_definition(items, DAY, settings)
