"""Read-only views of assessment: schemes with their runs, a run's results and charts, a unit's
breakdown, the difference between two versions. Each a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q

from . import rules
from .models import Appeal, AppealState, Line, Result, Run, RunInput, Scheme


def scheme_rows(user: Any) -> list[Scheme]:
    """The schemes the user sees, with their number of runs and latest version (one query)."""
    return list(
        Scheme.objects.visible_to(user).annotate(
            n_runs=Count("runs", distinct=True),
            latest=Max("runs__number"),
            n_groups=Count("groups", distinct=True),
        )
    )


def results(run: Run) -> list[Result]:
    """A run's results by group and rank (one query)."""
    # region_id routes the query to the run's region (docs/scaling.md)
    return list(
        Result.objects.filter(run=run, region_id=run.region_id).order_by(
            "group", "rank", "unit_name", "unit_id"
        )
    )


@dataclass(frozen=True)
class Movement:
    unit_id: int
    unit: str
    group: str
    before: Decimal | None
    after: Decimal
    delta: Decimal | None
    grade_before: str
    grade_after: str
    rank_before: int | None
    rank_after: int


def diff(old: Run | None, new: Run) -> list[Movement]:
    """Per unit: score, grade and rank in `old` and `new` (two queries)."""
    before = {} if old is None else {r.unit_id: r for r in Result.objects.filter(run=old)}
    out = []
    for r in results(new):
        b = before.get(r.unit_id)
        out.append(
            Movement(
                unit_id=r.unit_id,
                unit=r.unit_name,
                group=r.group,
                before=None if b is None else b.score,
                after=r.score,
                delta=None if b is None else r.score - b.score,
                grade_before="" if b is None else b.grade,
                grade_after=r.grade,
                rank_before=None if b is None else b.rank,
                rank_after=r.rank,
            )
        )
    return out


def previous_run(run: Run) -> Run | None:
    """The version before this one: the one it corrects, else the latest earlier version."""
    if run.previous_id:
        return Run.objects.filter(pk=run.previous_id).first()
    return Run.objects.filter(scheme_id=run.scheme_id, number__lt=run.number).order_by("-number").first()


def charts(run: Run, rows: list[Result], moves: list[Movement]) -> dict[str, Any]:
    """Data for the results page's three ECharts: score distribution (ten bins of the total), each
    group's units by rank, movement against the previous version."""
    total = Decimal(run.spec["total"])
    step = total / 10
    bins = Counter(min(int(r.score // step), 9) if r.score > 0 else 0 for r in rows)
    by_group: dict[str, list[Result]] = defaultdict(list)
    for r in rows:
        by_group[r.group].append(r)
    return {
        "bins": [f"{rules.fmt(step * i)}–{rules.fmt(step * (i + 1))}" for i in range(10)],
        "counts": [bins.get(i, 0) for i in range(10)],
        "groups": [
            {"name": g, "units": [r.unit_name for r in rs], "scores": [float(r.score) for r in rs]}
            for g, rs in by_group.items()
        ],
        "movement": {
            "units": [m.unit for m in moves if m.delta is not None],
            "deltas": [float(m.delta) for m in moves if m.delta is not None],
        },
    }


@dataclass(frozen=True)
class Breakdown:
    result: Result
    lines: list[Line]
    total: Decimal
    inputs: list[RunInput]


def breakdown(run: Run, unit_id: int) -> Breakdown | None:
    """A unit's result, every line of its breakdown and the frozen inputs behind them (three
    queries)."""
    here = {"run": run, "region_id": run.region_id, "unit_id": unit_id}  # routed to the run's region
    result = Result.objects.filter(**here).first()
    if result is None:
        return None
    lines = list(Line.objects.filter(**here).order_by("position"))
    inputs = list(RunInput.objects.filter(**here).order_by("indicator", "pk"))
    return Breakdown(result, lines, sum((ln.points for ln in lines), Decimal(0)), inputs)


def appeals(user: Any, run: Run | None = None) -> list[Appeal]:
    qs = Appeal.objects.visible_to(user).select_related("run__scheme", "unit", "filed_by", "new_run")
    if run is not None:
        qs = qs.filter(run=run)
    return list(qs)


def pending_appeals(run: Run) -> int:
    return Appeal.objects.filter(Q(run=run) & Q(state=AppealState.PENDING)).count()
