"""Supervision (督查督办): items with their source, the hand-off trail (交办 / 转办 / 签收 / 退回), the
escalation ladder 催办 → 督办 → 通报 → 问责 as proposals the office decides, numbered notices
(督办单), the units' written responses and accountability records (问责).

Each item is one task of the engine (`task`, one item per task): lights, reports and closing are
the task's, read here and never written. The item's holder (`holder_unit`, `holder_person`,
`held_since`) and level are written only by `services.py`, alongside the row that explains them.
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
from luoshi.org.models import Role

from .rules import Level, Reason


class SourceKind(models.TextChoices):
    INSTRUCTION = "instruction", _("领导批示")
    MEETING = "meeting", _("会议议定")
    HOTLINE = "hotline", _("热线投诉")
    INSPECTION = "inspection", _("督查检查")
    LIGHT = "light", _("亮灯预警")


class LevelChoice(models.TextChoices):
    REMIND = Level.REMIND, _("催办")
    SUPERVISE = Level.SUPERVISE, _("督办")
    BULLETIN = Level.BULLETIN, _("通报")
    ACCOUNT = Level.ACCOUNT, _("问责")


class ReasonChoice(models.TextChoices):
    LATE_REPORT = Reason.LATE_REPORT, _("迟报")
    RED = Reason.RED, _("持续严重滞后")
    OVERDUE = Reason.OVERDUE, _("逾期")
    IDLE = Reason.IDLE, _("交办滞留")
    NO_RESPONSE = Reason.NO_RESPONSE, _("督办单逾期未反馈")


class HandoffKind(models.TextChoices):
    ASSIGN = "assign", _("交办")
    TRANSFER = "transfer", _("转办")
    SIGN = "sign", _("签收")
    RETURN = "return", _("退回")


class ItemState(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class ProposalState(models.TextChoices):
    PENDING = "pending", _("待决定")
    ACCEPTED = "accepted", _("已采纳")
    DISMISSED = "dismissed", _("已驳回")


class Outcome(models.TextChoices):
    INTERVIEW = "interview", _("约谈")
    ADMONITION = "admonition", _("诫勉")
    CRITICISM = "criticism", _("通报批评")
    ORGANISATIONAL = "organisational", _("组织处理")
    DISCIPLINARY = "disciplinary", _("纪律处分")


class ItemQuerySet(models.QuerySet["Item"]):
    def visible_to(self, user: Any) -> ItemQuerySet:
        """The office sees every item; others the items led, co-handled or now held by a unit in
        their scope (own units with subtrees, and a leader's portfolio); anonymous visitors none."""
        ctx = context_for(user)
        if ctx.sees_everything:
            return self.all()
        if not ctx.scope_unit_ids:
            return self.none()
        scope = ctx.scope_unit_ids
        return self.filter(
            Q(lead_unit_id__in=scope)
            | Q(holder_unit_id__in=scope)
            | Q(pk__in=Item.co_units.through.objects.filter(unit_id__in=scope).values("item_id"))
        )


class Item(models.Model):
    """A supervision item (督办事项): where it came from, who leads it, by when, how often the unit
    answers, the task that carries its work, who holds it now and how far it has escalated."""

    title = models.CharField(_("事项"), max_length=300)
    source_kind = models.CharField(_("来源"), max_length=12, choices=SourceKind.choices)
    instruction_text = models.TextField(_("批示内容"), blank=True)
    instruction_leader = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("批示领导"),
    )
    instruction_date = models.DateField(_("批示日期"), null=True, blank=True)
    decision = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("会议议定事项"),
    )
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位")
    )
    co_units: models.ManyToManyField[Any, ItemCoUnit] = models.ManyToManyField(
        "org.Unit",
        related_name="+",
        blank=True,
        through="ItemCoUnit",
        through_fields=("item", "unit"),
        verbose_name=_("配合单位"),
    )
    deadline = models.DateField(_("办结时限"))
    cadence_days = models.PositiveSmallIntegerField(_("反馈周期（天）"), default=7)
    task = models.OneToOneField("work.Task", on_delete=models.PROTECT, related_name="supervision_item")
    level = models.CharField(_("督办层级"), max_length=16, choices=LevelChoice.choices, blank=True)
    holder_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    holder_person = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办人"),
    )
    held_since = models.DateTimeField(_("接手时间"))
    signed = models.BooleanField(_("已签收"), default=False)
    state = models.CharField(_("状态"), max_length=8, choices=ItemState.choices, default=ItemState.OPEN)
    effect = models.TextField(_("办理成效"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    region = RegionKey(source=("lead_unit",))

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["state", "held_since"], name="sv_item_state_held"),
            models.Index(fields=["lead_unit", "state"], name="sv_item_unit_state"),
            models.Index(fields=["-created", "-id"], name="sv_item_newest"),
            # The idle list (滞留): its page walks open items in the order shown (held longest first)
            # and stops at the page's end; its count reads one range per level, index only.
            models.Index(
                fields=["held_since", "id"], condition=Q(state=ItemState.OPEN), name="sv_item_open_held"
            ),
            models.Index(
                fields=["level", "held_since"],
                condition=Q(state=ItemState.OPEN),
                name="sv_item_open_level_held",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_kind=SourceKind.INSTRUCTION) | ~Q(instruction_text=""),
                name="sv_item_instruction_text",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ItemCoUnit(models.Model):
    """A co-handling unit (配合单位) of an item (the table Django made for `Item.co_units`, now with its
    region)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE)
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("item",))

    class Meta:
        db_table = "supervision_item_co_units"
        unique_together = [("item", "unit")]


class Handoff(models.Model):
    """One step of the item's journey (交办 / 转办 / 签收 / 退回): who passed it to whom, when."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="handoffs")
    kind = models.CharField(max_length=10, choices=HandoffKind.choices)
    from_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)
    region = RegionKey(source=("item",))

    class Meta:
        ordering = ["item_id", "at", "pk"]
        indexes = [models.Index(fields=["item", "at"], name="sv_handoff_item_at")]


class RedStreak(models.Model):
    """Since when a task has been red (严重滞后) without a break, as the daily step saw it."""

    task = models.OneToOneField("work.Task", on_delete=models.CASCADE, primary_key=True, related_name="+")
    since = models.DateField()
    region = RegionKey(source=("task",))


class Proposal(models.Model):
    """An escalation the rules propose (建议) for a task — an item's, or a red task not yet an item —
    for the office to accept (at this or another level), or dismiss with a reason. Never twice for
    the same task, level and reason."""

    task = models.ForeignKey("work.Task", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=16, choices=LevelChoice.choices)
    rank = models.PositiveSmallIntegerField(default=0)  # rules.rank(level): the queue's order, indexed
    reason = models.CharField(max_length=16, choices=ReasonChoice.choices)
    days = models.PositiveIntegerField(default=0)  # red, idle or unanswered days behind the proposal
    proposed_on = models.DateField()
    state = models.CharField(max_length=10, choices=ProposalState.choices, default=ProposalState.PENDING)
    decided_level = models.CharField(max_length=16, choices=LevelChoice.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.CharField(max_length=500, blank=True)
    region = RegionKey(source=("task",))

    class Meta:
        ordering = ["proposed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "level", "reason"], name="sv_proposal_once"),
        ]
        indexes = [models.Index(fields=["state", "-rank", "proposed_on", "id"], name="sv_proposal_queue")]


class NoticeCounter(models.Model):
    """The last notice number of a region's year (each district's office numbers its own notices):
    incremented under a row lock, so numbers never repeat."""

    region = RegionKey(source=("region",))  # lib/regions.py: set by the issuing service
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="sv_noticecounter_year")]


class NoticeQuerySet(models.QuerySet["Notice"]):
    def visible_to(self, user: Any) -> NoticeQuerySet:
        return self.filter(item__in=Item.objects.visible_to(user))


class Notice(models.Model):
    """A notice (督办单 / 催办单 / 通报 / 问责通知): numbered 〔year〕N号 per year, dated, addressed to a
    unit, with the date its written response is due."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="notices")
    level = models.CharField(max_length=16, choices=LevelChoice.choices)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    issued_on = models.DateField()
    response_due = models.DateField()
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("主送单位")
    )
    body = models.TextField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issuer = models.CharField(_("发文机关"), max_length=200)
    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="notice"
    )
    region = RegionKey(source=("item",))

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "issued_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "seq"], name="sv_notice_number")]
        indexes = [models.Index(fields=["level", "issued_on"], name="sv_notice_level_day")]

    @property
    def number(self) -> str:
        return f"督〔{self.year}〕{self.seq}号"


class Response(models.Model):
    """A unit's written response (书面反馈) to a notice: never edited; a new one supersedes it."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("办理情况"))
    stall_reason = models.TextField(_("未推进原因"), blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    region = RegionKey(source=("notice",))

    class Meta:
        ordering = ["notice_id", "submitted_at", "pk"]


def response_evidence_path(instance: ResponseEvidence, filename: str) -> str:
    return f"supervision/{instance.response.notice_id}/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class ResponseEvidence(models.Model):
    """An evidence file (佐证材料) of a written response, checked by content and stored under its
    SHA-256; served only to those who see the item.

    Uploaded with the response, or carried (沿用) from the task's own report or completion claim
    (`source`): then the row points at the very file the work app stored (same name in storage, same
    SHA-256, no bytes copied) and keeps its own name, size and type, so every surface lists and
    serves it as one of the response's files. The work app never deletes evidence (PROTECT), and
    `source` keeps the row it came from."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="evidence")
    source = models.ForeignKey(
        "work.Evidence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("沿用的佐证材料"),
    )
    file = models.FileField(upload_to=response_evidence_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, blank=True)
    region = RegionKey(source=("response",))

    class Meta:
        ordering = ["response_id", "pk"]

    def __str__(self) -> str:
        return self.name


class AccountabilityQuerySet(models.QuerySet["Accountability"]):
    def visible_to(self, user: Any) -> AccountabilityQuerySet:
        """Only the supervision office, the audit admin and the leaders whose portfolio holds the
        item's lead unit (the leaders above it) see accountability records."""
        ctx = context_for(user)
        if ctx.is_officer or Role.AUDITADMIN in ctx.roles:
            return self.all()
        if ctx.is_leader and ctx.portfolio_unit_ids:
            return self.filter(item__lead_unit_id__in=ctx.portfolio_unit_ids)
        return self.none()


class Accountability(models.Model):
    """An accountability record (问责): the person held to account, the finding, the outcome."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="accountabilities")
    person = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("问责对象")
    )
    finding = models.TextField(_("问责事由"))
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices)
    decided_on = models.DateField(_("决定日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    region = RegionKey(source=("item",))

    objects = AccountabilityQuerySet.as_manager()

    class Meta:
        ordering = ["item_id", "at", "pk"]
