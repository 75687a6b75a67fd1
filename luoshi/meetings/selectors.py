"""Reads of the meetings app, set-based: lists with their counts in one query, a meeting page in a
fixed number of queries whatever the size of its agenda and roll."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import AgendaItem, Attendance, AttendanceState, Meeting, MeetingSeries


def series_list(user: Any) -> QuerySet[MeetingSeries]:
    return (
        MeetingSeries.objects.visible_to(user)
        .select_related("chair")
        .annotate(n_meetings=Count("meetings", distinct=True))
        .order_by("name")
    )


def _count(model: Any, **where: Any) -> Any:
    rows = model.objects.filter(meeting_id=OuterRef("pk"), **where).order_by().values("meeting_id")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)


def meeting_list(user: Any) -> QuerySet[Meeting]:
    """Meetings newest first, each with its agenda size and its roll's late and absent counts
    (correlated counts, so a page costs the same whatever the size of the rolls)."""
    return (
        Meeting.objects.visible_to(user)
        .select_related("series")
        .annotate(
            n_agenda=_count(AgendaItem),
            n_roll=_count(Attendance),
            n_absent=_count(Attendance, state=AttendanceState.ABSENT),
            n_late=_count(Attendance, state=AttendanceState.LATE),
        )
        .order_by("-starts_at", "-pk")
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


def attendance_by_unit(user: Any) -> list[dict[str, Any]]:
    """Late and absent records per unit over the meetings the user may see (kept for assessment:
    考核 deducts per missed meeting): one grouped query."""
    from django.db.models import Q

    rows = (
        Attendance.objects.filter(
            meeting__in=Meeting.objects.visible_to(user), required=True, unit__isnull=False
        )
        .exclude(state=AttendanceState.PENDING)
        .values("unit_id", "unit__name", "unit__path")
        .annotate(
            roll=Count("pk"),
            present=Count("pk", filter=Q(state=AttendanceState.PRESENT)),
            late=Count("pk", filter=Q(state=AttendanceState.LATE)),
            absent=Count("pk", filter=Q(state=AttendanceState.ABSENT)),
            excused=Count("pk", filter=Q(state=AttendanceState.EXCUSED)),
        )
        .order_by("-absent", "-late", "unit__path")
    )
    return list(rows)


def agenda_reasons(meeting: Meeting, *, exclude: Any = None) -> list[tuple[str, str, int]]:
    """(reason code, label, lines) of the meeting's agenda (less the lines `exclude` names, a
    queryset of their ids), in the rules' order then the sources': one grouped query over the
    lines' reason lists (a handful of combinations, however many lines)."""
    from . import agenda, rules

    lines = AgendaItem.objects.filter(meeting=meeting)
    if exclude is not None:
        lines = lines.exclude(pk__in=exclude)
    counts: dict[str, int] = {}
    for reasons, n in lines.order_by().values("reasons").annotate(n=Count("pk")).values_list("reasons", "n"):
        for code in filter(None, reasons.split(",")):
            counts[code] = counts.get(code, 0) + n
    order = {code: i for i, code in enumerate(rules.REASONS)}
    codes = sorted(counts, key=lambda c: (order.get(c, len(order)), c))
    return [(code, agenda.reason_label(code), counts[code]) for code in codes]
