"""Play the demo district forward day by day (模拟运行): reports, approvals, returns and the daily tick.

`simulate(start, end, seed=...)` continues the history in the database (typically a `luoshi demo
--today D` load, then `start` = D + 1). On each day, in id order and from one `random.Random(seed)`:

- reporters (填报员) file each open period's report through `report_submit(on=day)` — most a few days
  before the deadline, some after it, a few never — with figures that drift around the task's
  expected progress (`acknowledge_warnings=True`, as a clerk who confirms the plausibility notice);
- unit heads (主要负责人) approve pending reports some days later with `report_approve(on=day)`, or
  all at once with `report_approve_many`, by habit: some daily, some weekly, a few only once a month
  (then several reports of one task go up in a row, sometimes after the deadline); now and then one
  is returned (`report_return(on=day)`) and filed again a few days later;
- at the end of the day the daily tick runs for that day (`jobs.services.tick_run`, as `luoshi tick`).

Every write goes through the services (they audit) under a simulated clock (`demo.clock`), so no fact
is dated after the day being played. It refuses to play a day on or before the latest fact already
stored: history is only ever appended.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.errors import Conflict, InvalidField, LuoshiError, NotFound
from luoshi.org.models import Membership, Role
from luoshi.work import rules
from luoshi.work.models import Plan, Report, ReportState, Status, Task
from luoshi.work.services import report_approve, report_approve_many, report_return, report_submit
from luoshi.work.services.lights import refresh_deferred

from . import data
from .clock import simulated_clock

# How a unit files a period's report (on time: 1–5 days before the deadline; late: 1–9 days after).
ON_TIME, LATE, NEVER = "on_time", "late", "never"
FILING = ((ON_TIME, 0.86), (LATE, 0.10), (NEVER, 0.04))
# How often a unit head looks at the pending reports: every N days, with these weights.
HEAD_HABITS = ((1, 50), (2, 20), (3, 12), (7, 10), (14, 5), (30, 3))
BATCH_SHARE = 0.5  # of the heads' looks at several pending reports, approved with "approve all"
RETURN_SHARE = 0.03  # of the pending reports a head looks at, sent back with a reason
NO_CHANGE_SHARE = 0.04  # of reports, "no change since the last report"


@dataclass
class SimulationSummary:
    """What a simulation did, for the command's last line and the tests."""

    start: date
    end: date
    seed: int
    days: int = 0
    reports_filed: int = 0
    filed_late: int = 0
    refused: int = 0
    approvals: int = 0
    returns: int = 0
    late_marks: int = 0
    light_changes: int = 0
    notifications: int = 0

    def as_data(self) -> dict[str, Any]:
        out = asdict(self)
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        return out

    def line(self) -> str:
        return (
            f"simulated {self.start} → {self.end} (seed {self.seed}): {self.days} days, "
            f"{self.reports_filed} reports filed ({self.filed_late} late, {self.refused} refused), "
            f"{self.approvals} approvals, {self.returns} returns, {self.late_marks} late marks, "
            f"{self.light_changes} light changes, {self.notifications} notifications"
        )


def latest_fact_day() -> date | None:
    """The last day any fact in the database is dated (reports, approvals, transitions, milestones,
    late marks, light counts, ticks, audit entries): a simulation starts after it."""
    from luoshi.audit.models import Entry
    from luoshi.jobs.models import TickRun
    from luoshi.work.models import LateReport, LightCount, Milestone, Transition

    days: list[date] = []
    for model, name in (
        (Report, "reported_on"),
        (Report, "filed_on"),
        (Report, "known_on"),
        (Report, "returned_on"),
        (Report, "approved_at"),
        (Milestone, "met_on"),
        (Transition, "at"),
        (LateReport, "detected_on"),
        (LightCount, "day"),
        (TickRun, "day"),
        (Entry, "at"),
    ):
        value = model.objects.aggregate(m=Max(name))["m"]
        if isinstance(value, datetime):
            value = timezone.localdate(value)
        if value is not None:
            days.append(value)
    return max(days) if days else None


@dataclass
class _Pending:
    report_id: int
    task_id: int
    period: date
    filed: date


class _Simulation:
    def __init__(
        self,
        start: date,
        end: date,
        seed: int,
        plan_ids: list[int] | None,
        log: Callable[[str], None],
        defer_lights: bool = False,
    ) -> None:
        self.start, self.end, self.seed, self.log = start, end, seed, log
        self.defer_lights = defer_lights
        self.rng = random.Random(f"luoshi-simulate:{seed}")
        self.summary = SimulationSummary(start=start, end=end, seed=seed)
        plans = Plan.objects.filter(start__lte=end, due__gte=start).order_by("pk")
        if plan_ids:
            plans = plans.filter(pk__in=plan_ids)
        self.plans = list(plans)
        self.tasks = list(
            Task.objects.filter(plan__in=self.plans, status=Status.IN_PROGRESS)
            .select_related("plan")
            .order_by("pk")
        )
        self.by_id = {t.pk: t for t in self.tasks}
        reports = Report.objects.filter(task__in=self.tasks)
        # Periods already reported (any state but returned) are not filed again.
        self.done: set[tuple[int, date]] = set(
            reports.exclude(state=ReportState.RETURNED).values_list("task_id", "period_end")
        )
        self.last_pct: dict[int, float] = {}
        for task_id, pct in (
            reports.effective().order_by("period_end", "reported_on", "pk").values_list("task_id", "percent")
        ):
            if pct is not None:
                self.last_pct[task_id] = float(pct)
        self.pending: dict[int, list[_Pending]] = defaultdict(list)  # unit id -> pending reports
        for rid, tid, unit_id, period, filed in (
            reports.filter(state=ReportState.PENDING)
            .order_by("pk")
            .values_list("pk", "task_id", "unit_id", "period_end", "reported_on")
        ):
            self.pending[unit_id].append(_Pending(rid, tid, period, filed))
        self.pace = {t.pk: self.rng.uniform(0.8, 1.08) for t in self.tasks}
        self.habit: dict[int, tuple[int, int]] = {}  # unit id -> (every N days, offset)
        self.schedule: dict[date, list[tuple[int, date]]] = defaultdict(list)  # day -> (task, period)
        self.seen: set[tuple[int, date]] = set()
        self.evening: dict[int, str] = {}
        self._people(start)

    def _people(self, day: date) -> None:
        """The reporter and the head of every unit (the first by id holding the post on `day`)."""
        self.reporter: dict[int, Any] = {}
        self.head: dict[int, Any] = {}
        rows = (
            Membership.objects.current(day)
            .filter(post__role__in=[Role.REPORTER, Role.HEAD], person__user__is_active=True)
            .select_related("post", "person__user")
            .order_by("pk")
        )
        for m in rows:
            target = self.reporter if m.post.role == Role.REPORTER else self.head
            target.setdefault(m.post.unit_id, m.person.user)

    # -------------------------------------------------------------------------------------------

    def _deadline(self, task: Task, period: date) -> date:
        plan = task.plan
        return rules.report_due(
            period, grace_days=plan.grace_days, cascade_days=plan.cascade_days, levels_below_top=task.depth
        )

    def _plan_filings(self, day: date) -> None:
        """Decide, once per task and period, when (or whether) the unit files that period's report."""
        for task in self.tasks:
            if task.start > day or task.plan.due < day:
                continue
            cadence = task.effective_cadence
            first_period, last_period = (rules.period_end(cadence, d) for d in (task.start, task.due))
            # The current period, and the one before while its report is not yet due (on the first
            # day played, the period that just ended may still be open).
            for period in (rules.previous_period_end(cadence, day), rules.period_end(cadence, day)):
                if not (first_period <= period <= last_period):
                    continue
                key = (task.pk, period)
                if key in self.seen:
                    continue
                deadline = self._deadline(task, period)
                if period < day and deadline < day:
                    continue  # closed before the first day played: the tick marks it if missing
                self.seen.add(key)
                if key in self.done:
                    continue
                (how,) = self.rng.choices([f for f, _ in FILING], [w for _, w in FILING])
                if how == NEVER:
                    continue
                if how == LATE:
                    on = deadline + timedelta(days=self.rng.randint(1, 9))
                else:
                    on = deadline - timedelta(days=self.rng.randint(1, 5))
                first = max(period - timedelta(days=2), task.start, day)
                self.schedule[max(on, first)].append(key)

    def _figures(self, task: Task, day: date) -> dict[str, Any]:
        prev = self.last_pct.get(task.pk)
        if prev is not None and self.rng.random() < NO_CHANGE_SHARE:
            return {"no_change": True}
        expected = float(rules.expected_by_time(task.start, task.due, day))
        pct = expected * self.pace[task.pk] + self.rng.gauss(0, 3)
        pct = min(100.0, max(prev or 0.0, pct, 0.0))
        self.last_pct[task.pk] = pct
        fields: dict[str, Any] = {
            "narrative": self.rng.choice(data.NARRATIVES),
            "next_steps": self.rng.choice(data.NEXT_STEPS),
        }
        if pct + 5 < expected:
            fields["problems"] = self.rng.choice(data.PROBLEMS)
        if not task.has_measure:
            return fields | {"percent": Decimal(round(pct))}
        base, target = task.baseline or Decimal(0), task.target or Decimal(0)
        value = base + (target - base) * Decimal(str(round(pct, 2))) / 100
        return fields | {"value": value.quantize(Decimal("0.01"))}

    def _file(self, day: date) -> None:
        for task_id, period in sorted(self.schedule.pop(day, [])):
            task = self.by_id[task_id]
            author = self.reporter.get(task.lead_unit_id)
            if author is None:
                continue
            try:
                report = report_submit(
                    actor=author,
                    task=task,
                    period=period,
                    on=day,
                    acknowledge_warnings=True,
                    **self._figures(task, day),
                )
            except LuoshiError:
                self.summary.refused += 1
                continue
            self.done.add((task_id, period))
            self.summary.reports_filed += 1
            if day > self._deadline(task, period):
                self.summary.filed_late += 1
            if report.state == ReportState.PENDING:
                self.pending[report.unit_id].append(_Pending(report.pk, task_id, period, day))

    def _habit(self, unit_id: int) -> tuple[int, int]:
        if unit_id not in self.habit:
            (every,) = self.rng.choices([h for h, _ in HEAD_HABITS], [w for _, w in HEAD_HABITS])
            self.habit[unit_id] = (every, self.rng.randrange(every))
        return self.habit[unit_id]

    def _approve(self, day: date) -> None:
        for unit_id in sorted(self.pending):
            queue = self.pending[unit_id]
            every, offset = self._habit(unit_id)
            head = self.head.get(unit_id)
            if not queue or head is None or day.toordinal() % every != offset:
                continue
            ready = [p for p in queue if p.filed < day]  # the head looks the next day at the earliest
            self.pending[unit_id] = [p for p in queue if p.filed >= day]
            reports = Report.objects.in_bulk([p.report_id for p in ready])
            approve: list[Report] = []
            for p in ready:
                if self.rng.random() >= RETURN_SHARE:
                    approve.append(reports[p.report_id])
                    continue
                reason = self.rng.choice(data.RETURN_REASONS)
                report_return(actor=head, report=reports[p.report_id], reason=reason, on=day)
                self.summary.returns += 1
                self.done.discard((p.task_id, p.period))  # filed again a few days later
                self.schedule[day + timedelta(days=self.rng.randint(1, 3))].append((p.task_id, p.period))
            if len(approve) > 1 and self.rng.random() < BATCH_SHARE:
                # "Approve all" (全部审核通过): one transaction, each task refreshed once.
                done, refused = report_approve_many(actor=head, reports=approve, on=day)
                self.summary.approvals += len(done)
                self.summary.refused += len(refused)
                continue
            for report in approve:
                try:
                    report_approve(actor=head, report=report, on=day)
                except LuoshiError:
                    self.summary.refused += 1
                else:
                    self.summary.approvals += 1

    def _lights(self) -> dict[int, str]:
        return dict(Task.objects.filter(plan__in=self.plans).values_list("pk", "light"))

    def _tick(self, day: date) -> None:
        """The evening's tick; a light change is a task whose light differs from the evening before
        (whether the day's reports or the tick changed it)."""
        from luoshi.jobs.services import tick_run

        result = tick_run(on=day)
        self.summary.late_marks += result.late_reports
        lights = self._lights()
        self.summary.light_changes += sum(1 for pk, light in lights.items() if self.evening.get(pk) != light)
        self.evening = lights

    def run(self) -> SimulationSummary:
        from luoshi.notify.models import Notification

        notes_before = Notification.objects.count()
        self.evening = self._lights()
        day = self.start
        week: list[int] = [0, 0]
        with simulated_clock(day) as clock:
            while day <= self.end:
                clock.advance_to(day)
                filed, approved = self.summary.reports_filed, self.summary.approvals
                with transaction.atomic(), refresh_deferred() if self.defer_lights else nullcontext():
                    self._plan_filings(day)
                    self._file(day)
                    self._approve(day)
                self._tick(day)
                self.summary.days += 1
                week[0] += self.summary.reports_filed - filed
                week[1] += self.summary.approvals - approved
                if self.summary.days % 7 == 0 or day == self.end:
                    self.log(
                        f"simulate: {day} day {self.summary.days}: {week[0]} reports filed, "
                        f"{week[1]} approved this week; {self.summary.late_marks} late marks so far"
                    )
                    week = [0, 0]
                day += timedelta(days=1)
        self.summary.notifications = Notification.objects.count() - notes_before
        return self.summary


def simulate(
    start: date,
    end: date,
    *,
    seed: int = 1,
    plan_ids: list[int] | None = None,
    log: Callable[[str], None] = lambda line: None,
    defer_lights: bool = False,
) -> SimulationSummary:
    """Play the days `start`..`end` (inclusive) forward on the district in the database; see the
    module docstring. Refuses an empty range (`InvalidField`), any day on or before the latest fact
    already stored (`Conflict`) and an unknown plan (`NotFound`). Deterministic for a seed and a
    database.

    `defer_lights` leaves the day's light refreshes to the evening tick (`refresh_deferred`): the
    stored lights each evening and every count but notices are the same, and the per-report light
    refresh is saved (a month on the small demo: 27 → 18 s), but light-change notices then come from
    the tick only, so tests of notices must not use it."""
    if end < start:
        raise InvalidField(
            _("结束日期 %(end)s 早于开始日期 %(start)s。") % {"end": end, "start": start}, field="end"
        )
    latest = latest_fact_day()
    if latest is not None and start <= latest:
        raise Conflict(
            _("数据库中已有截至 %(latest)s 的记录，模拟只能从 %(next)s 起向后进行（历史只追加，不改写）。")
            % {"latest": latest, "next": latest + timedelta(days=1)}
        )
    if plan_ids:
        missing = set(plan_ids) - set(Plan.objects.filter(pk__in=plan_ids).values_list("pk", flat=True))
        if missing:
            raise NotFound(_("没有编号为 %(ids)s 的计划。") % {"ids": ", ".join(map(str, sorted(missing)))})
    return _Simulation(start, end, seed, plan_ids, log, defer_lights).run()
