"""Key-project rules as pure functions over plain values (no database).

Stage order (七个一批 pipeline), investment completion against the time-proportional expectation
(均衡进度, `work.rules.expected_by_time`), the project's light (the task engine's `work.rules.light`:
same thresholds, same precedence) and the days a project has been stuck in its stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from luoshi.work import rules as work_rules
from luoshi.work.rules import DEFAULT_THRESHOLDS, HUNDRED, ZERO, Thresholds, q2

# The pipeline in order; the same strings as projects.models.Stage.
STAGES: tuple[str, ...] = (
    "packaged",
    "inviting",
    "signed",
    "landed",
    "started",
    "building",
    "producing",
    "reached",
)
FINAL_STAGE = STAGES[-1]

# A project that has been in the same stage this many days is stuck (卡在某一阶段).
DEFAULT_STUCK_DAYS = 90


def stage_index(stage: str) -> int:
    """The stage's place in the pipeline (0 for 包装); ValueError for an unknown stage."""
    try:
        return STAGES.index(stage)
    except ValueError:
        raise ValueError(f"unknown stage {stage!r}") from None


def stage_order_violation(met: Sequence[date | None]) -> int | None:
    """The index of the first stage met before an earlier stage of the pipeline, or None.

    `met` holds the met date of each stage in pipeline order (None: not met). Stages may be skipped
    (a project often enters the list already under construction), but dates never go backwards:
    a stage met on a day before a previous stage was met is refused.
    """
    latest: date | None = None
    for index, day in enumerate(met):
        if day is None:
            continue
        if latest is not None and day < latest:
            return index
        latest = day
    return None


def current_stage(met: Sequence[date | None], on: date | None = None) -> int | None:
    """The index of the furthest stage met (as of `on` when given), None when no stage is met."""
    found: int | None = None
    for index, day in enumerate(met):
        if day is not None and (on is None or day <= on):
            found = index
    return found


def stage_missed(stages: Sequence[tuple[date | None, date | None]], on: date) -> bool:
    """True when some stage's planned date (planned, met) passed without it being met as of `on`;
    the task engine's missed-milestone rule applied to the stages that have a planned date."""
    return work_rules.milestone_missed(((p, m) for p, m in stages if p is not None), on)


# ---------------------------------------------------------------------------------------------
# Investment (投资)


def investment_expected(year: int, on: date) -> Decimal:
    """The share of the annual plan expected by `on`, in percent: time-proportional over the year."""
    return work_rules.expected_by_time(date(year, 1, 1), date(year, 12, 31), on)


def completion_rate(completed: Decimal, annual_plan: Decimal) -> Decimal | None:
    """Completed over planned investment, in percent (not capped); None without a plan."""
    if completed < 0 or annual_plan < 0:
        raise ValueError("investment cannot be negative")
    if annual_plan == 0:
        return None
    return q2(completed / annual_plan * HUNDRED)


@dataclass(frozen=True)
class Standing:
    """A project's figures for one day: expected and actual share of the year's plan, and its light."""

    expected: Decimal
    rate: Decimal | None
    light: str


def project_light(
    *,
    on: date,
    year: int,
    annual_plan: Decimal,
    completed: Decimal,
    stages: Sequence[tuple[date | None, date | None]],
    finished: bool,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Standing:
    """The light of a key project, with the task engine's `light` and thresholds.

    The year's plan runs from 1 January to 31 December; a day after the year is judged as of its
    last day (a project is listed again next year, it is not "overdue"). Done once the final stage
    (达产达效) is met; red when the investment lags the time-proportional expectation by more than
    the red threshold, or a stage's planned date passed unmet; yellow for a smaller lag. Without an
    annual plan only the stage dates count.
    """
    day = min(on, date(year, 12, 31))
    expected = investment_expected(year, day)
    rate = completion_rate(completed, annual_plan)
    actual = expected if rate is None else min(rate, HUNDRED)
    light = work_rules.light(
        on=day,
        start=date(year, 1, 1),
        due=date(year, 12, 31),
        closed=finished,
        expected=expected if day >= date(year, 1, 1) else ZERO,
        actual=actual,
        thresholds=thresholds,
        milestone_missed=stage_missed(stages, day),
    )
    return Standing(expected=expected, rate=rate, light=light)


def stuck_days(since: date | None, on: date) -> int:
    """Days a project has been in its current stage as of `on` (0 without a date or before it)."""
    if since is None or since > on:
        return 0
    return (on - since).days


def is_stuck(since: date | None, on: date, *, finished: bool, threshold: int = DEFAULT_STUCK_DAYS) -> bool:
    """Stuck: not finished and in the same stage for more than `threshold` days."""
    return not finished and stuck_days(since, on) > threshold
