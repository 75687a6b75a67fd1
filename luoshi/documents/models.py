"""Published documents: a weekly bulletin (督查通报) once it is out, frozen with its figures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for
from luoshi.work.models import Plan


class PublishedBulletinQuerySet(models.QuerySet["PublishedBulletin"]):
    def visible_to(self, user: Any) -> PublishedBulletinQuerySet:
        """Bulletins are for the supervision office and the leaders they report to (as the page)."""
        ctx = context_for(user)
        if ctx.is_officer or ctx.is_leader:
            return self.all()
        return self.none()


def bulletin_pdf_path(instance: PublishedBulletin, filename: str) -> str:
    return f"bulletins/{instance.plan_id}/{instance.on:%Y%m%d}-{instance.pdf_sha256[:12]}.pdf"


class PublishedBulletin(models.Model):
    """A bulletin (督查通报) as published: its figures frozen as JSON and its PDF as issued, so that
    what the office sent out never changes when later facts arrive (they show as corrections in
    the next issue instead)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+", verbose_name=_("计划"))
    on = models.DateField(_("截至日期"))
    number = models.PositiveIntegerField(_("期号"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    # Everything the document shows (see `bulletin.freeze`), plus each counted task's light and
    # progress, which the next issue compares against.
    figures = models.JSONField(_("通报数据"))
    pdf = models.FileField(upload_to=bulletin_pdf_path, max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    region = RegionKey(source=("plan",))  # lib/regions.py

    objects = PublishedBulletinQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "-on"]
        verbose_name = _("已发布通报")
        verbose_name_plural = _("已发布通报")
        constraints = [
            models.UniqueConstraint(fields=["plan", "on"], name="published_bulletin_once_a_day"),
            models.UniqueConstraint(fields=["plan", "number"], name="published_bulletin_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}@{self.on}#{self.number}"
