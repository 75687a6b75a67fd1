"""Rectification (整改): inspection and audit rounds (巡察 / 审计 / 督察), the problems they find, the
measures (tasks of the engine) that fix them, and sign-off (销号) through an approval chain.

The three lists 问题清单 / 任务清单 / 责任清单 are views of these same rows (see `selectors.py`); a
problem's stage is written only by `services.py`, and its summary state (done / in progress / not
done) is `rules.problem_state` of the stage and the deadline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for

from .rules import Stage, Step

if TYPE_CHECKING:
    from luoshi.org.models import Unit


class RoundKind(models.TextChoices):
    PATROL = "patrol", _("巡察")
    AUDIT = "audit", _("审计")
    INSPECTION = "inspection", _("督察")


class ProblemKind(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    LONG_TERM = "long_term", _("长期整改")


class StageChoice(models.TextChoices):
    OPEN = Stage.OPEN, _("整改中")
    UNIT_HEAD = Stage.UNIT_HEAD, _("待单位负责人审核")
    LEADER = Stage.LEADER, _("待牵头领导审核")
    OFFICE = Stage.OFFICE, _("待巡察办审核")
    DONE = Stage.DONE, _("已销号")


class StepChoice(models.TextChoices):
    UNIT_HEAD = Step.UNIT_HEAD, _("单位负责人")
    LEADER = Step.LEADER, _("牵头领导")
    OFFICE = Step.OFFICE, _("巡察办")


class SignOffState(models.TextChoices):
    PENDING = "pending", _("审核中")
    APPROVED = "approved", _("已销号")
    REJECTED = "rejected", _("已退回")


def _problem_scope(user: Any, prefix: str = "") -> Q | None:
    """The condition on problems (through `prefix`) a user sees; None for everything."""
    ctx = context_for(user)
    if ctx.sees_everything:
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    cond = Q(**{f"{prefix}responsible_unit_id__in": ctx.scope_unit_ids})
    if ctx.person_id is not None:
        cond |= Q(**{f"{prefix}responsible_leader_id": ctx.person_id})
    return cond


class RoundQuerySet(models.QuerySet["Round"]):
    def visible_to(self, user: Any) -> RoundQuerySet:
        """Officers see every round; others the rounds with a problem of their units, portfolio or
        one they lead; anonymous visitors none (publication for the portal comes later)."""
        cond = _problem_scope(user, "problems__")
        if cond is None:
            return self.all()
        return self.filter(pk__in=Problem.objects.filter(_problem_scope(user) or Q()).values("round_id"))


class Round(models.Model):
    """An inspection or audit round (巡察 / 审计 / 督察轮次): who inspected what, when; its measures
    are tasks of its own plan (`plan`), so lights, reminders and exports work as everywhere."""

    kind = models.CharField(_("类型"), max_length=12, choices=RoundKind.choices)
    name = models.CharField(_("名称"), max_length=200, unique=True)
    body = models.CharField(_("检查机关"), max_length=200)
    start = models.DateField(_("检查开始"))
    end = models.DateField(_("检查结束"))
    feedback = models.DateField(_("反馈日期"), null=True, blank=True)
    scope_units: models.ManyToManyField[Unit, RoundScopeUnit] = models.ManyToManyField(
        "org.Unit",
        through="RoundScopeUnit",
        through_fields=("round", "unit"),
        related_name="rectification_rounds",
        blank=True,
        verbose_name=_("被检查单位"),
    )
    plan = models.ForeignKey("work.Plan", on_delete=models.PROTECT, related_name="+", verbose_name=_("计划"))
    region = RegionKey(source=("plan",))  # lib/regions.py
    created = models.DateTimeField(default=timezone.now)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查轮次")
        verbose_name_plural = _("检查轮次")
        ordering = ["-start", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="round_dates")]

    def __str__(self) -> str:
        return self.name


class RoundScopeUnit(models.Model):
    """A unit a round inspects (被检查单位): the round's `scope_units`, on the table Django made for them."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("round",))  # lib/regions.py

    class Meta:
        db_table = "rectification_round_scope_units"
        unique_together = [("round", "unit")]


class ProblemQuerySet(models.QuerySet["Problem"]):
    def visible_to(self, user: Any) -> ProblemQuerySet:
        """Officers see all; others the problems of their units and portfolio, or that they lead."""
        cond = _problem_scope(user)
        return self.all() if cond is None else self.filter(cond)


class Problem(models.Model):
    """A problem found by a round (问题), with who answers for it, by when, and how it is fixed:
    立行立改 at once, or 长期整改 with the lasting mechanism (长效机制) recorded."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="problems")
    region = RegionKey(source=("round",))  # lib/regions.py
    number = models.CharField(_("序号"), max_length=20)
    sort_key = models.CharField(max_length=120, editable=False, default="")
    text = models.TextField(_("问题"))
    category = models.CharField(_("类别"), max_length=60, blank=True)
    responsible_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    responsible_leader = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("牵头领导"),
    )
    deadline = models.DateField(_("整改时限"))
    kind = models.CharField(_("整改类型"), max_length=12, choices=ProblemKind.choices)
    mechanism = models.TextField(_("长效机制"), blank=True)
    stage = models.CharField(_("销号进度"), max_length=12, choices=StageChoice.choices, default=Stage.OPEN)
    money_involved = models.DecimalField(_("涉及金额（万元）"), max_digits=14, decimal_places=2, default=0)
    money_recovered = models.DecimalField(_("挽回金额（万元）"), max_digits=14, decimal_places=2, default=0)
    is_public = models.BooleanField(_("公开"), default=False)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(default=timezone.now)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["round_id", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="problem_number_unique"),
            models.CheckConstraint(
                condition=~Q(kind=ProblemKind.LONG_TERM) | ~Q(mechanism=""),
                name="problem_long_term_mechanism",
            ),
            models.CheckConstraint(
                condition=Q(money_recovered__gte=0, money_involved__gte=0), name="problem_money"
            ),
        ]
        indexes = [models.Index(fields=["round", "responsible_unit"], name="problem_round_unit")]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:40]}"


class Measure(models.Model):
    """A rectification measure (整改措施): a task of the engine linked to its problem (任务清单)."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="measures")
    region = RegionKey(source=("problem",))  # lib/regions.py
    task = models.OneToOneField("work.Task", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")

    def __str__(self) -> str:
        return f"{self.problem_id} → {self.task_id}"


class SignOff(models.Model):
    """One application to sign a problem off (销号申请), with its evidence; it goes up the chain
    (unit head → lead leader → inspection office) one step at a time, or is returned."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="signoffs")
    region = RegionKey(source=("problem",))  # lib/regions.py
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(_("整改情况"))
    state = models.CharField(max_length=10, choices=SignOffState.choices, default=SignOffState.PENDING)

    class Meta:
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")
        ordering = ["problem_id", "-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=Q(state="pending"), name="signoff_one_pending_per_problem"
            )
        ]


class Approval(models.Model):
    """One step's decision on a sign-off (审核): who, when, approved or returned, and why."""

    signoff = models.ForeignKey(SignOff, on_delete=models.CASCADE, related_name="approvals")
    region = RegionKey(source=("signoff",))  # lib/regions.py
    step = models.CharField(max_length=12, choices=StepChoice.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField()
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signoff_id", "at", "pk"]
        constraints = [models.UniqueConstraint(fields=["signoff", "step"], name="approval_one_per_step")]


def signoff_evidence_path(instance: SignOffEvidence, filename: str) -> str:
    return f"rectification/{instance.signoff.problem_id}/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class SignOffEvidence(models.Model):
    """An evidence file (佐证材料) of a sign-off, stored under its SHA-256: uploaded with it, or carried
    (沿用) from a measure's own report or completion claim (`source`), then pointing at the very file
    the work app stored (same name in storage and SHA-256, no bytes copied), listed and served like
    an uploaded one."""

    signoff = models.ForeignKey(SignOff, on_delete=models.PROTECT, related_name="evidence")
    source = models.ForeignKey(
        "work.Evidence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("沿用的佐证材料"),
    )
    region = RegionKey(source=("signoff",))  # lib/regions.py
    file = models.FileField(upload_to=signoff_evidence_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


class Reopen(models.Model):
    """A re-inspection (回头看) found a signed-off problem not fixed: it is open again, with why."""

    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="reopens")
    region = RegionKey(source=("problem",))  # lib/regions.py
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("重新打开原因"))
    old_deadline = models.DateField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["problem_id", "at", "pk"]


class Publication(models.Model):
    """A round's results as published for the public (整改结果公开): a frozen snapshot of the summary
    figures per responsible unit and of the public problems' fields (no personal names: only the
    responsible unit). One is current per round; unpublishing keeps the row, withdrawn."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="publications")
    region = RegionKey(source=("round",))  # lib/regions.py
    snapshot = models.JSONField()
    as_of = models.DateField(_("统计日期"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("整改结果公开")
        verbose_name_plural = _("整改结果公开")
        ordering = ["round_id", "-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"], condition=Q(withdrawn_at__isnull=True), name="publication_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} @ {self.as_of}"
