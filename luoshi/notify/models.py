"""Notifications (通知) and the outbox (待发送) that delivers them, one row per recipient and channel.

`Notification` moved here from `work`; its table keeps the name `work_notification` (the move
changed Django's state only, not the database).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey


class Notification(models.Model):
    """A message to a user (light or status change of a followed task, a returned report…)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey("work.Task", null=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    created = models.DateTimeField(auto_now_add=True)
    read = models.BooleanField(default=False)
    region = RegionKey(source=("task",), root_fallback=True)  # lib/regions.py

    class Meta:
        db_table = "work_notification"
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "read", "-created"], name="work_notifi_user_id_db7cea_idx")]


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内通知")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


# Channels that leave the database: sent only by the outbox step (never in a request), claimed
# before the send, at most once (see services.deliver).
EXTERNAL = (Channel.EMAIL, Channel.SMS, Channel.WECOM, Channel.DINGTALK)


class OutboxState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    # Claimed by a worker that stopped before it recorded the outcome: maybe sent, never resent.
    UNKNOWN = "unknown", _("结果未知")


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
    # What the channel needs to deliver: {"task": id or None, "text": "…", "link": "/…" (optional)}.
    payload = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Which rule sent it (e.g. "task.due_soon", "rectification.signoff.next") and about what
    # ("work.task:12"): every message is traceable; empty for messages of the older direct calls.
    rule = models.CharField(_("规则"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=80, blank=True)
    # rule|source|recipient|channel|occurrence: the database refuses a second row, so a planner run
    # twice (or a worker restarted) queues nothing twice. NULL for messages without a rule.
    dedupe_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # Not before: the end of the recipient's quiet hours, or the next try after a failure (back-off).
    next_try_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=40, blank=True)
    # The task the message is about (payload["task"]), whose region keys the row; a message about
    # no task belongs to the root region. SET_NULL: the message stays in the outbox's history.
    task = models.ForeignKey("work.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    region = RegionKey(source=("task",), root_fallback=True)  # lib/regions.py

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["state", "attempts"], name="notify_outbox_state_attempts"),
            models.Index(fields=["state", "next_try_at"], name="notify_outbox_state_next"),
            models.Index(fields=["rule", "-created"], name="notify_outbox_rule"),
        ]
        verbose_name = _("发送队列")
        verbose_name_plural = _("发送队列")

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient_id} #{self.pk}"


DEFAULT_QUIET_START = time(22, 0)
DEFAULT_QUIET_END = time(7, 30)


class Digest(models.TextChoices):
    """How a follower hears of light changes of followed tasks (关注任务亮灯变化)."""

    IMMEDIATE = "immediate", _("即时通知")
    DAILY = "daily", _("每日汇总")
    WEEKLY = "weekly", _("每周汇总")


class PreferenceQuerySet(models.QuerySet["Preference"]):
    def visible_to(self, user: Any) -> PreferenceQuerySet:
        """A preference is its user's own business: everyone sees only theirs."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class Preference(models.Model):
    """A user's notification preference (通知方式): light changes of followed tasks at once (the
    default, also when there is no row) or as one daily or weekly digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(
        _("亮灯变化通知"), max_length=10, choices=Digest.choices, default=Digest.IMMEDIATE
    )
    # The last day the latest digest sent to this user covered (so a period is summarised once).
    digest_until = models.DateField(null=True, blank=True)
    # Reminders (提醒): which channels besides in-app (always on), the weekly digest, quiet hours.
    email_on = models.BooleanField(_("电子邮件"), default=False)
    sms_on = models.BooleanField(_("短信"), default=False)
    wecom_on = models.BooleanField(_("企业微信群机器人"), default=False)
    dingtalk_on = models.BooleanField(_("钉钉群机器人"), default=False)
    weekly_digest = models.BooleanField(_("每周工作提醒汇总"), default=True)
    quiet_start = models.TimeField(_("免打扰开始"), default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField(_("免打扰结束"), default=DEFAULT_QUIET_END)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知方式")
        verbose_name_plural = _("通知方式")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"


class FollowedLight(models.Model):
    """A followed task's light as last announced to one follower, and the change staged since (待通知).

    `changed_at` is set while a change waits to be delivered: `light` is then the task's latest light
    and `announced` what the follower was last told, so the notice carries the net change and a flap
    back to `announced` sends nothing. Bookkeeping of the notify app, not a record of the office's
    work: it goes with its task or user (CASCADE)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey("work.Task", on_delete=models.CASCADE, related_name="+")
    announced = models.CharField(max_length=12)
    light = models.CharField(max_length=12)
    changed_on = models.DateField(null=True, blank=True)  # the day of the latest staged change
    changed_at = models.DateTimeField(null=True, blank=True)  # when it was staged; None: nothing waits
    region = RegionKey(source=("task",))  # lib/regions.py

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "task"], name="notify_followedlight_unique")]
        indexes = [models.Index(fields=["changed_at"], name="notify_followedlight_staged")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.task_id}: {self.announced} → {self.light}"
