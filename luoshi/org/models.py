from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.lib.crypto_fields import BlindIndexField, EncryptedCharField


class UnitCategory(models.TextChoices):
    DISTRICT = "district", _("区")
    ZONE = "zone", _("功能区/街镇")
    DEPARTMENT = "department", _("区直部门")
    RESIDENT = "resident", _("驻区单位")
    COMMUNITY = "community", _("社区/村")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    REPORTER = "reporter", _("填报员")
    HEAD = "head", _("单位主要负责人")
    LEADER = "leader", _("区领导")
    OFFICER = "officer", _("督查考核人员")
    ASSESSOR = "assessor", _("考核评分人")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


ADMIN_DUTIES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN}


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: Any) -> UnitQuerySet:
        """The organisation tree is not secret inside the government: any signed-in user sees it."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.all()

    def subtree(self, unit_ids: list[int] | set[int]) -> UnitQuerySet:
        """The units with these ids and everything below them, in one query."""
        paths = list(Unit.objects.filter(pk__in=unit_ids).values_list("path", flat=True))
        if not paths:
            return self.none()
        cond = Q()
        for p in paths:
            cond |= Q(path__startswith=p)
        return self.filter(cond)


class Unit(models.Model):
    """A node of the organisation tree (单位): district, zone/street, department, community…"""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    aliases = models.CharField(_("别名"), max_length=300, blank=True, help_text=_("以顿号或逗号分隔"))
    category = models.CharField(_("类别"), max_length=20, choices=UnitCategory.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    # Materialised path "/1/5/23/" so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The region (区域, docs/scaling.md): the nearest district-level unit at or above this one, or
    # the tree's root; kept with `path` by the unit services. The key region-scoped tables copy.
    region = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    sort = models.IntegerField(_("排序"), default=0)
    pinyin = models.CharField(max_length=400, blank=True, editable=False)
    initials = models.CharField(max_length=120, blank=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = UnitQuerySet.as_manager()

    # Set by the views for their templates, never stored.
    n_holders: int
    indent: range

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class UnitAlias(models.Model):
    """A name offices write for a unit (别名), mapped once by an officer in an import preview.

    It holds inside `scope` (the plan owner's district, or everywhere when empty), so the same
    short name can mean different units in different districts."""

    name = models.CharField(_("写法"), max_length=120)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="alias_names", verbose_name=_("单位")
    )
    scope = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("适用范围")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        constraints = [
            models.UniqueConstraint(fields=["name", "scope"], name="unit_alias_unique_in_scope"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(scope__isnull=True), name="unit_alias_unique_everywhere"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit}"


class Person(models.Model):
    """A person (人员); responsibility sits with posts, which people hold for dated periods."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    name = models.CharField(_("姓名"), max_length=60)
    phone = EncryptedCharField(_("电话"), max_length=30, blank=True)  # SM4 at rest
    phone_hash = BlindIndexField(source="phone")  # HMAC-SM3, for lookups by number
    card_no = models.CharField(_("卡号"), max_length=40, blank=True)
    pinyin = models.CharField(max_length=200, blank=True, editable=False)
    initials = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        # a card swiped at a meeting's door is looked up among every person of the install
        indexes = [models.Index(fields=["card_no"], condition=~Q(card_no=""), name="org_person_card_no")]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A post (岗位) in a unit, with its role; it outlives the people who hold it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts", verbose_name=_("单位"))
    title = models.CharField(_("职务"), max_length=80)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    senior = models.BooleanField(_("副科级及以上"), default=False)

    # Set by the views for their templates, never stored.
    form: Any  # the unit page's PostForm for this post

    class Meta:
        ordering = ["unit__path", "title"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")

    def __str__(self) -> str:
        return f"{self.unit.label}·{self.title}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: Any = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


class Membership(models.Model):
    """A person holding a post from `start` until `end` (任职)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="memberships")
    start = models.DateField(_("任职起"))
    end = models.DateField(_("任职止"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.post}"


class PortfolioUnit(models.Model):
    """A unit in a leader's portfolio (分管)."""

    leader = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="portfolio")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["leader", "unit"], name="portfolio_unique")]
        verbose_name = _("分管单位")
        verbose_name_plural = _("分管单位")

    def __str__(self) -> str:
        return f"{self.leader} → {self.unit}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
