"""Benchmark (对标): the district's economic indicators against its peer regions'.

Regions are the administrative divisions of GB/T 2260 (imported from the reference table by
`luoshi import-divisions`); the district's own region is linked to its org root unit. Indicators are
the published figures compared (GDP, its growth, 一般公共预算收入…), each with its canonical unit
(amounts in 亿元, growth rates in %) and whether higher is better. A value is one region's figure of
one indicator for one period, with the file and row it came from. A peer group is the district's
chosen peers and its 标杆 region; ranks, movement and gaps are computed by `selectors.ranking`,
never stored.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for

from . import rules


def _sees(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    ctx = context_for(user)
    return bool(ctx.is_officer or ctx.is_leader)


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("地级")
    COUNTY = "county", _("县级")


class IndicatorKind(models.TextChoices):
    AMOUNT = "amount", _("总量（亿元）")
    GROWTH = "growth", _("增速（%）")


class BenchQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> BenchQuerySet:
        """Benchmarking is the office's and the leaders' view of published statistics: officers and
        leaders see it all, others nothing."""
        return self.all() if _sees(user) else self.none()


class Region(models.Model):
    """An administrative division (行政区划): its 6-digit code, name, level and parent; `unit` links
    the district's own region to its org root unit."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=60, db_index=True)
    level = models.CharField(_("级别"), max_length=8, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级"),
    )
    unit = models.OneToOneField(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benchmark_region",
        verbose_name=_("对应单位"),
    )

    objects = BenchQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="benchmark_region_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name the district knows it by: its own unit's for its own region."""
        return self.unit.name if self.unit_id and self.unit is not None else self.name


class Indicator(models.Model):
    """A compared indicator (对标指标): 地区生产总值, its growth, 一般公共预算收入…; `aliases` are the
    column headings statistics tables print it under (、-separated, without the unit)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=IndicatorKind.choices)
    higher_is_better = models.BooleanField(_("越高越好"), default=True)
    aliases = models.CharField(_("表头别名"), max_length=400, blank=True)
    sort = models.IntegerField(_("排序"), default=0)

    objects = BenchQuerySet.as_manager()

    class Meta:
        verbose_name = _("对标指标")
        verbose_name_plural = _("对标指标")
        ordering = ["sort", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self) -> str:
        return rules.AMOUNT_UNIT if self.kind == IndicatorKind.AMOUNT else rules.PERCENT_UNIT

    @property
    def unit_label(self) -> str:
        """The unit as the page's language writes it (亿元 / 100 million yuan, %)."""
        return str(_("亿元")) if self.kind == IndicatorKind.AMOUNT else rules.PERCENT_UNIT

    @property
    def heading(self) -> str:
        """The indicator with its unit: 地区生产总值（亿元）."""
        return str(_("%(i)s（%(u)s）") % {"i": self.name, "u": self.unit_label})

    def names(self) -> list[str]:
        return [
            self.name,
            *(
                a.strip()
                for a in self.aliases.replace("，", "、").replace(",", "、").split("、")
                if a.strip()
            ),
        ]


class Period(models.Model):
    """A statistics period: a year, cumulative to the end of a quarter (4: the whole year)."""

    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("截至季度"), default=4)

    objects = BenchQuerySet.as_manager()

    class Meta:
        verbose_name = _("统计期")
        verbose_name_plural = _("统计期")
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="benchmark_period_unique"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="benchmark_period_quarter"
            ),
        ]

    def __str__(self) -> str:
        return self.key.label()

    @property
    def key(self) -> rules.PeriodKey:
        return rules.PeriodKey(self.year, self.quarter)


class Value(models.Model):
    """One region's figure of one indicator for one period, in the indicator's canonical unit, with
    where it came from (the file and its row, or 本区填报)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=8)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    source_row = models.PositiveIntegerField(_("来源行"), null=True, blank=True)
    task = models.ForeignKey(
        "work.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("来源任务"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered = models.DateTimeField(default=timezone.now)

    objects = BenchQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(fields=["region", "indicator", "period"], name="benchmark_value_unique")
        ]
        indexes = [models.Index(fields=["indicator", "period"], name="benchmark_value_ind_period")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.indicator_id}/{self.period_id}: {self.value}"


class PeerGroup(models.Model):
    """The district's chosen peers (对标组): its own region, the peer regions and the 标杆 region."""

    name = models.CharField(_("名称"), max_length=100)
    home = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("本区"))
    members: models.ManyToManyField[Any, GroupMember] = models.ManyToManyField(
        Region,
        related_name="peer_groups",
        through="GroupMember",
        through_fields=("peergroup", "division"),
        verbose_name=_("对标地区"),
    )
    benchmark = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("标杆地区")
    )
    office = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("组织单位"),
        help_text=_("设立对标组的督查室所在单位"),
    )
    region = RegionKey(source=("office",), root_fallback=True)  # lib/regions.py: the office's region
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    objects = BenchQuerySet.as_manager()

    class Meta:
        verbose_name = _("对标组")
        verbose_name_plural = _("对标组")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="benchmark_peergroup_name")]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A region in a peer group (the table Django made for `PeerGroup.members`, now with its region key)."""

    peergroup = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="+")
    division = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("peergroup",))  # lib/regions.py: the group's (not the division's)

    class Meta:
        db_table = "benchmark_peergroup_members"
        unique_together = [("peergroup", "division")]
