"""The pure rules of light-change notices: when a staged change is due, what a digest covers, which
way a change goes and how a digest reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.notify import rules
from luoshi.notify.rules import BETTER, DAILY, IMMEDIATE, OTHER, WEEKLY, WORSE

NOW = datetime(2024, 7, 3, 10, 0, tzinfo=UTC)
QUIET = timedelta(minutes=15)
LIGHTS = ["not_started", "green", "yellow", "red", "overdue", "done"]


@pytest.mark.parametrize(
    ("changed_on", "minutes_ago", "due"),
    [
        (date(2024, 7, 3), 0, False),  # just changed: it may still flap back
        (date(2024, 7, 3), 14, False),
        (date(2024, 7, 3), 15, True),  # quiet for the whole period
        (date(2024, 7, 3), 60, True),
        (date(2024, 7, 2), 0, True),  # its day has ended
        (date(2024, 7, 4), 0, False),  # a change dated after the step's day waits
        (date(2024, 7, 4), 15, True),
    ],
)
def test_is_due(changed_on: date, minutes_ago: int, due: bool) -> None:
    changed_at = NOW - timedelta(minutes=minutes_ago)
    assert (
        rules.is_due(changed_on=changed_on, changed_at=changed_at, day=date(2024, 7, 3), now=NOW, quiet=QUIET)
        is due
    )


@pytest.mark.parametrize(
    ("mode", "day", "end"),
    [
        (IMMEDIATE, date(2024, 7, 3), None),
        (DAILY, date(2024, 7, 3), date(2024, 7, 2)),
        (DAILY, date(2024, 7, 1), date(2024, 6, 30)),
        (WEEKLY, date(2024, 7, 1), date(2024, 6, 30)),  # Monday: the week before
        (WEEKLY, date(2024, 7, 2), date(2024, 6, 30)),  # a tick that missed Monday
        (WEEKLY, date(2024, 7, 7), date(2024, 6, 30)),  # Sunday: the week is not over
        (WEEKLY, date(2024, 7, 8), date(2024, 7, 7)),
    ],
)
def test_digest_period_end(mode: str, day: date, end: date | None) -> None:
    assert rules.digest_period_end(mode, day) == end


@pytest.mark.parametrize(
    ("mode", "day", "sent_until", "due"),
    [
        (DAILY, date(2024, 7, 3), None, date(2024, 7, 2)),
        (DAILY, date(2024, 7, 3), date(2024, 7, 1), date(2024, 7, 2)),
        (DAILY, date(2024, 7, 3), date(2024, 7, 2), None),  # sent already
        (WEEKLY, date(2024, 7, 2), date(2024, 6, 30), None),
        (WEEKLY, date(2024, 7, 2), date(2024, 6, 29), date(2024, 6, 30)),
        (WEEKLY, date(2024, 7, 3), date(2024, 7, 2), None),  # was daily until yesterday
        (IMMEDIATE, date(2024, 7, 3), None, None),
    ],
)
def test_digest_due(mode: str, day: date, sent_until: date | None, due: date | None) -> None:
    assert rules.digest_due(mode, day=day, sent_until=sent_until) == due


@pytest.mark.parametrize(
    ("old", "new", "way"),
    [
        ("green", "yellow", WORSE),
        ("yellow", "red", WORSE),
        ("red", "overdue", WORSE),
        ("not_started", "yellow", WORSE),
        ("yellow", "green", BETTER),
        ("overdue", "red", BETTER),
        ("red", "done", BETTER),
        ("green", "done", BETTER),
        ("not_started", "green", OTHER),
        ("green", "not_started", OTHER),
        ("done", "green", OTHER),  # reopened
        ("green", "green", OTHER),
    ],
)
def test_direction(old: str, new: str, way: str) -> None:
    assert rules.direction(old, new) == way


def test_digest_text_groups_worse_better_other_by_title() -> None:
    text = rules.digest_text(
        WEEKLY,
        [
            ("丙", "green", "red"),
            ("甲", "yellow", "green"),
            ("乙", "green", "yellow"),
            ("丁", "not_started", "green"),
            ("戊", "red", "red"),  # flapped back: not a change
        ],
    )
    assert text == (
        "上周关注任务亮灯变化：2 项变差（丙：正常 → 严重滞后；乙：正常 → 滞后）、"
        "1 项好转（甲：滞后 → 正常）、1 项其他变化（丁：未开始 → 正常）"
    )
    assert (
        rules.digest_text(DAILY, [("甲", "red", "yellow")])
        == "昨日关注任务亮灯变化：1 项好转（甲：严重滞后 → 滞后）"
    )


def test_digest_text_names_three_per_group_and_says_nothing_without_changes() -> None:
    many = [(f"任务{i}", "green", "yellow") for i in range(5)]
    text = rules.digest_text(DAILY, many)
    assert (
        text
        == "昨日关注任务亮灯变化：5 项变差（任务0：正常 → 滞后；任务1：正常 → 滞后；任务2：正常 → 滞后等）"
    )
    assert rules.digest_text(DAILY, []) is None
    assert rules.digest_text(WEEKLY, [("甲", "green", "green")]) is None


def test_change_text_is_what_followers_always_read() -> None:
    assert rules.change_text("建设产业园", "green", "yellow") == "建设产业园：正常 → 滞后"
    assert rules.change_text("长" * 100, "red", "done") == "长" * 80 + "：严重滞后 → 完成"


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="甲乙丙丁任务ab ", max_size=120),
            st.sampled_from(LIGHTS),
            st.sampled_from(LIGHTS),
        ),
        max_size=40,
    ),
    st.sampled_from([DAILY, WEEKLY]),
)
def test_a_digest_fits_a_notification_and_counts_every_real_change(
    changes: list[tuple[str, str, str]], mode: str
) -> None:
    text = rules.digest_text(mode, changes)
    real = [c for c in changes if c[1] != c[2]]
    if not real:
        assert text is None
        return
    assert text is not None and len(text) <= rules.TEXT_MAX
    counts = {
        way: sum(1 for _t, o, n in real if rules.direction(o, n) == way) for way in (WORSE, BETTER, OTHER)
    }
    assert sum(counts.values()) == len(real)
    if len(text) < rules.TEXT_MAX:  # not cut short: every group's count is in it
        for way, label in ((WORSE, "项变差"), (BETTER, "项好转"), (OTHER, "项其他变化")):
            assert (f"{counts[way]} {label}" in text) is (counts[way] > 0)
