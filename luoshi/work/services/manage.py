"""The supervision office's year-round keeping of plans and tasks (计划、任务维护).

Plans: edit thresholds and cadence; tasks: split into sub-tasks, milestones (时间节点) and the
measure's monthly plan (月度计划). Every function is keyword-only, one transaction, audited, for
the office only; an edit made on a stale copy is refused as a `Conflict` (tasks by `version`,
plans and milestones by the fingerprint of the fields the editor saw).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, LuoshiError, refuse_unknown_fields
from luoshi.lib.stamp import fingerprint
from luoshi.org.models import Unit

from .. import rules
from ..models import Direction, Milestone, Plan, Status, Task
from ..selectors import compute_lights
from ._common import _decimal, _fresh, _require_officer, _sync
from .lights import persist_lights, task_refresh
from .tasks import task_create, task_update

PLAN_EDITABLE = (
    "name",
    "year",
    "start",
    "due",
    "owner_unit",
    "green_max",
    "yellow_max",
    "progress_cap",
    "cadence",
    "grace_days",
    "cascade_days",
    "head_approval",
    "late_approval_counts",
    "is_active",
)
MILESTONE_EDITABLE = ("title", "due", "duration_days", "met_on")
OPEN_STATUSES = (Status.DRAFT, Status.IN_PROGRESS, Status.SUSPENDED)


def plan_stamp(plan: Plan) -> str:
    """What a plan edit form carries to detect a concurrent edit."""
    return fingerprint(plan, PLAN_EDITABLE)


def milestone_stamp(milestone: Milestone) -> str:
    return fingerprint(milestone, MILESTONE_EDITABLE)


def _plain(value: Any) -> Any:
    if isinstance(value, (bool, int, type(None))):
        return value
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def _refresh_plan_lights(plan: Plan) -> None:
    """Thresholds and dates decide every light of the plan: recompute them now, not at the next tick."""
    day = timezone.localdate()
    persist_lights(compute_lights(plan_id=plan.pk, on=day), on=day)


@transaction.atomic
def plan_update(*, actor: Any, plan: Plan, seen: str | None = None, **changes: Any) -> Plan:
    """Change a plan's name, dates, light thresholds or cadence. `seen` is the stamp the editor saw."""
    _require_officer(actor)
    refuse_unknown_fields(changes, PLAN_EDITABLE)
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if seen is not None and plan_stamp(current) != seen:
        raise Conflict(_("计划已被他人修改，请查看最新内容后重试。"))
    changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changes:
        return plan
    before = {k: _plain(getattr(current, k)) for k in changes}
    for name, value in changes.items():
        setattr(current, name, value)
    if current.due < current.start:
        raise LuoshiError(_("截止日期不能早于开始日期。"))
    if current.yellow_max < current.green_max:
        raise LuoshiError(_("黄灯阈值不能小于绿灯阈值。"))
    if "name" in changes and Plan.objects.filter(name=current.name).exclude(pk=current.pk).exists():
        raise LuoshiError(_("已有同名计划：%(name)s") % {"name": current.name})
    try:
        current.full_clean()
    except ValidationError as exc:
        raise LuoshiError(" ".join(exc.messages)) from exc
    current.save(update_fields=list(changes))
    record(
        current,
        "work.plan.updated",
        actor=actor,
        before=before,
        after={k: _plain(v) for k, v in changes.items()},
    )
    if set(changes) & {"green_max", "yellow_max", "progress_cap", "start", "due", "cadence"}:
        _refresh_plan_lights(current)
    plan.__dict__.update({k: v for k, v in current.__dict__.items() if k != "_state"})
    return plan


# ---------------------------------------------------------------------------------------------
# Splitting a task


@transaction.atomic
def task_split(*, actor: Any, task: Task, version: int, parts: Sequence[Mapping[str, Any]]) -> list[Task]:
    """Split a task (拆分) into sub-tasks: each part is a title with an optional lead unit, dates and weight.

    The task stays as their parent; its progress becomes the rollup of the parts.
    """
    _require_officer(actor)
    current = _fresh(task)
    if current.version != version:
        raise Conflict(
            _("任务已被他人修改（版本 %(a)s → %(b)s），请刷新后重试。") % {"a": version, "b": current.version}
        )
    if current.status not in OPEN_STATUSES:
        raise LuoshiError(_("任务当前状态为“%(s)s”，不能拆分。") % {"s": current.get_status_display()})
    parts = [p for p in parts if str(p.get("title") or "").strip()]
    if len(parts) < 2:
        raise LuoshiError(_("拆分至少需要两项下级任务。"))
    children = []
    for part in parts:
        lead: Unit = part.get("lead_unit") or current.lead_unit
        children.append(
            task_create(
                actor=actor,
                plan=current.plan,
                parent=current,
                title=str(part["title"]),
                lead_unit=lead,
                start=part.get("start") or current.start,
                due=part.get("due") or current.due,
                weight=part.get("weight") or Decimal(1),
                responsible_leader=current.responsible_leader,
                status=current.status,
            )
        )
    updated = Task.objects.filter(pk=current.pk, version=version).update(
        version=F("version") + 1, updated=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("任务已被他人修改，请刷新后重试。"))
    record(
        current,
        "work.task.split",
        actor=actor,
        before={"version": version},
        after={
            "version": version + 1,
            "children": [{"id": c.pk, "title": c.title, "lead_unit": c.lead_unit_id} for c in children],
        },
    )
    task_refresh(task=children[-1])
    current.refresh_from_db()
    _sync(task, current)
    return children


# ---------------------------------------------------------------------------------------------
# Milestones


def _open_task(task: Task) -> Task:
    current = _fresh(task)
    if current.status == Status.CLOSED:
        raise LuoshiError(_("任务已销号，只读；如需修改请先重新打开。"))
    return current


def _check_milestone(task: Task, title: str, due: date) -> str:
    title = (title or "").strip()
    if not title:
        raise LuoshiError(_("节点名称不能为空。"))
    if due is None:
        raise LuoshiError(_("请填写节点计划日期。"))
    return title


@transaction.atomic
def milestone_create(
    *, actor: Any, task: Task, title: str, due: date, duration_days: int | None = None
) -> Milestone:
    """Add a dated node (时间节点) to a task."""
    _require_officer(actor)
    current = _open_task(task)
    title = _check_milestone(current, title, due)
    sort = (Milestone.objects.filter(task=current).aggregate(m=Max("sort"))["m"] or 0) + 1
    milestone = Milestone.objects.create(
        task=current, title=title, due=due, duration_days=duration_days, sort=sort
    )
    record(
        milestone,
        "work.milestone.created",
        actor=actor,
        after={"title": title, "due": due, "duration_days": duration_days},
        data={"task": current.pk},
    )
    task_refresh(task=current)
    return milestone


def _milestone_as_seen(milestone: Milestone, seen: str | None) -> Milestone:
    """The milestone, locked, as the editor saw it (`seen` is its stamp then): else 409."""
    current = Milestone.objects.select_for_update().filter(pk=milestone.pk).first()
    if current is None:
        raise Conflict(_("该时间节点已被他人删除。"))
    if seen is not None and milestone_stamp(current) != seen:
        raise Conflict(_("时间节点已被他人修改，请查看最新内容后重试。"))
    return current


@transaction.atomic
def milestone_update(
    *, actor: Any, milestone: Milestone, seen: str | None = None, **changes: Any
) -> Milestone:
    """Change a milestone's title, date, duration or met date; `seen` is the stamp the editor saw."""
    _require_officer(actor)
    refuse_unknown_fields(changes, MILESTONE_EDITABLE)
    task = _open_task(milestone.task)
    current = _milestone_as_seen(milestone, seen)
    before = {k: _plain(getattr(current, k)) for k in changes}
    for name, value in changes.items():
        setattr(current, name, value)
    current.title = _check_milestone(task, current.title, current.due)
    current.save(update_fields=[*changes, "title"] if changes else ["title"])
    record(
        current,
        "work.milestone.updated",
        actor=actor,
        before=before,
        after={k: _plain(getattr(current, k)) for k in changes},
        data={"task": task.pk},
    )
    task_refresh(task=task)
    return current


@transaction.atomic
def milestone_delete(*, actor: Any, milestone: Milestone, seen: str | None = None) -> None:
    """Remove a milestone entered by mistake; the audit entry keeps what it was."""
    _require_officer(actor)
    task = _open_task(milestone.task)
    current = _milestone_as_seen(milestone, seen)
    record(
        current,
        "work.milestone.deleted",
        actor=actor,
        before={"title": current.title, "due": current.due, "met_on": current.met_on},
        data={"task": task.pk},
    )
    current.delete()
    task_refresh(task=task)


# ---------------------------------------------------------------------------------------------
# Measure and monthly plan


def task_months(task: Task) -> list[str]:
    """The "YYYY-MM" months a task runs through, the rows of its monthly plan."""
    out = []
    y, m = task.start.year, task.start.month
    while (y, m) <= (task.due.year, task.due.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@transaction.atomic
def measure_update(
    *,
    actor: Any,
    task: Task,
    version: int,
    metric_name: str,
    metric_unit: str,
    baseline: Any,
    target: Any,
    direction: str,
    monthly_plan: Mapping[str, Any],
) -> Task:
    """Set a task's measure (量化指标) and its monthly plan of planned cumulative values (月度计划).

    Empty months are left out; a monthly plan needs a baseline and a target. Saved through
    `task_update`, so the version check and the audit entry are the same as any task edit.
    """
    _require_officer(actor)
    base = _decimal(baseline, _("基数"))
    tgt = _decimal(target, _("目标值"))
    if (base is None) != (tgt is None):
        raise LuoshiError(_("基数和目标值须同时填写。"))
    if base is not None and base == tgt:
        raise LuoshiError(_("目标值不能等于基数。"))
    if direction not in Direction.values:
        raise LuoshiError(_("方向无效。"))
    months = set(task_months(Task.objects.get(pk=task.pk)))
    plan: dict[str, str] = {}
    for key, raw in monthly_plan.items():
        value = _decimal(raw, key)
        if value is None:
            continue
        try:
            first = rules._month_of(key)
        except (ValueError, TypeError):
            raise LuoshiError(_("月份格式应为 YYYY-MM：%(k)s") % {"k": key})
        norm = f"{first.year:04d}-{first.month:02d}"
        if norm not in months:
            raise LuoshiError(_("%(k)s 不在任务的起止日期之内。") % {"k": key})
        plan[norm] = str(value)
    if plan and tgt is None:
        raise LuoshiError(_("月度计划需要先填写基数和目标值。"))
    if not (metric_name or "").strip() and tgt is not None:
        raise LuoshiError(_("请填写指标名称。"))
    return task_update(
        actor=actor,
        task=task,
        version=version,
        metric_name=(metric_name or "").strip(),
        metric_unit=(metric_unit or "").strip(),
        baseline=base,
        target=tgt,
        direction=direction,
        monthly_plan=dict(sorted(plan.items())),
    )
