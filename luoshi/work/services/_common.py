"""Helpers shared by the task engine's services: locking, fresh copies, transitions, evidence, units."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import F, Field, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, LuoshiError, NotAllowed
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Unit

from .. import signals
from ..models import OPEN_CLAIM_STATES, Claim, ClaimKind, Evidence, Milestone, Task, TaskUnit, Transition


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
    require_officer(actor)


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


def _require_reason(reason: str, message: Any = None) -> None:
    """A send-back, reopening or closing that must say why: refused without a reason."""
    if not reason.strip():
        raise LuoshiError(message or _("退回须填写理由。"))


def _require_unit_member(actor: Any, task: Task) -> None:
    if not Task.objects.reportable_by(actor).filter(pk=task.pk).exists():
        raise NotAllowed(_("您不是该任务牵头或配合单位的填报人员，不能填报。"))


def _claim_evidence_needed(task: Task, files: Sequence[UploadedFile]) -> None:
    if task.plan.claim_evidence and not files:
        raise LuoshiError(_("请上传佐证材料。"))


def _evidence_audit(evidence: Sequence[Evidence]) -> list[dict[str, Any]]:
    return [{"name": e.name, "sha256": e.sha256, "size": e.size} for e in evidence]


def _claim_filed(
    task: Task, files: Sequence[UploadedFile], **fields: Any
) -> tuple[Claim, list[dict[str, Any]]]:
    """A unit's claim on `task` with its evidence files (required where the plan asks for them):
    the claim, and its files as the audit shows them."""
    _claim_evidence_needed(task, files)
    claim = Claim.objects.create(task=task, **fields)
    return claim, _evidence_audit(_save_evidence(files, claim=claim))


def _claims_reviewed(claims: QuerySet[Claim], state: str, *, actor: Any, note: str) -> None:
    """The office's decision on claims: their new state, who decided, when, and the note."""
    claims.update(state=state, reviewer=actor, reviewed_at=timezone.now(), review_note=note)


def _open_completion_claims(task: Task) -> QuerySet[Claim]:
    return Claim.objects.filter(task=task, kind=ClaimKind.COMPLETION, state__in=OPEN_CLAIM_STATES)


def _open_claim(task: Task, kind: str, milestone: Milestone | None = None) -> Claim | None:
    return (
        Claim.objects.select_for_update()
        .filter(task=task, kind=kind, milestone=milestone, state__in=OPEN_CLAIM_STATES)
        .order_by("-id")
        .first()
    )


def _decimal(value: Any, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise LuoshiError(_("%(label)s 不是有效数字：%(v)s") % {"label": label, "v": value})
    if not result.is_finite():
        raise LuoshiError(_("%(label)s 不是有效数字：%(v)s") % {"label": label, "v": value})
    return result


def _save_evidence(files: Sequence[UploadedFile], **owner: Any) -> list[Evidence]:
    """Store each file under its SHA-256, so the audit entry pins exactly what was handed in.

    Every file is checked (size, kind by content) before any is stored; stored files are deleted
    again if the transaction rolls back, so a refused upload leaves no file without its row."""
    from django.conf import settings

    from luoshi.lib.uploads import UploadRefused, store_checked

    try:
        return store_checked(
            files,
            max_bytes=settings.LUOSHI_EVIDENCE_MAX_BYTES,
            make=lambda **fields: Evidence(**owner, **fields),
        )
    except UploadRefused as exc:
        raise LuoshiError(str(exc))


def _reporting_unit(actor: Any, task: Task) -> Unit:
    ctx = context_for(actor)
    mine = ctx.reporter_unit_ids | ctx.head_unit_ids
    if task.lead_unit_id in mine:
        return task.lead_unit
    co = TaskUnit.objects.filter(task=task, unit_id__in=mine).select_related("unit").first()
    if co is None:
        raise NotAllowed(_("您不是该任务牵头或配合单位的填报人员，不能填报。"))
    return co.unit
