"""Commitments (承诺事项) made by units in a review session (互学互比), their per-period compliance
(兑现情况) reviewed by the office, and the units' 三单 catalogues (权力清单、责任清单、负面清单).

These are the working records: what the public sees is the portal's reviewed snapshot of them
(`portal.Snapshot`), never these rows directly.
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
from luoshi.org.models import Unit


class ComplianceState(models.TextChoices):
    FULFILLED = "fulfilled", _("已兑现")
    ON_TRACK = "on_track", _("按进度推进")
    BEHIND = "behind", _("滞后")
    NOT_STARTED = "not_started", _("未启动")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已认定")
    RETURNED = "returned", _("已退回")


class CatalogueKind(models.TextChoices):
    POWER = "power", _("权力清单")
    RESPONSIBILITY = "responsibility", _("责任清单")
    NEGATIVE = "negative", _("负面清单")


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def visible_to(self, user: Any) -> CommitmentQuerySet:
        """Officers and leaders see all; a unit's people see their units' commitments; the anonymous
        public sees none here (it reads the portal's reviewed snapshots)."""
        ctx = context_for(user)
        if ctx.sees_everything or ctx.is_leader:
            return self.all()
        if not ctx.unit_ids:
            return self.none()
        return self.filter(unit_id__in=ctx.unit_ids)


class Commitment(models.Model):
    """One promise (承诺事项) of a unit in a review session: a measure or deliverable and a deadline,
    optionally linked to the task that carries it. Edits bump `version` and keep the old wording
    in `CommitmentVersion`."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    session = models.CharField(_("承诺场次"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("承诺事项"), max_length=300)
    measure = models.TextField(_("措施或成果"))
    deadline = models.DateField(_("完成时限"))
    task = models.ForeignKey(
        "work.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("关联任务"),
    )
    withdrawn = models.BooleanField(_("已撤销"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("unit",))  # lib/regions.py

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "year", "number", "pk"]
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "number"], name="commitment_number_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class CommitmentVersion(models.Model):
    """A former wording of a commitment (history of versions): what it said before an edit."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    measure = models.TextField()
    deadline = models.DateField()
    reason = models.CharField(_("修改原因"), max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("commitment",))  # lib/regions.py

    class Meta:
        ordering = ["commitment_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "version"], name="commitment_version_unique"),
        ]


class Compliance(models.Model):
    """A commitment's compliance (兑现情况) in one period (a quarter, `2026Q2`), stated by the unit
    and accepted or returned by the office; only an accepted one counts and goes public."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="compliance")
    period = models.CharField(_("期次"), max_length=8)
    state = models.CharField(_("兑现情况"), max_length=12, choices=ComplianceState.choices)
    note = models.TextField(_("进展说明"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    review = models.CharField(
        _("审核"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    region = RegionKey(source=("commitment",))  # lib/regions.py

    class Meta:
        ordering = ["commitment_id", "period"]
        verbose_name = _("兑现情况")
        verbose_name_plural = _("兑现情况")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "period"], name="compliance_one_per_period"),
        ]
        indexes = [
            models.Index(fields=["review"], condition=Q(review="pending"), name="compliance_pending_idx")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.get_state_display()}"


class CatalogueItem(models.Model):
    """One item of a unit's 三单 catalogue: the item, its legal basis, the responsible post and the
    process. Identified by (unit, kind, code) so importing an edited table updates it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    kind = models.CharField(_("清单"), max_length=16, choices=CatalogueKind.choices)
    code = models.CharField(_("编号"), max_length=40)
    name = models.CharField(_("事项名称"), max_length=300)
    basis = models.TextField(_("设定依据"), blank=True)
    post = models.CharField(_("责任岗位"), max_length=120, blank=True)
    process = models.TextField(_("运行流程"), blank=True)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("unit",))  # lib/regions.py

    class Meta:
        ordering = ["unit_id", "kind", "code"]
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "code"], name="catalogue_item_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name
