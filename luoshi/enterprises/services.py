"""Every write of enterprise watch (企业服务), one transaction each with its audit entry: register and
edit an enterprise (credit code checked), raise and close risk flags (the status follows), name the
service team, record visits, and turn a problem into a task of the year's 企业服务 plan."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed, refuse_unknown_fields
from luoshi.lib.crypto_fields import masked
from luoshi.lib.regions import move_region, unit_region_id
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Membership, Person, Unit
from luoshi.work.choices import Source
from luoshi.work.models import Plan
from luoshi.work.services import plan_create, task_create

from . import rules
from .models import Enterprise, Problem, RiskFlag, RiskKind, Size, StatusChoice, TeamMember, TeamRole, Visit

EDITABLE = ("name", "industry", "size", "address", "unit", "contact", "phone")


def check_credit_code(raw: str) -> str:
    """The normalised code, or InvalidField saying what is wrong with it."""
    code = rules.normalize_credit_code(raw)
    problem = rules.credit_code_error(code)
    if problem == "length":
        raise InvalidField(_("统一社会信用代码应为18位。"), field="credit_code")
    if problem == "chars":
        raise InvalidField(
            _("统一社会信用代码含有无效字符（只能是数字和除I、O、Z、S、V以外的大写字母）。"),
            field="credit_code",
        )
    if problem == "check":
        raise InvalidField(_("统一社会信用代码校验位错误，请核对。"), field="credit_code", code="check_digit")
    return code


def _require_steward(actor: Any, enterprise: Enterprise | None = None) -> None:
    """The office, or staff of the enterprise's unit, or a member of its service team."""
    ctx = context_for(actor)
    if ctx.is_officer:
        return
    if enterprise is not None:
        if enterprise.unit_id in (ctx.reporter_unit_ids | ctx.head_unit_ids):
            return
        if (
            ctx.person_id
            and TeamMember.objects.filter(enterprise=enterprise, person_id=ctx.person_id).exists()
        ):
            return
    raise NotAllowed(_("只有督查室、属地单位或服务小组成员可以办理。"))


@transaction.atomic
def enterprise_create(
    *,
    actor: Any,
    name: str,
    credit_code: str,
    industry: str,
    size: str,
    unit: Unit,
    address: str = "",
    contact: str = "",
    phone: str = "",
) -> Enterprise:
    """Register an enterprise (the office); a wrong check character is refused, nothing stored."""
    require_officer(actor)
    code = check_credit_code(credit_code)
    if not name.strip():
        raise InvalidField(_("请填写企业名称。"), field="name")
    if size not in Size.values:
        raise InvalidField(_("请选择企业规模。"), field="size")
    if Enterprise.objects.filter(credit_code=code).exists():
        raise InvalidField(_("该统一社会信用代码已登记。"), field="credit_code")
    ent = Enterprise.objects.create(
        name=name.strip(),
        credit_code=code,
        industry=industry.strip(),
        size=size,
        unit=unit,
        address=address.strip(),
        contact=contact.strip(),
        phone=phone.strip(),
    )
    record(ent, "enterprises.enterprise.created", actor=actor, after={"credit_code": code, "unit": unit.pk})
    return ent


def fingerprint(enterprise: Enterprise) -> str:
    """The editable details as a form saw them (SHA-256, short): an edit posted with another
    fingerprint than the stored one was made on details someone has changed since."""
    raw = "\x1f".join(str(getattr(enterprise, "unit_id" if k == "unit" else k)) for k in EDITABLE)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@transaction.atomic
def enterprise_update(
    *, actor: Any, enterprise: Enterprise, seen: str | None = None, **fields: Any
) -> Enterprise:
    """Edit the enterprise's details (the office); the credit code is its identity and stays. With
    `seen` (the `fingerprint` the editor loaded), an edit saved meanwhile is a conflict, not
    overwritten."""
    require_officer(actor)
    refuse_unknown_fields(fields, EDITABLE)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if seen is not None and seen != fingerprint(enterprise):
        raise Conflict(_("该企业信息已被他人修改，请查看最新内容后再改。"))
    if "size" in fields and fields["size"] not in Size.values:
        raise InvalidField(_("请选择企业规模。"), field="size")
    if "name" in fields and not str(fields["name"]).strip():
        raise InvalidField(_("请填写企业名称。"), field="name")
    before = {k: str(getattr(enterprise, k)) for k in fields}
    for k, v in fields.items():
        setattr(enterprise, k, v.strip() if isinstance(v, str) else v)
    enterprise.save()
    # An enterprise now in another district's care goes there with its rows (lib/regions.py).
    region = unit_region_id(enterprise.unit_id)
    if region is not None and region != enterprise.region_id:
        move_region(enterprise, region)
    record(
        enterprise,
        "enterprises.enterprise.updated",
        actor=actor,
        before=masked(before),
        after=masked({k: str(v) for k, v in fields.items()}),
    )
    return enterprise


def _restatus(ent: Enterprise, today: date) -> None:
    flags = list(RiskFlag.objects.filter(enterprise=ent).values_list("raised_on", "closed_on"))
    status = rules.watch_status(flags)
    if status == rules.WatchStatus.WATCHED and ent.status != StatusChoice.WATCHED:
        ent.watched_since = min(r for r, c in flags if c is None)
        ent.resolved_on = None
    if status == rules.WatchStatus.RESOLVED and ent.status != StatusChoice.RESOLVED:
        ent.resolved_on = today
    ent.status = status.value
    ent.save(update_fields=["status", "watched_since", "resolved_on"])


@transaction.atomic
def flag_raise(
    *, actor: Any, enterprise: Enterprise, kind: str, note: str, raised_on: date | None = None
) -> RiskFlag:
    """Raise a risk flag (标记风险): the enterprise goes on the watch list (重点关注)."""
    _require_steward(actor, enterprise)
    today = timezone.localdate()
    raised_on = raised_on or today
    if kind not in RiskKind.values:
        raise InvalidField(_("请选择风险类型。"), field="kind")
    if raised_on > today:
        raise InvalidField(_("发现日期不能晚于今天。"), field="raised_on")
    if len(note.strip()) < 4:
        raise InvalidField(_("请写明风险情况（至少4个字）。"), field="note")
    ent = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    flag = RiskFlag.objects.create(enterprise=ent, kind=kind, raised_on=raised_on, note=note.strip()[:300])
    _restatus(ent, today)
    record(
        ent,
        "enterprises.flag.raised",
        actor=actor,
        data={"flag": flag.pk, "kind": kind, "raised_on": str(raised_on)},
    )
    return flag


@transaction.atomic
def flag_close(*, actor: Any, flag: RiskFlag, note: str, closed_on: date | None = None) -> RiskFlag:
    """Close a risk flag (风险解除) with a note; with the last one closed the risk is resolved."""
    ent = Enterprise.objects.select_for_update().get(pk=flag.enterprise_id)
    _require_steward(actor, ent)
    flag = RiskFlag.objects.get(pk=flag.pk)
    if flag.closed_on is not None:
        raise LuoshiError(_("该风险已解除。"))
    today = timezone.localdate()
    closed_on = closed_on or today
    if closed_on < flag.raised_on or closed_on > today:
        raise InvalidField(_("解除日期应在发现日期与今天之间。"), field="closed_on")
    if len(note.strip()) < 4:
        raise InvalidField(_("请写明解除情况（至少4个字）。"), field="note")
    flag.closed_on, flag.closed_note = closed_on, note.strip()[:300]
    flag.save(update_fields=["closed_on", "closed_note"])
    _restatus(ent, today)
    record(ent, "enterprises.flag.closed", actor=actor, data={"flag": flag.pk, "closed_on": str(closed_on)})
    return flag


@transaction.atomic
def team_set(
    *, actor: Any, enterprise: Enterprise, members: Sequence[tuple[Person, str]]
) -> list[TeamMember]:
    """Name the service team (政银企联络服务小组): people with their role; one leader at most; each
    member's current post is recorded with them."""
    require_officer(actor)
    people = [p for p, _r in members]
    if len({p.pk for p in people}) != len(people):
        raise InvalidField(_("服务小组成员重复。"), field="members")
    if any(r not in TeamRole.values for _p, r in members):
        raise InvalidField(_("未知的小组分工。"), field="members")
    if sum(1 for _p, r in members if r == TeamRole.LEADER) > 1:
        raise InvalidField(_("服务小组只能有一名组长。"), field="members")
    posts: dict[int, int] = {}
    for person_id, post_id in (
        Membership.objects.current()
        .filter(person__in=people)
        .order_by("start")
        .values_list("person_id", "post_id")
    ):
        posts.setdefault(person_id, post_id)
    before = list(TeamMember.objects.filter(enterprise=enterprise).values_list("person_id", "role"))
    TeamMember.objects.filter(enterprise=enterprise).delete()
    rows = TeamMember.objects.bulk_create(
        TeamMember(enterprise=enterprise, person=p, role=r, post_id=posts.get(p.pk)) for p, r in members
    )
    record(
        enterprise,
        "enterprises.team.changed",
        actor=actor,
        before={"members": before},
        after={"members": [(p.pk, r) for p, r in members]},
    )
    return rows


@transaction.atomic
def visit_record(
    *, actor: Any, enterprise: Enterprise, visited_on: date, visitors: Sequence[Person], notes: str
) -> Visit:
    """Record a visit (走访) with who went and what they found."""
    _require_steward(actor, enterprise)
    if visited_on > timezone.localdate():
        raise InvalidField(_("走访日期不能晚于今天。"), field="visited_on")
    if not visitors:
        raise InvalidField(_("请选择走访人员。"), field="visitors")
    if len(notes.strip()) < 5:
        raise InvalidField(_("请填写走访情况（至少5个字）。"), field="notes")
    visit = Visit.objects.create(
        enterprise=enterprise, visited_on=visited_on, notes=notes.strip(), recorded_by=actor
    )
    visit.visitors.set(visitors, through_defaults={"region_id": visit.region_id})
    record(
        enterprise, "enterprises.visit.recorded", actor=actor, data={"visit": visit.pk, "on": str(visited_on)}
    )
    return visit


def year_plan(*, actor: Any, year: int) -> Plan:
    """The year's plan that carries enterprises' problems (企业服务问题), made on first use."""
    name = _("%(year)s年企业服务问题清单") % {"year": year}
    plan = Plan.objects.filter(name=name).first()
    if plan is None:
        plan = plan_create(actor=actor, name=name, year=year, start=date(year, 1, 1), due=date(year, 12, 31))
    return plan


@transaction.atomic
def problem_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    text: str,
    unit: Unit,
    due: date,
    visit: Visit | None = None,
    responsible_person: Person | None = None,
) -> Problem:
    """Turn an enterprise's problem into a task (问题转任务) of a unit, in the year's 企业服务 plan
    (the office, who assigns tasks)."""
    require_officer(actor, _("只有督查室可以将企业问题交办为任务。"))
    text = text.strip()
    if len(text) < 4:
        raise InvalidField(_("请写明问题（至少4个字）。"), field="text")
    today = timezone.localdate()
    if due < today:
        raise InvalidField(_("办结时限不能早于今天。"), field="due")
    if visit is not None and visit.enterprise_id != enterprise.pk:
        raise InvalidField(_("走访记录不属于该企业。"), field="visit")
    plan = year_plan(actor=actor, year=due.year)
    n = Problem.objects.filter(task__plan=plan).count() + 1
    task = task_create(
        actor=actor,
        plan=plan,
        title=f"{enterprise.name}：{text}"[:300],
        lead_unit=unit,
        start=max(plan.start, min(today, due)),
        due=due,
        responsible_person=responsible_person,
        code=str(n),
        source=Source.ENTERPRISE,
        source_ref=f"enterprises:{enterprise.pk}",
    )
    problem = Problem.objects.create(enterprise=enterprise, visit=visit, text=text[:300], task=task)
    record(
        enterprise, "enterprises.problem.created", actor=actor, data={"problem": problem.pk, "task": task.pk}
    )
    return problem


def default_due(today: date) -> date:
    return today + timedelta(days=30)
