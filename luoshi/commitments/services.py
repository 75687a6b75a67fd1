"""Writes of commitments and catalogues. Each change of what the public may see proposes a new
version to the portal (`portal.services.publication_propose`): it shows once the office reviews it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, NotAllowed, refuse_unknown_fields
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Unit
from luoshi.portal.services import publication_propose

from . import rules
from .models import (
    CatalogueItem,
    CatalogueKind,
    Commitment,
    CommitmentVersion,
    Compliance,
    ComplianceState,
    ReviewState,
)

EDITABLE = ("title", "measure", "deadline", "task")


def public_data(c: Commitment, *, on: date) -> dict[str, Any]:
    """A commitment's public fields: its wording, the unit's name, and its accepted compliance per
    period (the unit's statement, never the review's internal note)."""
    accepted = list(
        Compliance.objects.filter(commitment=c, review=ReviewState.ACCEPTED)
        .order_by("period")
        .values_list("period", "state", "note")
    )
    return {
        "unit": c.unit.name,
        "session": c.session,
        "year": c.year,
        "number": c.number,
        "title": c.title,
        "measure": c.measure,
        "deadline": c.deadline.isoformat(),
        "compliance": [{"period": p, "state": s, "note": n} for p, s, n in accepted],
        "state": rules.current_state({p: s for p, s, _n in accepted}, deadline=c.deadline, on=on),
    }


def _propose(c: Commitment, actor: Any) -> None:
    publication_propose(
        kind="commitment",
        ref=str(c.pk),
        unit_id=c.unit_id,
        data=public_data(c, on=timezone.localdate()),
        actor=actor,
    )


def _check_text(value: str, field: str, most: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidField(_("此项必填。"), field=field)
    if len(value) > most:
        raise InvalidField(_("最多 %(n)s 个字。") % {"n": most}, field=field)
    return value


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    unit: Unit,
    session: str,
    year: int,
    title: str,
    measure: str,
    deadline: date,
    task: Any = None,
    number: int | None = None,
) -> Commitment:
    """Record a unit's commitment (by the office) and propose it for the portal."""
    require_officer(actor, _("只有督查室人员可以录入承诺事项。"))
    session = _check_text(session, "session", 120)
    title = _check_text(title, "title", 300)
    measure = _check_text(measure, "measure", 5000)
    if not 2000 <= year <= 2100:
        raise InvalidField(_("年度不正确。"), field="year")
    if number is None:
        number = (Commitment.objects.filter(unit=unit, year=year).aggregate(n=Max("number"))["n"] or 0) + 1
    elif Commitment.objects.filter(unit=unit, year=year, number=number).exists():
        raise InvalidField(_("该单位本年度已有此序号的承诺。"), field="number")
    c = Commitment.objects.create(
        unit=unit,
        session=session,
        year=year,
        number=number,
        title=title,
        measure=measure,
        deadline=deadline,
        task=task,
        created_by=actor,
    )
    record(c, "commitments.commitment.created", actor=actor, after={"title": title, "unit": unit.pk})
    _propose(c, actor)
    return c


@transaction.atomic
def commitment_update(
    *, actor: Any, commitment: Commitment, version: int, reason: str, changes: dict[str, Any]
) -> Commitment:
    """Change a commitment's wording, measure or deadline: the old wording is kept as a version, and
    the change waits for the office's review before the public sees it."""
    require_officer(actor, _("只有督查室人员可以修改承诺事项。"))
    refuse_unknown_fields(changes, EDITABLE)
    reason = _check_text(reason, "reason", 300)
    c = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if c.version != version:
        raise Conflict(_("承诺事项已被他人修改，请刷新后重试。"))
    if "title" in changes:
        changes["title"] = _check_text(changes["title"], "title", 300)
    if "measure" in changes:
        changes["measure"] = _check_text(changes["measure"], "measure", 5000)
    before = {k: getattr(c, k) for k in changes}
    if all(before[k] == v for k, v in changes.items()):
        return c
    CommitmentVersion.objects.create(
        commitment=c,
        version=c.version,
        title=c.title,
        measure=c.measure,
        deadline=c.deadline,
        reason=reason,
        changed_by=actor,
    )
    for k, v in changes.items():
        setattr(c, k, v)
    c.version += 1
    c.updated = timezone.now()
    c.save()
    record(
        c,
        "commitments.commitment.updated",
        actor=actor,
        before=before,
        after=changes,
        data={"reason": reason},
    )
    _propose(c, actor)
    return c


def _may_state(actor: Any, c: Commitment) -> None:
    ctx = context_for(actor)
    if ctx.is_officer:
        return
    if c.unit_id in ctx.reporter_unit_ids or c.unit_id in ctx.head_unit_ids:
        return
    raise NotAllowed(_("只有本单位填报员、负责人或督查室可以填报兑现情况。"))


@transaction.atomic
def compliance_submit(
    *, actor: Any, commitment: Commitment, period: str, state: str, note: str
) -> Compliance:
    """The unit states a period's compliance (兑现情况); it waits for the office's review. A returned
    or pending statement may be stated again; an accepted one is final."""
    _may_state(actor, commitment)
    try:
        rules.period_bounds(period)
    except ValueError:
        raise InvalidField(_("期次格式应为 2026Q1。"), field="period") from None
    if state not in ComplianceState.values:
        raise InvalidField(_("兑现情况不正确。"), field="state")
    note = _check_text(note, "note", 2000)
    row = Compliance.objects.select_for_update().filter(commitment=commitment, period=period).first()
    if row is not None and row.review == ReviewState.ACCEPTED:
        raise Conflict(_("该期兑现情况已认定，不能再修改。"))
    if row is None:
        row = Compliance(commitment=commitment, period=period)
    row.state, row.note = state, note
    row.submitted_by, row.submitted_at = actor, timezone.now()
    row.review, row.reviewed_by, row.reviewed_at, row.review_note = ReviewState.PENDING, None, None, ""
    row.save()
    record(row, "commitments.compliance.submitted", actor=actor, data={"period": period, "state": state})
    return row


@transaction.atomic
def compliance_review(*, actor: Any, compliance: Compliance, accept: bool, note: str = "") -> Compliance:
    """The office accepts a stated compliance (it then goes to the portal for publication) or returns
    it to the unit with a reason."""
    require_officer(actor, _("只有督查室人员可以审核兑现情况。"))
    row = (
        Compliance.objects.select_for_update()
        .select_related("commitment", "commitment__unit")
        .get(pk=compliance.pk)
    )
    if row.review != ReviewState.PENDING:
        raise Conflict(_("该期兑现情况已审核。"))
    note = note.strip()
    if not accept and not note:
        raise InvalidField(_("退回时请填写原因。"), field="note")
    row.review = ReviewState.ACCEPTED if accept else ReviewState.RETURNED
    row.reviewed_by, row.reviewed_at, row.review_note = actor, timezone.now(), note[:300]
    row.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    record(
        row,
        "commitments.compliance.accepted" if accept else "commitments.compliance.returned",
        actor=actor,
        data={"period": row.period, "note": note},
    )
    if accept:
        _propose(row.commitment, actor)
    return row


# --- 三单 catalogues ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    code: str
    name: str
    basis: str = ""
    post: str = ""
    process: str = ""


def catalogue_public_data(unit: Unit, kind: str) -> dict[str, Any]:
    items = CatalogueItem.objects.filter(unit=unit, kind=kind, active=True).order_by("code")
    return {
        "unit": unit.name,
        "kind": kind,
        "items": [
            {"code": i.code, "name": i.name, "basis": i.basis, "post": i.post, "process": i.process}
            for i in items
        ],
    }


@transaction.atomic
def catalogue_import(*, actor: Any, unit: Unit, kind: str, rows: list[ItemRow]) -> dict[str, int]:
    """Replace a unit's catalogue of `kind` by `rows` (all or nothing): a row's code identifies its
    item, so importing an edited table updates items in place; items missing from the table are
    retired. The new catalogue is proposed for the portal."""
    require_officer(actor, _("只有督查室人员可以导入清单。"))
    if kind not in CatalogueKind.values:
        raise InvalidField(_("清单类别不正确。"), field="kind")
    if not rows:
        raise InvalidField(_("表格中没有事项。"), field="file")
    seen: set[str] = set()
    for n, r in enumerate(rows, start=1):
        if not r.code or not r.name:
            raise InvalidField(_("第 %(n)s 行：编号和事项名称必填。") % {"n": n}, field="file")
        if r.code in seen:
            raise InvalidField(
                _("第 %(n)s 行：编号 %(code)s 重复。") % {"n": n, "code": r.code}, field="file"
            )
        seen.add(r.code)
    existing = {i.code: i for i in CatalogueItem.objects.select_for_update().filter(unit=unit, kind=kind)}
    created = updated = 0
    now = timezone.now()
    for r in rows:
        fields = {"name": r.name[:300], "basis": r.basis, "post": r.post[:120], "process": r.process}
        item = existing.get(r.code)
        if item is None:
            CatalogueItem.objects.create(unit=unit, kind=kind, code=r.code[:40], updated=now, **fields)
            created += 1
        elif any(getattr(item, k) != v for k, v in fields.items()) or not item.active:
            for k, v in fields.items():
                setattr(item, k, v)
            item.active, item.version, item.updated = True, item.version + 1, now
            item.save()
            updated += 1
    retired = (
        CatalogueItem.objects.filter(unit=unit, kind=kind, active=True)
        .exclude(code__in=seen)
        .update(active=False, updated=now)
    )
    summary = {"created": created, "updated": updated, "retired": retired}
    record(unit, "commitments.catalogue.imported", actor=actor, data={"kind": kind, **summary})
    publication_propose(
        kind="catalogue",
        ref=f"{unit.pk}:{kind}",
        unit_id=unit.pk,
        data=catalogue_public_data(unit, kind),
        actor=actor,
    )
    return summary
