"""Early warning (预警) levels per unit and person per day with their reasons, report quality flags
(填报质量提示) for the office, a plan's warning settings, and the labelled evaluation set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for

from . import rules


class Level(models.TextChoices):
    NONE = rules.NONE, _("无")
    BLUE = rules.BLUE, _("蓝色预警")
    YELLOW = rules.YELLOW, _("黄色预警")
    ORANGE = rules.ORANGE, _("橙色预警")
    RED = rules.RED, _("红色预警")


class SlipKind(models.TextChoices):
    LATE_REPORT = rules.Kind.LATE_REPORT, _("迟报")
    YELLOW_LIGHT = rules.Kind.YELLOW_LIGHT, _("亮黄灯")
    MISSED_MILESTONE = rules.Kind.MISSED_MILESTONE, _("节点未完成")
    REMINDER = rules.Kind.REMINDER, _("收到催办提醒")
    ABSENCE = rules.Kind.ABSENCE, _("缺席调度会")
    IDLE_HANDOFF = rules.Kind.IDLE_HANDOFF, _("督办事项滞留")
    RETURNED = rules.Kind.RETURNED, _("填报被退回")


class Subject(models.TextChoices):
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人")


class PlanSettings(models.Model):
    """A plan's own warning settings (预警参数): window, thresholds and weights per slip kind; plans
    without a row use `rules.DEFAULT`."""

    plan = models.OneToOneField(
        "work.Plan", on_delete=models.CASCADE, related_name="+", verbose_name=_("计划")
    )
    region = RegionKey(source=("plan",))  # lib/regions.py
    window_days = models.PositiveSmallIntegerField(_("统计窗口（天）"), default=rules.DEFAULT.window_days)
    blue = models.DecimalField(_("蓝色预警分值"), max_digits=6, decimal_places=2, default=rules.DEFAULT.blue)
    yellow = models.DecimalField(
        _("黄色预警分值"), max_digits=6, decimal_places=2, default=rules.DEFAULT.yellow
    )
    orange = models.DecimalField(
        _("橙色预警分值"), max_digits=6, decimal_places=2, default=rules.DEFAULT.orange
    )
    red = models.DecimalField(_("红色预警分值"), max_digits=6, decimal_places=2, default=rules.DEFAULT.red)
    weights = models.JSONField(_("权重"), default=dict, blank=True)

    def as_rules(self) -> rules.Settings:
        weights = dict(rules.DEFAULT_WEIGHTS)
        weights.update({k: Decimal(str(v)) for k, v in (self.weights or {}).items()})
        return rules.Settings(
            window_days=self.window_days,
            blue=self.blue,
            yellow=self.yellow,
            orange=self.orange,
            red=self.red,
            weights=weights,
        )


class WarningQuerySet(models.QuerySet["Warning"]):
    def visible_to(self, user: Any) -> WarningQuerySet:
        """The office sees every level; a leader the units of their portfolio (分管) and their people;
        nobody else (the levels are for leaders and supervision officers)."""
        ctx = context_for(user)
        if ctx.is_officer:
            return self.all()
        if ctx.is_leader and ctx.portfolio_unit_ids:
            return self.filter(unit_id__in=ctx.portfolio_unit_ids)
        return self.none()


class Warning(models.Model):
    """A subject's warning level on a day (预警等级), written by the daily step: the level, the score
    of its worst plan, the number of slips per kind and the reasons (each counted slip, newest first).
    A person's row carries the unit of their post, which decides who sees it."""

    day = models.DateField()
    subject = models.CharField(max_length=8, choices=Subject.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = RegionKey(source=("unit",))  # lib/regions.py
    level = models.CharField(max_length=8, choices=Level.choices)
    score = models.DecimalField(max_digits=8, decimal_places=2)
    counts = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        indexes = [models.Index(fields=["day", "subject", "level"]), models.Index(fields=["unit", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit"], condition=Q(subject="unit"), name="alerts_warning_unit_day"
            ),
            models.UniqueConstraint(
                fields=["day", "person"], condition=Q(subject="person"), name="alerts_warning_person_day"
            ),
        ]


class FlagKind(models.TextChoices):
    JUMP = rules.Flag.JUMP, _("考核前进度突增")
    COPIED = rules.Flag.COPIED, _("内容雷同")
    NO_EVIDENCE = rules.Flag.NO_EVIDENCE, _("称已完成但无佐证")
    EMPTY = rules.Flag.EMPTY, _("空话套话")
    PHANTOM = rules.Flag.PHANTOM, _("从未填报")
    DROP = rules.Flag.DROP, _("累计值下降")


class FlagState(models.TextChoices):
    OPEN = "open", _("待查看")
    LOOKED = "looked", _("已查看")
    DISMISSED = "dismissed", _("已排除")


class FlagQuerySet(models.QuerySet["Flag"]):
    def visible_to(self, user: Any) -> FlagQuerySet:
        """Flags are for the office (督查室) to look at, nobody else: they are questions, not findings."""
        return self.all() if context_for(user).is_officer else self.none()


class Flag(models.Model):
    """A report quality flag (填报质量提示) with its reason, for the office to look at; never a penalty.
    Unique by `key` (kind and the fact it is about), so the daily step raises each once and a dismissed
    flag stays dismissed."""

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=FlagKind.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    task = models.ForeignKey("work.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        "work.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    other = models.ForeignKey(
        "work.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # lib/regions.py: the task's region (its plan's); a unit-level flag (no task) its unit's.
    region = RegionKey(source=("task", "unit"))
    reason = models.TextField(_("原因"))
    detail = models.JSONField(default=dict, blank=True)
    found_on = models.DateField(_("发现日期"))
    state = models.CharField(_("状态"), max_length=10, choices=FlagState.choices, default=FlagState.OPEN)
    note = models.TextField(_("处理说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("填报质量提示")
        verbose_name_plural = _("填报质量提示")
        indexes = [models.Index(fields=["state", "kind"]), models.Index(fields=["unit", "found_on"])]


class EvalCase(models.Model):
    """One case of the labelled evaluation set (评估样本): a report (or, for 从未填报, a unit) and the
    flag kinds the labelling rule (`alerts.evalset`) says it deserves; empty kinds = a clean case."""

    report = models.OneToOneField(
        "work.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kinds = models.JSONField(default=list, blank=True)
    recipe = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False) | Q(unit__isnull=False), name="alerts_evalcase_subject"
            )
        ]
