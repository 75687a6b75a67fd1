"""The portal router of the JSON API: the published items (no authentication: what the public sees,
as last reviewed), and the office's review queue and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Id
from luoshi.org.access import require_officer

from . import rules, selectors, services
from .models import Snapshot

router = Router(tags=["portal"])


class PublicItem(Schema):
    id: int
    kind: str = Field(..., description="commitment, task, project or catalogue")
    unit_id: int | None
    title: str
    status: str = Field(
        ..., description="a commitment's compliance state, a task's or project's light, a catalogue's kind"
    )
    published_at: datetime
    data: dict[str, Any] = Field(..., description="the public fields of the last reviewed version")


class PublicPage(Schema):
    count: int
    items: list[PublicItem]


class PublicQuery(Schema):
    kind: Literal["", "commitment", "task", "project", "catalogue"] = ""
    unit: Id | None = None


class PendingOut(Schema):
    id: int
    publication_id: int
    kind: str
    number: int
    proposed_at: datetime
    data: dict[str, Any]
    changes: list[list[Any]] = Field(..., description="[field, public value, proposed value]")


class PendingPage(Schema):
    count: int
    items: list[PendingOut]


class ReviewIn(Schema):
    publish: bool
    note: str = Field("", max_length=300, description="required to reject")


class ManyIn(Schema):
    ids: list[Id] = Field(..., min_length=1, max_length=1000)


class Count(Schema):
    published: int


@router.get("/public/items", response={200: PublicPage, **ERRORS}, auth=None)
def public_items(request: HttpRequest, params: Query[PublicQuery], page: Query[Page]) -> Any:
    """What the portal shows, as last reviewed (no login)."""
    qs = selectors.public().order_by("kind", "pk")
    if params.kind:
        qs = qs.filter(kind=params.kind)
    if params.unit:
        qs = qs.filter(unit_id=params.unit)
    rows = qs.values("pk", "kind", "unit_id", "title", "status", "published_at", "current__data")
    out = paginate(rows, page)
    return {
        "count": out["count"],
        "items": [{**r, "id": r["pk"], "data": r["current__data"]} for r in out["items"]],
    }


@router.get("/portal/pending", response={200: PendingPage, **ERRORS})
def portal_pending(request: HttpRequest, page: Query[Page]) -> Any:
    """Versions waiting for the office's review, oldest first, with what they change (office)."""
    require_officer(caller(request))
    out = paginate(selectors.pending_reviews(), page)
    return {
        "count": out["count"],
        "items": [
            {
                "id": s.pk,
                "publication_id": s.publication_id,
                "kind": s.publication.kind,
                "number": s.number,
                "proposed_at": s.proposed_at,
                "data": s.data,
                "changes": [
                    list(c)
                    for c in rules.diff(s.publication.current.data if s.publication.current else None, s.data)
                ],
            }
            for s in out["items"]
        ],
    }


@router.post("/portal/pending/{snapshot_id}/review", response={200: PendingOut, **ERRORS})
def portal_review(request: HttpRequest, snapshot_id: Id, payload: ReviewIn) -> Any:
    """Publish a pending version (it replaces the public one) or reject it with a reason (office)."""
    require_officer(caller(request))
    snap = get_object_or_404(Snapshot.objects.select_related("publication"), pk=snapshot_id)
    snap = services.snapshot_review(
        actor=caller(request), snapshot=snap, publish=payload.publish, note=payload.note
    )
    return {
        "id": snap.pk,
        "publication_id": snap.publication_id,
        "kind": snap.publication.kind,
        "number": snap.number,
        "proposed_at": snap.proposed_at,
        "data": snap.data,
        "changes": [],
    }


@router.post("/portal/pending/publish", response={200: Count, **ERRORS})
def portal_publish_many(request: HttpRequest, payload: ManyIn) -> Any:
    """Publish many pending versions at once (office)."""
    return {"published": services.snapshots_publish(actor=caller(request), ids=payload.ids)}
