"""The assessment router of the JSON API: schemes, runs (compute, publish), a run's results and a
unit's breakdown, appeals (file, decide). Objects through `visible_to`; writes through the services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Message
from luoshi.errors import InvalidField, NotFound
from luoshi.org.models import Unit

from . import selectors, services
from .models import Appeal, Result, Run, Scheme

router = Router(tags=["assessment"])


class DeductionOut(Schema):
    kind: str
    points: Decimal
    cap: Decimal | None
    text: str


class IndicatorOut(Schema):
    id: int
    name: str
    section: str
    weight: Decimal
    method: str = Field(..., description="task, measure, rank, manual, rating or deduction")
    params: dict[str, Any]
    cap: Decimal | None
    deductions: list[DeductionOut]


class GroupOut(Schema):
    id: int
    name: str
    categories: list[str]
    unit_ids: list[int]
    multiplier: Decimal
    indicators: list[IndicatorOut]


class SchemeOut(Schema):
    id: int
    name: str
    purpose: str
    period_kind: str
    start: date
    end: date
    total: Decimal
    base_score: Decimal | None
    deduction_cap: Decimal | None
    bonus_cap: Decimal | None
    bottom: int
    status: str
    version: int


class SchemeDetailOut(SchemeOut):
    groups: list[GroupOut]


class SchemePage(Schema):
    count: int
    items: list[SchemeOut]


class RunOut(Schema):
    id: int
    scheme_id: int
    number: int
    as_of: date
    state: str = Field(..., description="computed, published or superseded")
    content_hash: str = Field(..., description="SHA-256 of the frozen scheme and inputs")
    previous_id: int | None
    published_at: datetime | None
    appeal_until: date | None
    note: str


class ResultOut(Schema):
    unit_id: int
    unit_name: str
    group: str
    score: Decimal
    grade: str
    rank: int
    veto: bool
    bottom: bool = Field(..., description="末位")
    eligible: bool
    coefficient: Decimal


class ResultPage(Schema):
    count: int
    items: list[ResultOut]


class LineOut(Schema):
    indicator: str
    points: Decimal
    reason: str
    link: str


class InputOut(Schema):
    id: int
    indicator: str
    kind: str
    value: Decimal
    text: str
    link: str


class BreakdownOut(Schema):
    result: ResultOut
    lines: list[LineOut]
    inputs: list[InputOut]


class RunIn(Schema):
    as_of: date


class PublishIn(Schema):
    appeal_until: date


class AppealIn(Schema):
    unit_id: int
    text: str


class DecisionIn(Schema):
    accept: bool
    reason: str
    remove: list[int] = Field(default_factory=list, description="ids of the latest run's inputs to drop")
    values: dict[str, str] = Field(default_factory=dict, description="input id → corrected value")


class AppealOut(Schema):
    id: int
    run_id: int
    unit_id: int
    text: str
    filed_at: datetime
    state: str = Field(..., description="pending, accepted or rejected")
    reason: str
    decided_at: datetime | None
    new_run_id: int | None


class AppealPage(Schema):
    count: int
    items: list[AppealOut]


def _run(request: HttpRequest, run_id: int) -> Run:
    return get_object_or_404(Run.objects.visible_to(caller(request)), pk=run_id)


def _scheme(request: HttpRequest, scheme_id: int) -> Scheme:
    return get_object_or_404(Scheme.objects.visible_to(caller(request)), pk=scheme_id)


@router.get("/assessment/schemes", response={200: SchemePage, **ERRORS})
def assessment_scheme_list(request: HttpRequest, page: Query[Page]) -> Any:
    """Assessment schemes (考核方案) the caller sees, newest period first."""
    return paginate(Scheme.objects.visible_to(caller(request)).order_by("-start", "name", "id"), page)


@router.get("/assessment/schemes/{scheme_id}", response={200: SchemeDetailOut, **ERRORS})
def assessment_scheme_detail(request: HttpRequest, scheme_id: int) -> Any:
    """A scheme with its groups, indicators and deduction rules."""
    scheme = _scheme(request, scheme_id)
    groups = [
        {
            "id": g.pk,
            "name": g.name,
            "categories": g.categories,
            "unit_ids": sorted(u.pk for u in g.units.all()),
            "multiplier": g.multiplier,
            "indicators": [
                {
                    "id": i.pk,
                    "name": i.name,
                    "section": i.section,
                    "weight": i.weight,
                    "method": i.method,
                    "params": i.params,
                    "cap": i.cap,
                    "deductions": list(i.deductions.all()),
                }
                for i in g.indicators.all()
            ],
        }
        for g in scheme.groups.prefetch_related("units", "indicators__deductions")
    ]
    fields = {k: getattr(scheme, k) for k in SchemeOut.model_fields if k != "id"}
    return {"id": scheme.pk, **fields, "groups": groups}


@router.get("/assessment/schemes/{scheme_id}/runs", response={200: list[RunOut], **ERRORS})
def assessment_run_list(request: HttpRequest, scheme_id: int) -> Any:
    """A scheme's runs (versions) the caller sees, latest first."""
    scheme = _scheme(request, scheme_id)
    return list(Run.objects.visible_to(caller(request)).filter(scheme=scheme).order_by("-number"))


@router.post("/assessment/schemes/{scheme_id}/runs", response={201: RunOut, **ERRORS})
def assessment_run_create(request: HttpRequest, scheme_id: int, body: RunIn) -> Any:
    """Compute a new version from the facts as of a day (the office): every fact is frozen first."""
    run = services.run_create(actor=caller(request), scheme=_scheme(request, scheme_id), as_of=body.as_of)
    return Status(201, run)


@router.post("/assessment/runs/{run_id}/publish", response={200: RunOut, 409: Message, **ERRORS})
def assessment_run_publish(request: HttpRequest, run_id: int, body: PublishIn) -> Any:
    """Publish a run with its appeal window (the office); 409 when it is already published."""
    return services.run_publish(
        actor=caller(request), run=_run(request, run_id), appeal_until=body.appeal_until
    )


@router.get("/assessment/runs/{run_id}/results", response={200: ResultPage, **ERRORS})
def assessment_run_results(request: HttpRequest, run_id: int, page: Query[Page]) -> Any:
    """A run's results by group and rank."""
    run = _run(request, run_id)
    return paginate(Result.objects.filter(run=run).order_by("group", "rank", "unit_name", "unit_id"), page)


@router.get("/assessment/runs/{run_id}/units/{unit_id}", response={200: BreakdownOut, **ERRORS})
def assessment_breakdown(request: HttpRequest, run_id: int, unit_id: int) -> Any:
    """A unit's breakdown: every line (points, why, link to the fact) and the frozen inputs."""
    found = selectors.breakdown(_run(request, run_id), unit_id)
    if found is None:
        raise NotFound(_("该单位不在这次考核结果中。"))
    return {"result": found.result, "lines": found.lines, "inputs": found.inputs}


@router.get("/assessment/appeals", response={200: AppealPage, **ERRORS})
def assessment_appeal_list(request: HttpRequest, page: Query[Page]) -> Any:
    """Appeals (申诉) the caller sees, newest first."""
    return paginate(Appeal.objects.visible_to(caller(request)).order_by("-filed_at", "-id"), page)


@router.post("/assessment/runs/{run_id}/appeals", response={201: AppealOut, **ERRORS})
def assessment_appeal_file(request: HttpRequest, run_id: int, body: AppealIn) -> Any:
    """File an appeal for one's unit against a published run, within its window."""
    unit = get_object_or_404(Unit, pk=body.unit_id)
    return Status(
        201, services.appeal_file(actor=caller(request), run=_run(request, run_id), unit=unit, text=body.text)
    )


@router.post("/assessment/appeals/{appeal_id}/decision", response={200: AppealOut, 409: Message, **ERRORS})
def assessment_appeal_decide(request: HttpRequest, appeal_id: int, body: DecisionIn) -> Any:
    """Decide an appeal (the office): reject, or accept with corrections → the next version."""
    appeal = get_object_or_404(Appeal.objects.visible_to(caller(request)), pk=appeal_id)
    values: dict[int, Any] = {}
    for key, value in body.values.items():
        if not key.isdigit():
            raise InvalidField(_("“%(key)s”不是考核依据编号。") % {"key": key}, field="values")
        values[int(key)] = value
    return services.appeal_decide(
        actor=caller(request),
        appeal=appeal,
        accept=body.accept,
        reason=body.reason,
        remove=body.remove,
        values=values,
    )
