"""The enterprises router of the JSON API: the watch list (paginated, filtered) and one enterprise
with its flags, team, visits and problems' tasks; registration (the office), with the credit code's
check character verified."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.common import ERRORS, Page, caller, lookup, paginate
from luoshi.org.models import Unit

from . import selectors, services
from .models import Enterprise

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    industry: str
    size: str
    unit_id: int
    status: str = Field(..., description="normal, watched (重点关注) or resolved (风险已解除)")
    watched_since: date | None
    resolved_on: date | None


class EnterpriseRow(EnterpriseOut):
    open_flags: int
    last_visit: date | None


class EnterprisePage(Schema):
    count: int
    items: list[EnterpriseRow]


class FlagOut(Schema):
    kind: str
    raised_on: date
    note: str
    closed_on: date | None


class MemberOut(Schema):
    person: str
    role: str
    post_id: int | None


class ProblemOut(Schema):
    text: str
    task_id: int


class EnterpriseDetail(EnterpriseOut):
    flags: list[FlagOut]
    team: list[MemberOut]
    visits: int
    problems: list[ProblemOut]


class EnterpriseQuery(Schema):
    status: str = ""
    kind: str = ""
    q: str = Field("", max_length=100)


class EnterpriseIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    credit_code: str = Field(..., min_length=1, max_length=24)
    industry: str = Field(..., max_length=60)
    size: str = Field(..., description="large, medium, small or micro")
    unit_id: int
    address: str = Field("", max_length=200)


FIELDS = (
    "id",
    "name",
    "credit_code",
    "industry",
    "size",
    "unit_id",
    "status",
    "watched_since",
    "resolved_on",
)


def _out(e: Enterprise) -> dict[str, Any]:
    return {k: getattr(e, k) for k in FIELDS}


@router.get("/enterprises", response={200: EnterprisePage, **ERRORS})
def enterprises_list(request: HttpRequest, params: Query[EnterpriseQuery], page: Query[Page]) -> Any:
    """Enterprises the caller sees, those with open risks first."""
    out = paginate(
        selectors.enterprise_rows(caller(request), status=params.status, kind=params.kind, q=params.q), page
    )
    return {
        "count": out["count"],
        "items": [{**_out(e), "open_flags": e.open_flags, "last_visit": e.last_visit} for e in out["items"]],
    }


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseDetail, **ERRORS})
def enterprise_get(request: HttpRequest, enterprise_id: int) -> Any:
    """One enterprise with its risk flags, service team, visit count and problems."""
    e = get_object_or_404(Enterprise.objects.visible_to(caller(request)), pk=enterprise_id)
    return {
        **_out(e),
        "flags": list(e.flags.values("kind", "raised_on", "note", "closed_on")),
        "team": [
            {"person": m.person.name, "role": m.role, "post_id": m.post_id}
            for m in e.team.select_related("person")
        ],
        "visits": e.visits.count(),
        "problems": list(e.problems.values("text", "task_id")),
    }


@router.post("/enterprises", response={201: EnterpriseOut, **ERRORS})
def enterprise_create(request: HttpRequest, payload: EnterpriseIn) -> Any:
    """Register an enterprise (the office); a wrong check character is a 400 naming `credit_code`."""
    data = payload.dict()
    unit = lookup(Unit.objects.all(), data.pop("unit_id"), "unit_id")
    e = services.enterprise_create(actor=caller(request), unit=unit, **data)
    return Status(201, _out(e))
