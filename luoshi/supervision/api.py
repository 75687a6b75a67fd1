"""The supervision router of the JSON API: items (paginated, with their journey and notices), the
escalation queue and the office's decision on proposals, idle items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Id, Message
from luoshi.org.access import require_officer

from . import selectors, services
from .models import Item, Notice, Response

router = Router(tags=["supervision"])


class ItemOut(Schema):
    id: int
    title: str
    source_kind: str = Field(..., description="instruction, meeting, hotline, inspection or light")
    lead_unit_id: int
    holder_unit_id: int = Field(..., description="the unit holding the item now")
    signed: bool = Field(..., description="whether the holder unit has signed for it (签收)")
    held_since: datetime
    deadline: date
    level: str = Field(..., description="'' (none yet), remind, supervise, bulletin or account")
    state: str = Field(..., description="open or closed")
    task_id: int


class ItemPage(Schema):
    count: int
    items: list[ItemOut]


class StepOut(Schema):
    kind: str = Field(..., description="assign (交办), transfer (转办), sign (签收) or return (退回)")
    from_unit: str
    to_unit: str
    person: str
    at: datetime
    days: float = Field(..., description="days the item then sat with this holder (until now for the last)")
    note: str


class NoticeOut(Schema):
    id: int
    number: str
    level: str
    unit_id: int
    issued_on: date
    response_due: date
    responses: int


class ItemDetail(ItemOut):
    instruction_text: str
    journey: list[StepOut]
    notices: list[NoticeOut]


class ItemQuery(Schema):
    level: str = Field("", pattern="^(|none|escalated|remind|supervise|bulletin|account)$")
    state: str = Field("", pattern="^(|open|closed)$")
    source: str = Field("", pattern="^(|instruction|meeting|hotline|inspection|light)$")


class ProposalOut(Schema):
    id: int
    task_id: int
    item_id: int | None = Field(..., description="null: a red task not yet an item (accepting makes one)")
    unit_id: int
    level: str
    reason: str = Field(..., description="late_report, red, overdue, idle or no_response")
    days: int
    proposed_on: date


class ProposalPage(Schema):
    count: int
    items: list[ProposalOut]


class DecisionIn(Schema):
    proposals: list[Id] = Field(..., min_length=1, max_length=500)
    action: Literal["accept", "dismiss"]
    level: Literal["", "remind", "supervise", "bulletin", "account"] = Field(
        "", description="accept at this level instead of the proposed one"
    )
    reason: str = Field("", max_length=500, description="required to dismiss")


class DecisionOut(Schema):
    notices: list[NoticeOut]


class ResponseEvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    content_type: str
    carried_from: int | None = Field(
        ...,
        description="the task's evidence file (work evidence id) this one was carried from (沿用) "
        "without a new upload; null for a file uploaded with the response",
    )


class ResponseOut(Schema):
    id: int
    notice_id: int
    unit_id: int
    author_id: int
    submitted_at: datetime
    text: str
    stall_reason: str
    supersedes_id: int | None
    superseded: bool = Field(..., description="a later response to the same notice replaced this one")
    evidence: list[ResponseEvidenceOut] = Field(..., description="uploaded and carried files alike")


def _response_out(r: Response, superseded: bool = False) -> dict[str, Any]:
    return {
        "id": r.pk,
        "notice_id": r.notice_id,
        "unit_id": r.unit_id,
        "author_id": r.author_id,
        "submitted_at": r.submitted_at,
        "text": r.text,
        "stall_reason": r.stall_reason,
        "supersedes_id": r.supersedes_id,
        "superseded": superseded,
        "evidence": [
            {
                "id": e.pk,
                "name": e.name,
                "size": e.size,
                "sha256": e.sha256,
                "content_type": e.content_type,
                "carried_from": e.source_id,
            }
            for e in r.evidence.all()
        ],
    }


def _item_out(i: Item) -> dict[str, Any]:
    return {
        "id": i.pk,
        "title": i.title,
        "source_kind": i.source_kind,
        "lead_unit_id": i.lead_unit_id,
        "holder_unit_id": i.holder_unit_id,
        "signed": i.signed,
        "held_since": i.held_since,
        "deadline": i.deadline,
        "level": i.level,
        "state": i.state,
        "task_id": i.task_id,
    }


def _notice_out(n: Notice, responses: int = 0) -> dict[str, Any]:
    return {
        "id": n.pk,
        "number": n.number,
        "level": n.level,
        "unit_id": n.unit_id,
        "issued_on": n.issued_on,
        "response_due": n.response_due,
        "responses": responses,
    }


@router.get("/supervision/items", response={200: ItemPage, **ERRORS})
def supervision_items(request: HttpRequest, params: Query[ItemQuery], page: Query[Page]) -> Any:
    """Supervision items (督办事项) the caller sees, newest first."""
    qs = selectors.item_rows(caller(request), level=params.level, state=params.state, source=params.source)
    out = paginate(qs, page)
    return {"count": out["count"], "items": [_item_out(i) for i in out["items"]]}


@router.get("/supervision/items/{item_id}", response={200: ItemDetail, **ERRORS})
def supervision_item(request: HttpRequest, item_id: int) -> Any:
    """An item with its journey (who held it, how long) and its notices."""
    from django.db.models import Count

    item = get_object_or_404(Item.objects.visible_to(caller(request)), pk=item_id)
    notices = Notice.objects.filter(item=item).annotate(n=Count("responses")).order_by("issued_on", "pk")
    return {
        **_item_out(item),
        "instruction_text": item.instruction_text,
        "journey": [
            {
                "kind": s.kind,
                "from_unit": s.from_unit,
                "to_unit": s.to_unit,
                "person": s.person,
                "at": s.at,
                "days": s.days,
                "note": s.note,
            }
            for s in selectors.journey(item)
        ],
        "notices": [_notice_out(n, n.n) for n in notices],  # type: ignore[attr-defined]
    }


@router.get("/supervision/idle", response={200: ItemPage, **ERRORS})
def supervision_idle(request: HttpRequest, page: Query[Page]) -> Any:
    """Items now idle (sitting with one holder beyond their level's threshold), longest first."""
    out = paginate(selectors.idle_items(caller(request)), page)
    return {"count": out["count"], "items": [_item_out(i) for i in out["items"]]}


@router.get("/supervision/proposals", response={200: ProposalPage, **ERRORS})
def supervision_proposals(request: HttpRequest, page: Query[Page]) -> Any:
    """The escalation queue: pending proposals, highest level first (the supervision office only)."""
    user = caller(request)
    require_officer(user)
    out = paginate(selectors.queue(user), page)
    return {
        "count": out["count"],
        "items": [
            {
                "id": p.pk,
                "task_id": p.task_id,
                "item_id": p.item_id,
                "unit_id": p.unit_id,
                "level": p.level,
                "reason": p.reason,
                "days": p.days,
                "proposed_on": p.proposed_on,
            }
            for p in out["items"]
        ],
    }


@router.post("/supervision/proposals/decision", response={200: DecisionOut, 409: Message, **ERRORS})
def supervision_decide(request: HttpRequest, payload: DecisionIn) -> Any:
    """Accept (issuing a numbered notice for each) or dismiss (with a reason) pending proposals; one
    already decided by someone else is a 409 and nothing is written."""
    notices = services.proposals_decide(
        actor=caller(request),
        proposals=payload.proposals,
        accept=payload.action == "accept",
        level=payload.level,
        reason=payload.reason,
    )
    return {"notices": [_notice_out(n) for n in notices]}


@router.get("/supervision/notices/{notice_id}/responses", response={200: list[ResponseOut], **ERRORS})
def supervision_responses(request: HttpRequest, notice_id: int) -> Any:
    """A notice's written responses (书面反馈), oldest first, each with its evidence files: uploaded
    and carried from the task's reports and claims alike (`carried_from` says which)."""
    notice = get_object_or_404(Notice.objects.visible_to(caller(request)), pk=notice_id)
    rows = (
        Response.objects.filter(notice=notice)
        .annotate(later=Exists(Response.objects.filter(supersedes=OuterRef("pk"))))
        .prefetch_related("evidence")
        .order_by("submitted_at", "pk")
    )
    return [_response_out(r, r.later) for r in rows]


@router.post("/supervision/notices/{notice_id}/responses", response={201: ResponseOut, **ERRORS})
def supervision_respond(
    request: HttpRequest,
    notice_id: int,
    text: Form[str],
    stall_reason: Form[str] = "",
    carried: Form[list[Id]] = None,  # type: ignore[assignment]
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Answer a notice in writing (multipart form): `text` (办理情况), `stall_reason` (未推进原因,
    required when the item has stalled), evidence `files` to upload, and `carried`: ids of the task's
    own evidence files (its reports' and claims', as `/tasks/{task_id}/reports` lists them) to attach
    without uploading them again. Each carried id must be evidence of this item's task that the caller
    sees, else 400 and nothing is stored. The holder or lead unit's reporter or head only."""
    user = caller(request)
    notice = get_object_or_404(Notice.objects.visible_to(user), pk=notice_id)
    response = services.response_submit(
        actor=user,
        notice=notice,
        text=text,
        stall_reason=stall_reason,
        files=files or [],
        carried=carried or [],
    )
    return Status(201, _response_out(Response.objects.prefetch_related("evidence").get(pk=response.pk)))
