"""Tasks (任务): create, edit, move in the tree, search text, follow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, LuoshiError, NotAllowed, refuse_unknown_fields
from luoshi.org.models import Person, Unit

from .. import paths
from ..bulk import NewTask, co_unit_values, milestone_values, task_values
from ..models import Follow, Milestone, Plan, Status, Task, TaskUnit
from ._common import _attname, _fresh, _require_officer, _snapshot, _sync
from .lights import task_refresh

# Who answers for a task, its dates, cadence and visibility: the tail of the office's task form
# (forms_manage.TaskForm), in its order, and part of what task_update may change.
TASK_SCHEDULE = (
    "responsible_leader",
    "responsible_person",
    "start",
    "due",
    "deadline_text",
    "weight",
    "cadence",
    "is_public",
)
# Fields of Task that task_update may change, and how audit shows them.
TASK_EDITABLE = (
    "title",
    "description",
    "source",
    "source_ref",
    "lead_unit",
    *TASK_SCHEDULE,
    "metric_name",
    "metric_unit",
    "baseline",
    "target",
    "direction",
    "monthly_plan",
    "code",
    "parent",
)


def _set_path(task: Task) -> None:
    """Materialise the task's place in the tree: id path, depth and sort path (natural code order)."""
    parent = task.parent if task.parent_id else None
    task.path, task.depth, task.sort_path = paths.place(
        plan_id=task.plan_id, pk=task.pk, code=task.code, parent=parent
    )
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
    _require_officer(actor)
    if parent is not None and parent.plan_id != plan.pk:
        raise LuoshiError(_("上级任务不属于该计划。"))
    if parent is not None and parent.status == Status.CLOSED:
        raise LuoshiError(_("上级任务已销号，不能再添加下级任务。"))
    if due < start:
        raise LuoshiError(_("完成时限不能早于开始日期。"))
    row = NewTask(code=fields.pop("code", ""), title=title, lead_unit=lead_unit, start=start, due=due)
    task = Task(**task_values(plan_id=plan.pk, row=row), region_id=plan.region_id, **fields)
    task.plan, task.lead_unit, task.parent = plan, lead_unit, parent
    task.responsible_leader, task.responsible_person = responsible_leader, responsible_person
    if not task.title:
        raise LuoshiError(_("任务名称不能为空。"))
    if task.code and Task.objects.filter(plan=plan, code=task.code).exists():
        raise LuoshiError(_("编号 %(code)s 在该计划中已存在。") % {"code": task.code})
    task.save()
    _set_path(task)
    co = [u for u in co_units if u.pk != lead_unit.pk]
    TaskUnit.objects.bulk_create(
        [
            TaskUnit(**v, region_id=task.region_id)
            for v in co_unit_values(task.pk, lead_unit.pk, [u.pk for u in co])
        ],
        ignore_conflicts=True,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(**v, region_id=task.region_id)
            for v in milestone_values(task.pk, [{"title": t, "due": d} for t, d in milestones])
        ]
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


def _check_task_changes(current: Task, changes: dict[str, Any], old_path: str) -> None:
    """Refuse changed values that break the task's rules: dates in order, a title, a code unique in the
    plan, a parent in the same plan, open, and not the task itself or below it."""
    if current.due < current.start:
        raise LuoshiError(_("完成时限不能早于开始日期。"))
    if not (current.title or "").strip():
        raise LuoshiError(_("任务名称不能为空。"))
    if (
        "code" in changes
        and current.code
        and Task.objects.filter(plan_id=current.plan_id, code=current.code).exclude(pk=current.pk).exists()
    ):
        raise LuoshiError(_("编号 %(code)s 在该计划中已存在。") % {"code": current.code})
    if "parent" in changes and current.parent is not None:
        parent = current.parent
        if parent.plan_id != current.plan_id:
            raise LuoshiError(_("上级任务不属于该计划。"))
        if parent.path.startswith(old_path):
            raise LuoshiError(_("不能把任务移到它自己或它的下级之下。"))
        if parent.status == Status.CLOSED:
            raise LuoshiError(_("上级任务已销号，不能再添加下级任务。"))


def _save_task_changes(current: Task, changes: dict[str, Any], version: int) -> None:
    """Write the changed fields and the new search text if the task is still at `version`."""
    current.search_text = search_text_for(current)
    # The conditional UPDATE is the real guard: it holds on SQLite too, where FOR UPDATE is a no-op.
    values = {_attname(n): getattr(current, _attname(n)) for n in changes}
    updated = Task.objects.filter(pk=current.pk, version=version).update(
        **values, search_text=current.search_text, version=version + 1, updated=timezone.now()
    )
    if updated != 1:
        raise Conflict(_("任务已被他人修改，请刷新后重试。"))
    current.version = version + 1


def _replace_co_units(current: Task, co_units: Sequence[Unit]) -> list[int]:
    """Set the task's co-units (配合单位; the lead unit is never one); their ids, sorted."""
    TaskUnit.objects.filter(task=current).delete()
    TaskUnit.objects.bulk_create(
        [
            TaskUnit(task=current, unit=u)
            for u in {u.pk: u for u in co_units}.values()
            if u.pk != current.lead_unit_id
        ]
    )
    return sorted(TaskUnit.objects.filter(task=current).values_list("unit_id", flat=True))


def _refresh_old_branch(old_path: str) -> None:
    """The old branch of a moved task lost a child: its ancestors' rollup changes too."""
    old_parent_id = paths.parent_id(old_path)
    if old_parent_id is not None:
        task_refresh(task=Task.objects.get(pk=old_parent_id))


@transaction.atomic
def task_update(
    *, actor: Any, task: Task, version: int, co_units: Sequence[Unit] | None = None, **changes: Any
) -> Task:
    """Change a task's fields. `version` is what the editor saw: a newer one means a conflict."""
    _require_officer(actor)
    refuse_unknown_fields(changes, TASK_EDITABLE)
    current = _fresh(task)
    if current.version != version:
        raise Conflict(
            _("任务已被他人修改（版本 %(a)s → %(b)s），请刷新后重试。") % {"a": version, "b": current.version}
        )
    if current.status == Status.CLOSED:
        raise LuoshiError(_("任务已销号，只读；如需修改请先重新打开。"))
    before = _snapshot(current, changes)
    old_co = sorted(TaskUnit.objects.filter(task=current).values_list("unit_id", flat=True))
    old_path, old_sort_path = current.path, current.sort_path
    for name, value in changes.items():
        setattr(current, name, value)
    _check_task_changes(current, changes, old_path)
    _save_task_changes(current, changes, version)
    if "parent" in changes or "code" in changes:
        _move_subtree(current, old_path, old_sort_path)
    new_co = old_co if co_units is None else _replace_co_units(current, co_units)
    after = _snapshot(current, changes)
    if new_co != old_co:
        before["co_units"], after["co_units"] = old_co, new_co
    record(current, "work.task.updated", actor=actor, before=before, after=after | {"version": version + 1})
    if "parent" in changes and old_path != current.path:
        _refresh_old_branch(old_path)
    task_refresh(task=current)
    current.refresh_from_db()
    return _sync(task, current)


def _move_subtree(task: Task, old_path: str, old_sort_path: str) -> None:
    """Re-path a moved or renumbered task and everything below it (paths are materialised)."""
    _set_path(task)
    delta = task.depth - paths.depth(old_path)
    below = list(
        Task.objects.filter(path__startswith=old_path)
        .exclude(pk=task.pk)
        .values_list("pk", "path", "depth", "sort_path")
    )
    Task.objects.bulk_update(
        [
            Task(
                pk=pk,
                path=paths.moved(path, old_path, task.path),
                depth=depth + delta,
                sort_path=task.sort_path + sort_path[len(old_sort_path) :],
            )
            for pk, path, depth, sort_path in below
        ],
        ["path", "depth", "sort_path"],
        batch_size=1000,
    )


@transaction.atomic
def task_follow(*, actor: Any, task: Task, follow: bool = True) -> None:
    """Follow or unfollow a visible task; followers are told of light and status changes."""
    if not Task.objects.visible_to(actor).filter(pk=task.pk).exists():
        raise NotAllowed(_("无权查看该任务。"))
    if follow:
        _follow, created = Follow.objects.get_or_create(user=actor, task=task)
        if created:
            record(task, "work.task.followed", actor=actor, after={"follower": actor.pk})
    else:
        deleted, _rows = Follow.objects.filter(user=actor, task=task).delete()
        if deleted:
            record(task, "work.task.unfollowed", actor=actor, before={"follower": actor.pk})
