"""Set-based creation of many tasks for a large decomposition table (see `task_import.commit_tasks`).

One service call per task would take minutes for tens of thousands of rows: the new rows go to the
work app's one bulk path, `work.bulk.task_create_many` (COPY on PostgreSQL, bulk_create on SQLite),
with what `task_create` would write; the import's one audit entry lists the created ids and the
digest of the rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from luoshi.work.bulk import Created, MissingParent, NewTask, id_ranges, task_create_many

from .common import ImportRefused, Problem
from .task_preview import TaskRow

__all__ = ["bulk_create", "id_ranges"]


def _new_task(r: TaskRow, *, plan: Any, units: dict[int, Any], today: date) -> NewTask:
    """The work app's description of a row's new task."""
    assert r.lead_id is not None  # a checked preview (no errors) names a lead unit for every row
    due = date.fromisoformat(r.due)
    return NewTask(
        code=r.code,
        title=r.title[:500],
        lead_unit=units[r.lead_id],
        start=min(plan.start, due),
        due=due,
        parent=r.parent_code,
        co_units=r.co_ids,
        milestones=[{"title": label, "due": date.fromisoformat(d)} for label, d in r.milestones],
        fields={
            "description": r.description,
            "deadline_text": r.deadline_text,
            "assigned_on": today,
            "responsible_leader_id": r.leader_id or None,
            "responsible_person_id": r.person_id or None,
        },
    )


def bulk_create(
    rows: list[TaskRow],
    *,
    plan: Any,
    actor: Any,
    batch: str,
    by_code: dict[str, Any],
    units: dict[int, Any],
    today: date,
) -> Created:
    """Create the rows' tasks set-based; `by_code` (existing parents) gains the new tasks.

    Audited by the import's own entry (ids and digest), not by one of the batch's."""
    try:
        created = task_create_many(
            actor=actor,
            plan=plan,
            rows=[_new_task(r, plan=plan, units=units, today=today) for r in rows],
            batch=batch,
            parents=by_code,
            audit=False,
            lights_on=today,  # written with their first lights: the plan's refresh leaves them alone
        )
    except MissingParent as missing:
        row = next(r.row for r in rows if r.code == missing.code)
        raise ImportRefused([Problem.of(row, "", "parent.missing")]) from None
    by_code.update(created.tasks)
    return created
