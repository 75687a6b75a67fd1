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
from typing import Any, NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from luoshi.lib.ids import id_array
from luoshi.lib.search import capped_count, rank, title_matches
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


def _stages_that_count(on: date) -> Q:
    """The stage rows that can change a standing on `on`: a stage missed is one planned before the
    day and not met by it (`rules.stage_missed`), so a row planned on or after `on`, without a planned
    date, or met on or before its planned date never is one; the final stage met says the project is
    finished. The others (most of a project's eight) are not read."""
    return Q(planned__lt=on) & (Q(met__isnull=True) | Q(met__gt=F("planned"))) | Q(
        stage=rules.FINAL_STAGE, met__isnull=False
    )


def stored_year_holds(on: date) -> bool:
    """Whether each project's stored `ProjectYear.completed` for `on`'s year is its investment completed
    up to the month of `on`: no month after today's can be reported (`investment_report` refuses it), so
    from the first day of today's month on the stored year figure holds every month there is; for an
    earlier day the months after it are summed out of the monthly rows instead."""
    from django.utils import timezone

    return on >= timezone.localdate().replace(day=1)


def standings(
    projects: Iterable[Any], on: date, *, stuck_threshold: int = rules.DEFAULT_STUCK_DAYS
) -> dict[int, Standing]:
    """Each project's standing on `on` (its year's plan, investment completed in that year up to the
    month of `on`, stage dates, open problems); `projects` are Project instances or rows with their
    `pk` and `stage_since`. Three queries for any number of projects (four for a
    day before this month, whose completed investment is summed from the monthly rows)."""
    rows = list(projects)
    ids = [p.pk for p in rows]
    if not ids:
        return {}
    year = on.year
    arr = id_array(ids)
    stages: dict[int, list[tuple[str, date | None, date | None]]] = defaultdict(list)
    for pid, stage, planned, met in (
        ProjectStage.objects.filter(project_id__in_ids=arr)
        .filter(_stages_that_count(on))
        .values_list("project_id", "stage", "planned", "met")
    ):
        stages[pid].append((stage, planned, met))
    plans: dict[int, Decimal] = {}
    done: dict[int, Decimal] = {}
    stored = stored_year_holds(on)
    for pid, plan, completed in ProjectYear.objects.filter(project_id__in_ids=arr, year=year).values_list(
        "project_id", "annual_plan", "completed"
    ):
        plans[pid] = plan
        if stored:
            done[pid] = completed
    if not stored:  # a day before this month: the months up to it, out of the monthly rows
        done = dict(
            ProjectInvestment.objects.filter(
                project_id__in_ids=arr, month__gte=date(year, 1, 1), month__lte=on
            )
            .values("project_id")
            .annotate(total=Sum("amount"))
            .values_list("project_id", "total")
        )
    problems = dict(
        ProjectProblem.objects.filter(OPEN_PROBLEM, project_id__in_ids=arr)
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    out: dict[int, Standing] = {}
    final = rules.FINAL_STAGE
    for p in rows:
        pid = p.pk
        own = stages.get(pid, [])
        pairs = [(planned, met) for _stage, planned, met in own]
        finished = any(s == final and met is not None and met <= on for s, _pl, met in own)
        plan = plans.get(pid) or ZERO
        completed = done.get(pid) or ZERO
        standing = rules.project_light(
            on=on, year=year, annual_plan=plan, completed=completed, stages=pairs, finished=finished
        )
        out[pid] = Standing(
            light=standing.light,
            expected=standing.expected,
            rate=standing.rate,
            annual_plan=plan,
            completed=completed,
            stuck_days=rules.stuck_days(p.stage_since, on),
            stuck=rules.is_stuck(p.stage_since, on, finished=finished, threshold=stuck_threshold),
            stage_missed=rules.stage_missed(pairs, on),
            open_problems=problems.get(pid, 0),
        )
    return out


# The project fields the agenda reads (its standing, its carrying task, its name); the rest deferred.
ATTENTION_FIELDS = ("pk", "name", "code", "stage", "stage_since", "task_id", "lead_unit_id")


@dataclass
class Attention:
    """A project a dispatch meeting should raise, with why (red / stuck / open problems); `project` is
    a row of the project's `ATTENTION_FIELDS` (a model instance costs more to build than its
    standing)."""

    project: Any
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
    project's `Standing`. Four queries whatever the number
    of projects (five for a day before this month).
    """
    projects = list(
        Project.objects.filter(pk__in=_ids(project_ids_or_scope)).values_list(*ATTENTION_FIELDS, named=True)
    )
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


# Lead units shown by name on the board (chart and table); the others are one summed row.
BOARD_UNITS = 20


@dataclass
class Board:
    """The board's figures; every list is small (stages, categories, the first `BOARD_UNITS` units
    and the rest summed, the moved and stuck)."""

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
    the year's planned and completed investment by category and by lead unit. Five queries."""
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
    cats: dict[str, dict[str, Any]] = {}
    units: dict[Any, dict[str, Any]] = {}
    labels = {c.value: str(c.label) for c in Category}
    no_category = _("未分类")
    for cat, uid, unit_name, plan, done in _investment_by_category_and_unit(scope, on):
        c = cats.get(cat)
        if c is None:
            label = labels.get(cat, cat) if cat else no_category
            c = cats[cat] = {"category": cat, "label": label, "plan": ZERO, "done": ZERO}
        c["plan"] += plan
        c["done"] += done
        u = units.get(uid)
        if u is None:
            u = units[uid] = {"unit": uid, "label": unit_name or "—", "plan": ZERO, "done": ZERO}
        u["plan"] += plan
        u["done"] += done
    out.by_category = sorted(cats.values(), key=lambda c: -c["plan"])
    ranked = sorted(units.values(), key=lambda u: -u["plan"])
    # The units with the most planned investment, the rest summed in one row: a province's 8,000 lead
    # units made the page 3 MB and its chart unreadable (their projects are in the list, by unit).
    out.by_unit = ranked[:BOARD_UNITS]
    rest = ranked[BOARD_UNITS:]
    if rest:
        out.by_unit.append(
            {
                "unit": None,
                "label": _("其他 %(n)s 个牵头单位") % {"n": len(rest)},
                "plan": sum((u["plan"] for u in rest), ZERO),
                "done": sum((u["done"] for u in rest), ZERO),
            }
        )
    return out


CENT = Decimal("0.01")


def _money(value: Any) -> Decimal:
    # SQLite sums decimals as floats; PostgreSQL as numerics: both to the cent, as the columns hold.
    if value is None:
        return ZERO
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(CENT)


def _investment_by_category_and_unit(
    scope: QuerySet[Project], on: date
) -> list[tuple[str, int | None, str | None, Decimal, Decimal]]:
    """(category, lead unit id, lead unit name, planned, completed) of `on`'s year over `scope`, in
    one query: the year's plans and completed investment as stored side by side (`ProjectYear`, one
    row per project: a year with a completed month has its row), summed per category and lead unit.
    For a day before this month the months from 1 January to `on` are summed per project first (the
    monthly rows). A group has at least one project with a year row or a completed month."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    from luoshi.org.models import Unit

    year_start = date(on.year, 1, 1)
    if stored_year_holds(on):
        # the year's figures stored side by side: one row per project and year
        params: list[Any] = [on.year]
        source = f"JOIN {ProjectYear._meta.db_table} y ON y.project_id = p.id AND y.year = %s"
        completed, having = "y.completed", ""
    else:
        params = [on.year, year_start, on]
        source = f"""LEFT JOIN {ProjectYear._meta.db_table} y ON y.project_id = p.id AND y.year = %s
        LEFT JOIN (
            SELECT project_id, SUM(amount) AS total FROM {ProjectInvestment._meta.db_table}
            WHERE month >= %s AND month <= %s GROUP BY project_id
        ) i ON i.project_id = p.id"""
        completed, having = "i.total", "HAVING COUNT(y.id) > 0 OR COUNT(i.project_id) > 0"
    where = ""
    if scope.query.where:  # a narrowed scope; the office's (every project) needs no filter
        try:
            sub_sql, sub_params = scope.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return []
        where = f"WHERE p.id IN ({sub_sql})"
        params += list(sub_params)
    sql = f"""
        SELECT p.category, p.lead_unit_id, u.name, SUM(y.annual_plan), SUM({completed})
        FROM {Project._meta.db_table} p
        LEFT JOIN {Unit._meta.db_table} u ON u.id = p.lead_unit_id
        {source}
        {where}
        GROUP BY p.category, p.lead_unit_id, u.name
        {having}
        ORDER BY 2, 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(cat, uid, name, _money(plan), _money(done)) for cat, uid, name, plan, done in rows]


class LoadedBoundary(NamedTuple):
    """The district boundary in use: its name, its GeoJSON, and that JSON escaped for a page's script
    element (as `json_script` writes it)."""

    name: str
    geojson: dict[str, Any]
    json: str


# A boundary row is never changed (a new file is a new row), so its parsed and serialised JSON are kept
# per process, keyed by what identifies the row's content (the id alone is reused by SQLite test
# databases after a rollback).
_BOUNDARIES: dict[tuple[Any, ...], tuple[dict[str, Any], str]] = {}
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def current_boundary() -> LoadedBoundary | None:
    """The latest district boundary, or None when none is loaded: one query (its GeoJSON is read and
    parsed once per process)."""
    from django.db.models.functions import Length

    row = (
        Boundary.objects.annotate(size=Length("geojson")).values_list("pk", "created", "size", "name").first()
    )
    if row is None:
        return None
    cached = _BOUNDARIES.get(row)
    if cached is None:
        text = Boundary.objects.filter(pk=row[0]).values_list("geojson", flat=True).get()
        parsed = json.loads(text)
        cached = (parsed, json.dumps(parsed, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES))
        if len(_BOUNDARIES) >= 8:
            _BOUNDARIES.clear()
        _BOUNDARIES[row] = cached
    return LoadedBoundary(row[3], cached[0], cached[1])


# The project fields the map reads (besides the standing's).
MAP_FIELDS = ("name", "lat", "lng", "stage")


def map_json(data: dict[str, Any], loaded: LoadedBoundary | None) -> str:
    """The map page's data (`data`, whose "boundary" is `loaded`'s GeoJSON) as the JSON of its script
    element, escaped as `json_script` does; the boundary's part is the one serialised beforehand."""
    from django.utils.safestring import mark_safe

    rest = json.dumps({k: v for k, v in data.items() if k != "boundary"}, cls=DjangoJSONEncoder)
    boundary = loaded.json if loaded is not None else "null"
    body = rest.translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe('{"boundary": ' + boundary + (", " + body[1:] if len(body) > 2 else "}"))


def map_points(projects: list[tuple[Any, Standing]]) -> list[dict[str, Any]]:
    """The located projects (instances or rows with `MAP_FIELDS`) as map points: name, position,
    stage, light and their page."""
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


def investment_from_task(user: Any, project: Project, month: date) -> tuple[Decimal | None, Any]:
    """One fact typed once: when the project's task measures its investment cumulatively in 万元, the
    month's amount as that task's reports give it, and the report it comes from; else (None, None)."""
    from calendar import monthrange

    from luoshi.work import selectors as work_selectors
    from luoshi.work.models import Task

    if project.task_id is None:
        return None, None
    task = Task.objects.filter(pk=project.task_id).only("baseline", "target", "metric_unit").first()
    if task is None or not task.has_measure or task.metric_unit.strip() != rules.INVESTMENT_UNIT:
        return None, None
    first = month.replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    within, before = work_selectors.month_values(user, task.pk, first, last)
    if within is None:
        return None, None
    amount = rules.month_investment(task.baseline if before is None else before, within.value)
    return (amount, within) if amount is not None else (None, None)


def project_search(user: Any, q: str, *, limit: int = 10) -> tuple[list[Project], int]:
    """The first `limit` visible key projects whose name (or code) holds every term of `q`, best
    match first (`lib.search.rank`), and how many match (capped)."""
    qs = Project.objects.visible_to(user).filter(title_matches(q, title="name", code="code"))
    rows = list(
        qs.annotate(search_rank=rank(q, code="code", title="name", unit="lead_unit__name"))
        .select_related("lead_unit")
        .order_by("search_rank", "code")[:limit]
    )
    return rows, capped_count(qs, len(rows), limit)
