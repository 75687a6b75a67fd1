"""Request and response shapes of the API, with explicit fields; percentages go out as numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from luoshi.lib.limits import MAX_DATE, MAX_ID, MAX_TEXT, MIN_DATE
from luoshi.work.models import Cadence, Direction, Source

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
# A date the rules can compute with (periods, grace days and weeks overflow near years 1 and 9999).
Day = Annotated[
    date,
    Field(
        ge=MIN_DATE,
        le=MAX_DATE,
        description=f"YYYY-MM-DD, {MIN_DATE} … {MAX_DATE}",
        json_schema_extra={"formatMinimum": MIN_DATE.isoformat(), "formatMaximum": MAX_DATE.isoformat()},
    ),
]
# A value of the monthly plan (月度计划).
PlanValue = Annotated[Decimal, Field(max_digits=18, decimal_places=4)]
# A record id (bigint).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Free text of a report or a task.
Text = Annotated[str, Field(max_length=MAX_TEXT)]


class Message(Schema):
    detail: str


class FilterErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class InputError(Schema):
    """One refused input: where it is (e.g. ["query", "offset"]) and why."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    """422: the request does not match the schema (each refused input is listed)."""

    detail: str
    errors: list[InputError]


# ----------------------------------------------------------------------------------------------
# Organisation


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    aliases: str
    category: str
    parent_id: int | None
    depth: int
    path: str
    sort: int
    pinyin: str
    initials: str
    is_active: bool


class UnitRef(Schema):
    id: int
    name: str
    short_name: str


class PersonRef(Schema):
    id: int
    name: str


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


# ----------------------------------------------------------------------------------------------
# Plans


class PlanOut(Schema):
    id: int
    name: str
    year: int
    start: date
    due: date
    owner_unit_id: int | None
    green_max: float
    yellow_max: float
    progress_cap: float
    cadence: str
    grace_days: int
    cascade_days: int
    head_approval: bool
    late_approval_counts: bool = Field(
        description="whether a report filed in time but approved after the deadline counts as late (迟报)"
    )
    is_active: bool


class PlanPage(Schema):
    count: int
    items: list[PlanOut]


class LightOut(Schema):
    id: int
    parent_id: int | None
    depth: int
    title: str
    lead_unit_id: int
    start: date
    due: date
    status: str
    weight: float
    expected: float
    actual: float
    light: str
    slack_days: int | None
    report_late: bool
    last_report_on: date | None

    @staticmethod
    def resolve_slack_days(obj: Any) -> int | None:
        return obj.slack  # type: ignore[no-any-return]


class PlanLights(Schema):
    plan_id: int
    date: date
    counts: dict[str, int]
    items: list[LightOut]


class UnitRollup(Schema):
    unit_id: int
    unit_name: str
    total: int
    counts: dict[str, int]
    weight: float
    actual: float | None
    expected: float | None


class DepthRollup(Schema):
    depth: int
    total: int
    counts: dict[str, int]


class PlanRollup(Schema):
    plan_id: int
    counted: str = Field(
        "leaf",
        description="what `total`, `counts` and `units` count (统计口径): `leaf` = work items (末级任务), "
        "tasks that are neither draft nor cancelled and have no such child, as the dashboard and the "
        "bulletin count them; `depths` counts every such task at each depth of the tree",
    )
    total: int
    counts: dict[str, int]
    units: list[UnitRollup]
    depths: list[DepthRollup]


class UnitPeriod(Schema):
    unit_id: int
    unit_name: str
    tasks: int = Field(description="open tasks the unit leads that report this period")
    reported: int = Field(description="of those, with a submitted report for the period")
    late: int = Field(
        description="of those, recorded late for the period (迟报) as the plan counts it: filed_late, plus "
        "approved_late where the plan's late_approval_counts is on"
    )
    filed_late: int = Field(
        0, description="late because the unit did not file by the deadline (迟报（填报）)"
    )
    approved_late: int = Field(
        0, description="filed by the deadline but approved after it (迟审（审核）), counted or not"
    )
    mean_percent: float | None = Field(None, description="mean reported percent for the period")


class PeriodRollup(Schema):
    plan_id: int
    period_end: date
    tasks: int
    reported: int
    late: int
    filed_late: int = 0
    approved_late: int = 0
    units: list[UnitPeriod]


class UnitTimeliness(Schema):
    unit_id: int
    unit_name: str
    periods: int = Field(description="reports owed (task × period) with a deadline in the window")
    filed_late: int = Field(description="not filed by the deadline (迟报（填报）)")
    approved_late: int = Field(description="filed by the deadline, approved after it (迟审（审核）)")
    counted_late: int = Field(
        description="counted as late (迟报): filed_late, plus approved_late where the plan's "
        "late_approval_counts is on"
    )


class PlanTimeliness(Schema):
    plan_id: int
    start: date
    end: date
    late_approval_counts: bool
    units: list[UnitTimeliness]


# ----------------------------------------------------------------------------------------------
# Tasks


class TaskOut(Schema):
    id: int
    plan_id: int
    parent_id: int | None
    depth: int
    code: str
    title: str
    source: str
    lead_unit: UnitRef
    responsible_leader: PersonRef | None
    responsible_person: PersonRef | None
    start: date
    due: date
    deadline_text: str
    weight: float
    cadence: str
    is_public: bool
    status: str
    light: str
    light_on: date | None
    actual_pct: float
    expected_pct: float
    slack_days: int | None
    report_late: bool
    last_report_on: date | None
    version: int


class TaskPage(Schema):
    count: int = Field(..., description="matching tasks; past 1,000 the planner's estimate (count_estimated)")
    count_estimated: bool = Field(
        False, description="true: `count` is an estimate (约), not counted row by row"
    )
    items: list[TaskOut]


class MilestoneOut(Schema):
    id: int
    title: str
    due: date
    duration_days: int | None
    met_on: date | None


class TaskDetail(TaskOut):
    description: str
    source_ref: str
    metric_name: str
    metric_unit: str
    baseline: float | None
    target: float | None
    direction: str
    monthly_plan: dict[str, Any]
    claimed_by_id: int | None
    co_units: list[UnitRef]
    milestones: list[MilestoneOut]
    children_lights: dict[str, int]
    created: datetime
    updated: datetime


class MilestoneIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    due: Day


class TaskCreateIn(Schema):
    plan: Id
    title: str = Field(..., min_length=1, max_length=500)
    lead_unit: Id
    start: Day
    due: Day
    assigned_on: Day | None = Field(
        None,
        description="the day the task was assigned (下达日期), default today: reports are late only for "
        "periods after it, never for periods before the task existed",
    )
    parent: Id | None = None
    co_units: list[Id] = Field([], max_length=1000)
    responsible_leader: Id | None = None
    responsible_person: Id | None = None
    milestones: list[MilestoneIn] = Field([], max_length=200)
    code: str = Field("", max_length=60)
    description: Text = ""
    source: Source = Source.TARGET
    source_ref: str = Field("", max_length=80)
    deadline_text: str = Field("", max_length=80)
    weight: Decimal = Field(Decimal(1), ge=0, max_digits=7, decimal_places=3)
    cadence: Cadence | Literal[""] = ""
    is_public: bool = False
    metric_name: str = Field("", max_length=120)
    metric_unit: str = Field("", max_length=30)
    baseline: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    target: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    direction: Direction = Direction.HIGHER
    monthly_plan: dict[Month, PlanValue] = Field({}, max_length=1200)


class TaskPatchIn(Schema):
    """Only the fields sent are changed; `version` is the one the client last saw."""

    version: int = Field(..., ge=0, le=MAX_ID)
    title: str | None = Field(None, min_length=1, max_length=500)
    description: Text | None = None
    source: Source | None = None
    source_ref: str | None = Field(None, max_length=80)
    lead_unit: Id | None = None
    co_units: list[Id] | None = Field(None, max_length=1000)
    responsible_leader: Id | None = None
    responsible_person: Id | None = None
    parent: Id | None = None
    start: Day | None = None
    due: Day | None = None
    deadline_text: str | None = Field(None, max_length=80)
    weight: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=3)
    cadence: Cadence | Literal[""] | None = None
    is_public: bool | None = None
    metric_name: str | None = Field(None, max_length=120)
    metric_unit: str | None = Field(None, max_length=30)
    baseline: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    target: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    direction: Direction | None = None
    monthly_plan: dict[Month, PlanValue] | None = Field(None, max_length=1200)
    code: str | None = Field(None, max_length=60)


# ----------------------------------------------------------------------------------------------
# Reports


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    content_type: str


class ReportOut(Schema):
    id: int
    task_id: int
    unit_id: int
    author_id: int
    period_end: date
    reported_on: date = Field(
        description="填报日期: the day the report was made (a back-filled paper report's own day)"
    )
    filed_on: date = Field(description="录入日期: the day it was entered in Luoshi")
    known_on: date | None = Field(
        description="生效日期: the day the office came to know it (approved, or entered where no approval "
        "is needed); lights as of a date count it from this day. Null while pending or returned."
    )
    returned_on: date | None
    percent: float | None
    value: float | None
    narrative: str
    problems: str
    next_steps: str
    no_change: bool
    corrects_id: int | None
    state: str
    previous_figure: float | None
    warnings: list[str]
    warnings_acknowledged: bool
    approved_at: datetime | None
    created: datetime
    evidence: list[EvidenceOut]


class ReportPage(Schema):
    count: int
    items: list[ReportOut]


class ReportRefused(Schema):
    """A refused report: `field` names the input at fault; `warnings` (合理性提示) and `previous` come
    with a figure that looks like a mistake, which `acknowledge_warnings: true` files anyway."""

    detail: str
    field: str | None = None
    warnings: list[str] | None = None
    previous: float | None = None


class ReportIn(Schema):
    percent: Decimal | None = Field(None, max_digits=6, decimal_places=2)
    value: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    narrative: Text = ""
    problems: Text = ""
    next_steps: Text = ""
    no_change: bool = False
    period_end: Day | None = None
    corrects: Id | None = None
    acknowledge_warnings: bool = False
    reported_on: Day | None = Field(
        None,
        description="the day a paper report was made (纸质填报日期), when back-filling it: within the period "
        "(from its first day to its end plus the plan's grace days) and not after today; default today. "
        "Without period_end, the report belongs to the period holding this day. The day it is entered "
        "is recorded beside it (filed_on).",
    )


# ----------------------------------------------------------------------------------------------
# Tokens


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created: datetime
    revoked: datetime | None


class TokenCreated(TokenOut):
    token: str


# ----------------------------------------------------------------------------------------------
# Completion claims and milestone claims


class ClaimOut(Schema):
    id: int
    task_id: int
    milestone_id: int | None
    kind: str = Field(description="completion（完成申请）或 milestone（节点完成）")
    state: str = Field(description="pending（待单位审核）, submitted（待督查室确认）, confirmed, rejected")
    unit_id: int
    author_id: int
    note: str
    met_on: date | None
    value: float | None
    head_id: int | None
    reviewer_id: int | None
    review_note: str
    created: datetime
    evidence: list[EvidenceOut]


class ClaimDecisionIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str
