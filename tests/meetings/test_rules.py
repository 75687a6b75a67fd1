"""The pure rules of dispatch meetings: meeting dates by cadence, agenda selection, when the agenda
goes out, lateness of attendance and when a check-in is refused."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.meetings import rules

START = datetime(2024, 7, 3, 9, 0, tzinfo=UTC)
END = START + timedelta(minutes=90)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
CADENCE = st.sampled_from(rules.CADENCES)


# --- meeting dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "anchor", "after", "expected"),
    [
        # 2024-07-01 is a Monday
        ("daily", date(2024, 7, 1), date(2024, 7, 4), [date(2024, 7, 5), date(2024, 7, 8), date(2024, 7, 9)]),
        (
            "weekly",
            date(2024, 7, 1),
            date(2024, 7, 1),
            [date(2024, 7, 8), date(2024, 7, 15), date(2024, 7, 22)],
        ),
        (
            "weekly",
            date(2024, 7, 1),
            date(2024, 6, 1),
            [date(2024, 7, 1), date(2024, 7, 8), date(2024, 7, 15)],
        ),
        (
            "twice_weekly",
            date(2024, 7, 1),
            date(2024, 7, 1),
            [date(2024, 7, 4), date(2024, 7, 8), date(2024, 7, 11)],
        ),
        # Friday anchor: Friday and Monday
        (
            "twice_weekly",
            date(2024, 7, 5),
            date(2024, 7, 5),
            [date(2024, 7, 8), date(2024, 7, 12), date(2024, 7, 15)],
        ),
        # the 31st: the last day of shorter months
        (
            "monthly",
            date(2024, 1, 31),
            date(2024, 1, 31),
            [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)],
        ),
        (
            "monthly",
            date(2024, 1, 15),
            date(2024, 1, 15),
            [date(2024, 2, 15), date(2024, 3, 15), date(2024, 4, 15)],
        ),
        (
            "monthly",
            date(2024, 1, 15),
            date(2024, 1, 14),
            [date(2024, 1, 15), date(2024, 2, 15), date(2024, 3, 15)],
        ),
    ],
)
def test_meeting_dates(cadence: str, anchor: date, after: date, expected: list[date]) -> None:
    assert rules.meeting_dates(cadence=cadence, anchor=anchor, after=after, count=3) == expected


def test_meeting_dates_refuses_unknown_cadence() -> None:
    with pytest.raises(ValueError, match="unknown cadence"):
        rules.meeting_dates(cadence="hourly", anchor=date(2024, 1, 1), after=date(2024, 1, 1), count=1)


def test_meeting_dates_zero_count() -> None:
    assert (
        rules.meeting_dates(cadence="weekly", anchor=date(2024, 1, 1), after=date(2024, 1, 1), count=0) == []
    )


@given(cadence=CADENCE, anchor=DAYS, after=DAYS, count=st.integers(0, 12))
def test_meeting_dates_properties(cadence: str, anchor: date, after: date, count: int) -> None:
    days = rules.meeting_dates(cadence=cadence, anchor=anchor, after=after, count=count)
    assert len(days) == count
    assert days == sorted(set(days))  # increasing, no repeats
    assert all(d > after and d >= anchor for d in days)
    # nothing skipped: every day between two meetings that the naive definition takes is one of them
    if days:
        first = max(after + timedelta(days=1), anchor)
        span = [first + timedelta(days=i) for i in range((days[-1] - first).days + 1)]
        assert [d for d in span if _naive_meets(cadence, anchor, d)] == days


def _naive_meets(cadence: str, anchor: date, d: date) -> bool:
    if cadence == "daily":
        return d.isoweekday() <= 5
    if cadence == "weekly":
        return (d - anchor).days % 7 == 0
    if cadence == "twice_weekly":
        return (d - anchor).days % 7 in (0, 3)
    return d.day == min(anchor.day, calendar.monthrange(d.year, d.month)[1])


@given(anchor=DAYS, after=DAYS)
def test_weekly_is_seven_days_apart(anchor: date, after: date) -> None:
    a, b = rules.meeting_dates(cadence="weekly", anchor=anchor, after=after, count=2)
    assert (b - a).days == 7


# --- agenda selection ------------------------------------------------------------------------

ON = date(2024, 7, 3)


@pytest.mark.parametrize(
    ("status", "light", "due", "late", "escalated", "expected"),
    [
        ("in_progress", "green", date(2024, 12, 31), False, False, ()),
        ("in_progress", "yellow", date(2024, 12, 31), False, False, ()),
        ("in_progress", "red", date(2024, 12, 31), False, False, ("red",)),
        ("in_progress", "overdue", date(2024, 12, 31), False, False, ("overdue",)),
        ("in_progress", "green", date(2024, 7, 2), False, False, ("overdue",)),  # due passed, light not yet
        ("in_progress", "green", date(2024, 7, 3), False, False, ()),  # due today is not overdue
        ("in_progress", "green", date(2024, 12, 31), True, False, ("late_report",)),
        ("in_progress", "green", date(2024, 12, 31), False, True, ("escalated",)),
        ("in_progress", "red", date(2024, 6, 1), True, True, ("overdue", "red", "late_report", "escalated")),
        ("claimed", "red", date(2024, 6, 1), True, True, ()),
        ("closed", "overdue", date(2024, 6, 1), False, False, ()),
        ("suspended", "red", date(2024, 12, 31), False, False, ()),
        ("draft", "red", date(2024, 12, 31), False, False, ()),
        ("cancelled", "red", date(2024, 12, 31), False, False, ()),
    ],
)
def test_agenda_reasons(
    status: str, light: str, due: date, late: bool, escalated: bool, expected: tuple[str, ...]
) -> None:
    assert (
        rules.agenda_reasons(
            status=status, light=light, due=due, report_late=late, on=ON, escalated=escalated
        )
        == expected
    )


LIGHTS = ["not_started", "green", "yellow", "red", "overdue", "done"]
STATUSES = ["draft", "in_progress", "claimed", "closed", "suspended", "cancelled"]


@given(
    status=st.sampled_from(STATUSES),
    light=st.sampled_from(LIGHTS),
    due=DAYS,
    late=st.booleans(),
    escalated=st.booleans(),
    on=DAYS,
)
def test_agenda_reasons_agree_with_the_query(
    status: str, light: str, due: date, late: bool, escalated: bool, on: date
) -> None:
    """The rule takes a task exactly when the selector's database filter (without escalation) would:
    under way, and red, overdue, late-reported or past due."""
    reasons = rules.agenda_reasons(
        status=status, light=light, due=due, report_late=late, on=on, escalated=escalated
    )
    query = status == "in_progress" and (light in ("red", "overdue") or late or due < on)
    assert bool(reasons) == (query or (status == "in_progress" and escalated))
    assert list(reasons) == [r for r in rules.REASONS if r in reasons]  # in the rule's order


# --- when the agenda goes out ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead", "expected"),
    [(48, datetime(2024, 7, 1, 9, tzinfo=UTC)), (0, START), (1, START - timedelta(hours=1))],
)
def test_agenda_send_at(lead: int, expected: datetime) -> None:
    assert rules.agenda_send_at(starts_at=START, lead_hours=lead) == expected


def test_agenda_send_at_refuses_negative_lead() -> None:
    with pytest.raises(ValueError):
        rules.agenda_send_at(starts_at=START, lead_hours=-1)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (START - timedelta(hours=49), False),
        (START - timedelta(hours=48), True),
        (START - timedelta(hours=47), True),
        (START + timedelta(hours=1), True),
    ],
)
def test_agenda_due(now: datetime, due: bool) -> None:
    send_at = rules.agenda_send_at(starts_at=START, lead_hours=48)
    assert rules.agenda_due(send_at=send_at, now=now, starts_at=START) is due


def test_agenda_due_once_started_even_with_a_later_send_time() -> None:
    assert rules.agenda_due(send_at=START + timedelta(hours=1), now=START, starts_at=START) is True
    assert (
        rules.agenda_due(
            send_at=START + timedelta(hours=1), now=START - timedelta(seconds=1), starts_at=START
        )
        is False
    )


# --- attendance ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checked_in", "now", "excused", "expected"),
    [
        (START - timedelta(minutes=30), START, False, "present"),
        (START, START, False, "present"),
        (START + timedelta(minutes=5), START, False, "present"),  # within the grace
        (START + timedelta(minutes=5, seconds=1), START, False, "late"),
        (START + timedelta(minutes=80), END, False, "late"),
        (None, START + timedelta(minutes=10), False, "pending"),
        (None, END - timedelta(seconds=1), False, "pending"),
        (None, END, False, "absent"),
        (None, END, True, "excused"),
        (START, START, True, "excused"),
    ],
)
def test_attendance_state(checked_in: datetime | None, now: datetime, excused: bool, expected: str) -> None:
    assert (
        rules.attendance_state(
            checked_in_at=checked_in, starts_at=START, ends_at=END, grace_minutes=5, now=now, excused=excused
        )
        == expected
    )


@given(minutes=st.integers(-120, 200), grace=st.integers(0, 60))
def test_attendance_late_exactly_after_grace(minutes: int, grace: int) -> None:
    at = START + timedelta(minutes=minutes)
    state = rules.attendance_state(
        checked_in_at=at, starts_at=START, ends_at=END, grace_minutes=grace, now=at
    )
    assert state == ("late" if minutes > grace else "present")


@given(grace_a=st.integers(0, 60), grace_b=st.integers(0, 60), minutes=st.integers(-60, 120))
def test_more_grace_never_makes_late(grace_a: int, grace_b: int, minutes: int) -> None:
    lo, hi = sorted((grace_a, grace_b))
    at = START + timedelta(minutes=minutes)
    kw = dict(checked_in_at=at, starts_at=START, ends_at=END, now=at)
    if rules.attendance_state(grace_minutes=lo, **kw) == "present":  # type: ignore[arg-type]
        assert rules.attendance_state(grace_minutes=hi, **kw) == "present"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (START - timedelta(hours=2, seconds=1), "not_open"),
        (START - timedelta(hours=2), None),
        (START, None),
        (END - timedelta(seconds=1), None),
        (END, "ended"),
        (END + timedelta(days=1), "ended"),
    ],
)
def test_checkin_refusal(now: datetime, expected: str | None) -> None:
    assert rules.checkin_refusal(now=now, starts_at=START, ends_at=END) == expected
