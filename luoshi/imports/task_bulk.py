"""Set-based creation of many tasks for a large decomposition table (see `task_import.commit_tasks`).

One service call per task would take minutes for tens of thousands of rows: here tasks are written
level by level (parents first), by COPY on PostgreSQL and by bulk_create elsewhere, with what
`task_create` would write; the import's one audit entry lists the created ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from .common import ImportRefused, Problem
from .task_preview import TaskRow


def id_ranges(ids: Any) -> list[list[int]]:
    """[1, 2, 3, 7] → [[1, 3], [7, 7]]: a compact list of created ids for the audit entry."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def _chunks(ids: list[int], size: int = 900) -> Any:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def bulk_create(
    rows: list[TaskRow],
    *,
    plan: Any,
    by_code: dict[str, Any],
    units: dict[int, Any],
    persons: dict[int, Any],
    today: date,
) -> int:
    """Create many tasks set-based (level by level: parents first), with what task_create would write.

    Used for large files only, where one service call per task would take minutes; the import's one
    audit entry lists the created ids. On PostgreSQL the rows go in by COPY with ids taken from the
    table's sequence, so paths are known before writing; elsewhere by bulk_create."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return _copy_create(rows, plan=plan, by_code=by_code, units=units, today=today)
    return _orm_create(rows, plan=plan, by_code=by_code, units=units, persons=persons, today=today)


def _lead(r: TaskRow, units: dict[int, Any]) -> Any:
    """The row's lead unit: a checked preview (no errors) names one for every row."""
    assert r.lead_id is not None
    return units[r.lead_id]


@dataclass
class Made:
    """A task written by COPY: what its children and the audit entry need of it."""

    pk: int
    path: str
    depth: int
    sort_path: str


def _levels(rows: list[TaskRow], by_code: dict[str, Any]) -> Iterator[list[TaskRow]]:
    """Rows in levels, each level's parents already created (or existing)."""
    pending = list(rows)
    known = set(by_code)
    while pending:
        ready = [r for r in pending if not r.parent_code or r.parent_code in known]
        if not ready:
            raise ImportRefused([Problem.of(pending[0].row, "", "parent.missing")])
        yield ready
        known.update(r.code for r in ready)
        done = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in done]


def _copy_create(
    rows: list[TaskRow], *, plan: Any, by_code: dict[str, Any], units: dict[int, Any], today: date
) -> int:
    from luoshi.lib.bulk import allocate_ids, model_rows, write_rows
    from luoshi.lib.natural import sort_path
    from luoshi.work.models import Milestone, Task, TaskUnit
    from luoshi.work.services import search_text

    ids = iter(allocate_ids(Task, len(rows)))
    created: list[int] = []
    for level in _levels(rows, by_code):
        tasks: list[dict[str, Any]] = []
        co: list[dict[str, Any]] = []
        ms: list[dict[str, Any]] = []
        for r in level:
            pk = next(ids)
            parent = by_code.get(r.parent_code) if r.parent_code else None
            path = f"{parent.path if parent else f'/p{plan.pk}/'}{pk}/"
            depth = parent.depth + 1 if parent else 0
            sorted_at = sort_path(parent.sort_path if parent else "", r.code, pk)
            due = date.fromisoformat(r.due)
            title = r.title[:500].strip()
            lead = _lead(r, units)
            tasks.append(
                {
                    "id": pk,
                    "plan_id": plan.pk,
                    "parent_id": parent.pk if parent else None,
                    "path": path,
                    "depth": depth,
                    "sort_path": sorted_at,
                    "code": r.code,
                    "title": title,
                    "description": r.description,
                    "lead_unit_id": lead.pk,
                    "start": min(plan.start, due),
                    "due": due,
                    "assigned_on": today,
                    "deadline_text": r.deadline_text,
                    "responsible_leader_id": r.leader_id or None,
                    "responsible_person_id": r.person_id or None,
                    "search_text": search_text(title, r.code, lead, title_pinyin=False),
                }
            )
            co += [{"task_id": pk, "unit_id": u} for u in r.co_ids]
            ms += [
                {"task_id": pk, "title": label, "due": date.fromisoformat(d), "sort": i}
                for i, (label, d) in enumerate(r.milestones)
            ]
            by_code[r.code] = Made(pk, path, depth, sorted_at)
            created.append(pk)
        for model, values in ((Task, tasks), (TaskUnit, co), (Milestone, ms)):
            if values:
                columns, data = model_rows(model, values, skip_id=model is not Task)
                write_rows(model, columns, data)
    _fill_later(created)
    return len(created)


def _fill_later(created: list[int]) -> None:
    """The titles' pinyin, for search by pinyin and initials: a job recorded with the tasks, run by
    the worker once this transaction has committed (and run again if that worker dies)."""
    from luoshi.jobs.durable import job_create

    job_create(kind="work.fill_search_text", args={"ranges": id_ranges(created)})


def _orm_create(
    rows: list[TaskRow],
    *,
    plan: Any,
    by_code: dict[str, Any],
    units: dict[int, Any],
    persons: dict[int, Any],
    today: date,
) -> int:
    """`bulk_create` on SQLite: bulk_create level by level, paths set by one UPDATE per chunk; the
    titles' pinyin is left to the worker, as on PostgreSQL."""
    from luoshi.lib.bulk import update_rows
    from luoshi.lib.natural import sort_path
    from luoshi.work.models import Milestone, Task, TaskUnit
    from luoshi.work.services import search_text

    pending = list(rows)
    created_ids: list[int] = []
    while pending:
        ready = [r for r in pending if not r.parent_code or r.parent_code in by_code]
        if not ready:
            raise ImportRefused([Problem.of(pending[0].row, "", "parent.missing")])
        objs = []
        for r in ready:
            due = date.fromisoformat(r.due)
            lead = _lead(r, units)
            task = Task(
                plan=plan,
                parent=by_code.get(r.parent_code) if r.parent_code else None,
                title=r.title[:500].strip(),
                lead_unit=lead,
                start=min(plan.start, due),
                due=due,
                assigned_on=today,
                responsible_leader=persons.get(r.leader_id) if r.leader_id else None,
                responsible_person=persons.get(r.person_id) if r.person_id else None,
                code=r.code,
                description=r.description,
                deadline_text=r.deadline_text,
            )
            task.search_text = search_text(task.title, task.code, lead, title_pinyin=False)
            objs.append(task)
        Task.objects.bulk_create(objs, batch_size=1000)
        for task in objs:
            parent = task.parent
            task.path = f"{parent.path if parent else f'/p{plan.pk}/'}{task.pk}/"
            task.depth = parent.depth + 1 if parent else 0
            task.sort_path = sort_path(parent.sort_path if parent else "", task.code, task.pk)
            by_code[task.code] = task
        update_rows(Task, [("sort_path", "text")], [(t.sort_path, t.pk) for t in objs])
        # Materialised paths in one UPDATE per level and chunk (parent's path || id || '/').
        roots = [t.pk for t in objs if t.parent_id is None]
        kids = [t.pk for t in objs if t.parent_id is not None]
        parent_of = Task.objects.filter(pk=OuterRef("parent_id"))
        for chunk in _chunks(roots):
            Task.objects.filter(pk__in=chunk).update(
                path=Concat(Value(f"/p{plan.pk}/"), Cast("id", CharField()), Value("/")), depth=0
            )
        for chunk in _chunks(kids):
            Task.objects.filter(pk__in=chunk).update(
                path=Concat(Subquery(parent_of.values("path")[:1]), Cast("id", CharField()), Value("/")),
                depth=Subquery(parent_of.values("depth")[:1]) + 1,
            )
        TaskUnit.objects.bulk_create(
            [TaskUnit(task=t, unit_id=u) for t, r in zip(objs, ready, strict=True) for u in r.co_ids],
            batch_size=2000,
        )
        Milestone.objects.bulk_create(
            [
                Milestone(task=t, title=label, due=date.fromisoformat(d), sort=i)
                for t, r in zip(objs, ready, strict=True)
                for i, (label, d) in enumerate(r.milestones)
            ],
            batch_size=2000,
        )
        created_ids += [t.pk for t in objs]
        done = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in done]
    _fill_later(created_ids)
    return len(created_ids)
