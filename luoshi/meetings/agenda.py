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
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Case, CharField, Q, QuerySet, Value, When
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

    if on < timezone.localdate():
        return task_candidates_as_of(series, on)
    out: list[Candidate] = []
    for pk, reasons, title, lead_unit_id, light, actual, expected, due in task_lines(series, on).values_list(
        "pk", "reasons", "title", "lead_unit_id", "light", "actual_pct", "expected_pct", "due"
    ):
        out.append(
            Candidate(
                task_id=pk,
                reasons=tuple(reasons.split(",")),
                title=title,
                lead_unit_id=lead_unit_id,
                light=light,
                actual_pct=actual,
                expected_pct=expected,
                due=due,
            )
        )
    return out


def _reasons_sql(on: date) -> Case:
    """`rules.agenda_reasons` of a task under way as one SQL expression giving its reason codes
    joined by commas ("" when none). The rule reads a task's light, whether it is due before `on` and
    whether its report is late: a handful of combinations, each worked out here by the rule itself,
    of which the database picks the task's. A light the rule has not seen gives ""."""
    from luoshi.work.models import Light

    whens = []
    for light in Light.values:
        for due_before in (True, False):
            for report_late in (True, False):
                reasons = rules.agenda_reasons(
                    status=rules.UNDER_WAY,
                    light=light,
                    due=on - timedelta(days=1) if due_before else on,
                    report_late=report_late,
                    on=on,
                )
                if reasons:
                    due = Q(due__lt=on) if due_before else Q(due__gte=on)
                    whens.append(
                        When(due, light=light, report_late=report_late, then=Value(",".join(reasons)))
                    )
    return Case(*whens, default=Value(""), output_field=CharField())


def task_lines(series: MeetingSeries, on: date) -> QuerySet[Any]:
    """The tasks source on `on` (today or later) as a query: the tasks under way in the series' scope
    (its plans, lead units in its units' subtrees) that the agenda rule takes, each annotated with
    its `reasons` (codes joined by commas), in agenda order (plan, then the plan's tree order). A
    first draw has the database write these lines itself (`drawing.write_agenda`)."""
    from luoshi.work.models import Light, Status, Task

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
    return tasks.annotate(reasons=_reasons_sql(on)).exclude(reasons="").order_by("plan_id", "sort_path")


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


def _merged(first: Candidate, reasons: tuple[str, ...]) -> Candidate:
    """`first` with `reasons` (another source's for the same task) merged in: the rule's reasons in
    the rule's order, then any others in the order given."""
    merged = tuple(r for r in rules.REASONS if r in first.reasons or r in reasons)
    extra = tuple(r for r in (*first.reasons, *reasons) if r not in rules.REASONS and r not in merged)
    return first._replace(reasons=merged + extra)


def collect(series: MeetingSeries, on: date) -> list[tuple[str, Candidate]]:
    """Every source's candidates, each task once (the first source to name it keeps it, with the
    reasons of all sources merged in the rule's order)."""
    return _collect(sources(), series, on)


def _collect(named: Mapping[str, Source], series: MeetingSeries, on: date) -> list[tuple[str, Candidate]]:
    seen: dict[int, tuple[str, Candidate]] = {}
    for name, source in named.items():
        for c in source(series, on):
            if c.task_id in seen:
                first_name, first = seen[c.task_id]
                seen[c.task_id] = (first_name, _merged(first, c.reasons))
            else:
                seen[c.task_id] = (name, c)
    return list(seen.values())


def collect_for_writing(
    series: MeetingSeries, on: date
) -> tuple[list[tuple[str, Candidate]], QuerySet[Any] | None]:
    """`collect` split for storing a draw (`drawing.write_agenda`): the lines of every other source,
    with the tasks source's reasons merged into those whose task it names too, and then the query of
    the tasks source's remaining lines (`task_lines`), which come after them in agenda order and
    which the database writes itself, tens of thousands of them never passing through Python. Together they are
    `collect`'s lines in its order (tested). When the tasks source is not the last by name, or the
    day is past (the source computes it in Python), it is all `collect` and the query is None."""
    from django.utils import timezone

    named = sources()
    if list(named)[-1:] != ["tasks"] or named["tasks"] is not task_candidates or on < timezone.localdate():
        return _collect(named, series, on), None
    del named["tasks"]
    lines = _collect(named, series, on)
    tasks = task_lines(series, on)
    at = {c.task_id: i for i, (_name, c) in enumerate(lines)}
    if at:
        for pk, reasons in tasks.filter(pk__in_ids=id_array(list(at))).values_list("pk", "reasons"):
            name, first = lines[at[pk]]
            lines[at[pk]] = (name, _merged(first, tuple(reasons.split(","))))
        tasks = tasks.exclude(pk__in_ids=id_array(list(at)))
    return lines, tasks
