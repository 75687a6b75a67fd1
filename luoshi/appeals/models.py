"""Enterprise appeals (企业诉求): the kinds of request an enterprise may file (`Service`, Open311's
services), each appeal with its tracking code, routing, deadline, pauses, reply, satisfaction and
the office's verification, and the Open311 clients that file through the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luoshi.lib.crypto_fields import BlindIndexField, EncryptedCharField
from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for

from .rules import Status


class Service(models.Model):
    """A kind of appeal (诉求类别), Open311's service: its code, the unit it goes to by default and
    the hours that unit has to reply (答复时限)."""

    code = models.SlugField(_("类别代码"), max_length=40, unique=True)
    name = models.CharField(_("类别名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    group = models.CharField(_("分组"), max_length=60, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("默认承办单位"),
    )
    sla_hours = models.PositiveIntegerField(_("答复时限（小时）"), default=120)
    active = models.BooleanField(_("启用"), default=True)
    region = RegionKey(source=("unit",), root_fallback=True)  # lib/regions.py

    class Meta:
        ordering = ["group", "code"]
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        constraints = [
            models.CheckConstraint(condition=Q(sla_hours__gt=0), name="appeals_service_sla_positive")
        ]

    def __str__(self) -> str:
        return self.name


class Open311Client(models.Model):
    """A system that files appeals through the Open311 API with its own key (接入系统); the key is
    kept only as its SHA-256 digest."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    key_digest = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("接入系统")
        verbose_name_plural = _("接入系统")

    def __str__(self) -> str:
        return self.name


class StatusChoice(models.TextChoices):
    NEW = Status.NEW.value, _("待分派")
    ASSIGNED = Status.ASSIGNED.value, _("办理中")
    PAUSED = Status.PAUSED.value, _("暂停计时")
    REPLIED = Status.REPLIED.value, _("已答复")
    CLOSED = Status.CLOSED.value, _("已办结")


class Kind(models.TextChoices):
    REQUEST = "request", _("诉求")
    COMPLAINT = "complaint", _("投诉")


class Channel(models.TextChoices):
    WEB = "web", _("网上提交")
    PHONE = "phone", _("电话受理")
    OPEN311 = "open311", _("接口接入")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Verification(models.TextChoices):
    NONE = "", _("未核查")
    VERIFIED = "verified", _("属实")
    UNFOUNDED = "unfounded", _("不属实")


class AppealQuerySet(models.QuerySet["Appeal"]):
    def visible_to(self, user: Any) -> AppealQuerySet:
        """The office sees every appeal; unit staff and leaders those routed to a unit in their
        scope (own units with subtrees, a leader's portfolio); the public none (they follow their
        own appeal by its tracking code)."""
        ctx = context_for(user)
        if ctx.sees_everything:
            return self.all()
        if not ctx.scope_unit_ids:
            return self.none()
        return self.filter(unit_id__in=ctx.scope_unit_ids)

    def handled_by(self, user: Any) -> AppealQuerySet:
        """Those the user may answer for: routed to a unit where they are reporter or head."""
        ctx = context_for(user)
        return self.filter(unit_id__in=ctx.reporter_unit_ids | ctx.head_unit_ids)


class Appeal(models.Model):
    """An enterprise's appeal (企业诉求): Open311's service request, with the enterprise, the unit it
    is routed to, its deadline (`due_at`, moved by recorded pauses), the reply, the enterprise's
    satisfaction and, for a complaint, the office's verification."""

    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("类别")
    )
    kind = models.CharField(_("性质"), max_length=10, choices=Kind.choices, default=Kind.REQUEST)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    client = models.ForeignKey(
        Open311Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=10, decimal_places=6, null=True, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    enterprise_name = models.CharField(_("企业名称"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    # The complainant's contacts: SM4 at rest, found by their HMAC-SM3 hashes.
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    phone_hash = BlindIndexField(source="phone")
    email = EncryptedCharField(_("电子邮箱"), max_length=254, blank=True)
    email_hash = BlindIndexField(source="email", normaliser="text")
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办单位"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=StatusChoice.choices, default=StatusChoice.NEW
    )
    received_at = models.DateTimeField(_("受理时间"))
    # The web form's and Open311's sender, as a keyed hash of its network address
    # (`lib.ratelimit.sender_hash`): counted for the limit per sender, never shown or recoverable.
    sender_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    sla_hours = models.PositiveIntegerField(_("答复时限（小时）"))
    # The deadline as of the last change; while paused it moves on with the clock (see rules).
    due_at = models.DateTimeField(_("答复期限"))
    paused_since = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    satisfaction_note = models.CharField(_("评价意见"), max_length=300, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    verification = models.CharField(
        _("核查结论"), max_length=10, choices=Verification.choices, blank=True, default=Verification.NONE
    )
    verified_on = models.DateField(null=True, blank=True)
    verification_note = models.CharField(_("核查说明"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The unit it is routed to; unrouted, the office's (the root region). Re-routing moves it.
    region = RegionKey(source=("unit",), root_fallback=True)  # lib/regions.py

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        indexes = [
            models.Index(fields=["unit", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["verification", "verified_on"]),
            models.Index(
                fields=["sender_hash", "received_at"],
                condition=~Q(sender_hash=""),
                name="appeals_sender_recent_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="new") | Q(unit__isnull=False), name="appeals_routed_has_unit"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["replied", "closed"]) | Q(replied_at__isnull=False),
                name="appeals_replied_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.service.name if self.service_id else ''}".strip()


class Pause(models.Model):
    """A pause of an appeal's clock (暂停计时), only with its recorded reason (e.g. waiting for the
    enterprise's documents); `ended_at` empty while it lasts."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("暂停原因"), max_length=300)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = RegionKey(source=("appeal",))  # lib/regions.py

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="appeals_pause_ends_after_start",
            )
        ]


class Step(models.Model):
    """One line of an appeal's public history (办理过程): what happened and when, as the enterprise
    sees it on the tracking page (internal names stay out)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField()
    action = models.CharField(max_length=12)
    note = models.CharField(max_length=300, blank=True)
    region = RegionKey(source=("appeal",))  # lib/regions.py

    class Meta:
        ordering = ["at", "pk"]
