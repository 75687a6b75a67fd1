"""Pure rules of dispatch meetings (调度会): meeting dates from a cadence, which task facts put a
task on the agenda, when the agenda goes out, and lateness of attendance. Plain values only.

Agenda selection (上会事项), in the order the reasons are listed:
- overdue (逾期): the task's light is overdue, or its due date is before the meeting day;
- red (严重滞后): the task's light is red;
- late report (迟报): the task's latest period was not reported on time;
- escalated (已督办): another app says it was escalated (the task engine has no such fact yet).
Only tasks under way (推进中) are taken: drafts, claimed, closed, suspended and cancelled are not.

Attendance: a check-in at or before start + grace is present (出席), after it late (迟到); no
check-in when the meeting has ended is absent (缺席); an excused person (请假) stays excused.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime, timedelta

DAILY = "daily"
TWICE_WEEKLY = "twice_weekly"
WEEKLY = "weekly"
MONTHLY = "monthly"
CADENCES = (DAILY, TWICE_WEEKLY, WEEKLY, MONTHLY)

OVERDUE = "overdue"
RED = "red"
LATE_REPORT = "late_report"
ESCALATED = "escalated"
REASONS = (OVERDUE, RED, LATE_REPORT, ESCALATED)

UNDER_WAY = "in_progress"

PRESENT = "present"
LATE = "late"
ABSENT = "absent"
EXCUSED = "excused"
PENDING = "pending"

# How long before the start the door opens for check-in.
CHECKIN_OPENS = timedelta(hours=2)


def _meets(cadence: str, anchor: date, day: date) -> bool:
    if day < anchor:
        return False
    if cadence == DAILY:
        return day.weekday() < 5
    if cadence == WEEKLY:
        return day.weekday() == anchor.weekday()
    if cadence == TWICE_WEEKLY:
        # The anchor's weekday and three days later (Monday and Thursday, Tuesday and Friday …).
        return day.weekday() in (anchor.weekday(), (anchor.weekday() + 3) % 7)
    if cadence == MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(anchor.day, last)
    raise ValueError(f"unknown cadence {cadence!r}")


def meeting_dates(*, cadence: str, anchor: date, after: date, count: int) -> list[date]:
    """The next `count` meeting days of a series that began on `anchor`, strictly after `after`.

    Daily is every working day (Monday to Friday); twice a week is the anchor's weekday and three
    days later; weekly the anchor's weekday; monthly the anchor's day of the month, or the month's
    last day when it is shorter."""
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}")
    return list(_take(_days(cadence, anchor, after), count))


def _days(cadence: str, anchor: date, after: date) -> Iterator[date]:
    day = max(after + timedelta(days=1), anchor)
    while True:
        if _meets(cadence, anchor, day):
            yield day
        day += timedelta(days=1)


def _take(days: Iterator[date], count: int) -> Iterator[date]:
    for _i in range(max(0, count)):
        yield next(days)


def agenda_reasons(
    *, status: str, light: str, due: date, report_late: bool, on: date, escalated: bool = False
) -> tuple[str, ...]:
    """Why a task goes on the agenda of a meeting held on `on` (empty: it does not)."""
    if status != UNDER_WAY:
        return ()
    reasons: list[str] = []
    if light == OVERDUE or due < on:
        reasons.append(OVERDUE)
    if light == RED:
        reasons.append(RED)
    if report_late:
        reasons.append(LATE_REPORT)
    if escalated:
        reasons.append(ESCALATED)
    return tuple(reasons)


def agenda_send_at(*, starts_at: datetime, lead_hours: int) -> datetime:
    """When the agenda is frozen and sent: `lead_hours` before the start (48 by default)."""
    if lead_hours < 0:
        raise ValueError("the agenda cannot go out after the meeting starts")
    return starts_at - timedelta(hours=lead_hours)


def agenda_due(*, send_at: datetime, now: datetime, starts_at: datetime) -> bool:
    """Whether an agenda not yet sent should go now: its time has come, whether or not the meeting
    has started (a late agenda still goes out, so the record is complete)."""
    return now >= send_at or now >= starts_at


def attendance_state(
    *,
    checked_in_at: datetime | None,
    starts_at: datetime,
    ends_at: datetime,
    grace_minutes: int,
    now: datetime,
    excused: bool = False,
) -> str:
    """Present, late, absent, excused, or pending (no check-in yet, meeting not over)."""
    if excused:
        return EXCUSED
    if checked_in_at is None:
        return ABSENT if now >= ends_at else PENDING
    if checked_in_at <= starts_at + timedelta(minutes=grace_minutes):
        return PRESENT
    return LATE


def checkin_refusal(*, now: datetime, starts_at: datetime, ends_at: datetime) -> str | None:
    """Why a check-in at `now` is refused (`"ended"`, `"not_open"`), or None when it may go ahead."""
    if now >= ends_at:
        return "ended"
    if now < starts_at - CHECKIN_OPENS:
        return "not_open"
    return None
