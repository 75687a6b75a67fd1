"""Assessment (考核): schemes as data, the facts the office records by hand, runs over frozen inputs,
their results and breakdowns, and appeals (申诉).

A `Scheme` (period, total 百分制/千分制, caps, 末位 N, status, version) has `Group`s (考核类别: by unit
category and/or explicit units), each with `Indicator`s (weight, method, params, cap) and, for the
deduction method, `DeductionRule`s; scheme-level `BonusRule`s, `VetoRule`s and `Grade`s. A `Run`
freezes the scheme (`spec`, JSON) and every fact it uses (`RunInput`) with a content hash; results
(`Result`) and breakdown lines (`Line`) are computed from them by `rules.compute` only. Runs are
versioned per scheme; an accepted `Appeal` makes the next version from a corrected copy.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for
from luoshi.org.models import Unit, UnitCategory


class Purpose(models.TextChoices):
    ANNUAL = "annual", _("年度综合考核")
    SAFETY = "safety", _("安全奖")
    ATTENDANCE = "attendance", _("全勤奖")
    SPECIAL = "special", _("专项考核")


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("季度")
    HALF = "half", _("半年")
    YEAR = "year", _("年度")


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("启用")
    ARCHIVED = "archived", _("已归档")


class Method(models.TextChoices):
    TASK = "task", _("按任务完成")
    MEASURE = "measure", _("按实绩赋分")
    RANK = "rank", _("按排名赋分")
    MANUAL = "manual", _("评分")
    RATING = "rating", _("评议")
    DEDUCTION = "deduction", _("扣分制")


class RunState(models.TextChoices):
    COMPUTED = "computed", _("已计算")
    PUBLISHED = "published", _("已公布")
    SUPERSEDED = "superseded", _("已更正")


class AppealState(models.TextChoices):
    PENDING = "pending", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("不予采纳")


class EventKind(models.TextChoices):
    """Facts the office records by hand (also registered as event sources)."""

    COMPLAINT = "assessment.complaint", _("投诉经核实")
    AWARD = "assessment.award", _("表彰奖励")
    VETO = "assessment.veto", _("一票否决情形")
    OTHER = "assessment.other", _("其他扣分事项")


def _officer_or_none(qs: Any, user: Any) -> Any:
    return qs.all() if context_for(user).is_officer else qs.none()


class SchemeQuerySet(models.QuerySet["Scheme"]):
    def visible_to(self, user: Any) -> SchemeQuerySet:
        """Schemes are public inside the government once active; drafts are the office's."""
        ctx = context_for(user)
        if ctx.is_officer or ctx.is_leader:
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.exclude(status=SchemeStatus.DRAFT)

    def editable_by(self, user: Any) -> SchemeQuerySet:
        result: SchemeQuerySet = _officer_or_none(self, user)
        return result


class Scheme(models.Model):
    """An assessment scheme (考核方案) for one purpose and period."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    purpose = models.CharField(_("用途"), max_length=12, choices=Purpose.choices, default=Purpose.ANNUAL)
    period_kind = models.CharField(
        _("考核周期"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, default=Decimal(100))
    base_score = models.DecimalField(
        _("起评分"), max_digits=8, decimal_places=2, null=True, blank=True, help_text=_("扣分制方案的起评分")
    )
    deduction_cap = models.DecimalField(_("扣分上限"), max_digits=8, decimal_places=2, null=True, blank=True)
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=8, decimal_places=2, null=True, blank=True)
    bottom = models.PositiveSmallIntegerField(_("末位名次数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    source = models.CharField(_("来源"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    office = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("组织单位"),
        help_text=_("制定方案的考核办所在单位"),
    )
    region = RegionKey(source=("office",))  # lib/regions.py: the office's region
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "name"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="as_scheme_dates"),
            models.CheckConstraint(condition=Q(total__gt=0), name="as_scheme_total"),
            models.CheckConstraint(
                condition=Q(deduction_cap__isnull=True) | Q(deduction_cap__gte=0),
                name="as_scheme_deduction_cap",
            ),
            models.CheckConstraint(
                condition=Q(bonus_cap__isnull=True) | Q(bonus_cap__gte=0), name="as_scheme_bonus_cap"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    """A group of assessed units (考核类别): by unit category and/or explicit units."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="groups")
    region = RegionKey(source=("scheme",))  # lib/regions.py
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("考核类别"), max_length=120)
    categories = models.JSONField(_("单位类别"), default=list, blank=True)
    units: models.ManyToManyField[Unit, GroupUnit] = models.ManyToManyField(
        "org.Unit",
        through="GroupUnit",
        through_fields=("group", "unit"),
        related_name="+",
        blank=True,
        verbose_name=_("单位"),
    )
    multiplier = models.DecimalField(
        _("扣分倍数"), max_digits=5, decimal_places=2, default=Decimal(1), help_text=_("例如扣分分值加倍为 2")
    )

    class Meta:
        ordering = ["scheme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="as_group_name"),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="as_group_multiplier"),
        ]

    def __str__(self) -> str:
        return self.name

    def category_labels(self) -> list[str]:
        labels = dict(UnitCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class GroupUnit(models.Model):
    """A unit named in a group (考核类别的单位): the group's `units`, on the table Django made for them."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("group",))  # lib/regions.py

    class Meta:
        db_table = "assessment_group_units"
        unique_together = [("group", "unit")]


class Indicator(models.Model):
    """An indicator (考核指标) of a group: weight, scoring method and its parameters, cap."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="indicators")
    region = RegionKey(source=("group",))  # lib/regions.py
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("指标"), max_length=300)
    section = models.CharField(_("一级指标"), max_length=200, blank=True)
    weight = models.DecimalField(_("分值"), max_digits=8, decimal_places=2)
    method = models.CharField(_("计分方法"), max_length=10, choices=Method.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    cap = models.DecimalField(_("上限"), max_digits=8, decimal_places=2, null=True, blank=True)
    assessor = models.CharField(_("考核单位"), max_length=200, blank=True)
    text = models.TextField(_("考核内容"), blank=True)

    class Meta:
        ordering = ["group", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="as_indicator_weight"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="as_indicator_cap"),
        ]

    def __str__(self) -> str:
        return self.name


class DeductionRule(models.Model):
    """A deduction rule (扣分规则) of a deduction indicator: event kind, points per event, cap, and the
    rule's text as written (e.g. "未报扣10分")."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="deductions")
    region = RegionKey(source=("indicator",))  # lib/regions.py
    kind = models.CharField(_("事项类型"), max_length=60)
    points = models.DecimalField(_("每次扣分"), max_digits=8, decimal_places=2)
    cap = models.DecimalField(_("上限"), max_digits=8, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("原文"), blank=True)

    class Meta:
        ordering = ["indicator", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="as_deduction_points"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="as_deduction_cap"),
        ]


class BonusRule(models.Model):
    """A bonus rule (加分): event kind, points per event, cap."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="bonuses")
    region = RegionKey(source=("scheme",))  # lib/regions.py
    kind = models.CharField(_("事项类型"), max_length=60)
    points = models.DecimalField(_("每次加分"), max_digits=8, decimal_places=2)
    cap = models.DecimalField(_("上限"), max_digits=8, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("原文"), blank=True)

    class Meta:
        ordering = ["scheme", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="as_bonus_points"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="as_bonus_cap"),
        ]


class VetoRule(models.Model):
    """A veto (一票否决) kind of a scheme: a fact of this kind vetoes the unit."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="vetoes")
    region = RegionKey(source=("scheme",))  # lib/regions.py
    kind = models.CharField(_("事项类型"), max_length=60)
    label = models.CharField(_("名称"), max_length=200)

    class Meta:
        ordering = ["scheme", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "kind"], name="as_veto_kind")]


class Grade(models.Model):
    """A grade band (等次) from the highest: threshold, quota, award eligibility, bonus coefficient."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="grades")
    region = RegionKey(source=("scheme",))  # lib/regions.py
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("等次"), max_length=40)
    minimum = models.DecimalField(_("分数线"), max_digits=8, decimal_places=2, default=Decimal(0))
    quota = models.DecimalField(_("比例上限（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    eligible = models.BooleanField(_("可评奖"), default=False)
    coefficient = models.DecimalField(_("奖励系数"), max_digits=5, decimal_places=2, default=Decimal(1))

    class Meta:
        ordering = ["scheme", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(quota__gte=0, quota__lte=100), name="as_grade_quota"
            ),
        ]


class ManualScore(models.Model):
    """One named assessor's score of a unit on a manual or rank indicator (每位评分人的分数都留存)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scores")
    region = RegionKey(source=("indicator",))  # lib/regions.py
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("分数"), max_digits=8, decimal_places=2)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "unit", "assessor"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "assessor"], name="as_score_once"),
            models.CheckConstraint(condition=Q(score__gte=0), name="as_score_positive"),
        ]


class Event(models.Model):
    """A fact the office records by hand (投诉核实, 表彰, 一票否决情形 …), fed to schemes as an event."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    region = RegionKey(source=("unit",))  # lib/regions.py
    kind = models.CharField(_("类型"), max_length=40, choices=EventKind.choices)
    occurred_on = models.DateField(_("日期"))
    count = models.DecimalField(_("次数"), max_digits=8, decimal_places=2, default=Decimal(1))
    text = models.CharField(_("事由"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "pk"]
        indexes = [models.Index(fields=["kind", "occurred_on"], name="as_event_kind_day")]


class RunQuerySet(models.QuerySet["Run"]):
    def visible_to(self, user: Any) -> RunQuerySet:
        """The office and leaders see every run; other users the published ones."""
        ctx = context_for(user)
        if ctx.is_officer or ctx.is_leader:
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(state__in=[RunState.PUBLISHED, RunState.SUPERSEDED], published_at__isnull=False)


class Run(models.Model):
    """One computation of a scheme (v1, v2 …) from frozen inputs."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs")
    region = RegionKey(source=("scheme",))  # lib/regions.py
    number = models.PositiveIntegerField(_("版本"))
    as_of = models.DateField(_("数据截至"))
    spec = models.JSONField()
    content_hash = models.CharField(max_length=64)
    state = models.CharField(_("状态"), max_length=10, choices=RunState.choices, default=RunState.COMPUTED)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    appeal_until = models.DateField(_("申诉截止"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "-number"]
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        constraints = [models.UniqueConstraint(fields=["scheme", "number"], name="as_run_number")]

    def __str__(self) -> str:
        return f"{self.scheme.name} v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"


class RunInput(models.Model):
    """One frozen fact of a run (unit, indicator or none for bonus/veto events, kind, value, text,
    link); never changed once the run exists."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="inputs")
    region = RegionKey(source=("run",))  # lib/regions.py
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=20, blank=True)  # the frozen indicator key ("" scheme-level)
    kind = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=18, decimal_places=4)
    text = models.CharField(max_length=500, blank=True)
    link = models.CharField(max_length=300, blank=True)
    ref = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["run", "unit", "indicator", "pk"]
        indexes = [models.Index(fields=["run", "unit"], name="as_input_run_unit")]


class Result(models.Model):
    """A unit's result in a run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    region = RegionKey(source=("run",))  # lib/regions.py
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(max_length=120)
    group = models.CharField(max_length=120)
    score = models.DecimalField(max_digits=10, decimal_places=2)
    grade = models.CharField(max_length=40, blank=True)
    rank = models.PositiveIntegerField()
    veto = models.BooleanField(default=False)
    bottom = models.BooleanField(default=False)
    eligible = models.BooleanField(default=False)
    coefficient = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(1))

    class Meta:
        ordering = ["run", "group", "rank", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="as_result_once")]


class Line(models.Model):
    """One line of a unit's breakdown in a run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="lines")
    region = RegionKey(source=("run",))  # lib/regions.py
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    indicator = models.CharField(max_length=300, blank=True)  # the indicator's name as frozen
    points = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=600)
    link = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["run", "unit", "position"]
        indexes = [models.Index(fields=["run", "unit", "position"], name="as_line_run_unit")]


class AppealQuerySet(models.QuerySet["Appeal"]):
    def visible_to(self, user: Any) -> AppealQuerySet:
        """The office and leaders see every appeal; a unit's people see their unit's."""
        ctx = context_for(user)
        if ctx.is_officer or ctx.is_leader:
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(unit_id__in=ctx.unit_ids)


class Appeal(models.Model):
    """An appeal (申诉) a unit files against a published run, within its appeal window."""

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="appeals")
    region = RegionKey(source=("run",))  # lib/regions.py
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        _("状态"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("处理意见"), blank=True)
    corrections = models.JSONField(default=dict, blank=True)
    new_run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
