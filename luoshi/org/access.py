"""Who a user is in the organisation: their units, roles and portfolio, computed once per request.

Every `visible_to(user)` builds on `context_for(user)`, so visibility is decided in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import router
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.errors import NotAllowed
from luoshi.lib import compiled

from .models import ADMIN_DUTIES, Membership, Person, PortfolioUnit, Role, Unit


@dataclass(frozen=True)
class UserContext:
    person_id: int | None = None
    roles: frozenset[str] = frozenset()
    reporter_unit_ids: frozenset[int] = frozenset()
    head_unit_ids: frozenset[int] = frozenset()
    # Acts as a superuser: only where LUOSHI_SUPERUSER_BYPASS is on (LUOSHI_DEBUG); in production mode a
    # superuser flag grants nothing, so separation of duties (三权分立) has no way around it.
    superuser: bool = False
    # Units where the user holds a post themself, without subtrees: who sees a unit's pending reports.
    post_unit_ids: frozenset[int] = frozenset()
    # Posts whose unit's subtree the user sees (every business post but a leader's).
    tree_root_ids: frozenset[int] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)

    # The subtrees are read when first asked for: filing a report for one's own unit, the commonest
    # write, needs only the posts (one query), not the tree below them nor a leader's portfolio.

    @cached_property
    def unit_ids(self) -> frozenset[int]:
        """Units where the user holds a post, with their subtrees (a street sees its communities)."""
        if not self.tree_root_ids:
            return self.post_unit_ids
        below = Unit.objects.subtree(list(self.tree_root_ids)).values_list("pk", flat=True)
        return self.post_unit_ids | frozenset(below)

    @cached_property
    def portfolio_unit_ids(self) -> frozenset[int]:
        """A leader's portfolio (分管), with descendants."""
        if self.person_id is None:
            return frozenset()
        leader_units = list(
            PortfolioUnit.objects.filter(leader_id=self.person_id).values_list("unit_id", flat=True)
        )
        if not leader_units:
            return frozenset()
        return frozenset(Unit.objects.subtree(leader_units).values_list("pk", flat=True))

    @property
    def is_officer(self) -> bool:
        return self.superuser or Role.OFFICER in self.roles

    @property
    def is_leader(self) -> bool:
        return Role.LEADER in self.roles

    @property
    def sees_everything(self) -> bool:
        return self.is_officer

    @property
    def scope_unit_ids(self) -> frozenset[int]:
        """Units whose tasks the user may see: own units and portfolio (with subtrees)."""
        return self.unit_ids | self.portfolio_unit_ids


ANONYMOUS = UserContext()


def context_for(user: Any) -> UserContext:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached: UserContext | None = getattr(user, "_luoshi_ctx", None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    units: set[int] = set()
    tree_roots: set[int] = set()
    reporter: set[int] = set()
    head: set[int] = set()
    # The person comes with their posts in one query; only someone with no current post needs another.
    rows = compiled.rows(
        "org.context_for.posts",
        _current_posts,
        user.pk,
        timezone.localdate(),
        using=router.db_for_read(Membership),
    )
    person_id = (
        rows[0][0] if rows else Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    )
    for _person, role, unit_id in rows:
        roles.add(role)
        if role in ADMIN_DUTIES:
            # An admin duty's post sits in some unit but gives no sight of its business data.
            continue
        units.add(unit_id)
        # A leader's post sits in the district itself, so it would reach everything: leaders see
        # their portfolio (分管) instead.
        if role != Role.LEADER:
            tree_roots.add(unit_id)
        if role == Role.REPORTER:
            reporter.add(unit_id)
        elif role == Role.HEAD:
            head.add(unit_id)
    ctx = UserContext(
        person_id=person_id,
        roles=frozenset(roles),
        reporter_unit_ids=frozenset(reporter),
        head_unit_ids=frozenset(head),
        post_unit_ids=frozenset(units),
        tree_root_ids=frozenset(tree_roots),
        superuser=bool(user.is_superuser) and superuser_bypass(),
    )
    user._luoshi_ctx = ctx
    return ctx


def _current_posts(user_id: int, day: date) -> Any:
    """(person id, role, unit id) of the posts the user's person holds on `day`."""
    return (
        Membership.objects.current(day)
        .filter(person__user_id=user_id)
        .values_list("person_id", "post__role", "post__unit_id")
    )


def superuser_bypass() -> bool:
    """Whether a superuser acts as every role: on a developer's machine only (LUOSHI_DEBUG)."""
    return bool(getattr(settings, "LUOSHI_SUPERUSER_BYPASS", False))


def has_role(user: Any, role: str) -> bool:
    return role in context_for(user).roles


def is_audit_admin(user: Any) -> bool:
    return has_role(user, Role.AUDITADMIN)


def is_security_admin(user: Any) -> bool:
    return has_role(user, Role.SECADMIN)


def is_officer(user: Any) -> bool:
    return context_for(user).is_officer


def admin_duties(roles: set[str]) -> set[str]:
    return {r for r in roles if r in ADMIN_DUTIES}


# ---------------------------------------------------------------------------------------------
# One check per duty. Each raises the shared NotAllowed (403) with the message the caller gives,
# or the duty's own; services, views and the API all use these instead of testing roles themselves.


def _require(actor: Any, allowed: Callable[[UserContext], Any], message: Any) -> UserContext:
    """The actor's context if `allowed` says yes for it, else NotAllowed (403) with `message`."""
    ctx = context_for(actor)
    if not allowed(ctx):
        raise NotAllowed(message)
    return ctx


def require_officer(actor: Any, message: Any = None) -> UserContext:
    """The supervision office (督查室) only."""
    return _require(actor, lambda c: c.is_officer, message or _("只有督查室人员可以执行此操作。"))


def require_head(actor: Any, unit: Any = None, message: Any = None) -> UserContext:
    """A unit head (单位主要负责人): of `unit` (a Unit or its id) when given, else of any unit."""
    unit_id = getattr(unit, "pk", unit)

    def heads(c: UserContext) -> Any:
        return c.head_unit_ids if unit_id is None else unit_id in c.head_unit_ids

    return _require(actor, heads, message or _("只有单位主要负责人可以审核。"))


def require_leader(actor: Any, message: Any = None) -> UserContext:
    """A leader (区领导) or the supervision office, who sees what every leader sees."""
    return _require(actor, lambda c: c.is_leader or c.is_officer, message or _("仅对区领导和督查室开放。"))


def require_org_keeper(actor: Any, message: Any = None) -> UserContext:
    """Who keeps the organisation: the supervision office and the system admin (系统管理员)."""
    return _require(
        actor,
        lambda c: c.is_officer or Role.SYSADMIN in c.roles,
        message or _("只有督查室人员或系统管理员可以维护组织人员。"),
    )


def require_reporter(actor: Any, message: Any = None) -> UserContext:
    """A unit's reporter (填报员) or head, who files progress for the unit."""
    return _require(
        actor,
        lambda c: c.reporter_unit_ids or c.head_unit_ids,
        message or _("只有单位填报人员或负责人可以填报进度。"),
    )


def require_audit_admin(actor: Any, message: Any = None) -> UserContext:
    """The audit admin (审计管理员), one of the three admin duties (a superuser only in debug mode)."""
    return _require(
        actor,
        lambda c: c.superuser or Role.AUDITADMIN in c.roles,
        message or _("只有审计管理员可以查看审计日志。"),
    )


def require_security_admin(actor: Any, message: Any = None) -> UserContext:
    """The security admin (安全管理员): unlocks accounts, resets passwords and second factors."""
    return _require(
        actor,
        lambda c: c.superuser or Role.SECADMIN in c.roles,
        message or _("只有安全管理员可以执行此操作。"),
    )
