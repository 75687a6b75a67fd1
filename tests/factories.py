"""Test data builders: organisation, personas and plans, through the real services."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from django.contrib.auth import get_user_model

from luoshi.org.models import Membership, Person, PortfolioUnit, Post, Role, Unit, UnitCategory
from luoshi.org.services import unit_create
from luoshi.work.models import Plan
from luoshi.work.services import plan_create, task_create

_seq = count(1)


def make_unit(
    name: str,
    *,
    category: str = UnitCategory.DEPARTMENT,
    parent: Unit | None = None,
    code: str = "",
    short_name: str = "",
) -> Unit:
    return unit_create(
        actor=None,
        code=code or f"U{next(_seq):05d}",
        name=name,
        category=category,
        parent=parent,
        short_name=short_name,
    )


def make_user(
    username: str,
    *,
    unit: Unit | None = None,
    role: str = Role.REPORTER,
    name: str = "",
    superuser: bool = False,
    senior: bool = False,
) -> Any:
    User = get_user_model()
    user = User.objects.create_user(
        username=username, password="pass-" + username, is_superuser=superuser, first_name=name or username
    )
    person = Person.objects.create(user=user, name=name or username)
    if unit is not None:
        post = Post.objects.create(unit=unit, title=str(Role(role).label), role=role, senior=senior)
        Membership.objects.create(person=person, post=post, start=date(2000, 1, 1))
    return user


class Personas:
    """reporter A, head of A, reporter B, leader over A, supervision officer, anonymous (None)."""

    def __init__(self) -> None:
        self.district = make_unit("示范区", category=UnitCategory.DISTRICT, code="D0")
        self.office = make_unit("区委督查室", parent=self.district, code="DCS", short_name="督查室")
        self.unit_a = make_unit("区发展和改革局", parent=self.district, code="FGJ", short_name="发改局")
        self.unit_b = make_unit("区财政局", parent=self.district, code="CZJ", short_name="财政局")
        self.reporter_a = make_user("reporter_a", unit=self.unit_a, role=Role.REPORTER, name="甲填报员")
        self.head_a = make_user("head_a", unit=self.unit_a, role=Role.HEAD, name="甲局长")
        self.reporter_b = make_user("reporter_b", unit=self.unit_b, role=Role.REPORTER, name="乙填报员")
        self.leader = make_user("leader", unit=self.district, role=Role.LEADER, name="王区长")
        PortfolioUnit.objects.create(leader=self.leader.person, unit=self.unit_a)
        self.officer = make_user("officer", unit=self.office, role=Role.OFFICER, name="督查员")
        self.officer2 = make_user("officer2", unit=self.office, role=Role.OFFICER, name="督查员二")
        self.auditor = make_user("auditor", unit=self.office, role=Role.AUDITADMIN, name="审计员")
        self.anonymous = None

    def plan(self, **kw: Any) -> Plan:
        defaults = dict(
            name=f"2024年度目标任务{next(_seq)}", year=2024, start=date(2024, 1, 1), due=date(2024, 12, 31)
        )
        defaults.update(kw)
        return plan_create(actor=self.officer, **defaults)

    def task(self, plan: Plan, *, unit: Unit | None = None, **kw: Any) -> Any:
        defaults: dict[str, Any] = dict(title=f"任务{next(_seq)}", start=plan.start, due=plan.due)
        defaults.update(kw)
        return task_create(actor=self.officer, plan=plan, lead_unit=unit or self.unit_a, **defaults)


def evidence(name: str = "验收报告.pdf") -> list[Any]:
    """One small evidence file (佐证材料), as a claim or report carries."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")]


def claim_task(actor: Any, task: Any, *, note: str = "", value: Any = None) -> Any:
    """File a completion claim with evidence and, where the plan asks, have the unit head let it up,
    so the task is 已申请完成 (claimed) for the office; returns the task."""
    from luoshi.org.access import context_for
    from luoshi.work.models import ClaimState, Task
    from luoshi.work.services import task_claim_approve, task_claim_completion

    task_claim_completion(actor=actor, task=task, note=note, value=value, files=evidence())
    pending = task.claims.filter(state=ClaimState.PENDING).first()
    if pending is not None:
        head = next(
            u
            for u in get_user_model().objects.filter(is_active=True).order_by("pk")
            if pending.unit_id in context_for(u).head_unit_ids
        )
        task_claim_approve(actor=head, claim=pending)
    fresh = Task.objects.get(pk=task.pk)
    task.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "_state"})
    return task
