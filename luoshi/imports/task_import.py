"""Import of a task decomposition table (任务分解表 / 责任分工方案) into a plan.

`parse_tasks` (in `task_parse`) reads the file and builds a preview (rows to create/update, every
problem by row and column) without writing; `commit_tasks` re-parses and writes all-or-nothing
through the work services (set-based for large files, `task_bulk`). A row's code (序号 path such as
"1.2", or an explicit 编号) identifies its task, so a second import of an edited table updates what
the first one created. This module is the import's entry point and re-exports the parser's names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from .common import ImportRefused, Problem
from .task_bulk import bulk_create, id_ranges
from .task_parse import ParseState, parse_tasks
from .task_preview import (
    LARGE_FILE_ROWS,
    SECTION_HEAD,
    SEQ_CLEAN,
    TASK_COLUMNS,
    TITLE_YEAR,
    PlanInfo,
    TaskPreview,
    TaskRow,
    plan_frame,
    title_year,
    year_reason,
)

__all__ = [
    "BULK_CREATE_ROWS",
    "LARGE_FILE_ROWS",
    "SECTION_HEAD",
    "SEQ_CLEAN",
    "TASK_COLUMNS",
    "TITLE_YEAR",
    "ParseState",
    "PlanInfo",
    "TaskImportResult",
    "TaskPreview",
    "TaskRow",
    "commit_tasks",
    "file_digest",
    "import_tasks",
    "parse_tasks",
    "plan_frame",
    "resolve_plan",
    "title_year",
    "year_reason",
]

# Above this many new tasks, tasks are created set-based rather than one service call each.
BULK_CREATE_ROWS = 2000


def file_digest(source: str | Path | bytes) -> str:
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    return hashlib.sha256(data).hexdigest()


def resolve_plan(plan: Any, *, actor: Any, create: bool, year: int | None = None) -> Any:
    """A Plan, its id, or its name; a new name creates the plan for `year` when `create`."""
    from luoshi.work.models import Plan
    from luoshi.work.services import plan_create

    if isinstance(plan, Plan) or plan is None:
        return plan
    if isinstance(plan, int) or (isinstance(plan, str) and plan.isdigit()):
        found = Plan.objects.filter(pk=int(plan)).first()
        if found is not None:
            return found
        if isinstance(plan, int):
            raise ImportRefused([Problem.of(0, "", "plan.missing", p=plan)])
    found = Plan.objects.filter(name=str(plan)).first()
    if found is not None or not create:
        return found
    year = year or timezone.localdate().year
    return plan_create(actor=actor, name=str(plan), year=year, start=date(year, 1, 1), due=date(year, 12, 31))


@dataclass
class TaskImportResult:
    preview: TaskPreview
    committed: bool
    created: int = 0
    updated: int = 0
    plan_id: int | None = None


@transaction.atomic
def commit_tasks(
    source: str | Path | bytes,
    *,
    plan: Any,
    actor: Any,
    filename: str = "",
    batch_id: int | None = None,
    year: int | None = None,
    lead_choices: dict[int, int] | None = None,
) -> TaskImportResult:
    """Re-read the file and write every task, or nothing: one transaction, one audit entry.

    A plan named but not yet existing is created for the preview's year (`year`, else the title's).
    The new tasks' stored lights are computed before the transaction ends, and their late reports
    are counted from today (the day they were assigned in Luoshi), not from the plan's start."""
    from luoshi.audit.services import record
    from luoshi.work.models import Task
    from luoshi.work.selectors import compute_lights
    from luoshi.work.services.lights import persist_lights

    plan, preview = _plan_and_preview(
        source, plan=plan, actor=actor, filename=filename, year=year, lead_choices=lead_choices
    )
    if not preview.ok:
        raise ImportRefused(preview.problems, preview)
    writer = _Writer.load(preview, plan=plan, actor=actor)
    creates = [r for r in preview.rows if r.action == "create"]
    bulk = len(creates) > BULK_CREATE_ROWS
    # a plan with no task yet whose every task is created set-based needs no refresh (below)
    fresh = bulk and len(creates) == len(preview.rows) and not Task.objects.filter(plan=plan).exists()
    if bulk:
        writer.bulk(creates, batch=f"import {batch_id}" if batch_id else filename or "import")
    for r in preview.rows:
        if not (bulk and r.action == "create"):
            writer.write(r)
    # The plan's stored lights as the daily tick would leave them, set-based, before anyone looks.
    # Tasks created set-based were written with their first lights, the plan's lights computed over
    # the new tasks themselves: when they are all the plan holds, they are what a refresh would
    # compute (it would read them all back to rewrite none); else the refresh rewrites what differs.
    if not (fresh and writer.lit):
        persist_lights(compute_lights(plan_id=plan.pk, on=writer.today), on=writer.today)
    record(
        plan,
        "work.import.committed",
        actor=actor,
        data={
            "file": filename or (str(source) if isinstance(source, (str, Path)) else ""),
            "sha256": file_digest(source),
            "created": writer.created,
            "updated": writer.updated,
            "unchanged": sum(1 for r in preview.rows if r.action == "unchanged"),
            "batch": batch_id,
            "lead_choices": {str(row): unit for row, unit in (lead_choices or {}).items()},
            # Large files are created set-based: their tasks are listed here instead of one entry each.
            "bulk_created_ids": id_ranges(writer.by_code[r.code].pk for r in creates) if bulk else [],
            "bulk_rows_sm3": writer.digest,
        },
    )
    return TaskImportResult(preview, True, writer.created, writer.updated, plan.pk)


def _plan_and_preview(
    source: str | Path | bytes,
    *,
    plan: Any,
    actor: Any,
    filename: str,
    year: int | None,
    lead_choices: dict[int, int] | None,
) -> tuple[Any, TaskPreview]:
    """The target plan and the file's preview against it. A new plan's year comes from the file (or
    `year`), so the file is read before the plan is created, then again against the new plan."""
    target = resolve_plan(plan, actor=actor, create=False)
    if target is not None:
        return target, parse_tasks(
            source, plan=target, year=year, filename=filename, lead_choices=lead_choices
        )
    first = parse_tasks(source, plan=None, year=year, filename=filename, lead_choices=lead_choices)
    if not first.ok:
        raise ImportRefused(first.problems, first)
    target = resolve_plan(plan, actor=actor, create=True, year=first.year)
    if _read_alike(target, first):
        return target, first
    preview = parse_tasks(source, plan=target, filename=filename, lead_choices=lead_choices)
    preview.year_source, preview.year_text = first.year_source, first.year_text
    return target, preview


def _read_alike(plan: Any, preview: TaskPreview) -> bool:
    """Whether reading the file against `plan` would give `preview`, read for no plan: a plan just
    created for the preview's year (the whole year, no owner unit) with no task yet. Then the file
    is not read a second time (100,000 rows: about 5 s, and two previews held at once)."""
    from luoshi.work.models import Task

    year = preview.year
    return (
        year > 0
        and plan.owner_unit_id is None
        and (plan.year, plan.start, plan.due) == (year, date(year, 1, 1), date(year, 12, 31))
        and not Task.objects.filter(plan=plan).exists()
    )


@dataclass
class _Writer:
    """Writes a checked preview's rows into the plan: the units, people and tasks they refer to,
    loaded once, and the counts so far."""

    preview: TaskPreview
    plan: Any
    actor: Any
    today: date
    units: dict[int, Any]
    persons: dict[int, Any]
    by_code: dict[str, Any]
    created: int = 0
    updated: int = 0
    digest: str = ""  # SM3 of the rows created set-based
    lit: bool = False  # the rows created set-based were written with their first lights

    @classmethod
    def load(cls, preview: TaskPreview, *, plan: Any, actor: Any) -> _Writer:
        from luoshi.org.models import Person, Unit
        from luoshi.work.models import Task

        rows = preview.rows
        unit_ids = {r.lead_id for r in rows if r.lead_id} | {u for r in rows for u in r.co_ids}
        person_ids = {r.leader_id for r in rows if r.leader_id} | {r.person_id for r in rows if r.person_id}
        touched_ids = [r.task_id for r in rows if r.task_id]
        return cls(
            preview,
            plan,
            actor,
            timezone.localdate(),
            Unit.objects.in_bulk(unit_ids),
            Person.objects.in_bulk(person_ids),
            {t.code: t for t in Task.objects.filter(pk__in=touched_ids)},
        )

    def person(self, pk: int | None) -> Any:
        return self.persons.get(pk) if pk else None

    def bulk(self, creates: list[TaskRow], *, batch: str) -> None:
        """Create the new tasks set-based; rows updated afterwards get the real tasks as parents."""
        from luoshi.work.models import Task

        batch_made = bulk_create(
            creates,
            plan=self.plan,
            actor=self.actor,
            batch=batch,
            by_code=self.by_code,
            units=self.units,
            today=self.today,
        )
        self.created, self.digest, self.lit = len(batch_made.tasks), batch_made.digest, batch_made.lit
        # Rows updated below may move under a task just created in bulk: give them the real task.
        made = {code: t.pk for code, t in batch_made.tasks.items()}
        rows = self.preview.rows
        wanted = {made[r.parent_code] for r in rows if r.action != "create" and r.parent_code in made}
        self.by_code.update({t.code: t for t in Task.objects.filter(pk__in=wanted)})

    def write(self, r: TaskRow) -> None:
        """Create, update or keep one row's task through the work services."""
        from luoshi.errors import LuoshiError

        lead = self.units[r.lead_id] if r.lead_id else None
        if lead is None:
            raise ImportRefused([Problem.of(r.row, "", "lead.missing")], self.preview)
        due = date.fromisoformat(r.due)
        try:
            if r.action == "create":
                task = self._create(r, lead, due)
            elif r.action == "update":
                task = self._update(r, lead, due)
            else:
                task = self.by_code[r.code]
        except LuoshiError as exc:
            raise ImportRefused([Problem(r.row, "", str(exc))], self.preview)
        self.by_code[r.code] = task

    def _create(self, r: TaskRow, lead: Any, due: date) -> Any:
        from luoshi.work.services import task_create

        task = task_create(
            actor=self.actor,
            plan=self.plan,
            title=r.title[:500],
            lead_unit=lead,
            start=min(self.plan.start, due),
            due=due,
            parent=self.by_code.get(r.parent_code) if r.parent_code else None,
            co_units=[self.units[u] for u in r.co_ids],
            responsible_leader=self.person(r.leader_id),
            responsible_person=self.person(r.person_id),
            milestones=[(label, date.fromisoformat(d)) for label, d in r.milestones],
            code=r.code,
            description=r.description,
            deadline_text=r.deadline_text,
            assigned_on=self.today,
            refresh=False,  # the plan's lights are recomputed at the end
        )
        self.created += 1
        return task

    def _update(self, r: TaskRow, lead: Any, due: date) -> Any:
        from luoshi.work.services import task_update

        task = self.by_code[r.code]
        values: dict[str, Any] = {
            "title": r.title[:500],
            "description": r.description,
            "lead_unit": lead,
            "due": due,
            "deadline_text": r.deadline_text,
            "responsible_leader": self.person(r.leader_id),
            "responsible_person": self.person(r.person_id),
            "parent": self.by_code.get(r.parent_code) if r.parent_code else None,
        }
        changes = {k: values[k] for k in r.changes if k in values}
        if "due" in changes and due < task.start:
            changes["start"] = due
        task = task_update(
            actor=self.actor,
            task=task,
            version=task.version,
            co_units=[self.units[u] for u in r.co_ids] if "co_units" in r.changes else None,
            **changes,
        )
        self.updated += 1
        return task


def import_tasks(
    file_path_or_bytes: str | Path | bytes,
    *,
    plan: Any,
    actor: Any,
    dry_run: bool = False,
    filename: str = "",
    year: int | None = None,
) -> TaskImportResult:
    """Preview (dry_run) or commit a decomposition table into `plan` (a Plan, id or name).

    `year` is the year of a plan the import creates (else read from the title rows).
    A refused file raises ImportRefused listing every problem; nothing is written."""
    if dry_run:
        target = resolve_plan(plan, actor=actor, create=False)
        preview = parse_tasks(file_path_or_bytes, plan=target, year=year, filename=filename)
        return TaskImportResult(preview, False, plan_id=getattr(target, "pk", None))
    return commit_tasks(file_path_or_bytes, plan=plan, actor=actor, filename=filename, year=year)
