"""Meetings' facts for assessment (`luoshi.assessment.events`): a unit's required attendee absent
from a meeting held in the period (缺席调度会); one query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.assessment.events import EventRow, md, register_source

from .models import Attendance, AttendanceState, MeetingState

KIND = "meetings.absence"


def absences(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    rows = (
        Attendance.objects.filter(
            unit_id__in=unit_ids,
            required=True,
            state=AttendanceState.ABSENT,
            meeting__state__in=[MeetingState.HELD, MeetingState.CLOSED],
            meeting__starts_at__date__gte=start,
            meeting__starts_at__date__lte=end,
        )
        .order_by("unit_id", "meeting__starts_at", "pk")
        .values_list(
            "pk",
            "unit_id",
            "meeting_id",
            "meeting__series__name",
            "meeting__number",
            "meeting__starts_at",
            "person__name",
        )
    )
    out = []
    for pk, unit_id, meeting_id, series, number, starts_at, person in rows:
        day = starts_at.date()
        out.append(
            EventRow(
                unit_id=unit_id,
                kind=KIND,
                occurred_on=day,
                value=Decimal(1),
                text=_("%(person)s 未参加%(series)s第%(number)s期（%(day)s）")
                % {"person": person, "series": series, "number": number, "day": md(day)},
                link=reverse("meetings:meeting", args=[meeting_id]),
                ref=f"meetings.Attendance:{pk}",
            )
        )
    return out


def register() -> None:
    register_source(KIND, gettext_lazy("缺席调度会"), absences)
