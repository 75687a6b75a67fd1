"""Where agenda items come from (议题来源): a registry that other apps register into.

The meetings app registers the task source itself (`tasks`: red, overdue, late-reported tasks in
the series' scope). Another app (key projects: stuck in a stage, open problems) adds its own source
from its `AppConfig.ready` with `register("projects", candidates)`; a source returns `Candidate`s for
a series and a meeting day, set-based and read only. Each candidate names a task: a project's
problem or stage is put on the agenda through the task that carries it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luoshi.lib.ids import id_array

from . import rules

if TYPE_CHECKING:
    from .models import MeetingSeries


class Candidate(NamedTuple):
    """A task proposed for the agenda, with its reasons and figures as they stand (a named tuple: a
    city-wide agenda builds tens of thousands, and a frozen dataclass costs twice as much to make)."""

    task_id: int
    reasons: tuple[str, ...]
    title: str
    lead_unit_id: int
    light: str
    actual_pct: Decimal
    expected_pct: Decimal
    due: date


Source = Callable[["MeetingSeries", date], list[Candidate]]

_SOURCES: dict[str, Source] = {}


# What each reason code reads as on the agenda page, the API and the CSV (Chinese, English by
# translation); a source adds the labels of its own reasons with `register`.
_LABELS: dict[str, str | Promise] = {
    rules.OVERDUE: _("逾期"),
    rules.RED: _("严重滞后"),
    rules.LATE_REPORT: _("迟报"),
    rules.ESCALATED: _("已督办"),
}


def register(name: str, source: Source, *, labels: Mapping[str, str | Promise] | None = None) -> None:
    """Register (or replace) an agenda source by name, with the labels of the reasons it gives."""
    _SOURCES[name] = source
    _LABELS.update(labels or {})


def reason_label(code: str) -> str:
    """A reason's label in the active language (an unknown code reads as itself)."""
    return str(_LABELS.get(code, code))


def sources() -> dict[str, Source]:
    return dict(sorted(_SOURCES.items()))


def scope_unit_ids(series: MeetingSeries) -> list[int]:
    """The series' units with their subtrees (empty: no unit limit)."""
    from luoshi.org.models import Unit

    ids = list(series.units.values_list("pk", flat=True))
    return list(Unit.objects.subtree(ids).values_list("pk", flat=True)) if ids else []


def task_candidates(series: MeetingSeries, on: date) -> list[Candidate]:
    """Tasks under way in the series' scope (its plans, lead units in its units' subtrees) that the
    agenda rule takes on `on`: one query for the scope, one for the tasks; never writes a task.

    For a meeting day before today (an agenda drawn late, the demo's past meetings) the tasks are
    judged as they were known that day (`task_candidates_as_of`), not by today's stored lights."""
    from django.utils import timezone

    from luoshi.work.models import Light, Status, Task

    if on < timezone.localdate():
        return task_candidates_as_of(series, on)

    tasks = (
        Task.objects.counted()
        .filter(status=Status.IN_PROGRESS, plan__is_active=True)
        .filter(Q(light__in=[Light.RED, Light.OVERDUE]) | Q(report_late=True) | Q(due__lt=on))
    )
    plan_ids = list(series.plans.values_list("pk", flat=True))
    if plan_ids:
        tasks = tasks.filter(plan_id__in=plan_ids)
    unit_ids = scope_unit_ids(series)
    if unit_ids:
        tasks = tasks.filter(lead_unit_id__in_ids=id_array(unit_ids))
    out: list[Candidate] = []
    # the rule reads a task's status, light, lateness and whether it is due before `on`: a handful of
    # combinations, each worked out once for the thousands of tasks of a city-wide agenda
    known: dict[tuple[str, str, bool, bool], tuple[str, ...]] = {}
    for pk, status, light, due, report_late, title, lead_unit_id, actual, expected in tasks.order_by(
        "plan_id", "sort_path"
    ).values_list(
        "pk", "status", "light", "due", "report_late", "title", "lead_unit_id", "actual_pct", "expected_pct"
    ):
        key = (status, light, due < on, report_late)
        reasons = known.get(key)
        if reasons is None:
            reasons = known[key] = rules.agenda_reasons(
                status=status, light=light, due=due, report_late=report_late, on=on
            )
        if reasons:
            out.append(
                Candidate(
                    task_id=pk,
                    reasons=reasons,
                    title=title,
                    lead_unit_id=lead_unit_id,
                    light=light,
                    actual_pct=actual,
                    expected_pct=expected,
                    due=due,
                )
            )
    return out


def task_candidates_as_of(series: MeetingSeries, on: date) -> list[Candidate]:
    """The tasks source for a past day: lights, figures and late reports as known on `on`
    (`work.selectors.compute_lights`, the history the year walk reads: reports known by then), each
    task's status as of `on` (its last transition by then) and only tasks that existed then. Costs a
    plan-wide computation per plan in scope, so it is kept for past days. Known limit: the engine
    computes a task closed since as done whatever the day, so such a task is not raised; and a task
    cancelled since is no longer counted (`counted()`), so neither is it."""
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from luoshi.work.models import Task, Transition
    from luoshi.work.selectors import compute_lights

    end = timezone.make_aware(datetime.combine(on + timedelta(days=1), time()))
    tasks = Task.objects.counted().filter(plan__is_active=True, created__lt=end)
    plan_ids = list(series.plans.values_list("pk", flat=True))
    if plan_ids:
        tasks = tasks.filter(plan_id__in=plan_ids)
    unit_ids = scope_unit_ids(series)
    if unit_ids:
        tasks = tasks.filter(lead_unit_id__in_ids=id_array(unit_ids))
    # the status on `on`: the last transition's by then, else the first later one's starting status,
    # else the status it still has
    before = Transition.objects.filter(task_id=OuterRef("pk"), at__lt=end).order_by("-at", "-id")
    after = Transition.objects.filter(task_id=OuterRef("pk"), at__gte=end).order_by("at", "id")
    rows = {
        r["pk"]: r
        for r in tasks.annotate(
            status_then=Subquery(before.values("to_status")[:1]),
            status_next=Subquery(after.values("from_status")[:1]),
        ).values("pk", "plan_id", "status", "status_then", "status_next", "sort_path")
    }
    out: list[tuple[tuple[int, str], Candidate]] = []
    for plan_id in sorted({r["plan_id"] for r in rows.values()}):
        for light in compute_lights(plan_id=plan_id, on=on):
            row = rows.get(light.id)
            if row is None:
                continue
            status = row["status_then"] or row["status_next"] or row["status"]
            reasons = rules.agenda_reasons(
                status=status, light=light.light, due=light.due, report_late=light.report_late, on=on
            )
            if reasons:
                candidate = Candidate(
                    task_id=light.id,
                    reasons=reasons,
                    title=light.title,
                    lead_unit_id=light.lead_unit_id,
                    light=light.light,
                    actual_pct=light.actual,
                    expected_pct=light.expected,
                    due=light.due,
                )
                out.append(((plan_id, row["sort_path"]), candidate))
    return [c for _key, c in sorted(out, key=lambda pair: pair[0])]


def collect(series: MeetingSeries, on: date) -> list[tuple[str, Candidate]]:
    """Every source's candidates, each task once (the first source to name it keeps it, with the
    reasons of all sources merged in the rule's order)."""
    seen: dict[int, tuple[str, Candidate]] = {}
    for name, source in sources().items():
        for c in source(series, on):
            if c.task_id in seen:
                first_name, first = seen[c.task_id]
                merged = tuple(r for r in rules.REASONS if r in first.reasons or r in c.reasons)
                extra = tuple(
                    r for r in (*first.reasons, *c.reasons) if r not in rules.REASONS and r not in merged
                )
                seen[c.task_id] = (first_name, first._replace(reasons=merged + extra))
            else:
                seen[c.task_id] = (name, c)
    return list(seen.values())
