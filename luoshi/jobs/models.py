"""Bookkeeping of the daily tick (每日巡检): one row per day, claimed before it runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TickRun(models.Model):
    """The daily tick for one day. A worker holds the lease while it runs, so two never overlap.

    The lease fields are empty when no one runs the day; a run that changes nothing puts the row
    back exactly as it found it, so running the tick twice for a day leaves every table unchanged.
    """

    day = models.DateField(_("日期"), unique=True)
    lease_token = models.CharField(max_length=64, null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set by the last run that changed something.
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("每日巡检")
        verbose_name_plural = _("每日巡检")

    def __str__(self) -> str:
        return str(self.day)
