"""The rules that matter, as pure functions over plain values (no database).

Expected progress (均衡进度), measure progress, lights (亮灯), weighted rollup, backward
scheduling (倒排工期) with slack, and reporting periods with their due dates. All percentages
are Decimals in 0..100 (progress may exceed 100 up to the plan's cap).
"""

from __future__ import annotations

import bisect
import calendar
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ZERO = Decimal(0)

# Light values; the same strings as work.models.Light.
NOT_STARTED = "not_started"
GREEN = "green"
YELLOW = "yellow"
RED = "red"
OVERDUE = "overdue"
DONE = "done"

# Worse lights later: used to take the worst of several signals and to test monotonicity.
SEVERITY: dict[str, int] = {DONE: 0, NOT_STARTED: 1, GREEN: 2, YELLOW: 3, RED: 4, OVERDUE: 5}

CLOSED_STATUSES = frozenset({"closed"})


def q2(value: Decimal) -> Decimal:
    """Round to two decimals, half up, as offices round percentages."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


# ---------------------------------------------------------------------------------------------
# Expected progress (均衡进度)


def expected_by_time(start: date, due: date, on: date) -> Decimal:
    """expected = clamp((t − S) / (D − S), 0, 1), as a percentage.

    A one-day task (S == D) is expected 0% before that day and 100% from it.
    """
    if due < start:
        raise ValueError("due date before start date")
    span = (due - start).days
    if span == 0:
        return HUNDRED if on >= due else ZERO
    return q2(clamp(Decimal((on - start).days) / Decimal(span), ZERO, Decimal(1)) * HUNDRED)


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _month_of(key: str) -> date:
    """The first day of a monthly-plan key "YYYY-MM" (a missing zero pad, "2024-3", is accepted, and
    so is a day after the month, "2024-03-31", which is ignored)."""
    year, month = (int(p) for p in key.strip().split("-")[:2])
    return date(year, month, 1)


def planned_value_to_date(
    monthly_plan: Mapping[str, Decimal | float | int | str], on: date
) -> Decimal | None:
    """The planned cumulative value of the last month whose end is on or before `on`.

    A monthly plan is judged at month ends, as offices report it ("1—3月累计完成…").
    Before the first planned month has ended, nothing is planned yet (None).
    """
    # Months are compared as dates, not as strings: "2024-10" sorts before "2024-9" as text.
    best: tuple[date, Decimal] | None = None
    for key, raw in monthly_plan.items():
        first = _month_of(key)
        if month_end(first) <= on and (best is None or first > best[0]):
            best = (first, Decimal(str(raw)))
    return None if best is None else best[1]


def expected_by_plan(
    monthly_plan: Mapping[str, Decimal | float | int | str],
    *,
    baseline: Decimal,
    target: Decimal,
    direction: str,
    on: date,
) -> Decimal:
    """Expected progress from a monthly plan: planned cumulative value to date over the target.

    Measured from the baseline like actual progress, so with a zero baseline it is exactly
    planned / target. Not capped above 100: a plan never asks more than the target.
    """
    planned = planned_value_to_date(monthly_plan, on)
    if planned is None:
        return ZERO
    return measure_progress(planned, baseline=baseline, target=target, direction=direction, cap=HUNDRED)


# ---------------------------------------------------------------------------------------------
# Actual progress


def measure_progress(
    actual: Decimal, *, baseline: Decimal, target: Decimal, direction: str, cap: Decimal
) -> Decimal:
    """(actual − baseline) / (target − baseline), mirrored for lower-is-better, in 0..cap percent."""
    if direction not in ("higher", "lower"):
        raise ValueError(f"unknown direction {direction!r}")
    gained = (actual - baseline) if direction == "higher" else (baseline - actual)
    needed = (target - baseline) if direction == "higher" else (baseline - target)
    if needed <= 0:
        # The target asks for no change (or a change the wrong way): met iff not worse than it.
        met = actual >= target if direction == "higher" else actual <= target
        return HUNDRED if met else ZERO
    return q2(clamp(gained / needed * HUNDRED, ZERO, cap))


def percent_progress(percent: Decimal, *, cap: Decimal) -> Decimal:
    return q2(clamp(percent, ZERO, cap))


# ---------------------------------------------------------------------------------------------
# Lights (亮灯)


@dataclass(frozen=True)
class Thresholds:
    """Lag thresholds in percentage points: green when lag ≤ green_max, yellow when ≤ yellow_max."""

    green_max: Decimal = Decimal(5)
    yellow_max: Decimal = Decimal(15)

    def __post_init__(self) -> None:
        if self.green_max < 0 or self.yellow_max < self.green_max:
            raise ValueError("thresholds must satisfy 0 ≤ green_max ≤ yellow_max")


DEFAULT_THRESHOLDS = Thresholds()


def lag_light(expected: Decimal, actual: Decimal, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    lag = expected - actual
    if lag <= thresholds.green_max:
        return GREEN
    if lag <= thresholds.yellow_max:
        return YELLOW
    return RED


def worst(lights: Iterable[str]) -> str:
    return max(lights, key=SEVERITY.__getitem__)


def light(
    *,
    on: date,
    start: date,
    due: date,
    closed: bool,
    expected: Decimal,
    actual: Decimal,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    report_late: bool = False,
    milestone_missed: bool = False,
) -> str:
    """The light of one task on day `on`.

    Precedence (DESIGN.md): done, then overdue, then not started, then the worst of the lag
    light, the late-report light (yellow) and the missed-milestone light (red).
    """
    if closed:
        return DONE
    if on > due:
        return OVERDUE
    if on < start:
        return NOT_STARTED
    signals = [lag_light(expected, actual, thresholds)]
    if report_late:
        signals.append(YELLOW)
    if milestone_missed:
        signals.append(RED)
    return worst(signals)


def milestone_missed(milestones: Iterable[tuple[date, date | None]], on: date) -> bool:
    """True when some milestone's date (due, met_on) has passed and it is not met as of `on`.

    A milestone met late stops lighting red once it is met; as of an earlier date it still does.
    """
    return any(due < on and (met is None or met > on) for due, met in milestones)


# ---------------------------------------------------------------------------------------------
# Rollup


def rollup(children: Sequence[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Weighted mean of (weight, progress) pairs; equal weights when all are zero; None when empty.

    Weights are never negative (a negative weight would put a parent outside its children's range).
    """
    if not children:
        return None
    if any(w < 0 for w, _ in children):
        raise ValueError("weights must not be negative")
    total_weight = sum((w for w, _ in children), ZERO)
    if total_weight == 0:
        return q2(sum((p for _, p in children), ZERO) / Decimal(len(children)))
    return q2(sum((w * p for w, p in children), ZERO) / total_weight)


def light_counts(lights: Iterable[str]) -> dict[str, int]:
    counts = {key: 0 for key in SEVERITY}
    for value in lights:
        counts[value] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Backward scheduling (倒排工期) and slack


@dataclass(frozen=True)
class PlannedMilestone:
    due: date
    met_on: date | None = None
    duration_days: int | None = None
    weight: Decimal | None = None


def latest_dates(start: date, due: date, milestones: Sequence[PlannedMilestone]) -> list[date]:
    """Latest date each milestone (in order) may be met so the task still ends by `due`.

    A milestone's duration is the work leading up to it, so the last milestone is due with the
    task and, walking back, each one must leave room for the work of the ones after it: their
    durations in days where given; the span left over is shared among the milestones without a
    duration by weight (equal shares when no weight is given).
    """
    n = len(milestones)
    if n == 0:
        return []
    span = Decimal(max((due - start).days, 0))
    given = [Decimal(max(m.duration_days, 0)) if m.duration_days is not None else None for m in milestones]
    open_ = [i for i, d in enumerate(given) if d is None]
    durations = [d if d is not None else ZERO for d in given]
    if open_:
        left = max(span - sum(durations, ZERO), ZERO)
        weights = {i: (w if (w := milestones[i].weight) is not None and w > 0 else Decimal(1)) for i in open_}
        total = sum(weights.values(), ZERO)
        for i in open_:
            durations[i] = left * weights[i] / total
    # Round the cumulative work after each milestone (not each step) so errors do not add up.
    result: list[date] = [due] * n
    after = ZERO
    for i in range(n - 1, -1, -1):
        result[i] = due - timedelta(days=int(after.to_integral_value(rounding=ROUND_HALF_UP)))
        after += durations[i]
    return result


def slack_days(
    *,
    on: date,
    start: date,
    due: date,
    expected: Decimal,
    actual: Decimal,
    milestones: Sequence[PlannedMilestone] = (),
) -> int:
    """Days of slack: positive is ahead of schedule, negative behind.

    Without milestones: (actual − expected) of the span, in days. With milestones: the least
    float among unmet ones, where a milestone's float is its latest date minus the later of its
    planned date and today (CPM's total float).
    """
    unmet = [
        (m, latest)
        for m, latest in zip(milestones, latest_dates(start, due, milestones), strict=True)
        if m.met_on is None
    ]
    if unmet:
        return min((latest - max(m.due, on)).days for m, latest in unmet)
    span = Decimal((due - start).days)
    return int((((actual - expected) / HUNDRED) * span).to_integral_value(rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------------------------------------
# Reporting periods and due dates


def period_end(cadence: str, day: date) -> date:
    """The last day of the reporting period that contains `day` (week ends on Sunday)."""
    if cadence == "weekly":
        return day + timedelta(days=6 - day.weekday())
    if cadence == "monthly":
        return month_end(day)
    if cadence == "quarterly":
        last_month = ((day.month - 1) // 3 + 1) * 3
        return month_end(date(day.year, last_month, 1))
    raise ValueError(f"unknown cadence {cadence!r}")


def previous_period_end(cadence: str, day: date) -> date:
    """The end of the period before the one containing `day`."""
    if cadence == "weekly":
        return period_end(cadence, day) - timedelta(days=7)
    first = date(day.year, day.month, 1)
    if cadence == "monthly":
        return first - timedelta(days=1)
    if cadence != "quarterly":
        raise ValueError(f"unknown cadence {cadence!r}")
    quarter_first = date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)
    return quarter_first - timedelta(days=1)


def periods_between(cadence: str, start: date, end: date) -> list[date]:
    """Ends of all periods overlapping [start, end] (none when end is before start)."""
    return list(_periods(cadence, start, end))


@functools.lru_cache(maxsize=4096)
def _periods(cadence: str, start: date, end: date) -> tuple[date, ...]:
    # Cached: the tasks of a plan share a handful of (cadence, start, end) triples, and the daily
    # tick asks for them once per task.
    out: list[date] = []
    if end < start:
        return ()
    cur = period_end(cadence, start)
    while True:
        out.append(cur)
        if cur >= end:
            return tuple(out)
        cur = period_end(cadence, cur + timedelta(days=1))


def reports_from(start: date, assigned_on: date | None) -> date:
    """The first day a task's reports are counted from: its start, or the day it was assigned in
    Luoshi when that is later, so a task is never late for periods before it existed (DESIGN)."""
    return max(start, assigned_on) if assigned_on is not None else start


def report_due(period: date, *, grace_days: int, cascade_days: int = 0, levels_below_top: int = 0) -> date:
    """When the report for the period ending `period` is due.

    The period end plus the grace period; a child task's report is due `cascade_days` earlier
    per level below the top, so its parent's owner can summarise, but never before the period ends.
    """
    due = period + timedelta(days=grace_days - cascade_days * levels_below_top)
    return max(due, period)


def _due_offset(*, grace_days: int, cascade_days: int, levels_below_top: int) -> timedelta:
    """`report_due(p) - p`, the same for every period of a task."""
    return timedelta(days=max(grace_days - cascade_days * levels_below_top, 0))


def late_periods(
    *,
    cadence: str,
    start: date,
    due: date,
    reported_periods: Iterable[date],
    on: date,
    grace_days: int,
    cascade_days: int = 0,
    levels_below_top: int = 0,
    since: date | None = None,
) -> list[date]:
    """Period ends whose report due date has passed by `on` with no report for that period; with
    `since`, only those whose due date had not yet passed by `since` (the periods that fell late
    after a run on `since`)."""
    have = set(reported_periods)
    periods = _periods(cadence, start, min(period_end(cadence, due), on))
    offset = _due_offset(grace_days=grace_days, cascade_days=cascade_days, levels_below_top=levels_below_top)
    # report_due(p) < on  ⇔  p < on − offset; periods are sorted, so cut once (twice with `since`).
    cut = bisect.bisect_left(periods, on - offset)
    first = 0 if since is None else bisect.bisect_left(periods, since - offset)
    return [p for p in periods[first:cut] if p not in have]


def is_report_late_now(
    *,
    cadence: str,
    start: date,
    due: date,
    reported_periods: Iterable[date],
    on: date,
    grace_days: int,
    cascade_days: int = 0,
    levels_below_top: int = 0,
) -> bool:
    """True when the most recent period whose deadline has passed has no report.

    Constant time: that period is the last period end before `on − offset` (and not after the
    period holding `due`), found without listing the task's periods.
    """
    offset = _due_offset(grace_days=grace_days, cascade_days=cascade_days, levels_below_top=levels_below_top)
    bound = min(period_end(cadence, due), on - offset - timedelta(days=1))
    if bound < start:
        return False
    latest = bound if period_end(cadence, bound) == bound else previous_period_end(cadence, bound)
    if latest < period_end(cadence, start):
        return False
    # Any report filed for that period or a later one counts as keeping up.
    return not any(r >= latest for r in reported_periods)


# Why a period is late (迟报的原因): the unit did not file in time (迟报，填报), or it filed in time
# and the report became known to the office only after the deadline (迟审，审核: the head approved late).
CAUSE_FILING = "filing"
CAUSE_APPROVAL = "approval"


def filed_in_time(*, filed_on: date, made_on: date, due_on: date, grace_days: int) -> bool:
    """Whether a report counts as filed by its deadline `due_on`.

    Entered in Luoshi by the deadline (`filed_on`), or a paper report made by the deadline
    (`made_on`, 填报日期) and entered within `grace_days` after it: an office back-filling last
    week's paper reports does not turn the unit's timely filing into a late one, but a paper date
    entered weeks later is not taken on trust.
    """
    if filed_on <= due_on:
        return True
    return made_on <= due_on and filed_on <= due_on + timedelta(days=grace_days)


def late_cause(*, filings: Iterable[tuple[date, date, date | None]], due_on: date, grace_days: int) -> str:
    """Why a period whose report was not known to the office by `due_on` is late.

    `filings` are the period's reports as (filed_on, made_on, returned_on). CAUSE_APPROVAL when one
    of them was filed in time (`filed_in_time`) and not returned by the deadline (a report the head
    sent back before the deadline was not a filing; one sent back after it was, and the delay is the
    review's); CAUSE_FILING otherwise. Depends on dates only, never on the day it is asked.
    """
    for filed_on, made_on, returned_on in filings:
        if returned_on is not None and returned_on <= due_on:
            continue
        if filed_in_time(filed_on=filed_on, made_on=made_on, due_on=due_on, grace_days=grace_days):
            return CAUSE_APPROVAL
    return CAUSE_FILING


def made_on_window(cadence: str, period: date, *, grace_days: int) -> tuple[date, date]:
    """The days a paper report (纸质填报) for the period ending `period` may have been made on: from
    the period's first calendar day to its end plus the grace days (its deadline at the top level)."""
    return previous_period_end(cadence, period) + timedelta(days=1), period + timedelta(days=grace_days)


# ---------------------------------------------------------------------------------------------
# Report periods and plausibility (合理性提示)

# Why a period cannot be a report's period (the codes `report_period` returns).
PERIOD_NOT_AN_END = "not_period_end"
PERIOD_BEFORE_START = "before_start"
PERIOD_AFTER_DUE = "after_due"
PERIOD_IN_FUTURE = "future"


def report_period(
    *, cadence: str, start: date, due: date, on: date, period: date | None = None
) -> tuple[date, str]:
    """(the period a report filed on `on` belongs to, "" or why that period is refused).

    A task's periods are the calendar periods (weeks ending Sunday, months, quarters) from the one
    holding `start` to the one holding `due`; the last is cut at `due`, so `due` itself names it
    too (and is stored as that period's end, the one lateness checks). A period may be reported
    once it has begun (its calendar start is on or before `on`), never ahead. Without `period`, the
    report belongs to the period holding `on`, or to the task's last one once `due` has passed.
    """
    first, last = period_end(cadence, start), period_end(cadence, due)
    if period is None:
        period = min(period_end(cadence, on), last)
    elif period == due:
        period = last
    if period_end(cadence, period) != period:
        return period, PERIOD_NOT_AN_END
    if period < first:
        return period, PERIOD_BEFORE_START
    if period > last:
        return period, PERIOD_AFTER_DUE
    if period > period_end(cadence, on):
        return period, PERIOD_IN_FUTURE
    return period, ""


# Plausibility warnings (the codes `implausible_change` returns).
WARN_DROP = "drop"
WARN_JUMP = "jump"
WARN_BEYOND_TARGET = "beyond_target"
# A figure that grows (or shrinks) tenfold or more in one report is usually a slipped digit or a
# wrong unit (万 for 个); a measure at more than 150% of its target, usually a typo too.
JUMP_FACTOR = Decimal(10)
BEYOND_TARGET = Decimal(150)


def negative_total(
    *, value: Decimal, direction: str, baseline: Decimal | None, target: Decimal | None
) -> bool:
    """Whether a measure's reported value is a running total below zero, which cannot be (an error,
    not a warning: 累计完成值不能为负).

    A higher-is-better measure is reported cumulatively (累计), so it counts up from zero: -5 亿元 of
    fixed-asset investment is a slipped sign. A lower-is-better measure is a level, and a measure
    whose baseline or target is itself below zero (a balance, a rate of change) may go negative too.
    """
    if value >= ZERO or direction != "higher":
        return False
    return not any(bound is not None and bound < ZERO for bound in (baseline, target))


def implausible_change(
    *,
    previous: Decimal | None,
    current: Decimal,
    is_measure: bool,
    direction: str = "higher",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
) -> list[str]:
    """Warnings for a reported figure that is probably a mistake, in a fixed order; [] if plausible.

    `current` and `previous` are a measure's cumulative value or a task's percent. Reported figures
    are cumulative, so a percent or a higher-is-better measure never goes down (drop); a lower-is-
    better measure is a level that may move both ways. A measure figure ten times (or a tenth of)
    the previous non-zero one is a jump; a measure beyond 150% of its target, beyond target.
    Warnings are only warnings: the filer may confirm and file anyway.
    """
    out: list[str] = []
    if previous is not None:
        if (not is_measure or direction == "higher") and current < previous:
            out.append(WARN_DROP)
        if is_measure and previous > 0 and current > 0:
            high, low = max(previous, current), min(previous, current)
            if high >= low * JUMP_FACTOR:
                out.append(WARN_JUMP)
    if is_measure and baseline is not None and target is not None:
        needed = (target - baseline) if direction == "higher" else (baseline - target)
        gained = (current - baseline) if direction == "higher" else (baseline - current)
        if needed > 0 and gained * HUNDRED > needed * BEYOND_TARGET:
            out.append(WARN_BEYOND_TARGET)
    return out
