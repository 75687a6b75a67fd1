"""Reminder rules (提醒规则) by tables and properties: windows before due, weekly digest days, quiet
hours past midnight, back-off, the dedupe key."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.notify import rules

DUE = date(2024, 7, 10)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 7, 1), None),  # 9 days left
        (date(2024, 7, 2), None),  # 8
        (date(2024, 7, 3), "d7"),  # 7
        (date(2024, 7, 6), "d7"),  # 4
        (date(2024, 7, 7), "d3"),  # 3
        (date(2024, 7, 8), "d3"),  # 2
        (date(2024, 7, 9), "d1"),  # 1
        (date(2024, 7, 10), "d1"),  # due today
        (date(2024, 7, 11), None),  # overdue: another rule
    ],
)
def test_due_soon_windows(today: date, expected: str | None) -> None:
    assert rules.due_soon_occurrence(due=DUE, today=today, days_before=(7, 3, 1)) == expected


def test_due_soon_with_a_zero_window_and_none() -> None:
    assert rules.due_soon_occurrence(due=DUE, today=DUE, days_before=(0, 5)) == "d0"
    assert rules.due_soon_occurrence(due=DUE, today=DUE, days_before=()) is None


@given(
    due=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    windows=st.sets(st.integers(min_value=0, max_value=30), max_size=5),
)
def test_every_window_fires_exactly_once_when_run_daily(due: date, windows: set[int]) -> None:
    """Naive definition: run every day from 40 days before; the distinct occurrences seen are the
    windows, and each window's first day is due − N unless a larger window swallowed nothing."""
    seen: dict[str, date] = {}
    for k in range(40, -3, -1):
        day = due - timedelta(days=k)
        occ = rules.due_soon_occurrence(due=due, today=day, days_before=sorted(windows))
        if occ is not None:
            seen.setdefault(occ, day)
    assert set(seen) == {f"d{n}" for n in windows}
    for n in windows:
        smaller = [m for m in windows if m < n]
        assert seen[f"d{n}"] == due - timedelta(days=n)
        assert all(seen[f"d{m}"] > seen[f"d{n}"] for m in smaller)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 7, 1), "2024-W27"),
        (date(2024, 7, 2), None),
        (date(2024, 12, 30), "2025-W01"),
        (date(2024, 7, 7), None),
    ],
)
def test_weekly_digest_goes_on_mondays(day: date, expected: str | None) -> None:
    assert rules.weekly_digest_occurrence(day) == expected


@pytest.mark.parametrize(
    ("t", "start", "end", "quiet"),
    [
        (time(23, 0), time(22, 0), time(7, 30), True),
        (time(22, 0), time(22, 0), time(7, 30), True),
        (time(3, 0), time(22, 0), time(7, 30), True),
        (time(7, 29), time(22, 0), time(7, 30), True),
        (time(7, 30), time(22, 0), time(7, 30), False),
        (time(12, 0), time(22, 0), time(7, 30), False),
        (time(12, 30), time(12, 0), time(14, 0), True),
        (time(14, 0), time(12, 0), time(14, 0), False),
        (time(3, 0), time(0, 0), time(0, 0), False),  # start == end: no quiet hours
    ],
)
def test_quiet_hours(t: time, start: time, end: time, quiet: bool) -> None:
    assert rules.in_quiet_hours(t, start=start, end=end) is quiet


TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("now", "release"),
    [
        (datetime(2024, 7, 1, 23, 0, tzinfo=TZ), datetime(2024, 7, 2, 7, 30, tzinfo=TZ)),
        (datetime(2024, 7, 2, 6, 0, tzinfo=TZ), datetime(2024, 7, 2, 7, 30, tzinfo=TZ)),
        (datetime(2024, 7, 2, 9, 0, tzinfo=TZ), None),
    ],
)
def test_quiet_release(now: datetime, release: datetime | None) -> None:
    assert rules.quiet_release(now, start=time(22, 0), end=time(7, 30)) == release


@given(
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    end=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_a_release_is_outside_quiet_hours_and_within_a_day(minute: int, start: time, end: time) -> None:
    now = datetime(2024, 7, 1, tzinfo=TZ) + timedelta(minutes=minute)
    release = rules.quiet_release(now, start=start, end=end)
    if release is None:
        assert not rules.in_quiet_hours(now.time(), start=start, end=end)
    else:
        assert now < release <= now + timedelta(days=1)
        assert not rules.in_quiet_hours(release.time(), start=start, end=end)
        assert (release.hour, release.minute) == (end.hour, end.minute)


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [(0, 0), (1, 1), (2, 2), (3, 4), (4, 8), (9, 256), (10, 360), (60, 360)],
)
def test_backoff_doubles_up_to_the_cap(attempts: int, wait: int) -> None:
    assert rules.backoff(attempts) == timedelta(minutes=wait)


@given(st.integers(min_value=1, max_value=100))
def test_backoff_never_shrinks(n: int) -> None:
    assert rules.backoff(n) <= rules.backoff(n + 1) <= rules.BACKOFF_CAP


def test_dedupe_key_names_all_five_parts() -> None:
    key = rules.dedupe_key(
        rule="task.due_soon", source="work.task:3", recipient=9, channel="sms", occurrence="d7"
    )
    assert key == "task.due_soon|work.task:3|9|sms|d7"
    assert len(rules.dedupe_key(rule="r", source="s" * 400, recipient=1, channel="c", occurrence="o")) == 255


def test_texts() -> None:
    assert rules.due_soon_text("建设产业园", DUE, 3) == "还有 3 天到期（2024-07-10）：建设产业园"
    assert rules.due_soon_text("建设产业园", DUE, 0) == "今天到期：建设产业园"
    assert rules.overdue_text("甲", DUE) == "已逾期（时限 2024-07-10）：甲"
    assert rules.report_late_text("甲", date(2024, 6, 30)) == "迟报：甲（2024-06-30 期）"
    assert rules.weekly_digest_text(due_soon=0, overdue=0, late=0) is None
    assert (
        rules.weekly_digest_text(due_soon=1, overdue=2, late=3)
        == "本周工作提醒：1 项 7 天内到期，2 项已逾期，3 期迟报。"
    )
