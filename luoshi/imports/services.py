"""Import batches (导入批次): upload, parse (inline or as a job with progress), commit all-or-nothing."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.errors import LuoshiError
from luoshi.org.access import require_officer
from luoshi.work.paths import path_ids

from .common import ImportRefused, Problem
from .models import BatchState, ImportBatch, ImportKind
from .org_import import commit_org, parse_org
from .sheets import SheetError, read_sheets
from .task_import import LARGE_FILE_ROWS, commit_tasks, parse_tasks

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


def _require_officer(actor: Any) -> None:
    require_officer(actor, _("只有督查室人员可以导入。"))


def count_rows(data: bytes, filename: str = "") -> int:
    try:
        return max((len(s.rows) for s in read_sheets(data, filename=filename)), default=0)
    except SheetError:
        return 0


@transaction.atomic
def batch_create(
    *,
    actor: Any,
    kind: str,
    data: bytes,
    filename: str,
    plan: Any = None,
    plan_name: str = "",
    year: int | None = None,
) -> ImportBatch:
    """Store an uploaded file; a small one is parsed at once, a large one (> 2,000 rows) by the worker."""
    _require_officer(actor)
    if kind not in ImportKind.values:
        raise LuoshiError(_("未知的导入类型。"))
    if not data:
        raise LuoshiError(_("文件为空。"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise LuoshiError(_("文件太大（上限 30 MB）。"))
    if not filename.lower().endswith((".xlsx", ".xls", ".et", ".csv")):
        raise LuoshiError(_("只支持 .xlsx、.xls 和 .csv 文件。"))
    if kind == ImportKind.TASKS and plan is None and not plan_name.strip():
        raise LuoshiError(_("请选择计划，或填写新计划名称。"))
    batch = ImportBatch(
        kind=kind,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        plan=plan,
        plan_name=plan_name.strip()[:120],
        year=year,
        created_by=actor,
        rows_total=count_rows(data, filename),
    )
    batch.file.save(filename[:150], ContentFile(data), save=False)
    batch.save()
    if _parse_soon(batch):
        batch.refresh_from_db()
    return batch


def _parse_soon(batch: ImportBatch) -> bool:
    """Read the batch's table: a large file by the worker, a small one at once (then True).

    The worker's job is recorded with the batch, and run again if the worker dies meanwhile."""
    if batch.rows_total > LARGE_FILE_ROWS:
        from luoshi.jobs.durable import job_create

        job_create(kind="imports.parse", args={"batch_id": batch.pk})
        return False
    batch_parse(batch_id=batch.pk)
    return True


def _plan_for(batch: ImportBatch) -> Any:
    if batch.plan_id:
        return batch.plan
    from luoshi.work.models import Plan

    return Plan.objects.filter(name=batch.plan_name).first() or batch.plan_name


def batch_parse(*, batch_id: int) -> None:
    """Parse the stored file into the batch's preview, saving progress as it goes (no data written).

    Safe to run again (a job whose worker died is): it starts over, and does nothing to a batch
    that is no longer being parsed."""
    from luoshi.jobs.durable import checkpoint

    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.state != BatchState.PARSING:
        return
    data = batch.file.read()
    batch.file.close()

    def progress(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(rows_done=done, rows_total=total)
        checkpoint("imports.parse", done)

    try:
        if batch.kind == ImportKind.TASKS:
            plan = _plan_for(batch)
            preview: Any = parse_tasks(
                data,
                plan=plan if not isinstance(plan, str) else None,
                year=batch.year,
                filename=batch.filename,
                progress=progress,
                lead_choices=_lead_choices(batch),
            )
        else:
            preview = parse_org(data, filename=batch.filename)
    except Exception as exc:  # a job must record its failure, not vanish
        ImportBatch.objects.filter(pk=batch_id, state=BatchState.PARSING).update(
            state=BatchState.FAILED, message=str(exc)[:2000]
        )
        raise
    state = BatchState.READY if preview.ok else BatchState.REFUSED
    ImportBatch.objects.filter(pk=batch_id, state=BatchState.PARSING).update(
        preview=preview.to_json(), state=state, rows_done=batch.rows_total or 0
    )


def parse_job(job: Any) -> None:
    """The worker's job for a large file (`jobs.durable`, kind "imports.parse")."""
    batch_parse(batch_id=job.args["batch_id"])


def parse_job_failed(job: Any, message: str) -> None:
    """The parse job was given up (its worker died every time): the batch failed."""
    ImportBatch.objects.filter(pk=job.args["batch_id"], state=BatchState.PARSING).update(
        state=BatchState.FAILED, message=message[:2000]
    )


def batch_commit(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Commit a batch from its stored file, re-validated; refused files write nothing."""
    _require_officer(actor)
    if batch.state == BatchState.COMMITTED:
        raise LuoshiError(_("该批次已导入。"))
    if batch.state == BatchState.PARSING:
        raise LuoshiError(_("文件仍在解析中，请稍候。"))
    data = batch.file.read()
    batch.file.close()
    try:
        if batch.kind == ImportKind.TASKS:
            result: Any = commit_tasks(
                data,
                plan=_plan_for(batch),
                actor=actor,
                filename=batch.filename,
                batch_id=batch.pk,
                year=batch.year,
                lead_choices=_lead_choices(batch),
            )
            summary = {"created": result.created, "updated": result.updated, "plan": result.plan_id}
            if batch.plan_id is None and result.plan_id:
                # The batch joins its new plan's region (lib/regions.py), in the same statement.
                from luoshi.work.models import Plan

                region = Plan.objects.filter(pk=result.plan_id).values("region_id")
                ImportBatch.objects.filter(pk=batch.pk).update(
                    plan_id=result.plan_id, region_id=Subquery(region)
                )
        else:
            result = commit_org(data, actor=actor, filename=batch.filename, batch_id=batch.pk)
            summary = {"units": result.units, "people": result.people}
    except ImportRefused as exc:
        preview = exc.preview.to_json() if exc.preview is not None else batch.preview
        if exc.preview is None:
            preview = dict(preview)
            preview["problems"] = list(preview.get("problems", [])) + [p.as_dict() for p in exc.problems]
        ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.REFUSED, preview=preview)
        batch.refresh_from_db()
        return batch
    except LuoshiError as exc:
        problem = Problem(0, "", str(exc))
        preview = dict(batch.preview)
        preview["problems"] = list(preview.get("problems", [])) + [problem.as_dict()]
        ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.REFUSED, preview=preview)
        batch.refresh_from_db()
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=BatchState.COMMITTED,
        result=summary,
        committed_at=timezone.now(),
        preview=result.preview.to_json(),
    )
    batch.refresh_from_db()
    return batch


# ---------------------------------------------------------------------------------------------
# Choices the office makes in a task preview: what an unknown unit name means, who leads a row.


def _lead_choices(batch: ImportBatch) -> dict[int, int]:
    return {int(row): int(unit) for row, unit in (batch.lead_choices or {}).items()}


def _open_for_choices(batch: ImportBatch) -> None:
    if batch.kind != ImportKind.TASKS:
        raise LuoshiError(_("只有任务分解表可以对应单位。"))
    if batch.state in (BatchState.COMMITTED, BatchState.PARSING):
        raise LuoshiError(_("该批次已导入或仍在解析，不能再修改。"))


def alias_scope(plan: Any) -> Any:
    """Where a name mapped for this plan holds: the district (区/县) of the plan's owner unit, or
    everywhere (None) for a plan without an owner."""
    from luoshi.org.models import Unit, UnitCategory

    owner = getattr(plan, "owner_unit", None)
    if owner is None:
        return None
    ids = path_ids(owner.path)
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    for pk in reversed(ids):
        unit = ancestors.get(pk)
        if unit is not None and unit.category == UnitCategory.DISTRICT:
            return unit
    return ancestors.get(ids[0]) if ids else owner


def _reparse(batch: ImportBatch) -> ImportBatch:
    """Read the preview again after a choice; as at upload, a large file by the worker (a recorded
    job, run again if the worker dies), a small one at once."""
    ImportBatch.objects.filter(pk=batch.pk).update(state=BatchState.PARSING, rows_done=0)
    _parse_soon(batch)
    batch.refresh_from_db()
    return batch


@transaction.atomic
def batch_map_name(
    *, actor: Any, batch: ImportBatch, written: str, unit: Any = None, create_under: Any = None
) -> ImportBatch:
    """Map a unit name as the table writes it to `unit`, or to a new unit created under
    `create_under`; the mapping is remembered as an alias (单位别名) for later imports, and the
    preview is read again with it."""
    from luoshi.org.models import Unit, UnitCategory
    from luoshi.org.services import unit_alias_set, unit_create

    _require_officer(actor)
    _open_for_choices(batch)
    written = "".join(str(written).split())
    if not written:
        raise LuoshiError(_("请选择要对应的单位名称。"))
    if (unit is None) == (create_under is None):
        raise LuoshiError(_("请选择对应的单位，或选择新建单位。"))
    plan = _plan_for(batch)
    scope = alias_scope(plan if not isinstance(plan, str) else None)
    if create_under is not None:
        n = Unit.objects.filter(code__startswith=f"{create_under.code}-X").count() + 1
        while Unit.objects.filter(code=f"{create_under.code}-X{n}").exists():
            n += 1
        unit = unit_create(
            actor=actor,
            code=f"{create_under.code}-X{n}",
            name=written[:120],
            category=UnitCategory.DEPARTMENT,
            parent=create_under,
        )
    unit_alias_set(actor=actor, name=written, unit=unit, scope=scope)
    return _reparse(batch)


@transaction.atomic
def batch_choose_lead(*, actor: Any, batch: ImportBatch, row: int, unit: Any) -> ImportBatch:
    """Give a row that names no lead unit (缺少牵头单位) the lead the office chose; the file is not changed."""
    _require_officer(actor)
    _open_for_choices(batch)
    choices = dict(batch.lead_choices or {})
    if unit is None:
        choices.pop(str(row), None)
    else:
        choices[str(row)] = unit.pk
    ImportBatch.objects.filter(pk=batch.pk).update(lead_choices=choices)
    batch.lead_choices = choices
    return _reparse(batch)
