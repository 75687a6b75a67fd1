"""The appeals router of the JSON API (staff): appeals the caller sees (paginated, filtered), one
appeal, and the unit's reply. The public and other systems file appeals through Open311
(`open311.py`, at /open311/v2/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Message

from . import selectors, services
from .models import Appeal

router = Router(tags=["appeals"])


class AppealOut(Schema):
    id: int
    service_request_id: str = Field(..., description="the tracking code (查询码), Open311's id")
    service_code: str
    kind: str = Field(..., description="request or complaint")
    channel: str = Field(..., description="web, phone or open311")
    status: str = Field(..., description="new, assigned, paused, replied or closed")
    unit_id: int | None
    enterprise_name: str
    description: str
    requested_datetime: datetime
    expected_datetime: datetime
    replied_datetime: datetime | None
    reply: str
    satisfaction: str
    verification: str


class AppealPage(Schema):
    count: int
    items: list[AppealOut]


class AppealQuery(Schema):
    status: str = ""
    sla: str = Field("", description="overdue, due_soon or late")
    kind: str = ""
    q: str = Field("", max_length=100)


class ReplyIn(Schema):
    reply: str = Field(..., min_length=1, max_length=4000)


def _out(a: Appeal) -> dict[str, Any]:
    return {
        "id": a.pk,
        "service_request_id": a.tracking_code,
        "service_code": a.service.code,
        "kind": a.kind,
        "channel": a.channel,
        "status": a.status,
        "unit_id": a.unit_id,
        "enterprise_name": a.enterprise_name,
        "description": a.description,
        "requested_datetime": a.received_at,
        "expected_datetime": a.due_at,
        "replied_datetime": a.replied_at,
        "reply": a.reply,
        "satisfaction": a.satisfaction,
        "verification": a.verification,
    }


@router.get("/appeals", response={200: AppealPage, **ERRORS})
def appeals_list(request: HttpRequest, params: Query[AppealQuery], page: Query[Page]) -> Any:
    """Enterprise appeals (企业诉求) the caller sees, newest first."""
    qs = selectors.appeal_rows(
        caller(request), status=params.status, sla=params.sla, kind=params.kind, q=params.q
    )
    out = paginate(qs, page)
    return {"count": out["count"], "items": [_out(a) for a in out["items"]]}


@router.get("/appeals/{appeal_id}", response={200: AppealOut, **ERRORS})
def appeal_get(request: HttpRequest, appeal_id: int) -> Any:
    """One appeal."""
    qs = Appeal.objects.visible_to(caller(request)).select_related("service")
    return _out(get_object_or_404(qs, pk=appeal_id))


@router.post("/appeals/{appeal_id}/reply", response={200: AppealOut, 409: Message, **ERRORS})
def appeal_reply(request: HttpRequest, appeal_id: int, payload: ReplyIn) -> Any:
    """The unit's reply (答复): the routed unit's staff or the office."""
    user = caller(request)
    appeal = get_object_or_404(Appeal.objects.visible_to(user), pk=appeal_id)
    appeal = services.appeal_reply(actor=user, appeal=appeal, reply=payload.reply)
    return _out(appeal)
