"""The early warning router of the JSON API: the day's levels (paginated), a level with its reasons,
the trend, the office's flags queue and decision, timeliness per unit."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Message
from luoshi.errors import InvalidField, NotAllowed
from luoshi.org.access import context_for, require_officer

from . import selectors, services
from .models import Flag, Warning

router = Router(tags=["alerts"])


class WarningOut(Schema):
    id: int
    day: date
    subject: str = Field(..., description="unit or person")
    unit_id: int
    unit: str
    person_id: int | None
    person: str | None
    level: str = Field(..., description="none, blue, yellow, orange or red")
    score: float
    counts: dict[str, int] = Field(..., description="slips that count, per kind")


class WarningPage(Schema):
    day: date | None
    count: int
    items: list[WarningOut]


class ReasonOut(Schema):
    kind: str = Field(
        ...,
        description="late_report, yellow_light, missed_milestone, reminder, absence, idle_handoff or returned",
    )
    on: date
    text: str
    link: str
    ref: str


class WarningDetail(WarningOut):
    reasons: list[ReasonOut]


class TrendOut(Schema):
    dates: list[str]
    series: dict[str, list[int]]


class BoardQuery(Schema):
    day: date | None = None
    subject: Literal["unit", "person"] = "unit"
    level: Literal["", "blue", "yellow", "orange", "red"] = ""


class FlagOut(Schema):
    id: int
    kind: str = Field(..., description="jump, copied, no_evidence, empty, phantom or drop")
    unit_id: int
    task_id: int | None
    report_id: int | None
    other_report_id: int | None
    reason: str
    detail: dict[str, Any]
    found_on: date
    state: str = Field(..., description="open, looked or dismissed")
    note: str


class FlagPage(Schema):
    count: int
    items: list[FlagOut]


class FlagQuery(Schema):
    state: Literal["", "open", "looked", "dismissed"] = "open"
    kind: Literal["", "jump", "copied", "no_evidence", "empty", "phantom", "drop"] = ""


class DecideIn(Schema):
    state: Literal["looked", "dismissed"]
    note: str = Field("", max_length=2000, description="required to dismiss")


class TimelinessOut(Schema):
    unit_id: int
    unit: str
    owed: int
    on_time: int
    on_time_share: float | None
    late: int
    mean_delay_days: float | None
    reports: int
    returned_share: float | None
    fields_per_week: float
    duplicates: int


def _sane(day: date | None, field: str = "day") -> None:
    if day is not None and not 2000 <= day.year <= 2100:
        raise InvalidField(_("日期应在2000年至2100年之间"), field=field)


def _require_board(user: Any) -> None:
    ctx = context_for(user)
    if not (ctx.is_officer or ctx.is_leader):
        raise NotAllowed(_("预警看板供区领导和督查考核人员查看"))


def _warning_out(w: Warning) -> dict[str, Any]:
    return {
        "id": w.pk,
        "day": w.day,
        "subject": w.subject,
        "unit_id": w.unit_id,
        "unit": w.unit.name,
        "person_id": w.person_id,
        "person": w.person.name if w.person is not None else None,
        "level": w.level,
        "score": float(w.score),
        "counts": w.counts,
    }


def _flag_out(f: Flag) -> dict[str, Any]:
    return {
        "id": f.pk,
        "kind": f.kind,
        "unit_id": f.unit_id,
        "task_id": f.task_id,
        "report_id": f.report_id,
        "other_report_id": f.other_id,
        "reason": f.reason,
        "detail": f.detail,
        "found_on": f.found_on,
        "state": f.state,
        "note": f.note,
    }


@router.get("/alerts/warnings", response={200: WarningPage, **ERRORS})
def alerts_warnings(request: HttpRequest, params: Query[BoardQuery], page: Query[Page]) -> Any:
    """The day's warning levels (default: the latest computed day), worst first (leaders and officers)."""
    user = caller(request)
    _require_board(user)
    _sane(params.day)
    day = params.day or selectors.latest_day(user)
    if day is None:
        return {"day": None, "count": 0, "items": []}
    out = paginate(selectors.board(user, day, subject=params.subject, level=params.level), page)
    return {"day": day, "count": out["count"], "items": [_warning_out(w) for w in out["items"]]}


@router.get("/alerts/warnings/{warning_id}", response={200: WarningDetail, **ERRORS})
def alerts_warning(request: HttpRequest, warning_id: int) -> Any:
    """A level with the reasons behind it (each slip that counts, newest first)."""
    user = caller(request)
    _require_board(user)
    w = get_object_or_404(Warning.objects.visible_to(user).select_related("unit", "person"), pk=warning_id)
    return {**_warning_out(w), "reasons": w.reasons}


@router.get("/alerts/trend", response={200: TrendOut, **ERRORS})
def alerts_trend(
    request: HttpRequest, day: date | None = None, subject: Literal["unit", "person"] = "unit"
) -> Any:
    """Units (or people) at each level per day over the eight weeks to `day`."""
    user = caller(request)
    _require_board(user)
    _sane(day)
    day = day or selectors.latest_day(user)
    if day is None:
        return {"dates": [], "series": {}}
    return selectors.trend(user, day, subject=subject)


@router.get("/alerts/flags", response={200: FlagPage, **ERRORS})
def alerts_flags(request: HttpRequest, params: Query[FlagQuery], page: Query[Page]) -> Any:
    """Report quality flags, newest first (the supervision office only)."""
    user = caller(request)
    require_officer(user)
    out = paginate(selectors.flag_queue(user, state=params.state, kind=params.kind), page)
    return {"count": out["count"], "items": [_flag_out(f) for f in out["items"]]}


@router.post("/alerts/flags/{flag_id}/decision", response={200: FlagOut, 409: Message, **ERRORS})
def alerts_flag_decide(request: HttpRequest, flag_id: int, payload: DecideIn) -> Any:
    """Look at a flag or dismiss it with a note; a flag decided by someone else first is a 409."""
    user = caller(request)
    require_officer(user)
    flag = get_object_or_404(Flag.objects.visible_to(user), pk=flag_id)
    return _flag_out(services.flag_decide(actor=user, flag=flag, state=payload.state, note=payload.note))


@router.get("/alerts/timeliness", response={200: list[TimelinessOut], **ERRORS})
def alerts_timeliness(request: HttpRequest, start: date, end: date) -> Any:
    """Timeliness and burden per unit for the periods from `start` to `end` (the unit's own people,
    its leader and the office)."""
    user = caller(request)
    ctx = context_for(user)
    if not (ctx.is_officer or ctx.scope_unit_ids):
        raise NotAllowed(_("没有可查看的单位"))
    _sane(start, "start")
    _sane(end, "end")
    if end < start or (end - start).days > 366:
        raise InvalidField(_("时间段应在一年以内，且开始不晚于结束"), field="start")
    return [
        {
            "unit_id": b.unit.pk,
            "unit": b.unit.name,
            "owed": b.owed,
            "on_time": b.on_time,
            "on_time_share": b.on_time_share,
            "late": b.late,
            "mean_delay_days": b.mean_delay,
            "reports": b.reports,
            "returned_share": b.returned_share,
            "fields_per_week": round(b.fields_per_week, 2),
            "duplicates": b.duplicates,
        }
        for b in selectors.timeliness(user, start=start, end=end)
    ]
