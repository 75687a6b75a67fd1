"""Notifications (通知) and the outbox (待发送) that delivers them, one row per recipient and channel.

`Notification` moved here from `work`; its table keeps the name `work_notification` (the move
changed Django's state only, not the database).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to a user (light or status change of a followed task, a returned report…)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey("work.Task", null=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    created = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)

    class Meta:
        db_table = "work_notification"
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "read", "-created"], name="work_notifi_user_id_db7cea_idx")]


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内通知")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Outbox(models.Model):
    """One message for one recipient on one channel, written before it is delivered (发送队列).

    Delivery is idempotent (a row is sent once, claimed by a conditional update); a failed delivery
    keeps its error and is tried again, up to `services.MAX_ATTEMPTS` times. The in-app channel
    delivers by creating the `Notification`.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.IN_APP)
    state = models.CharField(
        _("状态"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # What the channel needs to deliver: for in-app, {"task": id or None, "text": "…"}.
    payload = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["state", "attempts"], name="notify_outbox_state_attempts")]
        verbose_name = _("发送队列")
        verbose_name_plural = _("发送队列")

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient_id} #{self.pk}"
