"""Supervision's pure rules: escalation proposals, idle thresholds, scope, 看效果/查进度/问原因 —
by case tables and hypothesis properties."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.supervision import rules
from luoshi.supervision.rules import Facts, Level, Reason

TODAY = date(2026, 6, 30)
T = rules.Thresholds()


def _props(f: Facts, today: date = TODAY) -> set[tuple[str, str]]:
    return {(p.level.value, p.reason.value) for p in rules.propose(f, today=today, t=T)}


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # nothing wrong
        (Facts(1, 1, light="green", held_since=TODAY), set()),
        # late report → 催办
        (Facts(1, 1, light="yellow", report_late=True, held_since=TODAY), {("remind", "late_report")}),
        # late report but already at 催办: nothing new
        (Facts(1, 1, level="remind", report_late=True, held_since=TODAY), set()),
        # red 14 days → 督办; 13 days → nothing
        (
            Facts(1, 1, light="red", red_since=TODAY - timedelta(days=14), held_since=TODAY),
            {("supervise", "red")},
        ),
        (Facts(1, 1, light="red", red_since=TODAY - timedelta(days=13), held_since=TODAY), set()),
        # red streak but the light is no longer red
        (Facts(1, 1, light="yellow", red_since=TODAY - timedelta(days=30), held_since=TODAY), set()),
        # overdue → 督办, not when already at 督办 or above
        (Facts(1, 1, light="overdue", held_since=TODAY), {("supervise", "overdue")}),
        (Facts(1, 1, level="supervise", light="overdue", held_since=TODAY), set()),
        # idle: none level threshold 5 days (6 is idle), 催办 3, 督办 2
        (Facts(1, 1, held_since=TODAY - timedelta(days=5)), set()),
        (Facts(1, 1, held_since=TODAY - timedelta(days=6)), {("remind", "idle")}),
        (Facts(1, 1, level="remind", held_since=TODAY - timedelta(days=4)), {("supervise", "idle")}),
        (Facts(1, 1, level="supervise", held_since=TODAY - timedelta(days=3)), {("bulletin", "idle")}),
        # idle never proposes 问责
        (Facts(1, 1, level="bulletin", held_since=TODAY - timedelta(days=30)), set()),
        # an unanswered notice past its date → the next level above the notice's
        (
            Facts(
                1,
                1,
                level="supervise",
                held_since=TODAY,
                notice_level="supervise",
                notice_due=TODAY - timedelta(days=1),
            ),
            {("bulletin", "no_response")},
        ),
        (
            Facts(
                1,
                1,
                level="bulletin",
                held_since=TODAY,
                notice_level="bulletin",
                notice_due=TODAY - timedelta(days=1),
            ),
            {("account", "no_response")},
        ),
        # answered, or not yet due: nothing
        (
            Facts(
                1,
                1,
                level="supervise",
                held_since=TODAY,
                notice_level="supervise",
                notice_due=TODAY - timedelta(days=1),
                notice_answered=True,
            ),
            set(),
        ),
        (Facts(1, 1, level="supervise", held_since=TODAY, notice_level="supervise", notice_due=TODAY), set()),
        # closed: never
        (
            Facts(
                1, 1, closed=True, light="overdue", report_late=True, held_since=TODAY - timedelta(days=30)
            ),
            set(),
        ),
        # a task not yet an item: only red for N days
        (Facts(1, None, light="red", red_since=TODAY - timedelta(days=14)), {("supervise", "red")}),
        (Facts(1, None, light="overdue", report_late=True), set()),
        # several reasons at once
        (
            Facts(1, 1, light="overdue", report_late=True, held_since=TODAY - timedelta(days=6)),
            {("remind", "late_report"), ("supervise", "overdue"), ("remind", "idle")},
        ),
    ],
)
def test_propose_table(facts: Facts, expected: set[tuple[str, str]]) -> None:
    assert _props(facts) == expected


@pytest.mark.parametrize(
    ("level", "nxt"),
    [
        ("", Level.REMIND),
        ("remind", Level.SUPERVISE),
        ("supervise", Level.BULLETIN),
        ("bulletin", Level.ACCOUNT),
        ("account", None),
    ],
)
def test_next_level(level: str, nxt: Level | None) -> None:
    assert rules.next_level(level) == nxt


@pytest.mark.parametrize(
    ("lead", "target", "ok"),
    [
        ("/1/5/", "/1/7/", True),  # a sister department of the same district
        ("/1/5/", "/1/", True),  # the district itself
        ("/1/5/", "/2/9/", False),  # another district
        ("/1/6/40/", "/1/6/41/", True),  # a sister community of the same street
        ("/1/6/40/", "/1/5/", False),  # a district department: outside the street
        ("/1/", "/1/9/", True),  # led at the top: its own subtree
        ("/1/5/", "", False),
    ],
)
def test_scope(lead: str, target: str, ok: bool) -> None:
    assert rules.in_scope(lead_path=lead, target_path=target) is ok


@pytest.mark.parametrize(
    ("level", "days", "idle"),
    [
        ("", 5, False),
        ("", 6, True),
        ("remind", 3, False),
        ("remind", 4, True),
        ("supervise", 2, False),
        ("supervise", 3, True),
        ("account", 3, True),
    ],
)
def test_idle_thresholds(level: str, days: int, idle: bool) -> None:
    assert rules.is_idle(level=level, held_since=TODAY - timedelta(days=days), today=TODAY) is idle


def test_idle_threshold_configurable() -> None:
    t = rules.Thresholds(idle_days={"": 1, "remind": 1, "supervise": 1, "bulletin": 1, "account": 1})
    assert rules.is_idle(level="", held_since=TODAY - timedelta(days=2), today=TODAY, t=t)


@pytest.mark.parametrize(
    ("closed", "last", "expected"),
    [
        (True, None, rules.Followup.EFFECT),
        (False, TODAY - timedelta(days=29), rules.Followup.PROGRESS),
        (False, TODAY - timedelta(days=30), rules.Followup.REASON),
        (False, None, rules.Followup.REASON),  # since 2026-01-01, no report at all
    ],
)
def test_followup(closed: bool, last: date | None, expected: rules.Followup) -> None:
    stalled = rules.stalled(last_progress=last, since=date(2026, 1, 1), today=TODAY)
    assert rules.followup(closed=closed, is_stalled=stalled) == expected


def test_journey_durations() -> None:
    t0 = datetime(2026, 6, 1, 9, 0)
    stays = rules.journey([t0, t0 + timedelta(days=2), t0 + timedelta(days=3)], t0 + timedelta(days=10))
    assert [s.seconds // 86400 for s in stays] == [2, 1, 7]
    assert stays[-1].end is None and stays[0].end == t0 + timedelta(days=2)


def test_response_due_and_number() -> None:
    assert rules.response_due(level="supervise", issued_on=TODAY) == TODAY + timedelta(days=5)
    assert rules.notice_number(2026, 3) == "督〔2026〕3号"


levels = st.sampled_from(["", *[lv.value for lv in rules.LADDER]])
days = st.integers(min_value=0, max_value=400)
facts = st.builds(
    Facts,
    task_id=st.just(1),
    item_id=st.one_of(st.none(), st.just(1)),
    level=levels,
    closed=st.booleans(),
    light=st.sampled_from(["green", "yellow", "red", "overdue", "done", "not_started"]),
    red_since=st.one_of(st.none(), days.map(lambda d: TODAY - timedelta(days=d))),
    report_late=st.booleans(),
    held_since=st.one_of(st.none(), days.map(lambda d: TODAY - timedelta(days=d))),
    notice_level=levels,
    notice_due=st.one_of(st.none(), st.integers(-30, 30).map(lambda d: TODAY + timedelta(days=d))),
    notice_answered=st.booleans(),
)


@given(facts)
def test_proposals_only_climb(f: Facts) -> None:
    """Every proposal is above the current level, one per (level, reason), none for a closed item."""
    out = rules.propose(f, today=TODAY)
    assert all(rules.rank(p.level) > rules.rank(f.level) for p in out)
    assert len({(p.level, p.reason) for p in out}) == len(out)
    if f.closed:
        assert out == []
    if f.item_id is None:
        assert all(p.reason == Reason.RED and p.level == Level.SUPERVISE for p in out)


@given(facts, st.integers(min_value=0, max_value=30))
def test_red_proposal_persists_as_days_pass(f: Facts, more: int) -> None:
    """A red proposal made today is still made later while nothing else changes (monotone in time)."""
    now = {p.reason for p in rules.propose(f, today=TODAY)}
    later = {p.reason for p in rules.propose(f, today=TODAY + timedelta(days=more))}
    if Reason.RED in now:
        assert Reason.RED in later
    if Reason.IDLE in now:
        assert Reason.IDLE in later


paths = st.lists(st.integers(1, 99), min_size=1, max_size=5).map(
    lambda xs: "/" + "/".join(map(str, xs)) + "/"
)


@given(paths, paths)
def test_scope_is_the_parents_subtree(lead: str, target: str) -> None:
    """In scope exactly when the target lies under the lead unit's parent (or the lead unit at the
    top); the lead unit and its parent always are."""
    parent = lead.rsplit("/", 2)[0] + "/" if lead.count("/") > 2 else lead
    assert rules.in_scope(lead_path=lead, target_path=target) == target.startswith(parent)
    assert rules.in_scope(lead_path=lead, target_path=lead)
    assert rules.in_scope(lead_path=lead, target_path=parent)
