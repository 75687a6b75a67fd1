"""Set-based reads of the task engine: batch light computation, rollups, dashboards.

`compute_lights` loads a plan (or one subtree) in a fixed number of queries — tasks with their
stored known figures, the latest report as of the date only for the tasks with a report known after
it, milestones — and applies the pure rules in memory, leaves first, then parents from their
children's weighted rollup. For today (the daily tick) it reads no report.

Selectors only read: the stored lights and late reports are written by `services.lights`
(`task_refresh`, `persist_lights`, `mark_late_reports`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Q, Window
from django.db.models.functions import RowNumber

from luoshi.lib.ids import id_batches

from . import paths, rules
from .models import (
    NOT_COUNTED,
    UNREPORTED,
    Evidence,
    Follow,
    Milestone,
    Plan,
    Report,
    ReportState,
    Status,
    Task,
    owes_no_report,
)

SKIPPED_STATUSES = set(NOT_COUNTED)


@dataclass
class LightRow:
    id: int
    parent_id: int | None
    depth: int
    title: str
    lead_unit_id: int
    start: date
    due: date
    status: str
    weight: Decimal
    expected: Decimal
    actual: Decimal
    light: str
    slack: int | None
    report_late: bool
    last_report_on: date | None


def counted_rows(rows: list[LightRow]) -> list[LightRow]:
    """The rows every count counts (统计口径), as `Task.objects.counted()` in SQL: live work items,
    i.e. not draft or cancelled and without a live child."""
    live = [r for r in rows if r.status not in SKIPPED_STATUSES]
    parents = {r.parent_id for r in live if r.parent_id is not None}
    return [r for r in live if r.id not in parents]


# A report's figures as `_own_row` reads them: (percent, value, last filing date, latest period).
Figures = tuple[Decimal | None, Decimal | None, date, date]


def _latest_reports(task_filter: Q, on: date) -> dict[int, Figures]:
    """task id -> (percent, value, last filing date, max period_end) of the effective report as known
    at the end of `on` (`ReportQuerySet.effective_by`).

    The effective report is the one for the latest period (a correction of an older period must
    not override newer progress), the latest made within it; a report superseded by a correction
    known by `on` does not count. Reports become known on their `known_on` (approval), so the answer
    for a past `on` does not change when old reports are approved later.
    """
    base = Report.objects.filter(task_filter).effective_by(on)
    # One pass: the effective row per task (rn = 1) carries its task's latest filing date too.
    latest = (
        base.annotate(
            rn=Window(
                RowNumber(),
                partition_by=[F("task_id")],
                order_by=[F("period_end").desc(), F("reported_on").desc(), F("id").desc()],
            ),
            last=Window(Max("reported_on"), partition_by=[F("task_id")]),
        )
        .filter(rn=1)
        .values_list("task_id", "percent", "value", "last", "period_end")
    )
    return {tid: (pct, val, last, period) for tid, pct, val, last, period in latest}


def _filed_not_known(task_filter: Q, on: date) -> dict[int, list[tuple[date, date, date]]]:
    """task id -> (period_end, filed_on, made_on) of the reports entered by `on` but not yet known to
    the office as of `on` (pending then, and not returned by then): with `Plan.late_approval_counts`
    off, one filed in time keeps its period from being late while it waits for the head."""
    rows = (
        Report.objects.filter(task_filter, filed_on__lte=on)
        .filter(Q(known_on__isnull=True) | Q(known_on__gt=on))
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gt=on))
        .order_by()
        .values_list("task_id", "period_end", "filed_on", "reported_on")
    )
    out: dict[int, list[tuple[date, date, date]]] = defaultdict(list)
    for tid, period, filed_on, made_on in rows:
        out[tid].append((period, filed_on, made_on))
    return out


def _in_time_periods(filed: Iterable[tuple[date, date, date]], plan: Plan, depth: int) -> list[date]:
    """The periods of `filed` (period_end, filed_on, made_on) whose report was filed by its deadline."""
    out = []
    for period, filed_on, made_on in filed:
        due_on = rules.report_due(
            period, grace_days=plan.grace_days, cascade_days=plan.cascade_days, levels_below_top=depth
        )
        if rules.filed_in_time(filed_on=filed_on, made_on=made_on, due_on=due_on, grace_days=plan.grace_days):
            out.append(period)
    return out


# The stored known figures (`services.lights.figures_refresh`), read beside `_TASK_FIELDS`.
_KNOWN_FIELDS = ("known_percent", "known_value", "known_last_on", "known_period", "known_through")

# Past this many tasks whose figures became known after the day asked for, the history query reads
# the whole scope (plan or subtree) instead of a list of ids.
HISTORY_IDS_MAX = 1000


def _figures_as_of(
    tasks: list[tuple[Any, ...]], on: date, scope_q: Q
) -> tuple[list[tuple[Any, ...]], dict[int, Figures]]:
    """Split rows of `_TASK_FIELDS + _KNOWN_FIELDS` into the task fields and each task's figures as
    known at the end of `on`: the stored figures where every report of the task was known by `on`
    (`known_through <= on`, the daily tick's case: no report is read), the history query
    (`_latest_reports`) for the tasks with a report known only after `on` (past dates)."""
    n = len(_TASK_FIELDS)
    out: dict[int, Figures] = {}
    later: list[int] = []
    for row in tasks:
        pct, val, last, period, through = row[n:]
        if through is None:
            continue  # nothing known, ever
        if through <= on:
            if period is not None:
                out[row[0]] = (pct, val, last, period)
        else:
            later.append(row[0])
    if later:
        if len(later) > HISTORY_IDS_MAX:
            history = _latest_reports(scope_q, on)
        else:
            history = _latest_reports(Q(task_id__in=later), on)
        for tid in later:
            if tid in history:
                out[tid] = history[tid]
    return [row[:n] for row in tasks], out


_TASK_FIELDS = (
    "id",
    "parent_id",
    "depth",
    "title",
    "lead_unit_id",
    "start",
    "due",
    "status",
    "weight",
    "baseline",
    "target",
    "direction",
    "monthly_plan",
    "cadence",
    "assigned_on",
    "source",
    "source_ref",
)


def _milestones(task_q: Q, on: date) -> dict[int, list[rules.PlannedMilestone]]:
    milestones: dict[int, list[rules.PlannedMilestone]] = defaultdict(list)
    for tid, due, met, days in (
        Milestone.objects.filter(task_q)
        .order_by("task_id", "sort", "due")
        .values_list("task_id", "due", "met_on", "duration_days")
    ):
        milestones[tid].append(planned_milestone(due, met, days, on=on))
    return milestones


def planned_milestone(
    due: date, met_on: date | None, duration_days: int | None, *, on: date
) -> rules.PlannedMilestone:
    """A milestone as the light engine reads it on `on`: met only if met by then."""
    return rules.PlannedMilestone(
        due=due, met_on=met_on if met_on and met_on <= on else None, duration_days=duration_days
    )


def _own_row(
    task: tuple[Any, ...],
    rep: Figures | None,
    ms: list[rules.PlannedMilestone],
    plan: Plan,
    on: date,
    filed: Iterable[tuple[date, date, date]] = (),
) -> LightRow:
    """A task's light from its own report and dates, before any rollup of children.

    `filed` are the task's reports entered but not yet known as of `on` (`_filed_not_known`), read
    only where the plan does not count approval delay as late: one filed in time counts as reported.
    """
    (
        tid,
        parent_id,
        depth,
        title,
        unit_id,
        start,
        due,
        status,
        weight,
        baseline,
        target,
        direction,
        monthly_plan,
        cadence,
        assigned_on,
        source,
        source_ref,
    ) = task
    cap = plan.progress_cap
    has_measure = baseline is not None and target is not None
    if has_measure and rep is not None and rep[1] is not None:
        actual = rules.measure_progress(
            rep[1], baseline=baseline, target=target, direction=direction, cap=cap
        )
    elif rep is not None and rep[0] is not None:
        actual = rules.percent_progress(rep[0], cap=cap)
    else:
        actual = rules.ZERO
    if status == Status.CLOSED and not has_measure:
        # A claim of completion says the work is done; a measure keeps its final reported value,
        # so a task closed below its target shows so (完成（未达标）).
        actual = max(actual, rules.HUNDRED)
    if has_measure and monthly_plan:
        expected = rules.expected_by_plan(
            monthly_plan, baseline=baseline, target=target, direction=direction, on=on
        )
    else:
        expected = rules.expected_by_time(start, due, on)
    late = False
    if status == Status.IN_PROGRESS and not owes_no_report(source, source_ref):
        reported = [rep[3]] if rep else []
        if not plan.late_approval_counts:
            reported += _in_time_periods(filed, plan, depth)
        late = rules.is_report_late_now(
            cadence=cadence or plan.cadence,
            start=rules.reports_from(start, assigned_on),
            due=due,
            reported_periods=reported,
            on=on,
            grace_days=plan.grace_days,
            cascade_days=plan.cascade_days,
            levels_below_top=depth,
        )
    row = LightRow(
        id=tid,
        parent_id=parent_id,
        depth=depth,
        title=title,
        lead_unit_id=unit_id,
        start=start,
        due=due,
        status=status,
        weight=weight,
        expected=expected,
        actual=actual,
        light="",
        slack=None,
        report_late=late,
        last_report_on=rep[2] if rep else None,
    )
    thresholds = rules.Thresholds(plan.green_max, plan.yellow_max)
    row.light = _light_of(row, on, thresholds, ms)
    row.slack = _slack_of(row, on, ms)
    return row


def _roll_up(
    row: LightRow,
    kids: list[tuple[Decimal, Decimal, Decimal, str]],
    ms: list[rules.PlannedMilestone],
    plan: Plan,
    on: date,
) -> None:
    """A parent's progress from its children's (weight, actual, expected, status), skipping drafts and
    cancelled ones; with no such child it keeps its own."""
    counted = [(w, a, e) for w, a, e, status in kids if status not in SKIPPED_STATUSES]
    if not counted:
        return
    row.actual = rules.rollup([(w, a) for w, a, _e in counted]) or rules.ZERO
    row.expected = rules.rollup([(w, e) for w, _a, e in counted]) or rules.ZERO
    # A closed parent keeps its children's rollup: they are closed or cancelled, so it is 100% unless
    # one of them closed below its target.
    thresholds = rules.Thresholds(plan.green_max, plan.yellow_max)
    row.light = _light_of(row, on, thresholds, ms)
    row.slack = _slack_of(row, on, ms)


def compute_lights(
    *, plan_id: int, on: date, task_ids: Iterable[int] | None = None, subtree_of: int | None = None
) -> list[LightRow]:
    """Lights of every task in a plan (or in one task's subtree) as of `on`."""
    plan = Plan.objects.get(pk=plan_id)
    # The region key on every table read (lib/regions.py): on a database sharded by region, one shard
    # answers, joins included (docs/scaling.md).
    scope = Q(region_id=plan.region_id, plan_id=plan_id)
    task_q = Q(region_id=plan.region_id, task__region_id=plan.region_id, task__plan_id=plan_id)
    if subtree_of is not None:
        root_path = Task.objects.filter(pk=subtree_of).values_list("path", flat=True).get()
        scope &= Q(path__startswith=root_path)
        task_q &= Q(task__path__startswith=root_path)
    if task_ids is not None:
        scope &= Q(pk__in=list(task_ids))
    tasks, reports = _figures_as_of(
        list(Task.objects.filter(scope).values_list(*_TASK_FIELDS, *_KNOWN_FIELDS)), on, task_q
    )
    filed = _filed_not_known(task_q, on) if not plan.late_approval_counts else {}
    return _lights(tasks, reports, _milestones(task_q, on), filed, plan, on)


def new_task_lights(
    plan: Plan, tasks: list[tuple[Any, ...]], milestones: Mapping[int, list[rules.PlannedMilestone]], on: date
) -> list[LightRow]:
    """Lights as of `on` of tasks about to be written (rows of `_TASK_FIELDS`, with their milestones
    by task id): no report, nothing filed. What `compute_lights` gives them once written, as long as
    every child of each is among them; a large import writes its new tasks with these, so the plan's
    refresh that follows has nothing to rewrite for them."""
    return _lights(tasks, {}, milestones, {}, plan, on)


def _lights(
    tasks: list[tuple[Any, ...]],
    reports: Mapping[int, Figures],
    milestones: Mapping[int, list[rules.PlannedMilestone]],
    filed: Mapping[int, list[tuple[date, date, date]]],
    plan: Plan,
    on: date,
) -> list[LightRow]:
    """The rows' lights: each task's own, then parents from their children's rollup."""
    rows: dict[int, LightRow] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for task in tasks:
        tid, parent_id = task[0], task[1]
        if parent_id is not None:
            children[parent_id].append(tid)
        rows[tid] = _own_row(task, reports.get(tid), milestones.get(tid, []), plan, on, filed.get(tid, ()))
    # Parents from their children's rollup, deepest first.
    for tid in sorted((t for t in rows if t in children), key=lambda t: -rows[t].depth):
        kids = [rows[c] for c in children[tid] if c in rows]
        _roll_up(
            rows[tid],
            [(k.weight, k.actual, k.expected, k.status) for k in kids],
            milestones.get(tid, []),
            plan,
            on,
        )
    return [rows[t[0]] for t in tasks]


def compute_path_lights(*, task_id: int, on: date) -> list[LightRow]:
    """Lights of one task and its ancestors as of `on`, in a fixed number of queries.

    Equal to `compute_lights` for those tasks when every other task's stored values are as of `on`
    (the daily tick keeps them so): each parent rolls up its children's stored values, except for
    the child on the path, which is recomputed first. Returned leaf-first.
    """
    return compute_paths_lights(task_ids=[task_id], on=on)


def compute_paths_lights(*, task_ids: Iterable[int], on: date) -> list[LightRow]:
    """`compute_path_lights` for many tasks at once (the refresher's batch of filed reports, from any
    plans): the lights of the tasks and of every ancestor of theirs as of `on`, each task once, in a
    fixed number of queries whatever their number. Each parent rolls up its children's stored values,
    except for the children recomputed here, which are recomputed first. Returned deepest first."""
    plan_of: dict[int, int] = {}
    for path, plan_id in Task.objects.filter(pk__in=set(task_ids)).values_list("path", "plan_id"):
        for tid in paths.path_ids(path):
            plan_of[tid] = plan_id
    if not plan_of:
        return []
    ids = sorted(plan_of)
    plans = Plan.objects.in_bulk(set(plan_of.values()))
    task_q = Q(task_id__in=ids)
    rows, reports = _figures_as_of(
        list(Task.objects.filter(pk__in=ids).values_list(*_TASK_FIELDS, *_KNOWN_FIELDS)), on, task_q
    )
    tasks = {t[0]: t for t in rows}
    # Reports waiting for the head keep their period from being late only under plans where a late
    # approval does not count.
    lenient = [t for t in ids if not plans[plan_of[t]].late_approval_counts]
    filed = _filed_not_known(Q(task_id__in=lenient), on) if lenient else {}
    milestones = _milestones(task_q, on)
    # One query for the children of every task recomputed (their own children included).
    kids: dict[int, dict[int, tuple[Decimal, Decimal, Decimal, str]]] = defaultdict(dict)
    for kid, parent_id, weight, actual, expected, status in Task.objects.filter(
        parent_id__in=ids
    ).values_list("id", "parent_id", "weight", "actual_pct", "expected_pct", "status"):
        kids[parent_id][kid] = (weight, actual, expected, status)
    done: dict[int, LightRow] = {}
    for tid in sorted(tasks, key=lambda t: (-tasks[t][2], t)):
        plan = plans[plan_of[tid]]
        row = _own_row(tasks[tid], reports.get(tid), milestones.get(tid, []), plan, on, filed.get(tid, ()))
        mine = kids.get(tid, {})
        if mine:
            # Children in id order, as compute_lights meets them, so the rollup sums in the same order.
            values = []
            for k in sorted(mine):
                kid_row = done.get(k)
                values.append(
                    mine[k]
                    if kid_row is None
                    else (kid_row.weight, kid_row.actual, kid_row.expected, kid_row.status)
                )
            _roll_up(row, values, milestones.get(tid, []), plan, on)
        done[tid] = row
    return list(done.values())


def _light_of(row: LightRow, on: date, thresholds: rules.Thresholds, ms: list[rules.PlannedMilestone]) -> str:
    return rules.light(
        on=on,
        start=row.start,
        due=row.due,
        closed=row.status == Status.CLOSED,
        expected=row.expected,
        actual=row.actual,
        thresholds=thresholds,
        report_late=row.report_late,
        milestone_missed=rules.milestone_missed(((m.due, m.met_on) for m in ms), on),
    )


def _slack_of(row: LightRow, on: date, ms: list[rules.PlannedMilestone]) -> int | None:
    if row.status == Status.CLOSED:
        return None
    return rules.slack_days(
        on=on, start=row.start, due=row.due, expected=row.expected, actual=row.actual, milestones=ms
    )


def followers(task_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(user id, task id) of everyone following one of the tasks (关注), for other apps' reactions."""
    return [
        pair
        for batch in id_batches(task_ids)
        for pair in Follow.objects.filter(task_id__in_ids=batch).values_list("user_id", "task_id")
    ]


def task_titles(task_ids: Iterable[int]) -> dict[int, str]:
    """Task id → title, in one query."""
    return dict(Task.objects.filter(pk__in=list(task_ids)).values_list("id", "title"))


@dataclass(frozen=True)
class Timeliness:
    """A unit's reporting timeliness (报送及时性) over a window of deadlines.

    `periods`: reports the unit owed (task × period) with a deadline in the window; `filed_late`:
    periods not filed by the deadline (迟报（填报）); `approved_late`: filed in time but approved
    after it (迟审（审核）); `counted_late`: those that count as late under the plan's
    `late_approval_counts` (all filing marks, approval marks only where it is on).
    """

    periods: int = 0
    filed_late: int = 0
    approved_late: int = 0
    counted_late: int = 0


def timeliness(
    plan_id: int, unit_ids: Iterable[int] | None = None, *, start: date, end: date
) -> dict[int, Timeliness]:
    """unit id -> Timeliness of the plan's reports due from `start` to `end` (both included), per
    lead unit, in four queries whatever the number of units and tasks.

    The input the assessment (考核, issue 13) will use for per-event deductions (late report) and
    on-time rates: marks are grouped by the unit recorded on them (the lead unit when the period was
    found late); owed periods by each task's lead unit, counted as the tick counts them — live tasks
    (not draft, cancelled or suspended), from `rules.reports_from` to the due date, and for a
    closed task up to the day it closed. Units with nothing owed and no mark are left out.
    """
    from django.db.models import Count

    from .models import LateCause, LateReport, Transition

    plan = Plan.objects.get(pk=plan_id)
    units = set(unit_ids) if unit_ids is not None else None
    tasks = (
        Task.objects.filter(plan_id=plan_id)
        .exclude(status__in=[*SKIPPED_STATUSES, Status.SUSPENDED])
        .exclude(UNREPORTED)
    )
    marks = LateReport.objects.filter(task__plan_id=plan_id, due_on__gte=start, due_on__lte=end)
    if units is not None:
        tasks = tasks.filter(lead_unit_id__in=units)
        marks = marks.filter(unit_id__in=units)
    closed_on = {
        tid: at.date()
        for tid, at in Transition.objects.filter(
            task__in=tasks.filter(status=Status.CLOSED), to_status=Status.CLOSED
        )
        .values("task_id")
        .annotate(at=Max("at"))
        .values_list("task_id", "at")
    }
    owed: dict[int, int] = defaultdict(int)
    for tid, unit_id, t_start, due, cadence, depth, assigned_on in tasks.values_list(
        "id", "lead_unit_id", "start", "due", "cadence", "depth", "assigned_on"
    ):
        last_due = min(end, closed_on.get(tid, end))
        for period in rules.periods_between(
            cadence or plan.cadence, rules.reports_from(t_start, assigned_on), due
        ):
            deadline = rules.report_due(
                period, grace_days=plan.grace_days, cascade_days=plan.cascade_days, levels_below_top=depth
            )
            if start <= deadline <= last_due:
                owed[unit_id] += 1
    late: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, cause, n in (
        marks.values("unit_id", "cause").annotate(n=Count("id")).values_list("unit_id", "cause", "n")
    ):
        late[unit_id][cause] = n
    out: dict[int, Timeliness] = {}
    for unit_id in sorted(set(owed) | set(late)):
        filing = late[unit_id].get(LateCause.FILING, 0) if unit_id in late else 0
        approval = late[unit_id].get(LateCause.APPROVAL, 0) if unit_id in late else 0
        out[unit_id] = Timeliness(
            periods=owed.get(unit_id, 0),
            filed_late=filing,
            approved_late=approval,
            counted_late=filing + (approval if plan.late_approval_counts else 0),
        )
    return out


def _standing(user: Any) -> Any:
    """Reports the user sees that still stand: not returned, not superseded by a submitted correction."""
    return (
        Report.objects.visible_to(user)
        .exclude(state=ReportState.RETURNED)
        .exclude(corrected_by__state=ReportState.SUBMITTED)
    )


LATEST_FIRST = ("-period_end", "-reported_on", "-id")


def month_values(user: Any, task_id: int, first: date, last: date) -> tuple[Report | None, Decimal | None]:
    """A measure's month for another module: (the latest standing report for a period ending within
    [first, last], the cumulative value of the latest one before `first`)."""
    base = _standing(user).filter(task_id=task_id)
    within = base.filter(period_end__gte=first, period_end__lte=last).order_by(*LATEST_FIRST).first()
    before = base.filter(period_end__lt=first).order_by(*LATEST_FIRST).values_list("value", flat=True).first()
    return within, before


def latest_reports(user: Any, task_ids: Iterable[int]) -> dict[int, Report]:
    """task id -> its latest report this user sees that still stands (not returned, not superseded by
    a correction), in one query: the one source other modules prefill from, so a unit types a fact
    once (一个事实只填一次). A report still waiting for the unit head counts for the unit's people."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    rows = (
        _standing(user)
        .filter(task_id__in=ids)
        .annotate(
            rn=Window(
                RowNumber(),
                partition_by=[F("task_id")],
                order_by=[F("period_end").desc(), F("reported_on").desc(), F("id").desc()],
            )
        )
        .filter(rn=1)
    )
    return {r.task_id: r for r in rows}


def latest_report(user: Any, task_id: int | None) -> Report | None:
    """The task's latest standing report this user sees (`latest_reports` for one task)."""
    return None if task_id is None else latest_reports(user, [task_id]).get(task_id)


def report_text(report: Report | None) -> tuple[str, str]:
    """A report's facts as a response's two texts: (what was done and what comes next, the problems)."""
    if report is None:
        return "", ""
    done = "\n".join(part for part in (report.narrative.strip(), report.next_steps.strip()) if part)
    return done, report.problems.strip()


def carried_evidence(actor: Any, carried: Iterable[Any], *, tasks: Any, refused: str) -> list[Evidence]:
    """The evidence files (of reports or claims) named by `carried` — ids from a form or the API,
    never trusted — each checked to belong to one of `tasks` (task ids, or a subquery of them) and to
    be visible to the actor (`Evidence.objects.visible_to`), in the order given. One id that is not
    (another task's, one the actor may not see, no such file) refuses them all with `refused`, naming
    the field `carried`: another module reuses a report's files instead of asking for them again."""
    from django.utils.translation import gettext as _

    from luoshi.errors import InvalidField

    try:
        ids = list(dict.fromkeys(int(i) for i in carried))
    except (TypeError, ValueError):
        raise InvalidField(_("沿用的佐证材料无效。"), field="carried") from None
    if not ids:
        return []
    found = {
        ev.pk: ev
        for ev in Evidence.objects.visible_to(actor).filter(
            Q(report__task_id__in=tasks) | Q(claim__task_id__in=tasks), pk__in=ids
        )
    }
    if len(found) != len(ids):
        raise InvalidField(refused, field="carried")
    return [found[i] for i in ids]


def carryable_evidence(user: Any, task_id: int, report: Any) -> list[Any]:
    """The evidence files another module may carry (沿用) instead of asking for them again (a
    supervision response, a key project's stage met): those of the
    task's latest standing report (`report`, from `work.selectors.latest_report`) and of its latest
    completion claim not returned, as this user sees them (`Evidence.objects.visible_to`); the
    report's first, then the claim's. One query."""
    from django.db.models import Subquery

    from .models import Claim, ClaimKind, ClaimState

    claim = (
        Claim.objects.visible_to(user)
        .filter(task_id=task_id, kind=ClaimKind.COMPLETION)
        .exclude(state=ClaimState.REJECTED)
        .order_by("-created", "-id")
        .values("pk")[:1]
    )
    mine = Q(claim_id=Subquery(claim))
    if report is not None:
        mine |= Q(report_id=report.pk)
    rows = (
        Evidence.objects.visible_to(user)
        .filter(mine)
        .only("id", "report_id", "claim_id", "name", "size", "sha256", "content_type")
    )
    return sorted(rows, key=lambda ev: (ev.report_id is None, ev.pk))
