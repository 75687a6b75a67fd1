"""Plans (计划) and their locked reporting periods."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import LuoshiError

from ..models import LockedPeriod, Plan
from ._common import _require_officer


@transaction.atomic
def plan_create(*, actor: Any, name: str, year: int, start: date, due: date, **options: Any) -> Plan:
    """Create a plan (计划) with its thresholds and cadence."""
    _require_officer(actor)
    if due < start:
        raise LuoshiError(_("截止日期不能早于开始日期。"))
    if Plan.objects.filter(name=name).exists():
        raise LuoshiError(_("已有同名计划：%(name)s") % {"name": name})
    plan = Plan(name=name, year=year, start=start, due=due, **options)
    plan.full_clean()
    plan.save()
    record(
        plan,
        "work.plan.created",
        actor=actor,
        after={"name": name, "year": year, **{k: str(v) for k, v in options.items()}},
    )
    return plan


@transaction.atomic
def period_lock(*, actor: Any, plan: Plan, period_end: date) -> LockedPeriod:
    """Lock a reporting period once its bulletin is out."""
    _require_officer(actor)
    locked, created = LockedPeriod.objects.get_or_create(
        plan=plan, period_end=period_end, defaults={"locked_by": actor}
    )
    if created:
        record(
            plan,
            "work.period.locked",
            actor=actor,
            before={"locked": False},
            after={"locked": True},
            data={"period_end": period_end},
        )
    return locked
