from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for


class ImportKind(models.TextChoices):
    ORG = "org", _("单位和人员")
    TASKS = "tasks", _("任务分解表")


class BatchState(models.TextChoices):
    PARSING = "parsing", _("解析中")
    READY = "ready", _("待确认")
    REFUSED = "refused", _("有错误")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("失败")


def batch_path(instance: ImportBatch, filename: str) -> str:
    return f"imports/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def visible_to(self, user: Any) -> ImportBatchQuerySet:
        """Imports are the supervision office's: it sees every batch, nobody else sees any."""
        return self.all() if context_for(user).is_officer else self.none()


class ImportBatch(models.Model):
    """An uploaded import file (导入批次) with its parsed preview; the commit re-reads the stored file."""

    kind = models.CharField(_("类型"), max_length=10, choices=ImportKind.choices)
    file = models.FileField(upload_to=batch_path, max_length=300)
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    plan = models.ForeignKey(
        "work.Plan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("计划"),
    )
    plan_name = models.CharField(_("新计划名称"), max_length=120, blank=True)
    # The new plan's year when given on upload; else the import reads it from the title rows.
    year = models.PositiveSmallIntegerField(_("计划年份"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=BatchState.choices, default=BatchState.PARSING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    # The lead unit the office chose in the preview for rows that name none: {"row": unit id}.
    lead_choices = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    region = RegionKey(source=("plan",), root_fallback=True)  # lib/regions.py

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0 if self.state == BatchState.PARSING else 100
        return min(100, round(100 * self.rows_done / self.rows_total))
