"""Every write of the task engine: keyword-only, one transaction, one audit entry each."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from luoshi.audit.services import lock_chain, record
from luoshi.notify.services import Message, notify
from luoshi.org.access import context_for
from luoshi.org.models import Person, Unit

from . import rules, signals
from .models import (
    OPEN_CLAIM_STATES,
    Claim,
    ClaimKind,
    ClaimState,
    Evidence,
    Follow,
    LockedPeriod,
    Milestone,
    Plan,
    Report,
    ReportState,
    Status,
    Task,
    TaskUnit,
    Transition,
)


class ServiceError(Exception):
    """A refused use case; the message is shown to the user as is."""


class PermissionDenied(ServiceError):
    """The actor may not do this (shown as 403)."""


class Conflict(ServiceError):
    """Somebody else changed the record first (shown as 409)."""


class InvalidField(ServiceError):
    """A refused value of one input field, named so that pages and the API can point at it."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class ImplausibleReport(InvalidField):
    """A reported figure that looks like a mistake (合理性提示): filed only once the filer confirms."""

    def __init__(self, message: str, *, field: str, warnings: list[str], previous: Decimal | None) -> None:
        super().__init__(message, field=field)
        self.warnings = warnings
        self.previous = previous


# Fields of Task that task_update may change, and how audit shows them.
TASK_EDITABLE = (
    "title",
    "description",
    "source",
    "source_ref",
    "lead_unit",
    "responsible_leader",
    "responsible_person",
    "start",
    "due",
    "deadline_text",
    "weight",
    "cadence",
    "is_public",
    "metric_name",
    "metric_unit",
    "baseline",
    "target",
    "direction",
    "monthly_plan",
    "code",
    "parent",
)


def _attname(name: str) -> str:
    """The attribute of Task's field `name` (the `_id` one for a foreign key)."""
    field = Task._meta.get_field(name)
    assert isinstance(field, Field), name  # every name passed is one of the task's own fields
    return field.attname


def _snapshot(task: Task, fields: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(task, _attname(name))
        out[name] = value if isinstance(value, (dict, list, bool, int, type(None))) else str(value)
    return out


def _require_officer(actor: Any) -> None:
    if not context_for(actor).is_officer:
        raise PermissionDenied(_("只有督查室人员可以执行此操作。"))


def _begin() -> None:
    """Take the audit chain's lock first, before any row lock, so writers never deadlock on PostgreSQL.

    Every write appends to the one audit chain, so writes are serialised from their audit entry to
    their commit anyway; taking that lock at the start keeps the lock order the same everywhere.
    """
    lock_chain()


def _fresh(task: Task) -> Task:
    """The task as stored now, locked for this transaction: decisions never rest on a stale copy."""
    return Task.objects.select_for_update().select_related("plan", "lead_unit").get(pk=task.pk)


def _sync(target: Task, source: Task) -> Task:
    """Copy the stored state into the caller's instance, so it does not hold stale values."""
    if target is not source:
        target.__dict__.update({k: v for k, v in source.__dict__.items() if k != "_state"})
        target._state.fields_cache = dict(source._state.fields_cache)  # related objects, e.g. lead_unit
    return target


def _transition(
    task: Task,
    to: str,
    *,
    actor: Any,
    action: str,
    reason: str = "",
    extra: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move a task's status: optimistic version check, a Transition row, a version bump, an audit entry."""
    frm = task.status
    updated = Task.objects.filter(pk=task.pk, version=task.version).update(
        status=to, version=F("version") + 1, updated=timezone.now(), **(extra or {})
    )
    if updated != 1:
        raise Conflict(_("任务已被他人修改，请刷新后重试。"))
    Transition.objects.create(task=task, from_status=frm, to_status=to, actor=actor, reason=reason)
    task.refresh_from_db()
    record(
        task,
        action,
        actor=actor,
        before={"status": frm, "version": task.version - 1},
        after={"status": to, "version": task.version},
        data={"reason": reason, **(data or {})},
    )
    signals.status_changed(
        task_id=task.pk,
        plan_id=task.plan_id,
        old=frm,
        new=to,
        action=action,
        actor_id=actor.pk if actor else None,
        reason=reason,
    )


# ---------------------------------------------------------------------------------------------
# Plans


@transaction.atomic
def plan_create(*, actor: Any, name: str, year: int, start: date, due: date, **options: Any) -> Plan:
    """Create a plan (计划) with its thresholds and cadence."""
    _begin()
    _require_officer(actor)
    if due < start:
        raise ServiceError(_("截止日期不能早于开始日期。"))
    if Plan.objects.filter(name=name).exists():
        raise ServiceError(_("已有同名计划：%(name)s") % {"name": name})
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


# ---------------------------------------------------------------------------------------------
# Tasks


def _set_path(task: Task) -> None:
    """Materialise the task's place in the tree: id path, depth and sort path (natural code order)."""
    from luoshi.lib.natural import sort_path

    parent = task.parent if task.parent_id else None
    parent_path = parent.path if parent is not None else f"/p{task.plan_id}/"
    task.path = f"{parent_path}{task.pk}/"
    task.depth = parent.depth + 1 if parent is not None else 0
    task.sort_path = sort_path(parent.sort_path if parent is not None else "", task.code, task.pk)
    Task.objects.filter(pk=task.pk).update(path=task.path, depth=task.depth, sort_path=task.sort_path)


def search_text(title: str, code: str, unit: Unit, *, title_pinyin: bool = True) -> str:
    """Text indexed for search: title, code, lead unit and their pinyin and initials.

    `title_pinyin=False` leaves out the title's pinyin, the slow part, for tasks created in bulk;
    `search_text_fill` adds it afterwards."""
    from luoshi.lib.text import pinyin_forms

    parts = [title, code, unit.name, unit.short_name, unit.aliases]
    if title_pinyin:
        parts += list(pinyin_forms(title))
    parts += [unit.pinyin, unit.initials]
    return " ".join(p for p in parts if p).lower()


def search_text_for(task: Task, lead_unit: Unit | None = None) -> str:
    return search_text(task.title, task.code, lead_unit or task.lead_unit)


def search_text_fill(
    ranges: list[list[int]], *, after: int = 0, chunk_done: Callable[[int], None] | None = None
) -> int:
    """Recompute `search_text` for tasks in the id ranges (not audited: derived data), 1,000 ids at
    a time, each in its own transaction; ids up to `after` are skipped and `chunk_done(last id)`
    follows every chunk, so a run cut short can resume (running it again changes nothing more).

    Large imports write tasks without their titles' pinyin (computing it is most of an import's
    time); this completes them in the background."""
    from luoshi.lib.bulk import update_rows

    done = 0
    for lo, hi in sorted(ranges):
        for start in range(max(lo, after + 1), hi + 1, 1000):
            last = min(hi, start + 999)
            tasks = Task.objects.filter(pk__gte=start, pk__lte=last).select_related("lead_unit")
            pairs = [(search_text_for(t), t.pk) for t in tasks.only("id", "title", "code", "lead_unit")]
            with transaction.atomic():
                update_rows(Task, [("search_text", "text")], pairs)
            done += len(pairs)
            if chunk_done is not None:
                chunk_done(last)
    return done


def search_text_fill_job(job: Any) -> None:
    """The worker's job after a large import (`jobs.durable`, kind "work.fill_search_text"):
    resumes after the last chunk a killed worker finished."""
    from luoshi.jobs.durable import checkpoint, save_progress

    def chunk_done(last: int) -> None:
        save_progress(job, after=last)
        checkpoint("work.fill_search_text", last)

    search_text_fill(job.args["ranges"], after=job.progress.get("after", 0), chunk_done=chunk_done)


@transaction.atomic
def task_create(
    *,
    actor: Any,
    plan: Plan,
    title: str,
    lead_unit: Unit,
    start: date,
    due: date,
    parent: Task | None = None,
    co_units: Sequence[Unit] = (),
    responsible_leader: Person | None = None,
    responsible_person: Person | None = None,
    milestones: Sequence[tuple[str, date]] = (),
    audit: bool = True,
    refresh: bool = True,
    **fields: Any,
) -> Task:
    """Create a task (任务) under a plan, optionally under a parent, with co-units and milestones.

    Its stored light (and its ancestors') is computed at once, so every surface counts it alike
    from the start; `refresh=False` is for bulk loads that recompute the whole plan afterwards."""
    _begin()
    _require_officer(actor)
    if parent is not None and parent.plan_id != plan.pk:
        raise ServiceError(_("上级任务不属于该计划。"))
    if parent is not None and parent.status == Status.CLOSED:
        raise ServiceError(_("上级任务已销号，不能再添加下级任务。"))
    if due < start:
        raise ServiceError(_("完成时限不能早于开始日期。"))
    task = Task(
        plan=plan,
        parent=parent,
        title=title.strip(),
        lead_unit=lead_unit,
        start=start,
        due=due,
        responsible_leader=responsible_leader,
        responsible_person=responsible_person,
        **fields,
    )
    if not task.title:
        raise ServiceError(_("任务名称不能为空。"))
    if task.code and Task.objects.filter(plan=plan, code=task.code).exists():
        raise ServiceError(_("编号 %(code)s 在该计划中已存在。") % {"code": task.code})
    task.search_text = search_text_for(task, lead_unit)
    task.save()
    _set_path(task)
    co = [u for u in co_units if u.pk != lead_unit.pk]
    TaskUnit.objects.bulk_create([TaskUnit(task=task, unit=u) for u in co], ignore_conflicts=True)
    Milestone.objects.bulk_create(
        [Milestone(task=task, title=t, due=d, sort=i) for i, (t, d) in enumerate(milestones)]
    )
    if audit:
        record(
            task,
            "work.task.created",
            actor=actor,
            after=_snapshot(task, ("title", "lead_unit", "start", "due", "code", "parent"))
            | {"co_units": [u.pk for u in co]},
        )
    if refresh:
        task_refresh(task=task)
        task.refresh_from_db()
    return task


@transaction.atomic
def task_update(
    *, actor: Any, task: Task, version: int, co_units: Sequence[Unit] | None = None, **changes: Any
) -> Task:
    """Change a task's fields. `version` is what the editor saw: a newer one means a conflict."""
    _begin()
    _require_officer(actor)
    unknown = set(changes) - set(TASK_EDITABLE)
    if unknown:
        raise ServiceError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    current = _fresh(task)
    if current.version != version:
        raise Conflict(
            _("任务已被他人修改（版本 %(a)s → %(b)s），请刷新后重试。") % {"a": version, "b": current.version}
        )
    if current.status == Status.CLOSED:
        raise ServiceError(_("任务已销号，只读；如需修改请先重新打开。"))
    before = _snapshot(current, changes)
    old_co = sorted(TaskUnit.objects.filter(task=current).values_list("unit_id", flat=True))
    old_path, old_sort_path = current.path, current.sort_path
    for name, value in changes.items():
        setattr(current, name, value)
    if current.due < current.start:
        raise ServiceError(_("完成时限不能早于开始日期。"))
    if not (current.title or "").strip():
        raise ServiceError(_("任务名称不能为空。"))
    if (
        "code" in changes
        and current.code
        and Task.objects.filter(plan_id=current.plan_id, code=current.code).exclude(pk=current.pk).exists()
    ):
        raise ServiceError(_("编号 %(code)s 在该计划中已存在。") % {"code": current.code})
    if "parent" in changes and current.parent is not None:
        parent = current.parent
        if parent.plan_id != current.plan_id:
            raise ServiceError(_("上级任务不属于该计划。"))
        if parent.path.startswith(old_path):
            raise ServiceError(_("不能把任务移到它自己或它的下级之下。"))
        if parent.status == Status.CLOSED:
            raise ServiceError(_("上级任务已销号，不能再添加下级任务。"))
    current.search_text = search_text_for(current)
    # The conditional UPDATE is the real guard: it holds on SQLite too, where FOR UPDATE is a no-op.
    values = {_attname(n): getattr(current, _attname(n)) for n in changes}
    updated = Task.objects.filter(pk=task.pk, version=version).update(
        **values, search_text=current.search_text, version=version + 1, updated=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("任务已被他人修改，请刷新后重试。"))
    current.version = version + 1
    if "parent" in changes or "code" in changes:
        _move_subtree(current, old_path, old_sort_path)
    new_co = old_co
    if co_units is not None:
        TaskUnit.objects.filter(task=current).delete()
        TaskUnit.objects.bulk_create(
            [
                TaskUnit(task=current, unit=u)
                for u in {u.pk: u for u in co_units}.values()
                if u.pk != current.lead_unit_id
            ]
        )
        new_co = sorted(TaskUnit.objects.filter(task=current).values_list("unit_id", flat=True))
    after = _snapshot(current, changes)
    if new_co != old_co:
        before["co_units"], after["co_units"] = old_co, new_co
    record(current, "work.task.updated", actor=actor, before=before, after=after | {"version": version + 1})
    if "parent" in changes and old_path != current.path:
        # The old branch lost a child: its ancestors' rollup changes too.
        old_parent_ids = [int(x) for x in old_path.strip("/").split("/")[1:-1]]
        if old_parent_ids:
            task_refresh(task=Task.objects.get(pk=old_parent_ids[-1]))
    task_refresh(task=current)
    current.refresh_from_db()
    return _sync(task, current)


def _move_subtree(task: Task, old_path: str, old_sort_path: str) -> None:
    """Re-path a moved or renumbered task and everything below it (paths are materialised)."""
    _set_path(task)
    delta = task.depth - (len(old_path.strip("/").split("/")) - 2)
    below = list(
        Task.objects.filter(path__startswith=old_path)
        .exclude(pk=task.pk)
        .values_list("pk", "path", "depth", "sort_path")
    )
    Task.objects.bulk_update(
        [
            Task(
                pk=pk,
                path=task.path + path[len(old_path) :],
                depth=depth + delta,
                sort_path=task.sort_path + sort_path[len(old_sort_path) :],
            )
            for pk, path, depth, sort_path in below
        ],
        ["path", "depth", "sort_path"],
        batch_size=1000,
    )


def _require_unit_member(actor: Any, task: Task) -> None:
    if not Task.objects.reportable_by(actor).filter(pk=task.pk).exists():
        raise PermissionDenied(_("您不是该任务牵头或配合单位的填报人员，不能填报。"))


# ---------------------------------------------------------------------------------------------
# Completion claims (完成申请) and milestones (时间节点): the unit claims with evidence, the unit
# head approves where the plan asks, the office confirms or rejects.


def _claim_evidence_needed(task: Task, files: Sequence[UploadedFile]) -> None:
    if task.plan.claim_evidence and not files:
        raise ServiceError(_("请上传佐证材料。"))


def _open_children(task: Task) -> list[Task]:
    """Children neither closed nor cancelled: a parent closes only after them."""
    return list(
        Task.objects.filter(parent=task)
        .exclude(status__in=[Status.CLOSED, Status.CANCELLED])
        .order_by("sort_path")
        .only("pk", "code", "title", "path")
    )


def _children_label(children: Sequence[Task]) -> str:
    # Translators: the separator between the items of a list (Chinese 顿号).
    return _("、").join((c.code or c.title[:20]) for c in children[:10]) + ("…" if len(children) > 10 else "")


def _require_children_closed(task: Task) -> None:
    open_ = _open_children(task)
    if open_:
        raise ServiceError(_("下级任务尚未全部销号或取消：%(list)s。") % {"list": _children_label(open_)})


def _evidence_audit(evidence: Sequence[Evidence]) -> list[dict[str, Any]]:
    return [{"name": e.name, "sha256": e.sha256, "size": e.size} for e in evidence]


def _open_claim(task: Task, kind: str, milestone: Milestone | None = None) -> Claim | None:
    return (
        Claim.objects.select_for_update()
        .filter(task=task, kind=kind, milestone=milestone, state__in=OPEN_CLAIM_STATES)
        .order_by("-id")
        .first()
    )


@transaction.atomic
def task_claim_completion(
    *,
    actor: Any,
    task: Task,
    note: str = "",
    value: Any = None,
    files: Sequence[UploadedFile] = (),
) -> Task:
    """The unit claims completion (申请完成) with its evidence and, for a measure, the final value.

    A parent is claimed only once its children are closed or cancelled. Where the plan needs the
    unit head's approval for reports, the claim waits for it too; then it goes to the office."""
    _begin()
    _require_unit_member(actor, task)
    current = _fresh(task)
    unit = _reporting_unit(actor, current)
    if current.status != Status.IN_PROGRESS:
        raise ServiceError(
            _("只有推进中的任务可以申请完成（当前：%(s)s）。") % {"s": current.get_status_display()}
        )
    if _open_claim(current, ClaimKind.COMPLETION) is not None:
        raise ServiceError(_("该任务已有待审核的完成申请。"))
    _require_children_closed(current)
    final = _decimal(value, _("最终完成值"))
    if current.has_measure and final is None:
        raise ServiceError(
            _("该任务有量化指标，请填写最终完成值（%(u)s）。") % {"u": current.metric_unit or ""}
        )
    if not current.has_measure:
        final = None
    _claim_evidence_needed(current, files)
    needs_head = current.plan.head_approval and unit.pk not in context_for(actor).head_unit_ids
    claim = Claim.objects.create(
        task=current,
        kind=ClaimKind.COMPLETION,
        unit=unit,
        author=actor,
        state=ClaimState.PENDING if needs_head else ClaimState.SUBMITTED,
        note=note,
        value=final,
        head=None if needs_head else actor,
        head_at=None if needs_head else timezone.now(),
    )
    evidence = _save_evidence(files, claim=claim)
    data = {"claim": claim.pk, "value": final, "evidence": _evidence_audit(evidence)}
    if needs_head:
        record(
            current,
            "work.task.completion_filed",
            actor=actor,
            after={"claim": claim.pk, "state": claim.state, "value": final},
            data={"reason": note, "evidence": data["evidence"]},
        )
    else:
        _transition(
            current,
            Status.CLAIMED,
            actor=actor,
            action="work.task.completion_claimed",
            reason=note,
            extra={"claimed_by": actor},
            data=data,
        )
    return _sync(task, current)


def _pending_claim(actor: Any, claim: Claim) -> tuple[Claim, Task]:
    if claim.unit_id not in context_for(actor).head_unit_ids:
        raise PermissionDenied(_("只有本单位主要负责人可以审核本单位的完成申请。"))
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.state != ClaimState.PENDING or current.kind != ClaimKind.COMPLETION:
        raise Conflict(_("该申请已被处理。"))
    return current, _fresh(current.task)


@transaction.atomic
def task_claim_approve(*, actor: Any, claim: Claim) -> Claim:
    """The unit head lets a completion claim go up to the office (the task becomes 已申请完成)."""
    _begin()
    current, task = _pending_claim(actor, claim)
    if task.status != Status.IN_PROGRESS:
        raise ServiceError(
            _("只有推进中的任务可以申请完成（当前：%(s)s）。") % {"s": task.get_status_display()}
        )
    _require_children_closed(task)
    Claim.objects.filter(pk=current.pk).update(state=ClaimState.SUBMITTED, head=actor, head_at=timezone.now())
    _transition(
        task,
        Status.CLAIMED,
        actor=actor,
        action="work.task.completion_claimed",
        reason=current.note,
        extra={"claimed_by": current.author},
        data={"claim": current.pk, "value": current.value, "approved_by_head": actor.pk},
    )
    claim.refresh_from_db()
    return claim


@transaction.atomic
def task_claim_return(*, actor: Any, claim: Claim, reason: str) -> Claim:
    """The unit head sends a completion claim back to its author with a reason."""
    _begin()
    if not reason.strip():
        raise ServiceError(_("退回须填写理由。"))
    current, task = _pending_claim(actor, claim)
    Claim.objects.filter(pk=current.pk).update(
        state=ClaimState.REJECTED, head=actor, head_at=timezone.now(), review_note=reason
    )
    record(
        task,
        "work.task.completion_returned",
        actor=actor,
        before={"claim": current.pk, "state": current.state},
        after={"claim": current.pk, "state": ClaimState.REJECTED},
        data={"reason": reason},
    )
    notify([Message(current.author_id, task.pk, _("完成申请被退回：") + reason)])
    claim.refresh_from_db()
    return claim


def _final_report(task: Task, claim: Claim, on: date) -> Report:
    """The confirmed claim's final value as the task's last report, so progress rests on it."""
    assert claim.value is not None
    pct = rules.measure_progress(
        claim.value,
        baseline=task.baseline or Decimal(0),
        target=task.target or Decimal(0),
        direction=task.direction,
        cap=Decimal(100),
    )
    report = Report.objects.create(
        task=task,
        unit=claim.unit,
        author=claim.author,
        period_end=rules.period_end(task.effective_cadence, on),
        reported_on=on,
        percent=pct,
        value=claim.value,
        narrative=_("完成申请：") + claim.note,
        state=ReportState.SUBMITTED,
        approved_by=claim.head or claim.author,
        approved_at=claim.head_at or timezone.now(),
    )
    record(
        report,
        "work.report.submitted",
        actor=claim.author,
        after={
            "task": task.pk,
            "unit": claim.unit_id,
            "percent": pct,
            "value": claim.value,
            "period_end": report.period_end,
            "reported_on": on,
            "state": report.state,
        },
        data={"claim": claim.pk},
    )
    signals.report_filed(report)
    return report


def _close_below(actor: Any, task: Task, reason: str) -> list[int]:
    """Close every open task below `task` (deepest first), as the office closing them together."""
    below = list(
        Task.objects.filter(path__startswith=task.path)
        .exclude(pk=task.pk)
        .exclude(status__in=[Status.CLOSED, Status.CANCELLED])
        .order_by("-depth", "path")
    )
    for child in below:
        _transition(child, Status.CLOSED, actor=actor, action="work.task.closed_with_parent", reason=reason)
        Claim.objects.filter(task=child, kind=ClaimKind.COMPLETION, state__in=OPEN_CLAIM_STATES).update(
            state=ClaimState.CONFIRMED, reviewer=actor, reviewed_at=timezone.now(), review_note=reason
        )
    return [c.pk for c in below]


@transaction.atomic
def task_confirm_completion(*, actor: Any, task: Task, note: str = "", on: date | None = None) -> Task:
    """A reviewer other than the claimant confirms completion and closes the task (销号).

    A parent closes only when its children are closed or cancelled (the office may close them
    together with `task_close_with_children`). A claimed final value becomes the task's last
    report, so the recorded progress is what was reported, below the target or not."""
    _begin()
    today = on or timezone.localdate()
    current = _fresh(task)
    if current.status != Status.CLAIMED:
        raise ServiceError(_("该任务没有待审核的完成申请。"))
    # Checked before the reviewer's role: whoever claimed may never close, whatever else they are.
    if actor is not None and current.claimed_by_id == actor.pk:
        raise PermissionDenied(_("不能审核自己提交的完成申请，须由其他人员确认。"))
    _require_officer(actor)
    _require_children_closed(current)
    claim = _open_claim(current, ClaimKind.COMPLETION)
    report = None
    if claim is not None:
        if claim.value is not None and current.has_measure:
            report = _final_report(current, claim, today)
        Claim.objects.filter(pk=claim.pk).update(
            state=ClaimState.CONFIRMED, reviewer=actor, reviewed_at=timezone.now(), review_note=note
        )
    _transition(
        current,
        Status.CLOSED,
        actor=actor,
        action="work.task.completion_confirmed",
        reason=note,
        data={
            "claim": claim.pk if claim else None,
            "value": claim.value if claim else None,
            "final_report": report.pk if report else None,
        },
    )
    task_refresh(task=current, on=today)
    current.refresh_from_db()
    return _sync(task, current)


@transaction.atomic
def task_close_with_children(*, actor: Any, task: Task, reason: str, on: date | None = None) -> Task:
    """The office closes a task together with its open subtasks (一并销号), with a recorded reason."""
    _begin()
    _require_officer(actor)
    if not reason.strip():
        raise ServiceError(_("一并销号须填写理由。"))
    today = on or timezone.localdate()
    current = _fresh(task)
    if current.status not in (Status.IN_PROGRESS, Status.CLAIMED):
        raise ServiceError(
            _("只有推进中或已申请完成的任务可以销号（当前：%(s)s）。") % {"s": current.get_status_display()}
        )
    if actor is not None and current.claimed_by_id == actor.pk:
        raise PermissionDenied(_("不能审核自己提交的完成申请，须由其他人员确认。"))
    closed_below = _close_below(actor, current, reason)
    Claim.objects.filter(task=current, kind=ClaimKind.COMPLETION, state__in=OPEN_CLAIM_STATES).update(
        state=ClaimState.CONFIRMED, reviewer=actor, reviewed_at=timezone.now(), review_note=reason
    )
    _transition(
        current,
        Status.CLOSED,
        actor=actor,
        action="work.task.closed_with_children",
        reason=reason,
        data={"closed_with_children": closed_below},
    )
    for pk in closed_below:
        task_refresh(task=Task.objects.get(pk=pk), on=today)
    task_refresh(task=current, on=today)
    current.refresh_from_db()
    return _sync(task, current)


@transaction.atomic
def task_reject_completion(*, actor: Any, task: Task, reason: str) -> Task:
    """Send a completion claim back to in progress, with a reason."""
    _begin()
    current = _fresh(task)
    if current.status != Status.CLAIMED:
        raise ServiceError(_("该任务没有待审核的完成申请。"))
    if actor is not None and current.claimed_by_id == actor.pk:
        raise PermissionDenied(_("不能审核自己提交的完成申请，须由其他人员确认。"))
    _require_officer(actor)
    if not reason.strip():
        raise ServiceError(_("退回须填写理由。"))
    claim = _open_claim(current, ClaimKind.COMPLETION)
    if claim is not None:
        Claim.objects.filter(pk=claim.pk).update(
            state=ClaimState.REJECTED, reviewer=actor, reviewed_at=timezone.now(), review_note=reason
        )
    _transition(
        current,
        Status.IN_PROGRESS,
        actor=actor,
        action="work.task.completion_rejected",
        reason=reason,
        extra={"claimed_by": None},
        data={"claim": claim.pk if claim else None},
    )
    return _sync(task, current)


@transaction.atomic
def task_reopen(*, actor: Any, task: Task, reason: str) -> Task:
    """Reopen a closed task; the reason is required and recorded."""
    _begin()
    _require_officer(actor)
    if not reason.strip():
        raise ServiceError(_("重新打开须填写理由。"))
    current = _fresh(task)
    if current.status != Status.CLOSED:
        raise ServiceError(_("只有已销号的任务可以重新打开。"))
    _transition(
        current,
        Status.IN_PROGRESS,
        actor=actor,
        action="work.task.reopened",
        reason=reason,
        extra={"claimed_by": None},
    )
    task_refresh(task=current)
    return _sync(task, current)


# Status changes task_set_status may make, and their audit codes. Claiming, closing and reopening
# have their own services, because they have their own rules.
STATUS_MOVES: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.IN_PROGRESS): "work.task.started",
    (Status.IN_PROGRESS, Status.SUSPENDED): "work.task.suspended",
    (Status.SUSPENDED, Status.IN_PROGRESS): "work.task.resumed",
    (Status.DRAFT, Status.CANCELLED): "work.task.cancelled",
    (Status.IN_PROGRESS, Status.CANCELLED): "work.task.cancelled",
    (Status.SUSPENDED, Status.CANCELLED): "work.task.cancelled",
}


@transaction.atomic
def task_set_status(*, actor: Any, task: Task, status: str, reason: str) -> Task:
    """Suspend, resume, cancel or start a task; each needs the office and a reason."""
    _begin()
    _require_officer(actor)
    current = _fresh(task)
    action = STATUS_MOVES.get((current.status, status))
    if action is None:
        target = dict(Status.choices).get(status, status)
        raise ServiceError(
            _("不允许从“%(a)s”变为“%(b)s”。") % {"a": current.get_status_display(), "b": target}
        )
    if status != Status.IN_PROGRESS and not reason.strip():
        raise ServiceError(_("须填写理由。"))
    _transition(current, status, actor=actor, action=action, reason=reason)
    task_refresh(task=current)
    return _sync(task, current)


@transaction.atomic
def milestone_meet(*, actor: Any, milestone: Milestone, met_on: date) -> Milestone:
    """The office records that a milestone (时间节点) was met (imports, corrections); units claim it
    with `milestone_claim` instead, for the office to confirm."""
    _begin()
    _require_officer(actor)
    task = _fresh(milestone.task)
    if task.status == Status.CLOSED:
        raise ServiceError(_("任务已销号，只读。"))
    before = Milestone.objects.filter(pk=milestone.pk).values_list("met_on", flat=True).get()
    Milestone.objects.filter(pk=milestone.pk).update(met_on=met_on)
    milestone.met_on = met_on
    record(
        milestone,
        "work.milestone.met",
        actor=actor,
        before={"met_on": before},
        after={"met_on": met_on},
        data={"task": task.pk},
    )
    task_refresh(task=task)
    return milestone


@transaction.atomic
def milestone_claim(
    *,
    actor: Any,
    milestone: Milestone,
    met_on: date,
    note: str = "",
    files: Sequence[UploadedFile] = (),
    on: date | None = None,
) -> Claim:
    """The unit reports a milestone met (节点完成) on a date, with evidence; the office confirms it.

    Until confirmed the milestone still counts as unmet for the light (docs/rules.md)."""
    _begin()
    today = on or timezone.localdate()
    _require_unit_member(actor, milestone.task)
    task = _fresh(milestone.task)
    unit = _reporting_unit(actor, task)
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if task.status not in (Status.IN_PROGRESS, Status.CLAIMED):
        raise ServiceError(_("任务当前状态为“%(s)s”，不能报告节点完成。") % {"s": task.get_status_display()})
    if current.met_on is not None:
        raise ServiceError(_("该节点已确认完成。"))
    if met_on > today:
        raise ServiceError(_("完成日期不能晚于今天。"))
    if met_on < task.start:
        raise ServiceError(_("完成日期不能早于任务开始日期。"))
    if _open_claim(task, ClaimKind.MILESTONE, current) is not None:
        raise ServiceError(_("该节点已有待确认的完成报告。"))
    _claim_evidence_needed(task, files)
    claim = Claim.objects.create(
        task=task,
        milestone=current,
        kind=ClaimKind.MILESTONE,
        unit=unit,
        author=actor,
        state=ClaimState.SUBMITTED,
        note=note,
        met_on=met_on,
    )
    evidence = _save_evidence(files, claim=claim)
    record(
        current,
        "work.milestone.claimed",
        actor=actor,
        after={"claim": claim.pk, "met_on": met_on},
        data={"task": task.pk, "note": note, "evidence": _evidence_audit(evidence)},
    )
    return claim


def _submitted_milestone_claim(actor: Any, claim: Claim) -> Claim:
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.kind != ClaimKind.MILESTONE or current.state != ClaimState.SUBMITTED:
        raise Conflict(_("该申请已被处理。"))
    if actor is not None and current.author_id == actor.pk:
        raise PermissionDenied(_("不能审核自己提交的完成申请，须由其他人员确认。"))
    _require_officer(actor)
    return current


@transaction.atomic
def milestone_confirm(*, actor: Any, claim: Claim, note: str = "", on: date | None = None) -> Claim:
    """The office confirms a milestone claim: the milestone is met on the claimed date, the light follows."""
    _begin()
    current = _submitted_milestone_claim(actor, claim)
    task = _fresh(current.task)
    milestone = current.milestone
    assert milestone is not None and current.met_on is not None
    Claim.objects.filter(pk=current.pk).update(
        state=ClaimState.CONFIRMED, reviewer=actor, reviewed_at=timezone.now(), review_note=note
    )
    Milestone.objects.filter(pk=milestone.pk).update(met_on=current.met_on)
    record(
        milestone,
        "work.milestone.met",
        actor=actor,
        before={"met_on": milestone.met_on},
        after={"met_on": current.met_on},
        data={"task": task.pk, "claim": current.pk, "note": note},
    )
    task_refresh(task=task, on=on)
    claim.refresh_from_db()
    return claim


@transaction.atomic
def milestone_reject(*, actor: Any, claim: Claim, reason: str) -> Claim:
    """The office sends a milestone claim back with a reason; the milestone stays unmet."""
    _begin()
    current = _submitted_milestone_claim(actor, claim)
    if not reason.strip():
        raise ServiceError(_("退回须填写理由。"))
    Claim.objects.filter(pk=current.pk).update(
        state=ClaimState.REJECTED, reviewer=actor, reviewed_at=timezone.now(), review_note=reason
    )
    assert current.milestone is not None
    record(
        current.milestone,
        "work.milestone.rejected",
        actor=actor,
        before={"claim": current.pk, "state": current.state},
        after={"claim": current.pk, "state": ClaimState.REJECTED},
        data={"task": current.task_id, "reason": reason},
    )
    text = _("节点完成被退回：%(m)s（%(r)s）") % {"m": current.milestone.title[:60], "r": reason[:80]}
    notify([Message(current.author_id, current.task_id, text)])
    claim.refresh_from_db()
    return claim


@transaction.atomic
def task_follow(*, actor: Any, task: Task, follow: bool = True) -> None:
    """Follow or unfollow a visible task; followers are told of light and status changes."""
    _begin()
    if not Task.objects.visible_to(actor).filter(pk=task.pk).exists():
        raise PermissionDenied(_("无权查看该任务。"))
    if follow:
        _follow, created = Follow.objects.get_or_create(user=actor, task=task)
        if created:
            record(task, "work.task.followed", actor=actor, after={"follower": actor.pk})
    else:
        deleted, _rows = Follow.objects.filter(user=actor, task=task).delete()
        if deleted:
            record(task, "work.task.unfollowed", actor=actor, before={"follower": actor.pk})


# ---------------------------------------------------------------------------------------------
# Reports


def _decimal(value: Any, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise ServiceError(_("%(label)s 不是有效数字：%(v)s") % {"label": label, "v": value})
    if not result.is_finite():
        raise ServiceError(_("%(label)s 不是有效数字：%(v)s") % {"label": label, "v": value})
    return result


def _store_evidence(report: Report, files: Sequence[UploadedFile]) -> list[Evidence]:
    return _save_evidence(files, report=report)


def _save_evidence(files: Sequence[UploadedFile], **owner: Any) -> list[Evidence]:
    """Store each file under its SHA-256, so the audit entry pins exactly what was handed in.

    Every file is checked (size, kind by content) before any is stored; stored files are deleted
    again if the transaction rolls back, so a refused upload leaves no file without its row."""
    from django.conf import settings

    from luoshi.lib.uploads import UploadRefused, check_files, delete_on_rollback

    try:
        checked = check_files(files, max_bytes=settings.LUOSHI_EVIDENCE_MAX_BYTES)
    except UploadRefused as exc:
        raise ServiceError(str(exc))
    out = []
    for f, kind in checked:
        digest = hashlib.sha256()
        size = 0
        for chunk in f.chunks():
            digest.update(chunk)
            size += len(chunk)
        f.seek(0)
        ev = Evidence(
            **owner,
            name=(f.name or "file")[:200],
            size=size,
            sha256=digest.hexdigest(),
            content_type=kind.content_type,
        )
        ev.file.save((f.name or "file").rsplit("/", 1)[-1][-100:], f, save=False)
        delete_on_rollback(ev.file.storage, [ev.file.name])
        ev.save()
        out.append(ev)
    return out


def _reporting_unit(actor: Any, task: Task) -> Unit:
    ctx = context_for(actor)
    mine = ctx.reporter_unit_ids | ctx.head_unit_ids
    if task.lead_unit_id in mine:
        return task.lead_unit
    co = TaskUnit.objects.filter(task=task, unit_id__in=mine).select_related("unit").first()
    if co is None:
        raise PermissionDenied(_("您不是该任务牵头或配合单位的填报人员，不能填报。"))
    return co.unit


# Why a report's period is refused, by `rules.report_period` code.
PERIOD_ERRORS = {
    rules.PERIOD_NOT_AN_END: _lazy("所属期 %(p)s 不是该任务填报周期（%(c)s）的期末日期。"),
    rules.PERIOD_BEFORE_START: _lazy("所属期 %(p)s 早于任务开始日期 %(s)s 所在的期。"),
    rules.PERIOD_AFTER_DUE: _lazy("所属期 %(p)s 晚于任务完成时限 %(d)s 所在的期。"),
    rules.PERIOD_IN_FUTURE: _lazy("所属期 %(p)s 尚未开始，不能提前填报。"),
}


def _report_period(task: Task, period: date | None, today: date) -> date:
    """The report's period, checked against the task's cadence, dates and today (DESIGN: one of the
    task's periods, not in the future); a refusal names the field `period_end`."""
    cadence = task.effective_cadence
    chosen, problem = rules.report_period(
        cadence=cadence, start=task.start, due=task.due, on=today, period=period
    )
    if problem:
        from .models import Cadence

        message = PERIOD_ERRORS[problem] % {
            "p": chosen,
            "c": dict(Cadence.choices).get(cadence, cadence),
            "s": task.start,
            "d": task.due,
        }
        raise InvalidField(message, field="period_end")
    return chosen


def _correction_unit(actor: Any, task: Task, corrects: Report) -> tuple[Unit, Report]:
    """(the unit the correction is filed for, the report it corrects, locked), or a refusal.

    Only the unit that filed a report corrects it — its reporters and head — or the supervision
    office; a co-unit's clerk cannot correct (and so lock) the lead unit's report, nor the reverse.
    A returned correction is void: the report it named stays in force and may be corrected again.
    """
    ctx = context_for(actor)
    if not ctx.is_officer:
        _reporting_unit(actor, task)  # an outsider learns nothing about the report from the refusal
    original = Report.objects.select_for_update().select_related("unit").get(pk=corrects.pk)
    if original.task_id != task.pk:
        raise ServiceError(_("更正的填报不属于该任务。"))
    if not ctx.is_officer and original.unit_id not in ctx.reporter_unit_ids | ctx.head_unit_ids:
        raise PermissionDenied(
            _("这条填报由%(u)s报送，只有该单位的填报人员、负责人或督查室可以更正。")
            % {"u": original.unit.name}
        )
    if original.state == ReportState.PENDING:
        raise ServiceError(_("待审核的填报不能更正，请由单位负责人退回后重新填报。"))
    if original.state == ReportState.RETURNED:
        raise ServiceError(_("已退回的填报无效，不能更正，请重新填报。"))
    live = Report.objects.filter(corrects=original).exclude(state=ReportState.RETURNED).first()
    if live is not None and live.state == ReportState.PENDING:
        raise ServiceError(_("该填报已有一条更正待单位负责人审核，请等审核后再更正。"))
    if live is not None:
        raise ServiceError(_("该填报已被更正过，请更正最新的一条。"))
    return original.unit, original


def _previous_figure(task: Task, period_end: date, today: date, corrects: Report | None) -> Decimal | None:
    """The figure of the report this one follows: the effective report filed by `today` for this
    period or an earlier one (not the report being corrected)."""
    qs = Report.objects.effective().filter(task=task, reported_on__lte=today, period_end__lte=period_end)
    if corrects is not None:
        qs = qs.exclude(pk=corrects.pk)
    last = qs.order_by("-period_end", "-reported_on", "-id").values_list("value", "percent").first()
    if last is None:
        return None
    return last[0] if task.has_measure else last[1]


def _plain(number: Decimal) -> str:
    """803.0000 → 803, 12.5000 → 12.5 (never 8.03E+2)."""
    return f"{number.normalize():f}"


def _warning_message(warnings: list[str], previous: Decimal | None, figure: Decimal) -> str:
    from .models import WARNING_TEXT

    texts = _("；").join(str(WARNING_TEXT[w]) for w in warnings)
    if previous is None:
        return _("请核实填报数值 %(v)s：%(w)s。确认无误后可仍然提交。") % {"v": _plain(figure), "w": texts}
    return _("请核实填报数值：上期 %(p)s，本期 %(v)s（%(w)s）。确认无误后可仍然提交。") % {
        "p": _plain(previous),
        "v": _plain(figure),
        "w": texts,
    }


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    task: Task,
    percent: Any = None,
    value: Any = None,
    narrative: str = "",
    problems: str = "",
    next_steps: str = "",
    no_change: bool = False,
    period: date | None = None,
    on: date | None = None,
    files: Sequence[UploadedFile] = (),
    corrects: Report | None = None,
    acknowledge_warnings: bool = False,
) -> Report:
    """File a progress report (进度填报) for a task; a correction references the report it corrects.

    "No change since last report" copies the last values but is still a dated entry of its own.
    The period must be one of the task's periods and not in the future (`InvalidField`). A figure
    that looks like a mistake (`rules.implausible_change`) is refused with `ImplausibleReport`
    unless `acknowledge_warnings`; then the warnings are kept on the report for the approving head.
    """
    _begin()
    today = on or timezone.localdate()
    task = Task.objects.select_related("plan", "lead_unit").get(pk=task.pk)
    # Who first: an outsider learns nothing about the task's state from the refusal.
    if corrects is not None:
        unit, corrects = _correction_unit(actor, task, corrects)
    else:
        unit = _reporting_unit(actor, task)
    if task.status == Status.CLOSED:
        raise ServiceError(_("任务“%(t)s”已销号，不能再填报进度。") % {"t": task.title[:60]})
    if task.status in (Status.CANCELLED, Status.SUSPENDED, Status.DRAFT):
        raise ServiceError(_("任务当前状态为“%(s)s”，不能填报。") % {"s": task.get_status_display()})
    if corrects is not None and period is None:
        period = corrects.period_end
    period_end = _report_period(task, period, today)
    if LockedPeriod.objects.filter(plan_id=task.plan_id, period_end=period_end).exists():
        raise ServiceError(_("%(p)s 所属期的通报已发布，该期已锁定。") % {"p": period_end})
    pct = _decimal(percent, _("完成进度"))
    val = _decimal(value, _("累计完成值"))
    if no_change:
        last = (
            Report.objects.effective()
            .filter(task=task, reported_on__lte=today)
            .order_by("-period_end", "-reported_on", "-id")
            .first()
        )
        if last is None:
            raise ServiceError(_("还没有上期填报，不能选择“与上期无变化”。"))
        pct, val = last.percent, last.value
        narrative = narrative or _("与上期无变化。")
    if task.has_measure:
        if val is None:
            raise ServiceError(
                _("该任务有量化指标，请填写累计完成值（%(u)s）。") % {"u": task.metric_unit or ""}
            )
        if pct is None:
            pct = rules.measure_progress(
                val,
                baseline=task.baseline or Decimal(0),
                target=task.target or Decimal(0),
                direction=task.direction,
                cap=Decimal(100),
            )
    elif pct is None:
        raise ServiceError(_("请填写完成进度（0–100）。"))
    if pct is not None and not (Decimal(0) <= pct <= Decimal(100)):
        raise ServiceError(_("完成进度须在 0 到 100 之间。"))
    figure = val if task.has_measure else pct
    previous = _previous_figure(task, period_end, today, corrects)
    warnings: list[str] = []
    if figure is not None and not no_change:
        warnings = rules.implausible_change(
            previous=previous,
            current=figure,
            is_measure=task.has_measure,
            direction=task.direction,
            baseline=task.baseline,
            target=task.target,
        )
    if warnings and not acknowledge_warnings:
        raise ImplausibleReport(
            _warning_message(warnings, previous, figure),  # type: ignore[arg-type]
            field="value" if task.has_measure else "percent",
            warnings=warnings,
            previous=previous,
        )
    ctx = context_for(actor)
    # A unit's report waits for its head where the plan says so; the office's correction is final.
    by_office = corrects is not None and ctx.is_officer and unit.pk not in ctx.reporter_unit_ids
    needs_head = task.plan.head_approval and unit.pk not in ctx.head_unit_ids and not by_office
    report = Report.objects.create(
        task=task,
        unit=unit,
        author=actor,
        period_end=period_end,
        reported_on=today,
        percent=pct,
        value=val,
        narrative=narrative,
        problems=problems,
        next_steps=next_steps,
        no_change=no_change,
        corrects=corrects,
        state=ReportState.PENDING if needs_head else ReportState.SUBMITTED,
        approved_by=None if needs_head else actor,
        approved_at=None if needs_head else timezone.now(),
        previous_figure=previous,
        warnings=warnings,
        warnings_acknowledged=bool(warnings),
    )
    evidence = _store_evidence(report, files)
    record(
        report,
        "work.report.corrected" if corrects else "work.report.submitted",
        actor=actor,
        before=(
            {"report": corrects.pk, "percent": corrects.percent, "value": corrects.value}
            if corrects
            else None
        ),
        after={
            "task": task.pk,
            "unit": unit.pk,
            "percent": pct,
            "value": val,
            "period_end": report.period_end,
            "reported_on": today,
            "no_change": no_change,
            "state": report.state,
            "evidence": [{"name": e.name, "sha256": e.sha256, "size": e.size} for e in evidence],
        },
        data=({"corrects": corrects.pk} if corrects else {})
        | ({"warnings": warnings, "warnings_acknowledged": True, "previous": previous} if warnings else {})
        or None,
    )
    if report.state == ReportState.SUBMITTED:
        task_refresh(task=task, on=today)
    signals.report_filed(report)
    return report


def _decide_pending(actor: Any, report: Report) -> Report:
    if report.unit_id not in context_for(actor).head_unit_ids:
        raise PermissionDenied(_("只有本单位主要负责人可以审核本单位的填报。"))
    current = Report.objects.select_for_update().select_related("task").get(pk=report.pk)
    if current.state != ReportState.PENDING:
        raise Conflict(_("该填报已被处理。"))
    if current.task.status == Status.CLOSED:
        raise ServiceError(_("任务已销号，只读。"))
    return current


@transaction.atomic
def report_approve(*, actor: Any, report: Report, on: date | None = None) -> Report:
    """The unit head (单位主要负责人) lets a pending report go up; lights are refreshed as of `on`."""
    _begin()
    current = _decide_pending(actor, report)
    updated = Report.objects.filter(pk=report.pk, state=ReportState.PENDING).update(
        state=ReportState.SUBMITTED, approved_by=actor, approved_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("该填报已被处理。"))
    report.refresh_from_db()
    record(
        report,
        "work.report.approved",
        actor=actor,
        before={"state": current.state},
        after={"state": report.state},
        data={"task": report.task_id},
    )
    task_refresh(task=current.task, on=on or max(report.reported_on, timezone.localdate()))
    signals.report_filed(report)
    return report


@transaction.atomic
def report_return(*, actor: Any, report: Report, reason: str) -> Report:
    """The unit head sends a pending report back to its author with a reason."""
    _begin()
    if not reason.strip():
        raise ServiceError(_("退回须填写理由。"))
    current = _decide_pending(actor, report)
    updated = Report.objects.filter(pk=report.pk, state=ReportState.PENDING).update(
        state=ReportState.RETURNED, return_reason=reason
    )
    if updated != 1:
        raise Conflict(_("该填报已被处理。"))
    report.refresh_from_db()
    record(
        report,
        "work.report.returned",
        actor=actor,
        before={"state": current.state},
        after={"state": report.state},
        data={"task": report.task_id, "reason": reason},
    )
    notify([Message(report.author_id, report.task_id, _("填报被退回：") + reason)])
    return report


@transaction.atomic
def period_lock(*, actor: Any, plan: Plan, period_end: date) -> LockedPeriod:
    """Lock a reporting period once its bulletin is out."""
    _begin()
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


# ---------------------------------------------------------------------------------------------
# Stored lights


def task_refresh(*, task: Task, on: date | None = None) -> None:
    """Recompute the stored light of a task and of its ancestors (not audited: derived data).

    Only the task and its ancestors are recomputed; every other task's stored values (kept fresh by
    the daily tick) stand in for their subtrees, so the cost is the depth, not the plan's size.
    """
    from .selectors import compute_path_lights, persist_lights

    day = on or timezone.localdate()
    rows = compute_path_lights(task_id=task.pk, on=day)
    persist_lights(rows, on=day)
