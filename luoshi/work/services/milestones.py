"""Milestones (时间节点): met by the office, or claimed by the unit and confirmed by the office."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, LuoshiError, NotAllowed
from luoshi.notify.services import Message, notify

from ..models import Claim, ClaimKind, ClaimState, Milestone, Status
from ._common import (
    _claim_filed,
    _claims_reviewed,
    _fresh,
    _open_claim,
    _reporting_unit,
    _require_officer,
    _require_reason,
    _require_unit_member,
)
from .lights import task_refresh


@transaction.atomic
def milestone_meet(*, actor: Any, milestone: Milestone, met_on: date) -> Milestone:
    """The office records that a milestone (时间节点) was met (imports, corrections); units claim it
    with `milestone_claim` instead, for the office to confirm."""
    _require_officer(actor)
    task = _fresh(milestone.task)
    if task.status == Status.CLOSED:
        raise LuoshiError(_("任务已销号，只读。"))
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
    today = on or timezone.localdate()
    _require_unit_member(actor, milestone.task)
    task = _fresh(milestone.task)
    unit = _reporting_unit(actor, task)
    current = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if task.status not in (Status.IN_PROGRESS, Status.CLAIMED):
        raise LuoshiError(_("任务当前状态为“%(s)s”，不能报告节点完成。") % {"s": task.get_status_display()})
    if current.met_on is not None:
        raise LuoshiError(_("该节点已确认完成。"))
    if met_on > today:
        raise LuoshiError(_("完成日期不能晚于今天。"))
    if met_on < task.start:
        raise LuoshiError(_("完成日期不能早于任务开始日期。"))
    if _open_claim(task, ClaimKind.MILESTONE, current) is not None:
        raise LuoshiError(_("该节点已有待确认的完成报告。"))
    claim, evidence = _claim_filed(
        task,
        files,
        milestone=current,
        kind=ClaimKind.MILESTONE,
        unit=unit,
        author=actor,
        state=ClaimState.SUBMITTED,
        note=note,
        met_on=met_on,
    )
    record(
        current,
        "work.milestone.claimed",
        actor=actor,
        after={"claim": claim.pk, "met_on": met_on},
        data={"task": task.pk, "note": note, "evidence": evidence},
    )
    return claim


def _submitted_milestone_claim(actor: Any, claim: Claim) -> Claim:
    current = Claim.objects.select_for_update().get(pk=claim.pk)
    if current.kind != ClaimKind.MILESTONE or current.state != ClaimState.SUBMITTED:
        raise Conflict(_("该申请已被处理。"))
    if actor is not None and current.author_id == actor.pk:
        raise NotAllowed(_("不能审核自己提交的完成申请，须由其他人员确认。"))
    _require_officer(actor)
    return current


@transaction.atomic
def milestone_confirm(*, actor: Any, claim: Claim, note: str = "", on: date | None = None) -> Claim:
    """The office confirms a milestone claim: the milestone is met on the claimed date, the light follows."""
    current = _submitted_milestone_claim(actor, claim)
    task = _fresh(current.task)
    milestone = current.milestone
    assert milestone is not None and current.met_on is not None
    _claims_reviewed(Claim.objects.filter(pk=current.pk), ClaimState.CONFIRMED, actor=actor, note=note)
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
    current = _submitted_milestone_claim(actor, claim)
    _require_reason(reason)
    _claims_reviewed(Claim.objects.filter(pk=current.pk), ClaimState.REJECTED, actor=actor, note=reason)
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
    notify([Message(current.author_id, current.task_id, text)], rule="work.milestone.returned")
    claim.refresh_from_db()
    return claim
