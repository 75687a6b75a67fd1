"""Plan reads beyond a single filter, for the API: visible plans, a plan's lights and its rollups.

Rollups are aggregate queries over the stored Task.light / actual_pct / expected_pct (one
GROUP BY per breakdown), never a loop over task rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Sum,
    Value,
)

from luoshi.org.access import context_for
from luoshi.org.models import Unit
from luoshi.work.models import Light, Plan, Task
from luoshi.work.selectors import SKIPPED_STATUSES, LightRow, compute_lights

LIGHTS = list(Light.values)
TWO_PLACES = Decimal("0.01")


def plan_lights(user: Any, plan: Plan, on: date) -> tuple[list[LightRow], dict[str, int]]:
    """Lights of the plan's tasks as of `on`, computed by the batch engine, limited to what `user` sees."""
    rows = compute_lights(plan_id=plan.pk, on=on)
    if not context_for(user).sees_everything:
        visible = set(
            Task.objects.visible_to(user)
            .filter(region_id=plan.region_id, plan=plan)
            .values_list("pk", flat=True)
        )
        rows = [r for r in rows if r.id in visible]
    counts = dict.fromkeys(LIGHTS, 0)
    for r in rows:
        counts[r.light] = counts.get(r.light, 0) + 1
    return rows, counts


def _light_counts() -> dict[str, Any]:
    return {f"n_{light}": Count("id", filter=Q(light=light)) for light in LIGHTS}


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {light: row[f"n_{light}"] for light in LIGHTS}


def _mean(weighted: Decimal | None, weight: Decimal | None) -> float | None:
    if weighted is None or not weight:
        return None
    return float((Decimal(weighted) / Decimal(weight)).quantize(TWO_PLACES))


# Cached roll-ups and dashboard fragments live this long at most: a write that changes no stored
# figure and no status (a task's weight or lead unit edited) shows within this time.
FIGURES_CACHE_SECONDS = 600


def figures_cache_key(kind: str, user: Any, plan: Plan, *parts: Any) -> str:
    """A cache key for figures of `plan` as `user` sees them: retired when the plan's stored figures
    change (`Plan.figures_version`, bumped by the `task_light_changed` receiver)."""
    scope = "all" if context_for(user).sees_everything else f"u{getattr(user, 'pk', None)}"
    tail = ":".join(str(p) for p in parts)
    # The plan's creation time too: a deleted plan's id may come back (SQLite).
    return f"luoshi:figures:{kind}:{plan.pk}:{plan.created.timestamp()}:{plan.figures_version}:{scope}:{tail}"


def plan_rollup(user: Any, plan: Plan, *, depth: int | None = None) -> dict[str, Any]:
    """Per lead unit: counts per light and weighted mean actual/expected of the counted tasks (统计口径:
    work items, as the dashboard and the bulletin count); per tree depth: counts per light of every
    task. Draft and cancelled tasks are left out, as in the rollup of a parent's progress. With
    `depth`, everything is of the tasks at that depth.

    One grouped query over the stored figures (lead unit × depth × light × counted or not) gives all
    three breakdowns, plus one for the units' names; cached per plan and viewer until the plan's
    figures change (`figures_cache_key`)."""
    key = figures_cache_key("rollup", user, plan, depth)
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        return cached
    qs: Any = (
        Task.objects.visible_to(user)
        .filter(region_id=plan.region_id, plan=plan)
        .exclude(status__in=SKIPPED_STATUSES)
    )
    if depth is not None:
        qs = qs.filter(depth=depth).annotate(is_counted=Value(True))
    else:
        live_children = Task.objects.filter(parent_id=OuterRef("pk")).exclude(status__in=SKIPPED_STATUSES)
        qs = qs.annotate(is_counted=~Exists(live_children))
    product: DecimalField[Decimal, Decimal] = DecimalField(max_digits=30, decimal_places=6)
    groups = list(
        qs.order_by()
        .values("lead_unit_id", "depth", "light", "is_counted")
        .annotate(
            n=Count("id"),
            w=Sum("weight"),
            wa=Sum(ExpressionWrapper(F("weight") * F("actual_pct"), output_field=product)),
            we=Sum(ExpressionWrapper(F("weight") * F("expected_pct"), output_field=product)),
        )
    )
    totals = dict.fromkeys(LIGHTS, 0)
    by_depth: dict[int, dict[str, int]] = {}
    by_unit: dict[int, dict[str, Any]] = {}
    for g in groups:
        by_depth.setdefault(g["depth"], dict.fromkeys(LIGHTS, 0))[g["light"]] += g["n"]
        if not g["is_counted"]:
            continue
        totals[g["light"]] += g["n"]
        u = by_unit.setdefault(
            g["lead_unit_id"], {"counts": dict.fromkeys(LIGHTS, 0), "w": Decimal(0), "wa": None, "we": None}
        )
        u["counts"][g["light"]] += g["n"]
        u["w"] += g["w"] or 0
        for f in ("wa", "we"):
            if g[f] is not None:
                u[f] = (u[f] or Decimal(0)) + g[f]
    names = {
        pk: (name, path)
        for pk, name, path in Unit.objects.filter(pk__in=list(by_unit)).values_list("id", "name", "path")
    }
    out = {
        "plan_id": plan.pk,
        "counted": "leaf" if depth is None else "depth",
        "total": sum(totals.values()),
        "counts": totals,
        "units": [
            {
                "unit_id": uid,
                "unit_name": names.get(uid, ("", ""))[0],
                "total": sum(u["counts"].values()),
                "counts": u["counts"],
                "weight": float(u["w"]),
                "actual": _mean(u["wa"], u["w"]),
                "expected": _mean(u["we"], u["w"]),
            }
            for uid, u in sorted(by_unit.items(), key=lambda kv: names.get(kv[0], ("", ""))[1])
        ],
        "depths": [{"depth": d, "total": sum(c.values()), "counts": c} for d, c in sorted(by_depth.items())],
    }
    cache.set(key, out, FIGURES_CACHE_SECONDS)
    return out


def period_rollup(user: Any, plan: Plan, period_end: date) -> dict[str, Any]:
    """One reporting period of a plan, per lead unit (本期填报情况): how many of the unit's open tasks
    have a submitted report for the period, how many were late — not filed by the deadline (迟报（填报）)
    and filed in time but approved after it (迟审（审核）), and `late` as the plan counts it
    (`Plan.late_approval_counts`) — and the mean reported percent.

    One grouped query: the plan's visible open tasks joined to that period's submitted reports and
    late records (a task has at most one late record per period, so nothing is counted twice)."""
    from luoshi.work.models import LateCause, ReportState, Status

    rows = (
        Task.objects.visible_to(user)
        .filter(
            region_id=plan.region_id,
            plan=plan,
            status__in=[Status.IN_PROGRESS, Status.CLAIMED],
            start__lte=period_end,
        )
        .annotate(
            period_reports=FilteredRelation(
                "reports",
                condition=Q(reports__period_end=period_end, reports__state=ReportState.SUBMITTED),
            ),
            period_late=FilteredRelation("late_reports", condition=Q(late_reports__period_end=period_end)),
        )
        .order_by()
        .values("lead_unit_id", "lead_unit__name", "lead_unit__path")
        .annotate(
            n=Count("id", distinct=True),
            reported=Count("period_reports__task_id", distinct=True),
            filed_late=Count(
                "period_late__task_id", filter=Q(period_late__cause=LateCause.FILING), distinct=True
            ),
            approved_late=Count(
                "period_late__task_id", filter=Q(period_late__cause=LateCause.APPROVAL), distinct=True
            ),
            mean=Avg("period_reports__percent"),
        )
        .order_by("lead_unit__path")
    )
    units = [
        {
            "unit_id": r["lead_unit_id"],
            "unit_name": r["lead_unit__name"],
            "tasks": r["n"],
            "reported": r["reported"],
            "late": r["filed_late"] + (r["approved_late"] if plan.late_approval_counts else 0),
            "filed_late": r["filed_late"],
            "approved_late": r["approved_late"],
            "mean_percent": round(float(r["mean"]), 2) if r["mean"] is not None else None,
        }
        for r in rows
    ]
    return {
        "plan_id": plan.pk,
        "period_end": period_end,
        "tasks": sum(u["tasks"] for u in units),
        "reported": sum(u["reported"] for u in units),
        "late": sum(u["late"] for u in units),
        "filed_late": sum(u["filed_late"] for u in units),
        "approved_late": sum(u["approved_late"] for u in units),
        "units": units,
    }


def plan_timeliness(user: Any, plan: Plan, *, start: date, end: date) -> dict[str, Any]:
    """Per lead unit the user may see, the reporting timeliness (`selectors.timeliness`) of the plan's
    reports due from `start` to `end`: owed, filed late (迟报（填报）), approved late (迟审（审核）) and
    counted late as the plan counts it."""
    from luoshi.org.models import Unit
    from luoshi.work.selectors import timeliness

    ctx = context_for(user)
    figures = timeliness(plan.pk, None if ctx.sees_everything else ctx.scope_unit_ids, start=start, end=end)
    units = Unit.objects.filter(pk__in=list(figures)).order_by("path").values_list("id", "name")
    return {
        "plan_id": plan.pk,
        "start": start,
        "end": end,
        "late_approval_counts": plan.late_approval_counts,
        "units": [
            {
                "unit_id": uid,
                "unit_name": name,
                "periods": figures[uid].periods,
                "filed_late": figures[uid].filed_late,
                "approved_late": figures[uid].approved_late,
                "counted_late": figures[uid].counted_late,
            }
            for uid, name in units
        ],
    }
