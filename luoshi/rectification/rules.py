"""Rectification's rules (整改销号规则), pure functions over plain values.

Sign-off chain (销号审批链): a unit that has finished its measures applies with evidence; the head
of the responsible unit (单位负责人), then the lead leader (牵头领导; skipped when the problem names
none), then the inspection office (巡察办) approve in that order. A step is refused when it is not
the next one, when the person acting applied for the sign-off themself, or when the application
carries no evidence. Any step may return it; the problem is then open again.

State (整改状态) for the summary figures: done (已完成) once the office signed it off; otherwise
not done (未完成) when its deadline has passed; otherwise in progress (整改中). The completion rate
(整改完成率) is done over total in percent, two decimals, 0 for an empty round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Step(StrEnum):
    UNIT_HEAD = "unit_head"
    LEADER = "leader"
    OFFICE = "office"


class Stage(StrEnum):
    """Where a problem is in its sign-off: open (measures running or returned), waiting for one
    step, or done."""

    OPEN = "open"
    UNIT_HEAD = "unit_head"
    LEADER = "leader"
    OFFICE = "office"
    DONE = "done"


class State(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_DONE = "not_done"


class Refusal(StrEnum):
    NOT_OPEN = "not_open"  # applied while an application is pending or after sign-off
    NO_EVIDENCE = "no_evidence"
    MEASURES_OPEN = "measures_open"
    NOT_PENDING = "not_pending"  # nothing to approve
    OUT_OF_ORDER = "out_of_order"
    SAME_PERSON = "same_person"
    NOT_ALLOWED = "not_allowed"  # the actor does not hold the step's duty


def chain(*, has_leader: bool) -> tuple[Step, ...]:
    """The steps a problem's sign-off goes through, in order."""
    if has_leader:
        return (Step.UNIT_HEAD, Step.LEADER, Step.OFFICE)
    return (Step.UNIT_HEAD, Step.OFFICE)


def next_step(*, has_leader: bool, approved: Sequence[str]) -> Step | None:
    """The step whose turn it is after the steps `approved` so far (in order); None when all are."""
    steps = chain(has_leader=has_leader)
    return steps[len(approved)] if len(approved) < len(steps) else None


def stage_for(*, has_leader: bool, approved: Sequence[str], pending: bool) -> Stage:
    """The problem's stage: open without a pending application, else the next step, or done."""
    if not pending:
        return Stage.OPEN
    step = next_step(has_leader=has_leader, approved=approved)
    return Stage.DONE if step is None else Stage(step.value)


def submit_refusal(*, stage: str, evidence: int, open_measures: int) -> Refusal | None:
    """Why an application to sign off may not be filed, or None: the problem must be open, every
    measure closed or cancelled, and at least one evidence file attached."""
    if stage != Stage.OPEN:
        return Refusal.NOT_OPEN
    if open_measures > 0:
        return Refusal.MEASURES_OPEN
    if evidence <= 0:
        return Refusal.NO_EVIDENCE
    return None


def approval_refusal(
    *,
    has_leader: bool,
    approved: Sequence[str],
    step: str,
    pending: bool,
    evidence: int,
    submitter_id: int,
    actor_id: int,
    holds_duty: bool,
) -> Refusal | None:
    """Why `actor_id` may not decide `step` of a sign-off (approve or return it), or None."""
    if not pending:
        return Refusal.NOT_PENDING
    if step != next_step(has_leader=has_leader, approved=approved):
        return Refusal.OUT_OF_ORDER
    if not holds_duty:
        return Refusal.NOT_ALLOWED
    if actor_id == submitter_id:
        return Refusal.SAME_PERSON
    if evidence <= 0:
        return Refusal.NO_EVIDENCE
    return None


def problem_state(*, stage: str, deadline: date, today: date) -> State:
    """Done once signed off; else not done past the deadline, in progress before it."""
    if stage == Stage.DONE:
        return State.DONE
    if today > deadline:
        return State.NOT_DONE
    return State.IN_PROGRESS


def rate(done: int, total: int) -> Decimal:
    """Completion rate in percent, two decimals (half up); 0 when there is nothing to do."""
    if total <= 0:
        return Decimal("0.00")
    return (Decimal(100) * done / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Summary:
    """The summary figures of a round or a unit (整改情况统计)."""

    total: int = 0
    done: int = 0
    in_progress: int = 0
    not_done: int = 0
    money_involved: Decimal = Decimal("0")
    money_recovered: Decimal = Decimal("0")

    @property
    def rate(self) -> Decimal:
        return rate(self.done, self.total)


@dataclass(frozen=True)
class Row:
    stage: str
    deadline: date
    money_involved: Decimal = Decimal("0")
    money_recovered: Decimal = Decimal("0")


def summarise(rows: Iterable[Row], *, today: date) -> Summary:
    """The figures of a set of problems: each counted once, by its state on `today`."""
    counts = {State.DONE: 0, State.IN_PROGRESS: 0, State.NOT_DONE: 0}
    involved = recovered = Decimal("0")
    for row in rows:
        counts[problem_state(stage=row.stage, deadline=row.deadline, today=today)] += 1
        involved += row.money_involved
        recovered += row.money_recovered
    return Summary(
        total=sum(counts.values()),
        done=counts[State.DONE],
        in_progress=counts[State.IN_PROGRESS],
        not_done=counts[State.NOT_DONE],
        money_involved=involved,
        money_recovered=recovered,
    )
