"""The commitments router of the JSON API: commitments with their compliance, stating and reviewing
compliance, and the 三单 catalogue items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Day, Id

from . import selectors, services
from .models import CatalogueKind, Commitment, Compliance

router = Router(tags=["commitments"])


class ComplianceOut(Schema):
    id: int
    period: str = Field(..., description="quarter, e.g. 2026Q2")
    state: str = Field(..., description="fulfilled, on_track, behind or not_started")
    note: str
    review: str = Field(..., description="pending, accepted or returned")
    submitted_at: datetime


class CommitmentOut(Schema):
    id: int
    unit_id: int
    session: str
    year: int
    number: int
    title: str
    measure: str
    deadline: date
    task_id: int | None
    version: int


class CommitmentDetail(CommitmentOut):
    compliance: list[ComplianceOut]


class CommitmentPage(Schema):
    count: int
    items: list[CommitmentOut]


class CommitmentQuery(Schema):
    unit: Id | None = None
    year: int | None = Field(None, ge=2000, le=2100)


class CommitmentIn(Schema):
    unit_id: Id
    session: str = Field(..., max_length=120)
    year: int = Field(..., ge=2000, le=2100)
    title: str = Field(..., max_length=300)
    measure: str = Field(..., max_length=5000)
    deadline: Day
    task_id: Id | None = Field(None, description="the task that carries it")


class ComplianceIn(Schema):
    period: str = Field(..., pattern=r"^\d{4}Q[1-4]$")
    state: Literal["fulfilled", "on_track", "behind", "not_started"]
    note: str = Field(..., max_length=2000)


class ReviewIn(Schema):
    accept: bool
    note: str = Field("", max_length=300)


class ItemOut(Schema):
    id: int
    unit_id: int
    kind: str
    code: str
    name: str
    basis: str
    post: str
    process: str


class ItemPage(Schema):
    count: int
    items: list[ItemOut]


class ItemQuery(Schema):
    unit: Id | None = None
    kind: Literal["", "power", "responsibility", "negative"] = ""


def _out(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "unit_id": c.unit_id,
        "session": c.session,
        "year": c.year,
        "number": c.number,
        "title": c.title,
        "measure": c.measure,
        "deadline": c.deadline,
        "task_id": c.task_id,
        "version": c.version,
    }


def _compliance_out(r: Compliance) -> dict[str, Any]:
    return {
        "id": r.pk,
        "period": r.period,
        "state": r.state,
        "note": r.note,
        "review": r.review,
        "submitted_at": r.submitted_at,
    }


@router.get("/commitments", response={200: CommitmentPage, **ERRORS})
def commitments_list(request: HttpRequest, params: Query[CommitmentQuery], page: Query[Page]) -> Any:
    """Commitments (承诺事项) the caller sees: the office and leaders all, a unit's people their units'."""
    out = paginate(selectors.commitment_list(caller(request), unit_id=params.unit, year=params.year), page)
    return {"count": out["count"], "items": [_out(c) for c in out["items"]]}


@router.post("/commitments", response={201: CommitmentOut, **ERRORS})
def commitments_create(request: HttpRequest, payload: CommitmentIn) -> Any:
    """Record a commitment (office); it is proposed to the portal and shows once reviewed."""
    from luoshi.api.common import lookup
    from luoshi.org.models import Unit
    from luoshi.work.models import Task

    unit = lookup(Unit.objects.all(), payload.unit_id, "unit_id")
    task = lookup(Task.objects.visible_to(caller(request)), payload.task_id, "task_id")
    c = services.commitment_create(
        actor=caller(request),
        unit=unit,
        session=payload.session,
        year=payload.year,
        title=payload.title,
        measure=payload.measure,
        deadline=payload.deadline,
        task=task,
    )
    return Status(201, _out(c))


@router.get("/commitments/{commitment_id}", response={200: CommitmentDetail, **ERRORS})
def commitments_detail(request: HttpRequest, commitment_id: Id) -> Any:
    """A commitment with its compliance per period (all review states)."""
    c = get_object_or_404(Commitment.objects.visible_to(caller(request)), pk=commitment_id)
    return {**_out(c), "compliance": [_compliance_out(r) for r in c.compliance.order_by("period")]}


@router.post("/commitments/{commitment_id}/compliance", response={201: ComplianceOut, **ERRORS})
def commitments_compliance(request: HttpRequest, commitment_id: Id, payload: ComplianceIn) -> Any:
    """State a period's compliance (the unit's reporter or head, or the office); waits for review."""
    c = get_object_or_404(Commitment.objects.visible_to(caller(request)), pk=commitment_id)
    row = services.compliance_submit(
        actor=caller(request), commitment=c, period=payload.period, state=payload.state, note=payload.note
    )
    return Status(201, _compliance_out(row))


@router.post("/commitments/compliance/{compliance_id}/review", response={200: ComplianceOut, **ERRORS})
def commitments_compliance_review(request: HttpRequest, compliance_id: Id, payload: ReviewIn) -> Any:
    """Accept (then proposed to the portal) or return a stated compliance (office)."""
    row = get_object_or_404(
        Compliance.objects.filter(commitment__in=Commitment.objects.visible_to(caller(request))),
        pk=compliance_id,
    )
    row = services.compliance_review(
        actor=caller(request), compliance=row, accept=payload.accept, note=payload.note
    )
    return _compliance_out(row)


@router.get("/catalogues/items", response={200: ItemPage, **ERRORS})
def catalogue_items(request: HttpRequest, params: Query[ItemQuery], page: Query[Page]) -> Any:
    """The units' current 三单 items (the working catalogue; the public reads the portal's version)."""
    kind = params.kind if params.kind in CatalogueKind.values else ""
    out = paginate(selectors.catalogue_items(params.unit, kind), page)
    return {
        "count": out["count"],
        "items": [
            {
                "id": i.pk,
                "unit_id": i.unit_id,
                "kind": i.kind,
                "code": i.code,
                "name": i.name,
                "basis": i.basis,
                "post": i.post,
                "process": i.process,
            }
            for i in out["items"]
        ],
    }
