"""Reads of key projects, set-based: a fixed number of queries whatever the number of projects.

`standings` gives each project's light, investment completion and days in its stage; `board` the
七个一批 figures; `projects_needing_attention` what a dispatch meeting's agenda should raise.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from luoshi.work.models import Status

from . import rules
from .models import (
    Boundary,
    Category,
    Project,
    ProjectInvestment,
    ProjectProblem,
    ProjectStage,
    ProjectYear,
    Stage,
    StageChange,
)

ZERO = Decimal(0)
# A problem is open until the task it became is closed or cancelled.
OPEN_PROBLEM = Q(task__isnull=True) | ~Q(task__status__in=[Status.CLOSED, Status.CANCELLED])


@dataclass
class Standing:
    """One project's figures on one day."""

    light: str
    expected: Decimal
    rate: Decimal | None
    annual_plan: Decimal
    completed: Decimal
    stuck_days: int
    stuck: bool
    stage_missed: bool
    open_problems: int


def _ids(scope: Iterable[int] | QuerySet[Project]) -> Any:
    if isinstance(scope, QuerySet):
        return scope.values("pk")
    return list(scope)


def standings(
    projects: Iterable[Project], on: date, *, stuck_threshold: int = rules.DEFAULT_STUCK_DAYS
) -> dict[int, Standing]:
    """Each project's standing on `on` (its year's plan, investment completed in that year up to the
    month of `on`, stage dates, open problems): four queries for any number of projects."""
    rows = list(projects)
    ids = [p.pk for p in rows]
    if not ids:
        return {}
    year = on.year
    stages: dict[int, list[tuple[str, date | None, date | None]]] = defaultdict(list)
    for pid, stage, planned, met in ProjectStage.objects.filter(project_id__in=ids).values_list(
        "project_id", "stage", "planned", "met"
    ):
        stages[pid].append((stage, planned, met))
    plans = dict(
        ProjectYear.objects.filter(project_id__in=ids, year=year).values_list("project_id", "annual_plan")
    )
    done = dict(
        ProjectInvestment.objects.filter(project_id__in=ids, month__year=year, month__lte=on)
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    problems = dict(
        ProjectProblem.objects.filter(OPEN_PROBLEM, project_id__in=ids)
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    out: dict[int, Standing] = {}
    for p in rows:
        pairs = [(planned, met) for _stage, planned, met in stages.get(p.pk, [])]
        finished = any(
            s == rules.FINAL_STAGE and met is not None and met <= on for s, _pl, met in stages.get(p.pk, [])
        )
        plan = plans.get(p.pk) or ZERO
        completed = done.get(p.pk) or ZERO
        standing = rules.project_light(
            on=on, year=year, annual_plan=plan, completed=completed, stages=pairs, finished=finished
        )
        out[p.pk] = Standing(
            light=standing.light,
            expected=standing.expected,
            rate=standing.rate,
            annual_plan=plan,
            completed=completed,
            stuck_days=rules.stuck_days(p.stage_since, on),
            stuck=rules.is_stuck(p.stage_since, on, finished=finished, threshold=stuck_threshold),
            stage_missed=rules.stage_missed(pairs, on),
            open_problems=problems.get(p.pk, 0),
        )
    return out


@dataclass
class Attention:
    """A project a dispatch meeting should raise, with why (red / stuck / open problems)."""

    project: Project
    reasons: list[str]
    standing: Standing


def projects_needing_attention(
    project_ids_or_scope: Iterable[int] | QuerySet[Project],
    on: date,
    *,
    stuck_threshold: int = rules.DEFAULT_STUCK_DAYS,
) -> list[Attention]:
    """The projects in scope that need a meeting's attention on `on`, in code order.

    `project_ids_or_scope` is a list of project ids or a Project queryset (e.g. `visible_to(user)`
    narrowed to a meeting's units). A project is listed when it is red — its investment lags the
    time-proportional plan beyond the red threshold ("investment") or a stage's planned date passed
    unmet ("stage_missed"), `rules.project_light` —, stuck in its stage more than `stuck_threshold`
    days (default 90, "stuck"), or has open problems (问题清单 items whose task is not closed,
    "problems"). Each `Attention` carries its reasons in `rules.ATTENTION_REASONS` order and the
    project's `Standing`. Five queries whatever the number of projects.
    """
    projects = list(Project.objects.filter(pk__in=_ids(project_ids_or_scope)).select_related("lead_unit"))
    figures = standings(projects, on, stuck_threshold=stuck_threshold)
    out: list[Attention] = []
    for p in projects:
        s = figures[p.pk]
        reasons = rules.attention_reasons(
            light=s.light,
            expected=s.expected,
            rate=s.rate,
            stage_missed=s.stage_missed,
            stuck=s.stuck,
            open_problems=s.open_problems,
        )
        if reasons:
            out.append(Attention(project=p, reasons=list(reasons), standing=s))
    return out


# ---------------------------------------------------------------------------------------------
# The 七个一批 board


@dataclass
class Board:
    """The board's figures; every list is small (stages, categories, units, the moved and stuck)."""

    stages: list[dict[str, Any]] = field(default_factory=list)
    moved_week: list[dict[str, Any]] = field(default_factory=list)
    moved_month: list[dict[str, Any]] = field(default_factory=list)
    stuck: list[dict[str, Any]] = field(default_factory=list)
    by_category: list[dict[str, Any]] = field(default_factory=list)
    by_unit: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0


def _moves(scope: Any, since: date, on: date) -> list[dict[str, Any]]:
    rows = (
        StageChange.objects.filter(project_id__in=scope, met__gte=since, met__lte=on)
        .order_by("-met", "project__code")
        .values("project_id", "project__name", "project__code", "stage", "met")
    )
    return [
        {"id": r["project_id"], "name": r["project__name"], "stage": Stage(r["stage"]).label, "met": r["met"]}
        for r in rows
    ]


def board(scope: QuerySet[Project], on: date, *, stuck_threshold: int = rules.DEFAULT_STUCK_DAYS) -> Board:
    """The 七个一批 board over `scope` (e.g. `Project.objects.visible_to(user)`): projects per stage,
    stage moves this week (since Monday) and this month, projects stuck in their stage longest, and
    the year's planned and completed investment by category and by lead unit. Six queries."""
    ids = scope.values("pk")
    out = Board()
    counts = dict(scope.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    out.total = sum(counts.values())
    out.stages = (
        [{"stage": "", "label": _("未进入阶段"), "count": counts.get("", 0)}] if counts.get("", 0) else []
    )
    out.stages += [{"stage": s.value, "label": str(s.label), "count": counts.get(s.value, 0)} for s in Stage]
    out.moved_week = _moves(ids, on - timedelta(days=on.weekday()), on)
    out.moved_month = _moves(ids, on.replace(day=1), on)
    since_limit = on - timedelta(days=stuck_threshold)
    stuck = (
        scope.exclude(stage=rules.FINAL_STAGE)
        .filter(stage_since__lt=since_limit)
        .order_by("stage_since", "code")
        .values("pk", "name", "stage", "stage_since")[:20]
    )
    out.stuck = [
        {
            "id": r["pk"],
            "name": r["name"],
            "stage": r["stage"],
            "stage_label": Stage(r["stage"]).label if r["stage"] else "",
            "days": rules.stuck_days(r["stage_since"], on),
        }
        for r in stuck
    ]
    plans = (
        ProjectYear.objects.filter(project_id__in=ids, year=on.year)
        .values("project__category", "project__lead_unit_id", "project__lead_unit__name")
        .annotate(plan=Sum("annual_plan"))
    )
    done = (
        ProjectInvestment.objects.filter(project_id__in=ids, month__year=on.year, month__lte=on)
        .values("project__category", "project__lead_unit_id", "project__lead_unit__name")
        .annotate(done=Sum("amount"))
    )
    cats: dict[str, dict[str, Any]] = {}
    units: dict[Any, dict[str, Any]] = {}
    for rows, key in ((plans, "plan"), (done, "done")):
        for r in rows:
            cat = r["project__category"]
            label = str(Category(cat).label) if cat else _("未分类")
            c = cats.setdefault(cat, {"category": cat, "label": label, "plan": ZERO, "done": ZERO})
            c[key] += r[key] or ZERO
            uid = r["project__lead_unit_id"]
            u = units.setdefault(
                uid, {"unit": uid, "label": r["project__lead_unit__name"] or "—", "plan": ZERO, "done": ZERO}
            )
            u[key] += r[key] or ZERO
    out.by_category = sorted(cats.values(), key=lambda c: -c["plan"])
    out.by_unit = sorted(units.values(), key=lambda u: -u["plan"])
    return out


def current_boundary() -> tuple[str, dict[str, Any]] | None:
    """The latest district boundary: its name and GeoJSON, or None when none is loaded."""
    row = Boundary.objects.values_list("name", "geojson").first()
    return None if row is None else (row[0], json.loads(row[1]))


def map_points(projects: list[tuple[Project, Standing]]) -> list[dict[str, Any]]:
    """The located projects as map points: name, position, stage, light and their page."""
    from django.urls import reverse

    # one reverse for all the points (a reverse per point was a fifth of the map's time at 3,000)
    marker = 987654321
    prefix, suffix = reverse("projects:detail", args=[marker]).split(str(marker))
    return [
        {
            "id": p.pk,
            "name": p.name,
            "value": [float(p.lng), float(p.lat)],
            "stage": p.stage,
            "light": s.light,
            "url": f"{prefix}{p.pk}{suffix}",
        }
        for p, s in projects
        if p.lat is not None and p.lng is not None
    ]
