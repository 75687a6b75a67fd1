from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.models import Person, Unit

from .choices import (
    CARRYING_REF,
    NOT_COUNTED,
    OPEN_CLAIM_STATES,
    PUBLIC_STATUSES,
    Cadence,
    ClaimKind,
    ClaimState,
    Direction,
    LateCause,
    Light,
    ReportState,
    Source,
    Status,
    owes_no_report,
)
from .querysets import (
    CO_TASK_IDS_MAX,
    ClaimQuerySet,
    EvidenceQuerySet,
    LateReportQuerySet,
    LightCountQuerySet,
    LockedPeriodQuerySet,
    MilestoneQuerySet,
    PlanQuerySet,
    ReportQuerySet,
    TaskQuerySet,
)

# Named here as well: the vocabularies were defined in this module before choices.py.
__all__ = [
    "CO_TASK_IDS_MAX",
    "NOT_COUNTED",
    "OPEN_CLAIM_STATES",
    "PUBLIC_STATUSES",
    "Cadence",
    "ClaimKind",
    "ClaimState",
    "Direction",
    "LateCause",
    "Light",
    "ReportState",
    "Source",
    "UNREPORTED",
    "owes_no_report",
    "Status",
]

# The tasks nobody reports on (a key project's carrying task, `choices.CARRYING_REF`), for querysets.
UNREPORTED = Q(source=Source.PROJECT, source_ref__regex=CARRYING_REF)


class Plan(models.Model):
    """A container for one year's or one campaign's work (计划/目标体系), with its own thresholds."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    start = models.DateField(_("开始日期"))
    due = models.DateField(_("截止日期"))
    owner_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头部门")
    )
    region = RegionKey(source=("owner_unit",))  # lib/regions.py
    green_max = models.DecimalField(
        _("绿灯最大滞后(百分点)"), max_digits=5, decimal_places=2, default=Decimal(5)
    )
    yellow_max = models.DecimalField(
        _("黄灯最大滞后(百分点)"), max_digits=5, decimal_places=2, default=Decimal(15)
    )
    progress_cap = models.DecimalField(
        _("完成度上限(%)"), max_digits=6, decimal_places=2, default=Decimal(120)
    )
    cadence = models.CharField(_("填报周期"), max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    grace_days = models.PositiveSmallIntegerField(_("宽限天数"), default=3)
    cascade_days = models.PositiveSmallIntegerField(_("下级提前天数"), default=2)
    head_approval = models.BooleanField(_("需单位负责人审核"), default=True)
    late_approval_counts = models.BooleanField(
        _("审核延迟计为迟报"),
        default=True,
        help_text=_("按时填报、逾期才审核的，是否计入迟报和亮灯（不计时仍记录为迟审）"),
    )
    claim_evidence = models.BooleanField(
        _("完成申请须附佐证材料"),
        default=True,
        help_text=_("完成申请和节点完成须上传佐证材料"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # The last day `mark_late_reports` ran for this plan: the next run looks only at the periods
    # whose reporting deadline fell since (null: never run, so every period so far).
    late_checked_on = models.DateField(null=True, blank=True, editable=False)
    # Bumped after every refresh that changed the plan's stored figures (`task_light_changed`) and
    # every status change: part of the cache key of its roll-up and dashboard.
    figures_version = models.PositiveBigIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    # Set by the views for their templates, never stored.
    light_counts: list[dict[str, Any]]
    task_total: int

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("计划")
        verbose_name_plural = _("计划")
        constraints = [
            models.CheckConstraint(condition=Q(due__gte=models.F("start")), name="plan_due_after_start"),
            models.CheckConstraint(
                condition=Q(yellow_max__gte=models.F("green_max")), name="plan_thresholds_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """The one unit of work (任务/事项). Other modules link their records to tasks via source/source_ref."""

    # No index of its own for plan, lead_unit and responsible_person: each leads an index of `Meta`
    # (plan, light / sort_path / status), (lead_unit, status), (responsible_person, status), which
    # serves the same lookups; every new or relit task's row goes into each index of this table.
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("计划"), db_index=False
    )
    region = RegionKey(source=("plan",))  # lib/regions.py
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级任务"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # The tree in the natural order of the codes (1.2 before 1.10, 二 before 十): the parent's
    # sort path and this task's segment (luoshi.lib.natural); kept by every path that sets a code.
    sort_path = models.CharField(max_length=1000, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    code = models.CharField(
        _("编号"), max_length=60, blank=True, help_text=_("序号或外部编号，导入时用于识别")
    )
    title = models.CharField(_("任务"), max_length=500)
    description = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.TARGET)
    # "<app>.<model>:<pk>" of the record this task serves (a project's problem, a meeting decision…),
    # so other apps link to tasks without changing this model.
    # (not indexed: only read with its task, and with `source` in `UNREPORTED`)
    source_ref = models.CharField(_("来源记录"), max_length=80, blank=True)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_tasks", verbose_name=_("牵头单位"), db_index=False
    )
    co_units: models.ManyToManyField[Unit, TaskUnit] = models.ManyToManyField(
        Unit,
        through="TaskUnit",
        through_fields=("task", "unit"),
        related_name="co_tasks",
        blank=True,
        verbose_name=_("配合单位"),
    )
    responsible_leader = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任领导")
    )
    responsible_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任人"),
        db_index=False,
    )
    start = models.DateField(_("开始日期"))
    due = models.DateField(_("完成时限"))
    deadline_text = models.CharField(_("原文时限"), max_length=80, blank=True)
    # The day the task was assigned in Luoshi (下达日期) when later than its start, e.g. an import in
    # November of a plan running since January: reports are due only from then on.
    assigned_on = models.DateField(_("下达日期"), null=True, blank=True)
    weight = models.DecimalField(
        _("权重"),
        max_digits=7,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    cadence = models.CharField(_("填报周期"), max_length=12, choices=Cadence.choices, blank=True)
    is_public = models.BooleanField(_("公开"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # measure (量化指标), optional
    metric_name = models.CharField(_("指标"), max_length=120, blank=True)
    metric_unit = models.CharField(_("计量单位"), max_length=30, blank=True)
    baseline = models.DecimalField(_("基数"), max_digits=18, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=18, decimal_places=4, null=True, blank=True)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    # {"YYYY-MM": planned cumulative value}
    monthly_plan = models.JSONField(_("月度计划"), default=dict, blank=True)
    # Stored state, refreshed on every report and by the daily tick; the light is computed, never typed.
    actual_pct = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))
    expected_pct = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))
    light = models.CharField(_("亮灯"), max_length=12, choices=Light.choices, default=Light.NOT_STARTED)
    light_on = models.DateField(null=True, blank=True)
    slack_days = models.IntegerField(null=True, blank=True)
    last_report_on = models.DateField(null=True, blank=True)
    report_late = models.BooleanField(default=False)
    # The effective report's figures as known so far (docs/rules.md, "The stored known figures"):
    # percent, value and period of the effective report, the latest filing date among the effective
    # reports, and the latest known_on among the task's reports. Kept by `services.lights.
    # figures_refresh` wherever a report becomes known; `compute_lights(on)` uses them for every task
    # whose `known_through <= on`, so the daily tick reads no report.
    known_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    known_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    known_period = models.DateField(null=True, blank=True)
    known_last_on = models.DateField(null=True, blank=True)
    known_through = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    search_text = models.TextField(blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    # Set by the views for their templates, never stored.
    child_counts: list[dict[str, Any]]
    child_total: int
    slack_behind: int | None
    claim: Claim | None

    class Meta:
        ordering = ["plan_id", "sort_path"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [
            models.CheckConstraint(condition=Q(due__gte=models.F("start")), name="task_due_after_start"),
            models.UniqueConstraint(
                fields=["plan", "code"], condition=~Q(code=""), name="task_code_unique_in_plan"
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "light"]),
            models.Index(fields=["plan", "sort_path"], name="task_plan_sort_path_idx"),
            models.Index(fields=["lead_unit", "status"]),
            models.Index(fields=["responsible_person", "status"]),
            models.Index(fields=["plan", "status", "due"]),
            models.Index(fields=["status"], condition=Q(is_public=True), name="task_public_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_measure(self) -> bool:
        return self.target is not None and self.baseline is not None

    @property
    def effective_cadence(self) -> str:
        return self.cadence or self.plan.cadence

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def closed_short(self) -> bool:
        """Closed below its measure's target (完成（未达标））: the stored progress is what was reported."""
        return self.status == Status.CLOSED and self.actual_pct < Decimal(100)


class TaskUnit(models.Model):
    """A co-unit (配合单位) of a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units")
    region = RegionKey(source=("task",))  # lib/regions.py
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="taskunit_unique")]
        indexes = [models.Index(fields=["unit", "task"])]


class Milestone(models.Model):
    """A dated node (时间节点) of a task; a passed, unmet milestone lights the task red."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    region = RegionKey(source=("task",))  # lib/regions.py
    title = models.CharField(_("节点"), max_length=200)
    due = models.DateField(_("计划日期"))
    duration_days = models.PositiveIntegerField(_("工期(天)"), null=True, blank=True)
    met_on = models.DateField(_("完成日期"), null=True, blank=True)
    sort = models.IntegerField(default=0)

    objects = MilestoneQuerySet.as_manager()

    # Set by the views for their templates, never stored.
    open_claim: Claim | None
    can_claim: bool

    class Meta:
        ordering = ["task_id", "sort", "due"]
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")

    def __str__(self) -> str:
        return self.title


# Plausibility warnings (合理性提示) a filer confirmed, as shown to the filer and the approving head
# (codes from `rules.implausible_change`).
WARNING_TEXT = {
    "drop": _("比上期减少：累计值一般不会下降"),
    "jump": _("与上期相差十倍以上"),
    "beyond_target": _("超过目标值的150%"),
}


class Report(models.Model):
    """A dated progress entry (进度填报). Never edited in place: corrections are new entries."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    region = RegionKey(source=("task",))  # lib/regions.py
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    period_end = models.DateField(_("所属期"))
    # Three dates (docs/rules.md, "As known at the time"): the day the report was made (a paper report
    # back-filled later keeps its own date), the day it was entered in Luoshi, and the day it became
    # known to the office — approved by the unit head, or entered where no approval is needed. Lights,
    # roll-ups and bulletins "as of D" count a report from its known_on, so they never change after D.
    reported_on = models.DateField(_("填报日期"))
    filed_on = models.DateField(_("录入日期"))
    known_on = models.DateField(_("生效日期"), null=True, blank=True)
    returned_on = models.DateField(_("退回日期"), null=True, blank=True)
    percent = models.DecimalField(
        _("完成进度(%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    value = models.DecimalField(_("累计完成值"), max_digits=18, decimal_places=4, null=True, blank=True)
    narrative = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    no_change = models.BooleanField(_("与上期无变化"), default=False)
    # A report has at most one live (pending or submitted) correction; a returned one is void, so
    # the report may be corrected again (the constraint below).
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    state = models.CharField(max_length=12, choices=ReportState.choices, default=ReportState.SUBMITTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    # The figure of the report it followed when filed (value for a measure, else percent), and the
    # plausibility warnings the filer saw and confirmed (确认无误) before filing anyway.
    previous_figure = models.DecimalField(_("上期值"), max_digits=18, decimal_places=4, null=True, blank=True)
    warnings = models.JSONField(_("合理性提示"), default=list, blank=True)
    warnings_acknowledged = models.BooleanField(_("填报人已确认提示"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    # Set by the views for their templates, never stored.
    corrected_by_entry: Report | None

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("进度填报")
        verbose_name_plural = _("进度填报")
        indexes = [
            models.Index(fields=["task", "-reported_on"]),
            models.Index(fields=["task", "known_on"]),
            models.Index(fields=["known_on"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["period_end"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["corrects"],
                condition=~Q(state=ReportState.RETURNED),
                name="report_one_live_correction",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id}@{self.reported_on}"

    @property
    def figure(self) -> Decimal | None:
        """The reported figure compared between reports: a measure's value, else the percent."""
        return self.value if self.value is not None else self.percent

    @property
    def change(self) -> Decimal | None:
        if self.previous_figure is None or self.figure is None:
            return None
        return self.figure - self.previous_figure

    @property
    def warning_texts(self) -> list[str]:
        return [str(WARNING_TEXT.get(code, code)) for code in self.warnings or []]


def evidence_path(instance: Evidence, filename: str) -> str:
    owner = instance.report if instance.report_id else instance.claim
    assert owner is not None
    return f"evidence/{owner.task_id}/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Claim(models.Model):
    """A unit's claim (申请) that a task is complete or a milestone met, with its evidence and, for a
    measure, the final value; the unit head approves it where the plan asks, the office confirms it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="claims")
    region = RegionKey(source=("task",))  # lib/regions.py
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    kind = models.CharField(max_length=12, choices=ClaimKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=ClaimState.choices)
    note = models.TextField(_("说明"), blank=True)
    met_on = models.DateField(_("完成日期"), null=True, blank=True)
    value = models.DecimalField(_("最终完成值"), max_digits=18, decimal_places=4, null=True, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("完成申请")
        verbose_name_plural = _("完成申请")
        indexes = [models.Index(fields=["state", "kind"]), models.Index(fields=["task", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="completion", milestone__isnull=True)
                | Q(kind="milestone", milestone__isnull=False, met_on__isnull=False),
                name="claim_kind_fits",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.task_id}"


class Evidence(models.Model):
    """An evidence file (佐证材料) attached to a report or to a claim."""

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    region = RegionKey(source=("report", "claim"))  # lib/regions.py
    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False) | Q(claim__isnull=False), name="evidence_has_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Transition(models.Model):
    """A recorded status change of a task, with actor, time and reason."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="transitions")
    region = RegionKey(source=("task",))  # lib/regions.py
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class LateReport(models.Model):
    """A reporting period whose report was not known to the office by its deadline (迟报); one row per
    task and period, with why (`cause`): the unit filed late, or filed in time and was approved late.
    Whether the second counts is the plan's `late_approval_counts`."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="late_reports")
    region = RegionKey(source=("task",))  # lib/regions.py
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    period_end = models.DateField()
    due_on = models.DateField()
    detected_on = models.DateField()
    cause = models.CharField(max_length=10, choices=LateCause.choices, default=LateCause.FILING)

    objects = LateReportQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "period_end"], name="late_report_once")]
        indexes = [models.Index(fields=["unit", "period_end"])]


class StaleTask(models.Model):
    """A task whose known figures and stored lights wait for the refresher (LUOSHI_LIGHTS_IN_BACKGROUND):
    queued in the transaction of the report that made them stale, and deleted by the refresher in the
    transaction that stores them (`services.lights.refresh_stale`), so none is lost if a process stops."""

    id = models.BigAutoField(primary_key=True)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("task",))  # lib/regions.py
    on = models.DateField()  # the day the lights are stored as of


class Follow(models.Model):
    """A user following a task, told when its light or status changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="followers")
    region = RegionKey(source=("task",))  # lib/regions.py

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "task"], name="follow_unique")]


class LockedPeriod(models.Model):
    """A reporting period locked once its bulletin is out; no more reports for it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="locked_periods")
    region = RegionKey(source=("plan",))  # lib/regions.py
    period_end = models.DateField()
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    locked_at = models.DateTimeField(auto_now_add=True)

    objects = LockedPeriodQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "period_end"], name="locked_period_once")]


class LightCount(models.Model):
    """How many tasks of a unit had each light on a day (written by the daily tick), for trend charts."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("plan",))  # lib/regions.py
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    light = models.CharField(max_length=12, choices=Light.choices)
    count = models.PositiveIntegerField()

    objects = LightCountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit", "day", "light"], name="lightcount_unique")
        ]
        indexes = [models.Index(fields=["plan", "day"])]
