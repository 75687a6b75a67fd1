"""The leader dashboard (领导看板): lights per unit, the overdue and red list, the share of green over
time and the leader's own portfolio (分管单位); every chart clicks through to the task list behind it.

Everything is read with a fixed number of set-based queries (GROUP BY on lead unit and light), within
what the user may see (`Task.objects.visible_to`), so the numbers agree with the list page they link to.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Subquery, Sum, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from luoshi.lib.charts import Cell, ChartTable, cell, chart_table
from luoshi.org.access import context_for, require_leader
from luoshi.org.models import Unit

from .models import Light, LightCount, Plan, Status, Task
from .selectors import compute_lights, counted_rows
from .selectors_plan import FIGURES_CACHE_SECONDS, figures_cache_key

# Stack order of the bar chart: worst first, so the eye meets the problems.
CHART_LIGHTS = [Light.OVERDUE, Light.RED, Light.YELLOW, Light.GREEN, Light.NOT_STARTED, Light.DONE]
COLORS = {
    Light.GREEN: "#1a7f37",
    Light.YELLOW: "#e3b008",
    Light.RED: "#d1242f",
    Light.OVERDUE: "#7d0f14",
    Light.DONE: "#57738f",
    Light.NOT_STARTED: "#b8c0c8",
}
ALERT_LIMIT = 30
TREND_FALLBACK_POINTS = 12
TREND_CACHE_SECONDS = 600
# The unit chart shows this many units (the worst first) until "show all" is pressed; the data table
# below it always lists every unit.
UNIT_CHART_TOP = 10


def task_list_url() -> str:
    """The task list page (its TaskFilter reads plan, unit and light from the query string)."""
    for name in ("work:task_list", "task_list"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/work/tasks/"


def task_detail_url(pk: int) -> str:
    for name in ("work:task_detail", "task_detail"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return f"/work/tasks/{pk}/"


def list_link(base: str, **params: Any) -> str:
    """`base?plan=1&unit=2&light=red&light=overdue` (a list value repeats its key, as TaskFilter expects)."""
    return f"{base}?{urlencode({k: v for k, v in params.items() if v not in (None, '')}, doseq=True)}"


# ---------------------------------------------------------------------------------------------
# Selectors


def lights_by_unit(user: Any, plan_id: int) -> dict[int, dict[str, int]]:
    """lead unit id -> light -> number of visible counted tasks (统计口径: work items) it leads,
    as the bulletin and the API roll-up count them."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, light, n in (
        Task.objects.visible_to(user)
        .filter(plan_id=plan_id)
        .counted()
        .order_by()
        .values("lead_unit", "light")
        .annotate(n=Count("id"))
        .values_list("lead_unit", "light", "n")
    ):
        counts[unit_id][light] += n
    return counts


def alert_tasks(user: Any, plan_id: int, limit: int = ALERT_LIMIT) -> tuple[list[dict[str, Any]], int]:
    """The overdue and red tasks (逾期/严重滞后), worst first, and how many there are in all."""
    qs = (
        Task.objects.visible_to(user)
        .filter(plan_id=plan_id, light__in=[Light.OVERDUE, Light.RED])
        .counted()
        .exclude(status__in=[Status.CLOSED, Status.CANCELLED])
    )
    total = qs.count()
    rows = list(
        qs.annotate(
            rank=Case(When(light=Light.OVERDUE, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("rank", "due", "actual_pct", "id")
        .values_list(
            "id",
            "title",
            "light",
            "due",
            "expected_pct",
            "actual_pct",
            "lead_unit__short_name",
            "lead_unit__name",
            "responsible_leader__name",
        )[:limit]
    )
    labels = {k: str(v) for k, v in Light.choices}
    today = timezone.localdate()
    out = []
    for tid, title, light, due, exp, act, short, name, leader in rows:
        out.append(
            {
                "id": tid,
                "title": title,
                "light": light,
                "light_label": labels.get(light, light),
                "due": due,
                "overdue_days": (today - due).days if light == Light.OVERDUE else None,
                "expected": exp,
                "actual": act,
                "lag": max(exp - act, 0),
                "unit": short or name,
                "leader": leader or "",
                "url": task_detail_url(tid),
            }
        )
    return out, total


def _share(counts: dict[str, int]) -> float | None:
    """Share of tasks on track: (green + done) over the tasks that have started."""
    started = sum(n for light, n in counts.items() if light != Light.NOT_STARTED)
    if not started:
        return None
    good = counts.get(Light.GREEN, 0) + counts.get(Light.DONE, 0)
    return round(100 * good / started, 1)


def green_trend(user: Any, plan: Plan, *, today: date | None = None) -> tuple[list[dict[str, Any]], str]:
    """Points (day, share of green) from the daily LightCount snapshots; without snapshots, a few
    weekly points computed from the reports (at most TREND_FALLBACK_POINTS). Returns (points, source)."""
    ctx = context_for(user)
    snaps = LightCount.objects.visible_to(user).filter(plan_id=plan.pk)
    by_day: dict[date, dict[str, int]] = defaultdict(dict)
    for day, light, n in (
        snaps.order_by().values("day", "light").annotate(n=Sum("count")).values_list("day", "light", "n")
    ):
        by_day[day][light] = n
    if by_day:
        points = [{"day": d.isoformat(), "share": _share(c)} for d, c in sorted(by_day.items())]
        return [p for p in points if p["share"] is not None], "snapshots"
    # Fallback: recompute lights on a few weekly dates, counted per lead unit like the snapshots and
    # cached for a while, so the dashboard stays quick until the daily tick has written snapshots.
    end = min(today or timezone.localdate(), plan.due)
    if end < plan.start:
        return [], "computed"
    days = sorted(
        d for d in (end - timedelta(weeks=i) for i in range(TREND_FALLBACK_POINTS)) if d >= plan.start
    )
    points = []
    for d in days:
        per_unit = _unit_lights_on(plan, d)
        counts: dict[str, int] = defaultdict(int)
        for unit_id, lights in per_unit.items():
            if ctx.sees_everything or unit_id in ctx.scope_unit_ids:
                for light, n in lights.items():
                    counts[light] += n
        share = _share(counts)
        if share is not None:
            points.append({"day": d.isoformat(), "share": share})
    return points, "computed"


def _unit_lights_on(plan: Plan, day: date) -> dict[int, dict[str, int]]:
    """lead unit -> light -> tasks of the plan on `day` (computed, cached for TREND_CACHE_SECONDS)."""
    key = f"luoshi:dash:unit-lights:{plan.pk}:{plan.created.timestamp()}:{day.isoformat()}"
    cached: dict[int, dict[str, int]] | None = cache.get(key)
    if cached is not None:
        return cached
    out: dict[int, dict[str, int]] = {}
    for row in counted_rows(compute_lights(plan_id=plan.pk, on=day)):
        lights = out.setdefault(row.lead_unit_id, {})
        lights[row.light] = lights.get(row.light, 0) + 1
    cache.set(key, out, TREND_CACHE_SECONDS)
    return out


def dashboard_data(user: Any, plan: Plan) -> dict[str, Any]:
    """All the dashboard's numbers for `user` and `plan`, in a fixed number of queries."""
    ctx = context_for(user)
    base = task_list_url()
    counts = lights_by_unit(user, plan.pk)
    units = {
        uid: (short or name, sort, code)
        for uid, short, name, sort, code in Unit.objects.filter(pk__in=list(counts)).values_list(
            "id", "short_name", "name", "sort", "code"
        )
    }
    order = sorted(
        counts,
        key=lambda u: (
            -(counts[u].get(Light.OVERDUE, 0) + counts[u].get(Light.RED, 0)),
            -counts[u].get(Light.YELLOW, 0),
            -sum(counts[u].values()),
            units.get(u, ("", 0, ""))[1:],
        ),
    )
    labels = {k: str(v) for k, v in Light.choices}
    # Each bar's target is computed here, once: the chart's click and the data table's link are the same URL.
    unit_chart = {
        "units": [
            {
                "id": u,
                "name": units.get(u, ("?",))[0],
                "url": list_link(base, plan=plan.pk, unit=u, lead=1, leaf=1),
                "urls": [
                    list_link(base, plan=plan.pk, unit=u, lead=1, leaf=1, light=light)
                    for light in CHART_LIGHTS
                ],
            }
            for u in order
        ],
        "series": [
            {
                "light": light,
                "name": labels[light],
                "color": COLORS[light],
                "data": [counts[u].get(light, 0) for u in order],
            }
            for light in CHART_LIGHTS
        ],
        "top": UNIT_CHART_TOP,
    }
    totals: dict[str, int] = defaultdict(int)  # the same scan as the units': no second one
    for lights in counts.values():
        for light, n in lights.items():
            totals[light] += n
    alerts, alert_total = alert_tasks(user, plan.pk)
    trend, trend_source = green_trend(user, plan)
    portfolio = []
    for u in order:
        if u in ctx.portfolio_unit_ids:
            c = counts[u]
            portfolio.append(
                {
                    "id": u,
                    "name": units.get(u, ("?",))[0],
                    "total": sum(c.values()),
                    "cells": [
                        {
                            "light": light,
                            "label": labels[light],
                            "n": c.get(light, 0),
                            "url": list_link(base, plan=plan.pk, unit=u, lead=1, leaf=1, light=light),
                        }
                        for light in CHART_LIGHTS
                    ],
                    "url": list_link(base, plan=plan.pk, unit=u, lead=1, leaf=1),
                    "share": _share(c),
                }
            )
    kpis = [
        {
            "light": light,
            "label": labels[light],
            "n": totals.get(light, 0),
            "url": list_link(base, plan=plan.pk, leaf=1, light=light),
        }
        for light in CHART_LIGHTS
    ]
    chart: dict[str, Any] = {
        "plan": plan.pk,
        "list_url": base,
        "units": unit_chart,
        "trend": {
            "points": trend,
            "source": trend_source,
            "name": _("正常（含完成）占比"),
            "url": list_link(base, plan=plan.pk, leaf=1, light=[Light.GREEN, Light.DONE]),
        },
        "labels": {"tasks": _("任务数"), "share": _("占比(%)")},
    }
    return {
        "chart": chart,
        "units_table": _units_table(unit_chart, labels),
        "trend_table": _trend_table(chart["trend"]),
        "unit_top": UNIT_CHART_TOP,
        "kpis": kpis,
        "total": sum(totals.values()),
        "alerts": alerts,
        "alert_total": alert_total,
        "alert_url": list_link(base, plan=plan.pk, leaf=1, light=[Light.OVERDUE, Light.RED], open=1),
        "total_url": list_link(base, plan=plan.pk, leaf=1),
        "portfolio": portfolio,
        "has_portfolio": bool(ctx.portfolio_unit_ids),
        "trend_source": trend_source,
    }


def _units_table(unit_chart: dict[str, Any], labels: dict[str, str]) -> ChartTable:
    """The unit chart as a table: a row per unit, a column per light, each count linking where its bar does."""
    series = unit_chart["series"]
    rows = []
    worst: tuple[int, str] = (0, "")
    for i, u in enumerate(unit_chart["units"]):
        values = [s["data"][i] for s in series]
        bad = sum(v for s, v in zip(series, values, strict=True) if s["light"] in (Light.OVERDUE, Light.RED))
        if bad > worst[0]:
            worst = (bad, u["name"])
        rows.append(
            [Cell(u["name"], u["url"]), cell(sum(values), u["url"])]
            + [cell(v, url if v else "") for v, url in zip(values, u["urls"], strict=True)]
        )
    total = sum(sum(s["data"]) for s in series)
    summary = _("各单位亮灯情况：%(units)s 个单位，%(tasks)s 项末级任务。") % {
        "units": len(rows),
        "tasks": total,
    }
    if worst[0]:
        summary += _("逾期和严重滞后最多的是%(unit)s（%(n)s 项）。") % {"unit": worst[1], "n": worst[0]}
    return chart_table(
        id="table-units",
        caption=_("各单位亮灯情况"),
        columns=[_("单位"), _("合计")] + [s["name"] for s in series],
        rows=rows,
        summary=summary,
    )


def _trend_table(trend: dict[str, Any]) -> ChartTable:
    """The trend line as a table of days and shares; each share links where a click on the line goes."""
    points = trend["points"]
    if points:
        summary = _("正常（含完成）占比走势：%(first_day)s 为 %(first)s%%，%(last_day)s 为 %(last)s%%。") % {
            "first_day": points[0]["day"],
            "first": points[0]["share"],
            "last_day": points[-1]["day"],
            "last": points[-1]["share"],
        }
    else:
        summary = _("正常（含完成）占比走势：暂无数据。")
    return chart_table(
        id="table-trend",
        caption=_("正常（含完成）占比走势"),
        columns=[_("日期"), _("占比(%)")],
        rows=[[p["day"], Cell(p["share"], trend["url"], num=True)] for p in points],
        summary=summary,
    )


# ---------------------------------------------------------------------------------------------
# Views


# The session key of the plan a reader last chose on the dashboard.
DASHBOARD_PLAN = "work.dashboard.plan"


def _default_plan(request: HttpRequest, active: list[int]) -> Plan:
    """The plan the dashboard opens on without ?plan=: the one this reader chose last, else the
    latest year's largest plan (its annual targets, rather than whichever list sorts first)."""
    remembered = request.session.get(DASHBOARD_PLAN)
    if remembered in active:
        return Plan.objects.get(pk=remembered)
    latest = Plan.objects.filter(pk__in=active).order_by("-year").values("year")[:1]
    plan = (
        Plan.objects.filter(pk__in=active, year=Subquery(latest))
        .annotate(n=Count("tasks"))
        .order_by("-n", "name")
        .first()
    )
    assert plan is not None  # `active` names at least one plan
    request.session[DASHBOARD_PLAN] = plan.pk
    return plan


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """领导看板 for leaders and the supervision office; ?plan= selects the plan."""
    require_leader(request.user, _("领导看板仅对区领导和督查室开放。"))
    plans = list(Plan.objects.filter(is_active=True).order_by("-year", "name").values_list("id", "name"))
    raw = request.GET.get("plan") or ""
    plan: Plan | None = None
    if raw:
        if not raw.isdigit():
            raise Http404
        plan = Plan.objects.filter(pk=int(raw)).first()
        if plan is None:
            raise Http404
        if request.session.get(DASHBOARD_PLAN) != plan.pk:  # a session saved only when it changes
            request.session[DASHBOARD_PLAN] = plan.pk
    elif plans:
        plan = _default_plan(request, [pk for pk, _name in plans])
    context: dict[str, Any] = {"plans": plans, "plan": plan}
    if plan is not None:
        context["body"] = dashboard_body(request, plan)
    return render(request, "work/dashboard.html", context)


def dashboard_body(request: HttpRequest, plan: Plan) -> str:
    """The dashboard's figures as rendered HTML, cached per plan, viewer, day and language until
    the plan's stored figures change (`selectors_plan.figures_cache_key`)."""
    key = figures_cache_key("dashboard", request.user, plan, timezone.localdate(), get_language())
    body: str | None = cache.get(key)
    if body is None:
        body = render_to_string("work/_dashboard_body.html", dashboard_data(request.user, plan), request)
        cache.set(key, body, FIGURES_CACHE_SECONDS)
    return mark_safe(body)  # rendered by the template engine above, escaped there
