"""One set-based path to create many tasks: `task_create_many` (imports, the bench generator, and the
areas that will create tasks in batches: meeting decisions, rectification measures).

One service call per task takes minutes for tens of thousands of rows. Here a batch is written in
a fixed number of statements: on PostgreSQL ids are taken from the table's sequence first, so every
path is known before writing and the rows go in by COPY; on SQLite tasks are inserted by
`bulk_create` level by level (parents first) and their paths set afterwards. Co-units and
milestones follow by `lib.bulk.write_rows`. Every row is filled as `task_create` fills one task
(`task_values`, `paths.place`, `co_unit_values`, `milestone_values` are shared with it), over the
model's own defaults (`lib.bulk.model_rows`), so a new field with a default can never be missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Protocol

from django.db import connection, models, transaction

from luoshi.org.models import Unit

from . import paths
from .models import Milestone, Plan, Task, TaskUnit


class MissingParent(ValueError):
    """A row names a parent code found neither in the batch nor among the given parents."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Parent(paths.Placed, Protocol):
    @property
    def pk(self) -> int: ...


@dataclass
class NewTask:
    """One task to create. `parent` is the code of a task of the same batch or of `parents`;
    `fields` holds further Task columns by attribute name (`responsible_leader_id`, `weight`, …; an
    `id` is kept as given, a `search_text` replaces the computed one); `milestones` hold Milestone
    values (title, due, …; `sort` defaults to the position)."""

    code: str
    title: str
    lead_unit: Unit | int
    start: date
    due: date
    parent: str = ""
    co_units: Sequence[int] = ()
    milestones: Sequence[Mapping[str, Any]] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Made:
    """A task written by `task_create_many`: what its children and callers need of it."""

    pk: int
    path: str
    depth: int
    sort_path: str


@dataclass
class Created:
    """The result of a batch: its tasks by code, and the rows written (for the digest)."""

    batch: str
    tasks: dict[str, Made]
    rows: dict[str, list[dict[str, Any]]]
    lit: bool = False  # written with their first lights (`lights_on`, ids known first)

    @property
    def ids(self) -> list[int]:
        return [m.pk for m in self.tasks.values()]

    @cached_property
    def digest(self) -> str:
        """SM3 of the batch's rows (tasks, co-units, milestones; write times left out), each row as
        the audit chain's canonical JSON, one line after another, hashed as they are encoded (a
        100,000-row import never holds the whole text): the same rows give the same digest on every
        database."""
        from cryptography.hazmat.primitives import hashes

        from luoshi.audit.chain import canonical

        digest = hashes.Hash(hashes.SM3())
        for name in sorted(self.rows):
            digest.update(canonical({"rows": name}) + b"\n")
            rows = self.rows[name]
            for i in range(0, len(rows), 1000):  # hashed 1,000 lines at a time: the same bytes
                digest.update(
                    b"".join(
                        canonical({k: v for k, v in row.items() if k not in ("created", "updated")}) + b"\n"
                        for row in rows[i : i + 1000]
                    )
                )
        return digest.finalize().hex()


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """[1, 2, 3, 7] → [[1, 3], [7, 7]]: a compact list of created ids for an audit entry."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


# ---------------------------------------------------------------------------------------------
# Row filling, shared with task_create


# A batch of more rows than this leaves its search text empty for the job (`task_values`).
SEARCH_TEXT_LATER_ROWS = 2000


def task_values(
    *, plan_id: int, row: NewTask, title_pinyin: bool = True, search_later: bool = False
) -> dict[str, Any]:
    """A new task's columns (attribute names) but its place: what `task_create` and
    `task_create_many` write alike. The search text is computed unless given; `title_pinyin=False`
    leaves out the title's pinyin (the slow part) for `search_text_fill`, a job after commit, to add;
    `search_later` leaves the whole text to that job (a large batch: the text's two search indexes
    are the slow part of writing a new row, and were written twice, with the row and with its pinyin)."""
    from .services.tasks import search_text

    lead = row.lead_unit
    values: dict[str, Any] = {
        "plan_id": plan_id,
        "code": row.code,
        "title": row.title.strip(),
        "lead_unit_id": lead.pk if isinstance(lead, Unit) else lead,
        "start": row.start,
        "due": row.due,
        **row.fields,
    }
    if "search_text" not in values:
        if search_later:
            values["search_text"] = ""
        else:
            assert isinstance(lead, Unit), "the search text needs the lead unit itself"
            values["search_text"] = search_text(values["title"], row.code, lead, title_pinyin=title_pinyin)
    return values


def co_unit_values(task_id: int, lead_unit_id: int, unit_ids: Iterable[int]) -> list[dict[str, Any]]:
    """TaskUnit rows of a task's co-units: each once, the lead unit left out."""
    return [{"task_id": task_id, "unit_id": u} for u in dict.fromkeys(unit_ids) if u != lead_unit_id]


def milestone_values(task_id: int, milestones: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Milestone rows of a task, in the given order (`sort` is the position unless given)."""
    return [{"sort": i, **m, "task_id": task_id} for i, m in enumerate(milestones)]


# ---------------------------------------------------------------------------------------------
# The batch


def _levels(rows: Sequence[NewTask], known: Iterable[str]) -> Iterator[list[NewTask]]:
    """Rows in levels, each level's parents already created (in an earlier level or given)."""
    pending = list(rows)
    seen = set(known)
    while pending:
        ready = [r for r in pending if not r.parent or r.parent in seen]
        if not ready:
            raise MissingParent(pending[0].code)
        yield ready
        seen.update(r.code for r in ready)
        done = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in done]


def task_create_many(
    *,
    actor: Any,
    plan: Plan,
    rows: Sequence[NewTask],
    batch: str,
    parents: Mapping[str, Parent] | None = None,
    title_pinyin: bool = False,
    audit: bool = True,
    lights_on: date | None = None,
) -> Created:
    """Create many tasks of one plan set-based, with their co-units and milestones.

    Parents come before their children whatever the rows' order (a missing one raises
    `MissingParent`); `parents` are existing tasks by code. Unless `title_pinyin`, the titles'
    pinyin is added by a job run after commit (`work.fill_search_text`); in a batch of more than
    `SEARCH_TEXT_LATER_ROWS` rows the job writes the whole search text, and the new tasks are found
    by search once it has run. With `audit`, one entry
    (`work.task.bulk_created`) names the batch, its ids and the SM3 digest of its rows; a caller
    with its own entry for the whole operation (the importer) records the digest there instead.
    With `lights_on` (PostgreSQL, or ids given), the tasks are written with their stored lights as of
    that day (`selectors.new_task_lights`, announced by `services.lights.first_lights`), not the
    defaults a refresh would then rewrite through every index of the task table; the caller refreshes
    the plan's lights as before, which rewrites only what differs (e.g. a new parent of existing tasks).
    `actor` None is the system (bench data, commands); anyone else must be an officer.

    Refusals come before any write; the writes join the caller's transaction (no savepoint of
    their own: a failed write fails the caller's whole transaction) or run in one of their own."""
    if actor is not None:
        from .services._common import _require_officer

        _require_officer(actor)
    if len({r.code for r in rows}) != len(rows):
        raise ValueError("the rows of a batch are told apart by their codes: each must be unique")
    known: dict[str, Parent | Made] = dict(parents or {})
    levels = list(_levels(rows, known))
    with transaction.atomic(savepoint=False):
        result = _write_batch(
            plan, rows, levels, known, batch=batch, title_pinyin=title_pinyin, lights_on=lights_on
        )
        if audit:
            from luoshi.audit.services import record

            data = {"batch": batch, "created": len(result.tasks), "ids": id_ranges(result.ids)}
            record(plan, "work.task.bulk_created", actor=actor, data=data | {"rows_sm3": result.digest})
    return result


def _write_batch(
    plan: Plan,
    rows: Sequence[NewTask],
    levels: list[list[NewTask]],
    known: dict[str, Any],
    *,
    batch: str,
    title_pinyin: bool,
    lights_on: date | None = None,
) -> Created:
    from luoshi.lib.bulk import model_rows, write_rows

    task_rows: list[dict[str, Any]] = []
    created: dict[str, Made] = {}
    given = all("id" in r.fields for r in rows)
    later = not title_pinyin and len(rows) > SEARCH_TEXT_LATER_ROWS
    ids_first = given or connection.vendor == "postgresql"
    if ids_first:
        _place_known_ids(
            plan,
            levels,
            known,
            created,
            task_rows,
            title_pinyin=title_pinyin,
            search_later=later,
            given=given,
        )
    else:
        for level in levels:
            _insert_level(
                plan, level, known, created, task_rows, title_pinyin=title_pinyin, search_later=later
            )
    # The rows and their co-units and milestones in the given order, whatever the levels.
    position = {r.code: i for i, r in enumerate(rows)}
    task_rows.sort(key=lambda v: position[v["code"]])
    first: dict[int, dict[str, Any]] = {}
    if ids_first:  # one COPY (PostgreSQL; foreign keys are checked at commit) or one INSERT
        if lights_on is not None:
            first = _first_lights(plan, rows, created, task_rows, lights_on)
        # the digest covers the rows as given, the first lights being derived from them
        write_rows(Task, *model_rows(Task, (v | first[v["id"]] for v in task_rows) if first else task_rows))
    extra: dict[str, list[dict[str, Any]]] = {"co_units": [], "milestones": []}
    extra |= _write_extras(rows, created)
    filled = [created[r.code].pk for r in rows if not title_pinyin and "search_text" not in r.fields]
    if filled:
        from luoshi.jobs.durable import job_create

        job_create(kind="work.fill_search_text", args={"ranges": id_ranges(filled)})
    return Created(batch, created, {"tasks": task_rows, **extra}, lit=ids_first and lights_on is not None)


def task_default(name: str) -> Any:
    """A Task column's default (by attribute name: `parent_id` too)."""
    f = Task._meta.get_field(name)
    assert isinstance(f, models.Field)
    return f.get_default()


def _first_lights(
    plan: Plan, rows: Sequence[NewTask], created: dict[str, Made], task_rows: list[dict[str, Any]], on: date
) -> dict[int, dict[str, Any]]:
    """task id -> its stored light columns as of `on`, worked out before the rows are written."""
    from .selectors import _TASK_FIELDS, new_task_lights, planned_milestone
    from .services.lights import first_lights

    defaults = {f: task_default(f) for f in _TASK_FIELDS}
    tasks = [tuple(v[f] if f in v else defaults[f] for f in _TASK_FIELDS) for v in task_rows]
    milestones: dict[int, list[Any]] = {}
    for r in rows:
        if r.milestones:
            pk = created[r.code].pk
            ordered = sorted(milestone_values(pk, r.milestones), key=lambda m: (m["sort"], m["due"]))
            milestones[pk] = [
                planned_milestone(m["due"], m.get("met_on"), m.get("duration_days"), on=on) for m in ordered
            ]
    return first_lights(new_task_lights(plan, tasks, milestones, on), on=on, plan_id=plan.pk)


def _place_known_ids(
    plan: Plan,
    levels: list[list[NewTask]],
    known: dict[str, Any],
    created: dict[str, Made],
    task_rows: list[dict[str, Any]],
    *,
    title_pinyin: bool,
    search_later: bool,
    given: bool,
) -> None:
    """Every task's id known before writing (given, or taken from the sequence): places computed
    level by level; the rows are then written at once."""
    from luoshi.lib.bulk import allocate_ids

    fresh = iter(() if given else allocate_ids(Task, sum(len(level) for level in levels)))
    for level in levels:
        for r in level:
            pk = int(r.fields["id"]) if given else next(fresh)
            values = task_values(plan_id=plan.pk, row=r, title_pinyin=title_pinyin, search_later=search_later)
            values["region_id"] = plan.region_id
            parent = known.get(r.parent) if r.parent else None
            made = Made(pk, *paths.place(plan_id=plan.pk, pk=pk, code=r.code, parent=parent))
            values.update(id=pk, parent_id=parent.pk if parent else None, **_placed(made))
            task_rows.append(values)
            known[r.code] = created[r.code] = made


def _insert_level(
    plan: Plan,
    level: list[NewTask],
    known: dict[str, Any],
    created: dict[str, Made],
    task_rows: list[dict[str, Any]],
    *,
    title_pinyin: bool,
    search_later: bool,
) -> None:
    """One level by `bulk_create` (SQLite gives the new ids back), then its places by id."""
    from luoshi.lib.bulk import update_rows

    values = []
    for r in level:
        parent = known.get(r.parent) if r.parent else None
        v = task_values(plan_id=plan.pk, row=r, title_pinyin=title_pinyin, search_later=search_later)
        values.append(v | {"parent_id": parent.pk if parent else None, "region_id": plan.region_id})
    objs = Task.objects.bulk_create([Task(**v) for v in values], batch_size=1000)
    places = []
    for r, v, task in zip(level, values, objs, strict=True):
        parent = known.get(r.parent) if r.parent else None
        made = Made(task.pk, *paths.place(plan_id=plan.pk, pk=task.pk, code=r.code, parent=parent))
        v.update(id=task.pk, **_placed(made))
        task_rows.append(v)
        known[r.code] = created[r.code] = made
        places.append((made.path, made.depth, made.sort_path, made.pk))
    update_rows(Task, [("path", "text"), ("depth", "integer"), ("sort_path", "text")], places)


def _placed(made: Made) -> dict[str, Any]:
    return {"path": made.path, "depth": made.depth, "sort_path": made.sort_path}


def _write_extras(rows: Sequence[NewTask], created: dict[str, Made]) -> dict[str, list[dict[str, Any]]]:
    """Co-units and milestones of the batch, one write each (ids from the database)."""
    from luoshi.lib.bulk import model_rows, write_rows

    out: dict[str, list[dict[str, Any]]] = {}
    co: list[dict[str, Any]] = []
    ms: list[dict[str, Any]] = []
    for r in rows:
        pk = created[r.code].pk
        lead = r.lead_unit.pk if isinstance(r.lead_unit, Unit) else r.lead_unit
        co += co_unit_values(pk, lead, r.co_units)
        ms += milestone_values(pk, r.milestones)
    for name, model, values in (("co_units", TaskUnit, co), ("milestones", Milestone, ms)):
        if values:
            columns, data = model_rows(model, values, skip_id=True)
            write_rows(model, columns, data)
            out[name] = values
    return out
