"""The public portal's own records: what is published (`Publication`), each reviewed or proposed copy
of its public fields (`Snapshot`), and citizens' feedback (`Feedback`).

The public always sees a publication's `current` snapshot — the last one the office reviewed; a
change of the working record (a commitment, a task, a project, a catalogue) is a new pending
snapshot that shows only once reviewed. A snapshot holds only the fields of `rules.PUBLIC_FIELDS`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.models import Unit


class Kind(models.TextChoices):
    COMMITMENT = "commitment", _("承诺事项")
    TASK = "task", _("公开任务")
    PROJECT = "project", _("重点项目")
    CATALOGUE = "catalogue", _("三单清单")


class SnapshotState(models.TextChoices):
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("公开中")
    SUPERSEDED = "superseded", _("已被替换")
    REJECTED = "rejected", _("未通过")


class FeedbackState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("不予公开")


class Publication(models.Model):
    """Something shown on the portal: a commitment, a public task, a key project or a unit's
    catalogue (`ref` names it within its kind). Its existence is the "public" flag for projects and
    catalogues; `current` is the snapshot the public sees, copied into `title`/`status` for lists."""

    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    ref = models.CharField(max_length=60)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    current = models.ForeignKey("Snapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # of the current snapshot, for set-based lists and counts
    title = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, blank=True)
    search_text = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("unit",), root_fallback=True)  # lib/regions.py

    class Meta:
        ordering = ["kind", "unit_id", "pk"]
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        constraints = [models.UniqueConstraint(fields=["kind", "ref"], name="publication_kind_ref_unique")]
        indexes = [
            models.Index(fields=["kind", "unit", "status"], name="portal_pub_kind_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    @property
    def is_public(self) -> bool:
        return self.current_id is not None and not self.withdrawn


class Snapshot(models.Model):
    """One copy of a publication's public fields: proposed when the working record changed, then
    published or rejected by the office. A published one stays until a newer one is reviewed."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    state = models.CharField(max_length=12, choices=SnapshotState.choices, default=SnapshotState.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    region = RegionKey(source=("publication",))  # lib/regions.py

    class Meta:
        ordering = ["publication_id", "-number"]
        verbose_name = _("公开版本")
        verbose_name_plural = _("公开版本")
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="snapshot_number_unique"),
            models.UniqueConstraint(
                fields=["publication"], condition=Q(state="pending"), name="snapshot_one_pending"
            ),
        ]
        indexes = [models.Index(fields=["state", "proposed_at"], name="portal_snapshot_state_idx")]

    def __str__(self) -> str:  # the audit trail's name for it: its own fields, no query
        data = self.data if isinstance(self.data, dict) else {}
        return f"{data.get('title') or data.get('name') or _('公开版本')} · v{self.number}"


class Feedback(models.Model):
    """A citizen's message about a published item, shown (with the office's reply) only once
    approved. The sender's address is kept only as a keyed hash, for the rate limit."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="feedback")
    body = models.TextField(_("留言内容"))
    contact = models.CharField(_("联系方式"), max_length=80, blank=True)
    address_hash = models.CharField(max_length=64, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    state = models.CharField(max_length=10, choices=FeedbackState.choices, default=FeedbackState.PENDING)
    reply = models.TextField(_("答复"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    region = RegionKey(source=("publication",))  # lib/regions.py

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("公众留言")
        verbose_name_plural = _("公众留言")
        indexes = [models.Index(fields=["publication", "state"], name="portal_feedback_pub_idx")]

    def __str__(self) -> str:
        return self.body[:40]


class PortalState(models.Model):
    """One row: the generation of what is published, bumped by every review, so every process's
    cached public pages are invalidated by one indexed read."""

    generation = models.PositiveBigIntegerField(default=0)
