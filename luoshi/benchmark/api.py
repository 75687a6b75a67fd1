"""The benchmark router of the JSON API (officers and leaders): administrative divisions, indicators,
values, peer groups and a group's ranking (the same `selectors.ranking` as the page)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.errors import LuoshiError
from luoshi.org.access import require_leader

from . import rules, selectors
from .models import Indicator, PeerGroup, Region, Value

router = Router(tags=["benchmark"])


class RegionOut(Schema):
    id: int
    code: str = Field(..., description="6-digit administrative division code (GB/T 2260)")
    name: str
    level: str = Field(..., description="province, city or county")
    parent_id: int | None
    unit_id: int | None = Field(..., description="the org unit of the district's own region")


class RegionPage(Schema):
    count: int
    items: list[RegionOut]


class RegionFilter(Schema):
    q: str = Field("", description="name contains, or code starts with")
    parent: str = Field("", description="parent region's code")


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    kind: str = Field(..., description="amount (亿元) or growth (%)")
    unit: str
    higher_is_better: bool


class ValueOut(Schema):
    id: int
    region: str = Field(..., description="division code")
    indicator: str = Field(..., description="indicator code")
    year: int
    quarter: int = Field(..., description="cumulative to the end of this quarter; 4 is the whole year")
    value: Decimal
    source: str
    source_row: int | None


class ValuePage(Schema):
    count: int
    items: list[ValueOut]


class ValueFilter(Schema):
    region: str = Field("", description="division code")
    indicator: str = Field("", description="indicator code")
    year: int | None = Field(None, ge=1900, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)


class GroupOut(Schema):
    id: int
    name: str
    home: str = Field(..., description="the district's division code")
    benchmark: str | None = Field(..., description="the 标杆 region's division code")
    members: list[str]


class GapOut(Schema):
    absolute: Decimal = Field(..., description="in the indicator's unit; positive is ahead")
    percent: Decimal | None = Field(..., description="relative to the reference, two decimals")


class LineOut(Schema):
    region: str
    name: str
    value: Decimal | None
    rank: int | None
    previous_rank: int | None
    movement: int | None = Field(..., description="places gained since the same period a year before")
    to_leader: GapOut | None
    to_benchmark: GapOut | None
    is_home: bool
    is_benchmark: bool


class RankingOut(Schema):
    group_id: int
    indicator: str
    unit: str
    year: int
    quarter: int
    previous: str
    leader: Decimal | None
    lines: list[LineOut]


def _gap(g: rules.Gap | None) -> dict[str, Any] | None:
    return None if g is None else {"absolute": g.absolute, "percent": g.percent}


@router.get("/benchmark/regions", response={200: RegionPage, **ERRORS})
def benchmark_region_list(request: HttpRequest, filters: Query[RegionFilter], page: Query[Page]) -> Any:
    """Administrative divisions, by code."""
    user = caller(request)
    require_leader(user)
    qs = Region.objects.visible_to(user).order_by("code")
    if filters.q:
        qs = (
            qs.filter(code__startswith=filters.q)
            if filters.q.isdigit()
            else qs.filter(name__contains=filters.q)
        )
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    return paginate(qs, page)


@router.get("/benchmark/indicators", response={200: list[IndicatorOut], **ERRORS})
def benchmark_indicator_list(request: HttpRequest) -> Any:
    """The compared indicators with their units."""
    user = caller(request)
    require_leader(user)
    return [
        {
            "id": i.pk,
            "code": i.code,
            "name": i.name,
            "kind": i.kind,
            "unit": i.unit,
            "higher_is_better": i.higher_is_better,
        }
        for i in Indicator.objects.visible_to(user)
    ]


@router.get("/benchmark/values", response={200: ValuePage, **ERRORS})
def benchmark_value_list(request: HttpRequest, filters: Query[ValueFilter], page: Query[Page]) -> Any:
    """Figures by region, indicator and period, with their source file and row."""
    user = caller(request)
    require_leader(user)
    qs = Value.objects.visible_to(user).order_by(
        "region__code", "indicator__sort", "period__year", "period__quarter"
    )
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.indicator:
        qs = qs.filter(indicator__code=filters.indicator)
    if filters.year is not None:
        qs = qs.filter(period__year=filters.year)
    if filters.quarter is not None:
        qs = qs.filter(period__quarter=filters.quarter)
    count = qs.count()
    rows = qs.values_list(
        "pk",
        "region__code",
        "indicator__code",
        "period__year",
        "period__quarter",
        "value",
        "source",
        "source_row",
    )[page.offset : page.offset + page.limit]
    keys = ("id", "region", "indicator", "year", "quarter", "value", "source", "source_row")
    return {"count": count, "items": [dict(zip(keys, r, strict=True)) for r in rows]}


def _group(request: HttpRequest, group_id: int) -> PeerGroup:
    user = caller(request)
    require_leader(user)
    group: PeerGroup = get_object_or_404(
        PeerGroup.objects.visible_to(user).select_related("home", "benchmark"), pk=group_id
    )
    return group


@router.get("/benchmark/groups", response={200: list[GroupOut], **ERRORS})
def benchmark_group_list(request: HttpRequest) -> Any:
    """Peer groups with their members' codes."""
    user = caller(request)
    require_leader(user)
    groups = (
        PeerGroup.objects.visible_to(user).select_related("home", "benchmark").prefetch_related("members")
    )
    return [
        {
            "id": g.pk,
            "name": g.name,
            "home": g.home.code,
            "benchmark": g.benchmark.code if g.benchmark else None,
            "members": sorted(m.code for m in g.members.all()),
        }
        for g in groups
    ]


@router.get("/benchmark/groups/{group_id}/ranking", response={200: RankingOut, **ERRORS})
def benchmark_ranking(
    request: HttpRequest, group_id: int, indicator: str, year: int, quarter: int = 4
) -> Any:
    """A group's ranking for one indicator and period: rank, movement since the same period a year
    before, gap to the leader and to the 标杆."""
    group = _group(request, group_id)
    ind = Indicator.objects.filter(code=indicator).first()
    if ind is None:
        raise LuoshiError(f"indicator {indicator!r} does not exist", code="unknown_indicator")
    if not 1 <= quarter <= 4 or not 1900 <= year <= 2100:
        raise LuoshiError("year is 1900 to 2100 and quarter 1 to 4", code="bad_period")
    result = selectors.ranking(group, ind, rules.PeriodKey(year, quarter))
    return {
        "group_id": group.pk,
        "indicator": ind.code,
        "unit": ind.unit,
        "year": year,
        "quarter": quarter,
        "previous": result.previous.label(),
        "leader": result.leader,
        "lines": [
            {
                "region": line.region.code,
                "name": line.label,
                "value": line.value,
                "rank": line.rank,
                "previous_rank": line.previous_rank,
                "movement": line.movement,
                "to_leader": _gap(line.to_leader),
                "to_benchmark": _gap(line.to_benchmark),
                "is_home": line.is_home,
                "is_benchmark": line.is_benchmark,
            }
            for line in result.lines
        ],
    }
