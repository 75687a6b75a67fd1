"""Task status: completion claims (完成申请), confirm, reject, reopen, close with children, set status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.notify.services import Message, notify
from luoshi.org.access import context_for

from .. import rules, signals
from ..models import Claim, ClaimKind, ClaimState, Report, ReportState, Status, Task
from ._common import (
    _claim_filed,
    _claims_reviewed,
    _decimal,
    _fresh,
    _open_claim,
    _open_completion_claims,
    _reporting_unit,
    _require_officer,
    _require_reason,
    _require_unit_member,
    _sync,
    _transition,
)
from .lights import figures_refresh, task_refresh


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
        raise LuoshiError(_("下级任务尚未全部销号或取消：%(list)s。") % {"list": _children_label(open_)})


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
    _require_unit_member(actor, task)
    current = _fresh(task)
    unit = _reporting_unit(actor, current)
    if current.status != Status.IN_PROGRESS:
        raise LuoshiError(
            _("只有推进中的任务可以申请完成（当前：%(s)s）。") % {"s": current.get_status_display()}
        )
    if _open_claim(current, ClaimKind.COMPLETION) is not None:
        raise LuoshiError(_("该任务已有待审核的完成申请。"))
    _require_children_closed(current)
    final = _decimal(value, _("最终完成值"))
    if current.has_measure and final is None:
        raise InvalidField(
            _("该任务有量化指标，请填写最终完成值（%(u)s）。") % {"u": current.metric_unit or ""},
            field="value",
        )
    if (
        current.has_measure
        and final is not None
        and rules.negative_total(
            value=final, direction=current.direction, baseline=current.baseline, target=current.target
        )
    ):
        raise InvalidField(
            _("最终完成值不能为负数：累计值从零起算，请检查正负号。"), field="value", code="negative_total"
        )
    if not current.has_measure:
        final = None
    needs_head = current.plan.head_approval and unit.pk not in context_for(actor).head_unit_ids
    claim, evidence = _claim_filed(
        current,
        files,
        kind=ClaimKind.COMPLETION,
        unit=unit,
        author=actor,
        state=ClaimState.PENDING if needs_head else ClaimState.SUBMITTED,
        note=note,
        value=final,
        head=None if needs_head else actor,
        head_at=None if needs_head else timezone.now(),
    )
    data = {"claim": claim.pk, "value": final, "evidence": evidence}
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
        raise NotAllowed(_("只有本单位主要负责人可以审核本单位的完成申请。"))
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.state != ClaimState.PENDING or current.kind != ClaimKind.COMPLETION:
        raise Conflict(_("该申请已被处理。"))
    return current, _fresh(current.task)


@transaction.atomic
def task_claim_approve(*, actor: Any, claim: Claim) -> Claim:
    """The unit head lets a completion claim go up to the office (the task becomes 已申请完成)."""
    current, task = _pending_claim(actor, claim)
    if task.status != Status.IN_PROGRESS:
        raise LuoshiError(
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
    _require_reason(reason)
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
    notify(
        [Message(current.author_id, task.pk, _("完成申请被退回：") + reason)], rule="work.completion.returned"
    )
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
        filed_on=on,
        known_on=on,
        percent=pct,
        value=claim.value,
        narrative=_("完成申请：") + claim.note,
        state=ReportState.SUBMITTED,
        approved_by=claim.head or claim.author,
        approved_at=claim.head_at or timezone.now(),
    )
    figures_refresh([task.pk])
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
        _claims_reviewed(_open_completion_claims(child), ClaimState.CONFIRMED, actor=actor, note=reason)
    return [c.pk for c in below]


def _require_not_claimant(actor: Any, task: Task) -> None:
    if actor is not None and task.claimed_by_id == actor.pk:
        raise NotAllowed(_("不能审核自己提交的完成申请，须由其他人员确认。"))


def _claimed_for_review(actor: Any, task: Task) -> Task:
    """The claimed task, fresh and locked, for an officer who did not claim it."""
    current = _fresh(task)
    if current.status != Status.CLAIMED:
        raise LuoshiError(_("该任务没有待审核的完成申请。"))
    # Checked before the reviewer's role: whoever claimed may never close, whatever else they are.
    _require_not_claimant(actor, current)
    _require_officer(actor)
    return current


@transaction.atomic
def task_confirm_completion(*, actor: Any, task: Task, note: str = "", on: date | None = None) -> Task:
    """A reviewer other than the claimant confirms completion and closes the task (销号).

    A parent closes only when its children are closed or cancelled (the office may close them
    together with `task_close_with_children`). A claimed final value becomes the task's last
    report, so the recorded progress is what was reported, below the target or not."""
    today = on or timezone.localdate()
    current = _claimed_for_review(actor, task)
    _require_children_closed(current)
    claim = _open_claim(current, ClaimKind.COMPLETION)
    report = None
    if claim is not None:
        if claim.value is not None and current.has_measure:
            report = _final_report(current, claim, today)
        _claims_reviewed(Claim.objects.filter(pk=claim.pk), ClaimState.CONFIRMED, actor=actor, note=note)
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
    _require_officer(actor)
    _require_reason(reason, _("一并销号须填写理由。"))
    today = on or timezone.localdate()
    current = _fresh(task)
    if current.status not in (Status.IN_PROGRESS, Status.CLAIMED):
        raise LuoshiError(
            _("只有推进中或已申请完成的任务可以销号（当前：%(s)s）。") % {"s": current.get_status_display()}
        )
    _require_not_claimant(actor, current)
    closed_below = _close_below(actor, current, reason)
    _claims_reviewed(_open_completion_claims(current), ClaimState.CONFIRMED, actor=actor, note=reason)
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
    current = _claimed_for_review(actor, task)
    _require_reason(reason)
    claim = _open_claim(current, ClaimKind.COMPLETION)
    if claim is not None:
        _claims_reviewed(Claim.objects.filter(pk=claim.pk), ClaimState.REJECTED, actor=actor, note=reason)
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
    _require_officer(actor)
    _require_reason(reason, _("重新打开须填写理由。"))
    current = _fresh(task)
    if current.status != Status.CLOSED:
        raise LuoshiError(_("只有已销号的任务可以重新打开。"))
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
    _require_officer(actor)
    current = _fresh(task)
    action = STATUS_MOVES.get((current.status, status))
    if action is None:
        target = dict(Status.choices).get(status, status)
        raise LuoshiError(
            _("不允许从“%(a)s”变为“%(b)s”。") % {"a": current.get_status_display(), "b": target}
        )
    if status != Status.IN_PROGRESS and not reason.strip():
        raise LuoshiError(_("须填写理由。"))
    _transition(current, status, actor=actor, action=action, reason=reason)
    task_refresh(task=current)
    return _sync(task, current)
