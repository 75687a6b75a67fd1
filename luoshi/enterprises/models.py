"""Enterprise watch (企业服务): enterprises with their unified social credit code, risk flags with
dates, the service team (政银企联络服务小组) of named people, visits with notes and the problems
found, each carried by a task, until every risk is closed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.lib.crypto_fields import BlindIndexField, EncryptedCharField
from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for

from .rules import WatchStatus


class Size(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class StatusChoice(models.TextChoices):
    NORMAL = WatchStatus.NORMAL.value, _("正常")
    WATCHED = WatchStatus.WATCHED.value, _("重点关注")
    RESOLVED = WatchStatus.RESOLVED.value, _("风险已解除")


class RiskKind(models.TextChoices):
    FUNDING = "funding", _("资金链紧张")
    WAGES = "wages", _("拖欠工资")
    HALT = "halt", _("停产半停产")
    RELOCATION = "relocation", _("外迁倾向")
    OTHER = "other", _("其他风险")


class TeamRole(models.TextChoices):
    LEADER = "leader", _("组长")
    MEMBER = "member", _("成员")
    BANK = "bank", _("金融联络员")


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def visible_to(self, user: Any) -> EnterpriseQuerySet:
        """The office sees every enterprise; others those located in a unit of their scope (own
        units, a leader's portfolio) or whose service team they are on; the public none."""
        ctx = context_for(user)
        if ctx.sees_everything:
            return self.all()
        cond = Q(unit_id__in=ctx.scope_unit_ids)
        if ctx.person_id is not None:
            cond |= Q(pk__in=TeamMember.objects.filter(person_id=ctx.person_id).values("enterprise_id"))
        if not ctx.scope_unit_ids and ctx.person_id is None:
            return self.none()
        return self.filter(cond)


class Enterprise(models.Model):
    """An enterprise (企业) the district serves: identified by its credit code (checked by its
    check character), located in a unit (属地); `status` follows its risk flags."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    industry = models.CharField(_("行业"), max_length=60)
    size = models.CharField(_("规模"), max_length=10, choices=Size.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("属地单位")
    )
    contact = models.CharField(_("企业联系人"), max_length=60, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)  # SM4 at rest
    phone_hash = BlindIndexField(source="phone")
    status = models.CharField(
        _("状态"), max_length=10, choices=StatusChoice.choices, default=StatusChoice.NORMAL
    )
    watched_since = models.DateField(_("列入关注"), null=True, blank=True)
    resolved_on = models.DateField(_("风险解除"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    region = RegionKey(source=("unit",))  # lib/regions.py

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        indexes = [models.Index(fields=["status", "unit"])]

    def __str__(self) -> str:
        return self.name


class RiskFlag(models.Model):
    """A risk (风险) seen at an enterprise, raised on a day and closed on another with a note."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("风险类型"), max_length=12, choices=RiskKind.choices)
    raised_on = models.DateField(_("发现日期"))
    note = models.CharField(_("情况"), max_length=300)
    closed_on = models.DateField(_("解除日期"), null=True, blank=True)
    closed_note = models.CharField(_("解除说明"), max_length=300, blank=True)
    region = RegionKey(source=("enterprise",))  # lib/regions.py

    class Meta:
        ordering = ["raised_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("raised_on")),
                name="enterprises_flag_closed_after_raised",
            )
        ]


class TeamMember(models.Model):
    """A named person on the enterprise's service team (政银企联络服务小组), with the post they
    serve from when they hold one."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("分工"), max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER)
    region = RegionKey(source=("enterprise",))  # lib/regions.py

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "person"], name="enterprises_team_person_once")
        ]


class Visit(models.Model):
    """A visit (走访) to the enterprise: when, by whom, what was found."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("走访日期"))
    visitors: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "org.Person", related_name="+", verbose_name=_("走访人员"), through="VisitVisitor"
    )
    notes = models.TextField(_("走访情况"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = RegionKey(source=("enterprise",))  # lib/regions.py

    class Meta:
        ordering = ["-visited_on", "-pk"]


class VisitVisitor(models.Model):
    """A person on a visit (`Visit.visitors`), on the many-to-many's own table."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE)
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE)
    region = RegionKey(source=("visit",))  # lib/regions.py

    class Meta:
        db_table = "enterprises_visit_visitors"
        unique_together = [("visit", "person")]


class Problem(models.Model):
    """A problem the enterprise needs solved (企业反映问题), carried by a task of a unit."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="problems")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems"
    )
    text = models.CharField(_("问题"), max_length=300)
    task = models.OneToOneField("work.Task", on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    region = RegionKey(source=("enterprise",))  # lib/regions.py

    class Meta:
        ordering = ["created", "pk"]
