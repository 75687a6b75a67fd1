"""Ratings (评议): rounds (quarterly or unannounced), the panels of raters that rate units on service
items (企业评议部门; 条块双向评议: communities rate departments, departments rate communities), one
ballot per rater per round reached by a personal token link, and the answers.

Raters are not user accounts: a rater is a name, a kind, a contact and, optionally, the org unit it
is (a community, a department) and a user to notify. A ballot's token is stored only as its SHA-256
digest. Results are computed from the answers by `selectors.round_results`, never stored.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey
from luoshi.org.access import context_for

from . import rules

if TYPE_CHECKING:
    from luoshi.org.models import Unit


class RoundKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度评议")
    UNANNOUNCED = "unannounced", _("不定期评议")


class RoundState(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("评议中")
    CLOSED = "closed", _("已结束")


class RaterKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    COMMUNITY = "community", _("社区/村")
    DEPARTMENT = "department", _("部门")
    OTHER = "other", _("其他")


class RatingRoundQuerySet(models.QuerySet["RatingRound"]):
    def visible_to(self, user: Any) -> RatingRoundQuerySet:
        """Ratings are the assessment office's business: officers see everything, others nothing
        (raters reach their own ballot by its token, not through an account)."""
        return self.all() if context_for(user).is_officer else self.none()


class RaterQuerySet(models.QuerySet["Rater"]):
    def visible_to(self, user: Any) -> RaterQuerySet:
        """As rounds: the office only."""
        return self.all() if context_for(user).is_officer else self.none()


class RatingRound(models.Model):
    """A rating round (评议轮次): when it runs, its scale, its minimum responses and veto threshold."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=RoundKind.choices, default=RoundKind.QUARTERLY)
    period = models.CharField(_("评议期"), max_length=40, blank=True, help_text=_("例如 2026年第三季度"))
    opens = models.DateTimeField(_("开始时间"))
    closes = models.DateTimeField(_("截止时间"))
    state = models.CharField(_("状态"), max_length=8, choices=RoundState.choices, default=RoundState.DRAFT)
    scale = models.JSONField(_("评分档次"), help_text=_("[[名称, 分值, 是否不满意], …]，自高到低"))
    minimum_responses = models.PositiveIntegerField(_("最少有效票"), default=5)
    veto_percent = models.DecimalField(
        _("不满意否决线（%）"), max_digits=5, decimal_places=2, default=Decimal("30.00")
    )
    rated_units: models.ManyToManyField[Unit, RoundUnit] = models.ManyToManyField(
        "org.Unit",
        through="RoundUnit",
        through_fields=("ratinground", "unit"),
        related_name="rating_rounds",
        blank=True,
        verbose_name=_("被评议单位"),
    )
    office = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("组织单位"),
        help_text=_("组织评议的考核办所在单位"),
    )
    region = RegionKey(source=("office",))  # lib/regions.py: the organising office's region
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = RatingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("评议轮次")
        verbose_name_plural = _("评议轮次")
        ordering = ["-opens", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="ratings_round_dates"),
            models.CheckConstraint(
                condition=Q(veto_percent__gte=0, veto_percent__lte=100), name="ratings_round_veto_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def options(self) -> tuple[rules.Option, ...]:
        return tuple(rules.Option(str(o[0]), Decimal(str(o[1])), bool(o[2])) for o in self.scale)

    def accepts_at(self, now: Any) -> bool:
        """Whether ballots may be submitted now: open, and between its opening and closing times."""
        return bool(self.state == RoundState.OPEN and self.opens <= now < self.closes)


class RoundUnit(models.Model):
    """A unit a round rates (被评议单位): the round's `rated_units`, on the table Django made for them."""

    ratinground = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("ratinground",))  # lib/regions.py

    class Meta:
        db_table = "ratings_ratinground_rated_units"
        unique_together = [("ratinground", "unit")]


class Item(models.Model):
    """A service item every ballot rates for each unit (e.g. 服务态度, 办事效率, 廉洁自律)."""

    round = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="items")
    region = RegionKey(source=("round",))  # lib/regions.py
    position = models.PositiveIntegerField()
    text = models.CharField(_("评议事项"), max_length=200)

    class Meta:
        ordering = ["round", "position"]
        constraints = [models.UniqueConstraint(fields=["round", "position"], name="ratings_item_position")]

    def __str__(self) -> str:
        return self.text


class Rater(models.Model):
    """A rater (评议人): an enterprise, a community, a department; not a user account. The same
    rater (kind and name) is kept across rounds, so its history stays one record."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=12, choices=RaterKind.choices)
    contact = models.CharField(_("联系人及电话"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("对应单位"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("站内账号"),
    )
    # lib/regions.py: its unit's region; a rater that is no unit (an enterprise) takes the region of
    # the round that first invited it (the importer sets it).
    region = RegionKey(source=("unit",))

    objects = RaterQuerySet.as_manager()

    class Meta:
        verbose_name = _("评议人")
        verbose_name_plural = _("评议人")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="ratings_rater_kind_name")]

    def __str__(self) -> str:
        return self.name


class Panel(models.Model):
    """A panel of raters in a round (评议组: 50家企业, 各社区…) and the units it rates: its own, or
    the round's when it names none."""

    round = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="panels")
    region = RegionKey(source=("round",))  # lib/regions.py
    name = models.CharField(_("评议组"), max_length=100)
    rated_units: models.ManyToManyField[Unit, PanelUnit] = models.ManyToManyField(
        "org.Unit",
        through="PanelUnit",
        through_fields=("panel", "unit"),
        related_name="rating_panels",
        blank=True,
        verbose_name=_("被评议单位"),
    )

    class Meta:
        ordering = ["round", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="ratings_panel_name")]

    def __str__(self) -> str:
        return self.name


class PanelUnit(models.Model):
    """A unit a panel rates: the panel's `rated_units`, on the table Django made for them."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    region = RegionKey(source=("panel",))  # lib/regions.py

    class Meta:
        db_table = "ratings_panel_rated_units"
        unique_together = [("panel", "unit")]


def token_digest(raw: str) -> str:
    """The stored form of a ballot token: its SHA-256 in hex (the token itself is never stored)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class Ballot(models.Model):
    """One rater's ballot in a round (one per rater and round), reached by a personal token link;
    submitted once (`submitted_at`, set by one conditional update)."""

    round = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="ballots")
    region = RegionKey(source=("round",))  # lib/regions.py
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="ballots")
    rater = models.ForeignKey(Rater, on_delete=models.PROTECT, related_name="ballots")
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issues = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["panel", "rater__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "rater"], name="ratings_one_ballot_per_rater")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.rater_id}"


class Answer(models.Model):
    """One rating on a ballot: a unit, an item, the option chosen (its points and 不满意 flag copied,
    so a result never depends on a later edit of the scale)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="answers")
    region = RegionKey(source=("ballot",))  # lib/regions.py
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    choice = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=8, decimal_places=2)
    unsatisfied = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "unit", "item"], name="ratings_one_answer")]
        indexes = [models.Index(fields=["unit", "item"], name="ratings_answer_unit_item")]


class RefusalReason(models.TextChoices):
    UNKNOWN = rules.Refusal.UNKNOWN, _("链接无效")
    USED = rules.Refusal.USED, _("已提交过")
    NOT_OPEN = rules.Refusal.NOT_OPEN, _("评议尚未开始")
    CLOSED = rules.Refusal.CLOSED, _("评议已结束")
    OUT_OF_SCALE = rules.Refusal.OUT_OF_SCALE, _("评分不在档次内")
    INCOMPLETE = rules.Refusal.INCOMPLETE, _("有事项未评")


class BallotRefusal(models.Model):
    """A refused ballot submission (also in the audit trail) or visit of a link (once per ballot and
    reason), kept with the reason and the ballot; never the token. Unknown tokens are not kept."""

    round = models.ForeignKey(
        RatingRound, null=True, blank=True, on_delete=models.CASCADE, related_name="refusals"
    )
    ballot = models.ForeignKey(
        Ballot, null=True, blank=True, on_delete=models.CASCADE, related_name="refusals"
    )
    region = RegionKey(source=("round", "ballot"))  # lib/regions.py
    reason = models.CharField(max_length=16, choices=RefusalReason.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
