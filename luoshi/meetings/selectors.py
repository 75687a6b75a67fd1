"""Reads of the meetings app, set-based: lists with their counts in one query, a meeting page in a
fixed number of queries whatever the size of its agenda and roll."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import Attendance, AttendanceState, Meeting, MeetingSeries


def series_list(user: Any) -> QuerySet[MeetingSeries]:
    return (
        MeetingSeries.objects.visible_to(user)
        .select_related("chair")
        .annotate(n_meetings=Count("meetings", distinct=True))
        .order_by("name")
    )


def meeting_list(user: Any) -> QuerySet[Meeting]:
    return (
        Meeting.objects.visible_to(user)
        .select_related("series")
        .annotate(
            n_agenda=Count("agenda", distinct=True),
            n_roll=Count("attendance", distinct=True),
            n_absent=Count("attendance", filter=Q(attendance__state=AttendanceState.ABSENT), distinct=True),
            n_late=Count("attendance", filter=Q(attendance__state=AttendanceState.LATE), distinct=True),
        )
        .order_by("-starts_at")
    )


@dataclass
class Board:
    """The attendance board (签到看板): every row, and counts by state."""

    rows: list[Attendance]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def checked_in(self) -> int:
        return self.counts.get(AttendanceState.PRESENT, 0) + self.counts.get(AttendanceState.LATE, 0)

    @property
    def total(self) -> int:
        return len(self.rows)


def board(meeting: Meeting) -> Board:
    rows = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "unit")
        .order_by("-required", "unit__path", "person__name")
    )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    return Board(rows=rows, counts=counts)
