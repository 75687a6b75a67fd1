"""The organisation kept from its pages: who may (the office or the system admin) and conflicts.

Each function checks the actor, compares the fingerprint of what the editor saw (`seen`) with the
stored row, and hands the write to the audited service in `services.py`, or writes and audits it
here where none exists yet (person and post edits).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, LuoshiError, NotAllowed, refuse_unknown_fields
from luoshi.lib.crypto_fields import masked
from luoshi.lib.stamp import fingerprint
from luoshi.lib.text import pinyin_forms

from . import services
from .access import context_for, require_org_keeper
from .models import ADMIN_DUTIES, Membership, Person, PortfolioUnit, Post, Role, Unit

UNIT_EDITABLE = ("name", "short_name", "aliases", "category", "parent", "sort", "is_active")
PERSON_EDITABLE = ("name", "phone", "card_no")
POST_EDITABLE = ("title", "role", "senior")


def unit_stamp(unit: Unit) -> str:
    return fingerprint(unit, UNIT_EDITABLE)


def person_stamp(person: Person) -> str:
    return fingerprint(person, PERSON_EDITABLE)


def post_stamp(post: Post) -> str:
    return fingerprint(post, POST_EDITABLE)


def portfolio_stamp(leader: Person) -> str:
    ids = sorted(PortfolioUnit.objects.filter(leader=leader).values_list("unit_id", flat=True))
    return ",".join(map(str, ids)) or "-"


def _require(actor: Any) -> None:
    require_org_keeper(actor)


def _check(stamp: str, seen: str | None, message: str) -> None:
    if seen is not None and stamp != seen:
        raise Conflict(message)


def _role_allowed(actor: Any, role: str) -> None:
    """The three admin duties (三权分立) are handed out by the system admin, never by the office."""
    if role in ADMIN_DUTIES and Role.SYSADMIN not in context_for(actor).roles:
        if not context_for(actor).superuser:
            raise NotAllowed(_("管理员岗位只能由系统管理员设置。"))


@transaction.atomic
def unit_add(
    *, actor: Any, code: str, name: str, category: str, parent: Unit | None = None, **fields: Any
) -> Unit:
    """Create a unit (单位) from the organisation pages."""
    _require(actor)
    if not (code or "").strip() or not (name or "").strip():
        raise LuoshiError(_("单位代码和名称不能为空。"))
    return services.unit_create(
        actor=actor, code=code.strip(), name=name.strip(), category=category, parent=parent, **fields
    )


@transaction.atomic
def unit_edit(*, actor: Any, unit: Unit, seen: str | None = None, **changes: Any) -> Unit:
    """Rename, re-categorise, move or deactivate a unit, refusing an edit made on a stale copy."""
    _require(actor)
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    _check(unit_stamp(current), seen, _("单位已被他人修改，请查看最新内容后重试。"))
    changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changes:
        return current
    if "name" in changes and not str(changes["name"]).strip():
        raise LuoshiError(_("单位名称不能为空。"))
    if changes.get("parent") is not None and changes["parent"].pk == current.pk:
        raise LuoshiError(_("不能把单位移到它自己的下级之下。"))
    return services.unit_update(actor=actor, unit=current, **changes)


@transaction.atomic
def person_add(*, actor: Any, name: str, phone: str = "", card_no: str = "") -> Person:
    """Create a person (人员)."""
    _require(actor)
    if not (name or "").strip():
        raise LuoshiError(_("姓名不能为空。"))
    return services.person_create(actor=actor, name=name.strip(), phone=phone, card_no=card_no)


@transaction.atomic
def person_update(*, actor: Any, person: Person, seen: str | None = None, **changes: Any) -> Person:
    """Correct a person's name, phone or card number."""
    _require(actor)
    refuse_unknown_fields(changes, PERSON_EDITABLE)
    current = Person.objects.select_for_update().get(pk=person.pk)
    _check(person_stamp(current), seen, _("人员信息已被他人修改，请查看最新内容后重试。"))
    changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changes:
        return current
    if "name" in changes and not str(changes["name"]).strip():
        raise LuoshiError(_("姓名不能为空。"))
    before = {k: getattr(current, k) for k in changes}
    for k, v in changes.items():
        setattr(current, k, v)
    current.pinyin, current.initials = pinyin_forms(current.name)
    current.save()
    record(current, "org.person.updated", actor=actor, before=masked(before), after=masked(changes))
    return current


@transaction.atomic
def post_add(*, actor: Any, unit: Unit, title: str, role: str, senior: bool = False) -> Post:
    """Create a post (岗位) in a unit."""
    _require(actor)
    _role_allowed(actor, role)
    if not (title or "").strip():
        raise LuoshiError(_("职务不能为空。"))
    if role not in Role.values:
        raise LuoshiError(_("角色无效。"))
    return services.post_create(actor=actor, unit=unit, title=title.strip(), role=role, senior=senior)


@transaction.atomic
def post_update(*, actor: Any, post: Post, seen: str | None = None, **changes: Any) -> Post:
    """Retitle a post or change its role or rank; its holders keep it."""
    _require(actor)
    refuse_unknown_fields(changes, POST_EDITABLE)
    current = Post.objects.select_for_update().select_related("unit").get(pk=post.pk)
    _check(post_stamp(current), seen, _("岗位已被他人修改，请查看最新内容后重试。"))
    changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changes:
        return current
    if "role" in changes:
        _role_allowed(actor, current.role)
        _role_allowed(actor, changes["role"])
        # Each holder keeps the post under its new role: refused if that breaks 三权分立 for one of them.
        for person_id in (
            Membership.objects.current().filter(post=current).values_list("person_id", flat=True)
        ):
            held = set(
                Membership.objects.current()
                .filter(person_id=person_id)
                .exclude(post=current)
                .values_list("post__role", flat=True)
            )
            services.refuse_duty_conflict(held, changes["role"])
    before = {k: getattr(current, k) for k in changes}
    for k, v in changes.items():
        setattr(current, k, v)
    current.save()
    record(current, "org.post.updated", actor=actor, before=before, after=changes)
    return current


@transaction.atomic
def holder_start(*, actor: Any, person: Person, post: Post, start: date) -> Membership:
    """A person takes a post (任职) from `start`."""
    _require(actor)
    _role_allowed(actor, post.role)
    if (
        post.role in ADMIN_DUTIES
        and person.user_id is not None
        and person.user_id == getattr(actor, "pk", None)
    ):
        raise NotAllowed(_("管理员不能为自己设置管理员岗位。"))
    return services.membership_start(actor=actor, person=person, post=post, start=start)


@transaction.atomic
def holder_end(*, actor: Any, membership: Membership, end: date) -> Membership:
    """A person leaves a post (离任) on `end`."""
    _require(actor)
    current = Membership.objects.select_for_update().select_related("post").get(pk=membership.pk)
    _role_allowed(actor, current.post.role)
    if current.end is not None:
        raise Conflict(_("该任职已于 %(d)s 结束。") % {"d": current.end})
    return services.membership_end(actor=actor, membership=current, end=end)


@transaction.atomic
def portfolio_change(*, actor: Any, leader: Person, units: Sequence[Unit], seen: str | None = None) -> None:
    """Replace a leader's portfolio (分管单位), refusing it if someone changed it meanwhile."""
    _require(actor)
    Person.objects.select_for_update().filter(pk=leader.pk).first()
    _check(portfolio_stamp(leader), seen, _("分管单位已被他人修改，请查看最新内容后重试。"))
    services.portfolio_set(actor=actor, leader=leader, units=list({u.pk: u for u in units}.values()))
