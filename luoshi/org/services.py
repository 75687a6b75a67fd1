"""Writes of the organisation: units, people, posts, memberships, portfolios. Each is audited."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import LuoshiError
from luoshi.identity.rules import duty_conflict
from luoshi.lib.text import pinyin_forms
from luoshi.work.paths import UNIT_ROOT, child_path

from .models import ApiToken, Membership, Person, PortfolioUnit, Post, Unit, UnitAlias, UnitCategory


def _unit_path(unit: Unit) -> None:
    """Path, depth and region (lib/regions.py) from the parent's, which are already right."""
    parent = unit.parent if unit.parent_id else None
    unit.path = child_path(parent.path if parent is not None else UNIT_ROOT, unit.pk)
    unit.depth = parent.depth + 1 if parent is not None else 0
    if unit.category == UnitCategory.DISTRICT or parent is None:
        unit.region_id = unit.pk
    else:
        unit.region_id = parent.region_id or parent.pk
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth, region_id=unit.region_id)


def _unit_pinyin(unit: Unit) -> None:
    full, initials = pinyin_forms(unit.name)
    sfull, sinit = pinyin_forms(unit.short_name) if unit.short_name else ("", "")
    unit.pinyin = " ".join(x for x in (full, sfull) if x)
    unit.initials = " ".join(x for x in (initials, sinit) if x)


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    category: str,
    parent: Unit | None = None,
    short_name: str = "",
    aliases: str = "",
    sort: int = 0,
    audit: bool = True,
) -> Unit:
    """Create a unit (单位) under a parent."""
    if Unit.objects.filter(code=code).exists():
        raise LuoshiError(_("单位代码 %(c)s 已存在。") % {"c": code})
    unit = Unit(
        code=code,
        name=name,
        category=category,
        parent=parent,
        short_name=short_name,
        aliases=aliases,
        sort=sort,
    )
    _unit_pinyin(unit)
    unit.full_clean(exclude=["path"])
    unit.save()
    _unit_path(unit)
    if audit:
        record(
            unit,
            "org.unit.created",
            actor=actor,
            after={"code": code, "name": name, "category": category, "parent": parent.pk if parent else None},
        )
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **changes: Any) -> Unit:
    """Rename or move a unit; moving re-paths its whole subtree."""
    allowed = {"name", "short_name", "aliases", "category", "parent", "sort", "is_active"}
    if set(changes) - allowed:
        raise LuoshiError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(set(changes) - allowed))})
    before = {k: str(getattr(unit, k)) for k in changes}
    old_path = unit.path
    for k, v in changes.items():
        setattr(unit, k, v)
    if "parent" in changes and unit.parent is not None and unit.parent.path.startswith(old_path):
        raise LuoshiError(_("不能把单位移到它自己的下级之下。"))
    _unit_pinyin(unit)
    unit.save()
    if "parent" in changes or "category" in changes:  # the region follows both
        _unit_path(unit)
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth"):
            _unit_path(child)
    record(
        unit, "org.unit.updated", actor=actor, before=before, after={k: str(v) for k, v in changes.items()}
    )
    return unit


@transaction.atomic
def unit_alias_set(*, actor: Any, name: str, unit: Unit, scope: Unit | None = None) -> UnitAlias:
    """Remember that `name`, as offices write it, means `unit` inside `scope` (everywhere if None).

    Setting a name again inside the same scope re-points it; the change is audited either way."""
    name = "".join(name.split())[:120]
    if not name:
        raise LuoshiError(_("别名不能为空。"))
    alias = UnitAlias.objects.filter(name=name, scope=scope).select_related("unit").first()
    before = {"unit": alias.unit_id, "unit_name": alias.unit.name} if alias is not None else None
    if alias is None:
        alias = UnitAlias.objects.create(name=name, unit=unit, scope=scope, created_by=actor)
    elif alias.unit_id != unit.pk:
        alias.unit = unit
        alias.save(update_fields=["unit"])
    record(
        unit,
        "org.unit.alias_set",
        actor=actor,
        before=before,
        after={"name": name, "unit": unit.pk, "unit_name": unit.name, "scope": scope.pk if scope else None},
    )
    return alias


@transaction.atomic
def person_create(
    *, actor: Any, name: str, phone: str = "", card_no: str = "", user: Any = None, audit: bool = True
) -> Person:
    """Create a person (人员), optionally linked to a login."""
    full, initials = pinyin_forms(name)
    person = Person.objects.create(
        name=name, phone=phone, card_no=card_no, user=user, pinyin=full, initials=initials
    )
    if audit:
        record(person, "org.person.created", actor=actor, after={"name": name})
    return person


@transaction.atomic
def post_create(
    *, actor: Any, unit: Unit, title: str, role: str, senior: bool = False, audit: bool = True
) -> Post:
    """Create a post (岗位) in a unit."""
    post = Post.objects.create(unit=unit, title=title, role=role, senior=senior)
    if audit:
        record(post, "org.post.created", actor=actor, after={"unit": unit.pk, "title": title, "role": role})
    return post


def refuse_duty_conflict(held: set[str], new: str) -> None:
    """LuoshiError when role `new` beside the roles `held` breaks separation of duties (三权分立)."""
    conflict = duty_conflict(held, new)
    if conflict == "two_duties":
        raise LuoshiError(_("系统管理员、安全管理员、审计管理员须由不同人员担任。"), code="two_duties")
    if conflict is not None:
        raise LuoshiError(
            _("管理员岗位（系统、安全、审计）不能与业务岗位由同一人员担任。"), code="duty_and_business"
        )


@transaction.atomic
def membership_start(
    *, actor: Any, person: Person, post: Post, start: date, audit: bool = True
) -> Membership:
    """A person takes a post from `start`. The three admin duties (三权分立) stay with different people,
    and an admin duty is held alone: no business role beside it."""
    held = set(Membership.objects.current(start).filter(person=person).values_list("post__role", flat=True))
    refuse_duty_conflict(held, post.role)
    if Membership.objects.current(start).filter(person=person, post=post).exists():
        raise LuoshiError(_("%(p)s 已在该岗位任职。") % {"p": person.name})
    m = Membership.objects.create(person=person, post=post, start=start)
    if audit:
        record(
            m,
            "org.membership.started",
            actor=actor,
            after={"person": person.pk, "post": post.pk, "start": start},
        )
    return m


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership, end: date) -> Membership:
    """A person leaves a post; the post and its responsibilities stay."""
    if end < membership.start:
        raise LuoshiError(_("离任日期不能早于任职日期。"))
    Membership.objects.filter(pk=membership.pk).update(end=end)
    membership.end = end
    record(membership, "org.membership.ended", actor=actor, data={"end": end})
    return membership


@transaction.atomic
def portfolio_set(*, actor: Any, leader: Person, units: list[Unit]) -> None:
    """Replace a leader's portfolio (分管单位)."""
    before = sorted(PortfolioUnit.objects.filter(leader=leader).values_list("unit_id", flat=True))
    PortfolioUnit.objects.filter(leader=leader).delete()
    PortfolioUnit.objects.bulk_create([PortfolioUnit(leader=leader, unit=u) for u in units])
    record(
        leader,
        "org.portfolio.changed",
        actor=actor,
        before={"units": before},
        after={"units": sorted(u.pk for u in units)},
    )


@transaction.atomic
def token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """Issue an API token; the raw value is returned once and only its hash is stored."""
    raw = "ls_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:11], digest=ApiToken.hash(raw))
    record(token, "org.token.created", actor=actor, data={"user": user.pk, "name": name})
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked=timezone.now())
    record(token, "org.token.revoked", actor=actor)
