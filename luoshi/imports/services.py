"""Import batches (导入批次): upload, parse (inline or as a job with progress), commit all-or-nothing."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.org.access import context_for
from luoshi.work.services import PermissionDenied, ServiceError

from .common import ImportRefused, Problem
from .models import BatchState, ImportBatch, ImportKind
from .org_import import commit_org, parse_org
from .sheets import SheetError, read_sheets
from .task_import import LARGE_FILE_ROWS, commit_tasks, parse_tasks

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


def _require_officer(actor: Any) -> None:
    if not context_for(actor).is_officer:
        raise PermissionDenied(_("只有督查室人员可以导入。"))


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
        raise ServiceError(_("未知的导入类型。"))
    if not data:
        raise ServiceError(_("文件为空。"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ServiceError(_("文件太大（上限 30 MB）。"))
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise ServiceError(_("只支持 .xlsx 和 .csv 文件。"))
    if kind == ImportKind.TASKS and plan is None and not plan_name.strip():
        raise ServiceError(_("请选择计划，或填写新计划名称。"))
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
    if batch.rows_total > LARGE_FILE_ROWS:
        from luoshi.jobs.durable import job_create

        # Recorded with the batch and run by the worker; run again if the worker dies meanwhile.
        job_create(kind="imports.parse", args={"batch_id": batch.pk})
    else:
        batch_parse(batch_id=batch.pk)
        batch.refresh_from_db()
    return batch


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
        raise ServiceError(_("该批次已导入。"))
    if batch.state == BatchState.PARSING:
        raise ServiceError(_("文件仍在解析中，请稍候。"))
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
            )
            summary = {"created": result.created, "updated": result.updated, "plan": result.plan_id}
            if batch.plan_id is None and result.plan_id:
                ImportBatch.objects.filter(pk=batch.pk).update(plan_id=result.plan_id)
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
    except ServiceError as exc:
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
