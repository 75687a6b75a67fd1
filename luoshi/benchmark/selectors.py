"""Benchmark reads: a peer group's ranking for one indicator and period (rank, movement since the same
period of the year before, gap to the leader and to the 标杆), and the district's rank over periods.
Set-based: a fixed number of queries whatever the group's size or the number of periods."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from . import rules
from .models import Indicator, PeerGroup, Period, Region, Value


@dataclass(frozen=True)
class RankLine:
    region: Region
    label: str
    value: Decimal | None
    rank: int | None
    previous_rank: int | None
    movement: int | None
    to_leader: rules.Gap | None
    to_benchmark: rules.Gap | None
    is_home: bool
    is_benchmark: bool
    source: str


@dataclass
class Ranking:
    group: PeerGroup
    indicator: Indicator
    period: rules.PeriodKey
    previous: rules.PeriodKey
    lines: list[RankLine] = field(default_factory=list)
    leader: Decimal | None = None

    @property
    def home(self) -> RankLine | None:
        return next((line for line in self.lines if line.is_home), None)

    @property
    def ranked(self) -> int:
        return sum(1 for line in self.lines if line.rank is not None)


def members(group: PeerGroup) -> list[Region]:
    """The group's regions (the district included), with their linked unit, by code."""
    return list(group.members.select_related("unit").order_by("code"))


def _values(
    member_ids: list[int], indicator: Indicator, periods: list[rules.PeriodKey]
) -> dict[rules.PeriodKey, dict[int, Value]]:
    if not periods:
        return {}
    wanted = Q()
    for p in periods:
        wanted |= Q(period__year=p.year, period__quarter=p.quarter)
    out: dict[rules.PeriodKey, dict[int, Value]] = defaultdict(dict)
    rows = Value.objects.filter(wanted, indicator=indicator, region_id__in=member_ids).select_related(
        "period"
    )
    for v in rows:
        out[v.period.key][v.region_id] = v
    return out


def ranking(group: PeerGroup, indicator: Indicator, period: rules.PeriodKey) -> Ranking:
    """The group's table for `indicator` in `period`: ranked members first, then those with no figure."""
    regions = members(group)
    previous = rules.previous_period(period)
    found = _values([r.pk for r in regions], indicator, [period, previous])
    now = {r.pk: (found[period][r.pk].value if r.pk in found.get(period, {}) else None) for r in regions}
    before = {pk: v.value for pk, v in found.get(previous, {}).items()}
    rows = rules.ranking(
        now, before, higher_is_better=indicator.higher_is_better, benchmark=group.benchmark_id
    )
    by_pk = {r.pk: r for r in regions}
    result = Ranking(
        group=group,
        indicator=indicator,
        period=period,
        previous=previous,
        leader=rules.leader(now, higher_is_better=indicator.higher_is_better),
    )
    for row in rows:
        pk = int(str(row.key))
        region = by_pk[pk]
        value = found.get(period, {}).get(pk)
        result.lines.append(
            RankLine(
                region=region,
                label=region.label,
                value=row.value,
                rank=row.rank,
                previous_rank=row.previous_rank,
                movement=row.movement,
                to_leader=row.to_leader,
                to_benchmark=row.to_benchmark,
                is_home=pk == group.home_id,
                is_benchmark=pk == group.benchmark_id,
                source=(f"{value.source} #{value.source_row}" if value.source_row else value.source)
                if value
                else "",
            )
        )
    return result


def periods(group: PeerGroup, indicator: Indicator) -> list[rules.PeriodKey]:
    """The periods in which any member of the group has a figure of `indicator`, oldest first."""
    rows = (
        Period.objects.filter(values__indicator=indicator, values__region__peer_groups=group)
        .distinct()
        .order_by("year", "quarter")
        .values_list("year", "quarter")
    )
    return [rules.PeriodKey(y, q) for y, q in rows]


def rank_series(
    group: PeerGroup, indicator: Indicator, quarter: int = 4
) -> list[tuple[rules.PeriodKey, int | None, int]]:
    """The district's rank in the group in every period ending with `quarter` where the group has
    figures: (period, rank or None, how many members were ranked), oldest first."""
    ids = list(group.members.values_list("pk", flat=True))
    by_period: dict[rules.PeriodKey, dict[int, Decimal | None]] = defaultdict(dict)
    rows = Value.objects.filter(indicator=indicator, region_id__in=ids, period__quarter=quarter).values_list(
        "period__year", "period__quarter", "region_id", "value"
    )
    for year, q, region_id, value in rows:
        by_period[rules.PeriodKey(year, q)][region_id] = value
    out = []
    for key in sorted(by_period):
        values = by_period[key]
        ranks = rules.rank(values, higher_is_better=indicator.higher_is_better)
        out.append((key, ranks.get(group.home_id), len(values)))
    return out


def chart(
    result: Ranking, series: list[tuple[rules.PeriodKey, int | None, int]], labels: dict[str, Any]
) -> dict[str, Any]:
    """The JSON the ranking page's charts read: the group's bar (the district highlighted, the 标杆
    marked) and the line of the district's rank over periods."""
    ranked = [line for line in result.lines if line.value is not None]
    return {
        "names": [line.label for line in ranked],
        "values": [float(line.value) for line in ranked if line.value is not None],
        "home": [line.is_home for line in ranked],
        "benchmark": [line.is_benchmark for line in ranked],
        "unit": result.indicator.unit,
        "periods": [p.label() for p, _rank, _n in series],
        "ranks": [rank for _p, rank, _n in series],
        "sizes": [n for _p, _rank, n in series],
        "labels": labels,
    }
