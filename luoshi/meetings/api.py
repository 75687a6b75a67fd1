"""The meetings router of the JSON API: series and meetings with their agenda and attendance, the
agenda's generation, card check-in, and the decisions' tasks (tag `meetings`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Message

from . import selectors, services
from .models import Meeting

router = Router(tags=["meetings"])


class SeriesOut(Schema):
    id: int
    name: str
    cadence: str = Field(..., description="daily (working days), twice_weekly, weekly or monthly")
    chair: str
    lead_hours: int = Field(..., description="hours before the start that the agenda is frozen and sent")
    meetings: int

    @staticmethod
    def resolve_chair(obj: Any) -> str:
        return str(obj.chair.name)

    @staticmethod
    def resolve_meetings(obj: Any) -> int:
        return int(obj.n_meetings)


class SeriesPage(Schema):
    count: int
    items: list[SeriesOut]


class MeetingOut(Schema):
    id: int
    series_id: int
    number: int
    starts_at: datetime
    ends_at: datetime
    place: str
    state: str = Field(..., description="planned, frozen (agenda sent), held or closed")
    agenda_send_at: datetime


class MeetingPage(Schema):
    count: int
    items: list[MeetingOut]


class AgendaItemOut(Schema):
    task_id: int
    title: str
    lead_unit_id: int
    reasons: list[str] = Field(
        ...,
        description="overdue, red, late_report, escalated, or another source's "
        "(key projects: investment, stage_missed, stuck, problems)",
    )
    reason_labels: list[str] = Field(..., description="the reasons as read in the request's language")
    source: str = Field(..., description="the agenda source that proposed the item: tasks, projects …")
    light: str
    actual_pct: Decimal
    expected_pct: Decimal
    due: date

    @staticmethod
    def resolve_reasons(obj: Any) -> list[str]:
        return list(obj.reason_list)

    @staticmethod
    def resolve_reason_labels(obj: Any) -> list[str]:
        return [label for _code, label in obj.reason_labels]


class AttendanceOut(Schema):
    person_id: int
    person: str
    unit_id: int | None
    required: bool
    state: str = Field(..., description="pending, present, late, absent or excused")
    checked_in_at: datetime | None
    method: str = Field(..., description="card, qr, secretary, or empty")

    @staticmethod
    def resolve_person(obj: Any) -> str:
        return str(obj.person.name)


class DecisionOut(Schema):
    id: int
    text: str
    owner_unit_id: int
    deadline: date
    plan_id: int
    task_id: int | None


class MeetingDetail(MeetingOut):
    agenda: list[AgendaItemOut]
    attendance: list[AttendanceOut]
    decisions: list[DecisionOut]


class CardIn(Schema):
    card_no: str = Field(..., min_length=1, max_length=40)


class Created(Schema):
    count: int
    task_ids: list[int]


class AgendaOut(Schema):
    items: int


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(caller(request)).select_related("series"), pk=meeting_id
    )


class MeetingQuery(Schema):
    series: int | None = Field(None, ge=1, le=2**63 - 1, description="only this series' meetings")


@router.get("/meeting-series", response={200: SeriesPage, **ERRORS})
def series_list(request: HttpRequest, page: Query[Page]) -> Any:
    """Dispatch meeting series the caller may see."""
    return paginate(selectors.series_list(caller(request)), page)


@router.get("/meetings", response={200: MeetingPage, **ERRORS})
def meeting_list(request: HttpRequest, params: Query[MeetingQuery], page: Query[Page]) -> Any:
    """Meetings the caller may see, newest first."""
    qs = Meeting.objects.visible_to(caller(request))
    if params.series is not None:
        qs = qs.filter(series_id=params.series)
    return paginate(qs.order_by("-starts_at", "-id"), page)


@router.get("/meetings/{meeting_id}", response={200: MeetingDetail, **ERRORS})
def meeting_detail(request: HttpRequest, meeting_id: int) -> Any:
    """One meeting with its agenda (frozen figures), attendance and decisions."""
    m = _meeting(request, meeting_id)
    return {
        **MeetingOut.model_validate(m, from_attributes=True).model_dump(),
        "agenda": list(m.agenda.order_by("sort")),
        "attendance": selectors.board(m).rows,
        "decisions": list(m.decisions.order_by("sort", "pk")),
    }


@router.post("/meetings/{meeting_id}/agenda", response={200: AgendaOut, 409: Message, **ERRORS})
def agenda_generate(request: HttpRequest, meeting_id: int) -> Any:
    """Draw the agenda again from what lags in scope (only before it is sent; the office)."""
    return {"items": services.agenda_generate(actor=caller(request), meeting=_meeting(request, meeting_id))}


@router.post("/meetings/{meeting_id}/checkin", response={200: AttendanceOut, **ERRORS})
def checkin(request: HttpRequest, meeting_id: int, payload: CardIn) -> Any:
    """Check in by card number, as the card reader at the door does (the office); an unknown card or
    an ended meeting is a 400, recorded."""
    return services.checkin_card(
        actor=caller(request), meeting=_meeting(request, meeting_id), card_no=payload.card_no
    )


@router.post("/meetings/{meeting_id}/decisions/tasks", response={201: Created, **ERRORS})
def decisions_tasks(request: HttpRequest, meeting_id: int) -> Any:
    """Make every decision not yet a task into one, in one step (the office)."""
    ids = services.decisions_to_tasks(actor=caller(request), meeting=_meeting(request, meeting_id))
    return Status(201, {"count": len(ids), "task_ids": ids})
