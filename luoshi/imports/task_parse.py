"""Reading a task decomposition table (任务分解表) into a preview, without writing.

`parse_tasks` finds the header and the year, then reads row by row through small functions that
share one explicit `ParseState` (the table, the plan's frame, the matchers, the rows so far, the
section being filled): section headings, codes and parents, units, people, deadlines; then sections
get their lead and due, and rows are compared with the plan's existing tasks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import Problem
from .deadlines import Deadline, cn_to_int, parse_deadline
from .matching import COLLECTIVE, NameChoices, People, UnitMatcher, person_names, split_units
from .sheets import Row, Sheet, SheetError, Table, find_table, read_sheets, text
from .task_preview import (
    SECTION_HEAD,
    SEQ_CLEAN,
    SUB_HEAD,
    TASK_COLUMNS,
    PlanInfo,
    TaskPreview,
    TaskRow,
    plan_frame,
    title_year,
)


def _seq_code(value: Any) -> str:
    s = text(value).replace("．", ".")
    if not s:
        return ""
    m = SEQ_CLEAN.match(s)
    if m:
        n = cn_to_int(m.group(1))
        return str(n) if n is not None else m.group(1)
    return s.rstrip("、.")


def _existing(plan_id: int | None) -> tuple[dict[str, dict[str, Any]], dict[int, list[int]]]:
    from luoshi.work.models import Task, TaskUnit

    if plan_id is None:
        return {}, {}
    rows = Task.objects.filter(plan_id=plan_id).exclude(code="")
    fields = (
        "id code title description parent_id lead_unit_id responsible_leader_id responsible_person_id "
        "due deadline_text status version"
    ).split()
    existing = {r["code"]: r for r in rows.values(*fields)}
    co: dict[int, list[int]] = {}
    for task_id, unit_id in TaskUnit.objects.filter(task__plan_id=plan_id).values_list("task_id", "unit_id"):
        co.setdefault(task_id, []).append(unit_id)
    return existing, co


def _section_title(value: str) -> tuple[str, str]:
    """ "一、经济社会发展的主要预期目标" → ("1", "经济社会发展的主要预期目标")."""
    m = SECTION_HEAD.match(value)
    if m:
        n = cn_to_int(m.group(1).lstrip("第"))
        rest = value[m.end() :].strip()
        if n is not None and rest:
            return str(n), rest
    return "", value.strip()


def _is_section_row(table: Table, row: Row, *, under_section: bool = False) -> str | None:
    """The section title if this row is a section heading rather than a task; `under_section`: a
    （一） row with no unit and no deadline is a sub-heading (else a task missing its unit)."""
    values = [c for c in row.cells if c is not None]
    if not values:
        return None
    units_empty = all(table.get(row, k) is None for k in ("lead_unit", "units", "co_units", "deadline"))
    if not (units_empty or row.spans_all):
        return None  # a unit or a deadline, in a row that is not one merged cell: a task
    distinct = {text(v) for v in values}
    if row.spans_all or (len(distinct) == 1 and units_empty):
        return distinct.pop()
    seq = text(table.get(row, "seq"))
    title = text(table.get(row, "title"))
    if seq and SECTION_HEAD.fullmatch(seq + "、") and not re.fullmatch(r"[\(（].*", seq) and units_empty:
        # "一" in 序号 and the heading in the task column.
        return f"{seq}、{title}" if title else seq
    if under_section and seq and SUB_HEAD.fullmatch(seq) and title and units_empty:
        # "（一）" in 序号 with no unit and no deadline: a sub-heading (its tasks below)
        return f"{seq}{title}"
    return None


@dataclass
class ParseState:
    """Everything the row readers share while one table is read (replaces the parser's closures)."""

    table: Table
    info: PlanInfo
    preview: TaskPreview
    matcher: UnitMatcher
    asked: NameChoices
    people: People
    lead_choices: dict[int, int]
    rows: list[TaskRow] = field(default_factory=list)
    first_row_of_code: dict[str, int] = field(default_factory=dict)
    section: TaskRow | None = None
    top_section: TaskRow | None = None  # the 一、 section a （一） sub-section opens under
    section_count: int = 0
    in_section_count: Counter[str] = field(default_factory=Counter)
    last_section_value: str | None = None
    deadlines: dict[Any, Deadline] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return self.preview.problems

    def has(self, key: str) -> bool:
        return key in self.table.columns

    def col(self, key: str) -> str:
        return self.table.header_of(key)

    def cell(self, row: Row, key: str) -> str:
        return text(self.table.get(row, key))


def parse_tasks(
    source: str | Path | bytes,
    *,
    plan: Any = None,
    year: int | None = None,
    filename: str = "",
    matcher: UnitMatcher | None = None,
    progress: Callable[[int, int], None] | None = None,
    lead_choices: dict[int, int] | None = None,
) -> TaskPreview:
    """Read a decomposition table into a preview; writes nothing.

    `year` is for a plan not yet created (an existing plan has its own); without it the year is
    read from the title rows above the header. `lead_choices` gives the lead unit the office chose
    for rows that name none (row → unit id)."""
    preview = TaskPreview()
    located = _locate_table(source, filename, preview.problems)
    if located is None:
        return preview
    sheet, table = located
    preview.sheet, preview.header_row, preview.total_rows = table.sheet, table.header_row, len(table.rows)
    info, preview.year_source, preview.year_text = plan_frame(
        plan, year=year, found=title_year(sheet, table), problems=preview.problems
    )
    preview.year = info.year
    state = ParseState(
        table=table,
        info=info,
        preview=preview,
        matcher=matcher or UnitMatcher.from_db(owner_id=info.owner_unit_id),
        asked=NameChoices(preview.names),
        people=People(),
        lead_choices=lead_choices or {},
    )
    existing, existing_co = _existing(info.id)
    for done, row in enumerate(table.rows, start=1):
        if progress is not None and done % 500 == 0:
            progress(done, len(table.rows))
        _read_row(state, row)
    rows = _finish_sections(state)
    _compare_with_existing(rows, existing, existing_co, preview.problems)
    preview.rows = rows
    preview.problems.sort(key=lambda p: (p.row, p.level != "error"))
    if progress is not None:
        progress(len(table.rows), len(table.rows))
    return preview


def _locate_table(
    source: str | Path | bytes, filename: str, problems: list[Problem]
) -> tuple[Sheet, Table] | None:
    """The first sheet with a task header (and a units column), else None with the problem noted."""
    try:
        sheets = read_sheets(source, filename=filename)
    except SheetError as exc:
        problems.append(Problem.of(0, "", exc.code, **exc.params))
        return None
    for sheet in sheets:
        table = find_table(sheet, TASK_COLUMNS, required=("title",), max_header_rows=3)
        if table is not None:
            break
    else:
        problems.append(Problem.of(0, "", "header.missing"))
        return None
    if not any(k in table.columns for k in ("lead_unit", "units")):
        problems.append(Problem.of(table.header_row, "", "header.no_units"))
        return None
    return sheet, table


def _read_row(state: ParseState, row: Row) -> None:
    """One table row: a section heading, or a task (possibly opening a section from its 类别 cell)."""
    heading = _is_section_row(state.table, row, under_section=state.top_section is not None)
    if heading is not None:
        section = _open_sub_section(state, heading, row.number)
        if section is None:
            section = state.top_section = _open_section(state, heading, row.number)
        state.section = section
        _add_code(state, section, state.col("seq") if state.has("seq") else "")
        return
    _section_from_column(state, row)
    title = state.cell(row, "title")
    if not title:
        if any(state.table.get(row, k) is not None for k in ("lead_unit", "units", "deadline")):
            state.problems.append(Problem.of(row.number, state.col("title"), "title.empty"))
        return
    tr = _task_row(state, row, title)
    _resolve_units(state, row, tr)
    _resolve_people(state, row, tr)
    _resolve_deadline(state, row, tr)
    state.rows.append(tr)


def _open_section(state: ParseState, title_text: str, row_no: int) -> TaskRow:
    state.section_count += 1
    code, title = _section_title(title_text)
    code = code or f"S{state.section_count}"
    sec = TaskRow(row=row_no, code=code, title=title, is_section=True)
    state.rows.append(sec)
    return sec


def _open_sub_section(state: ParseState, heading: str, row_no: int) -> TaskRow | None:
    """A （一） heading under a 一、 section: a sub-section of it (code 1.1), its tasks below; None
    for any other heading."""
    sub, top = SUB_HEAD.match(heading), state.top_section
    title = heading[sub.end() :].strip() if sub else ""
    if sub is None or top is None or not title:
        return None
    state.in_section_count[top.code] += 1
    number = cn_to_int(sub.group(1)) or state.in_section_count[top.code]
    section = TaskRow(
        row=row_no, code=f"{top.code}.{number}", title=title, parent_code=top.code, is_section=True
    )
    state.rows.append(section)
    return section


def _section_from_column(state: ParseState, row: Row) -> None:
    """A new value in the 类别 column opens a section."""
    if not state.has("section"):
        return
    value = state.cell(row, "section")
    if value and value != state.last_section_value:
        section = state.section = _open_section(state, value, row.number)
        _add_code(state, section, state.col("section"))
        state.last_section_value = value


def _add_code(state: ParseState, tr: TaskRow, column: str) -> None:
    first = state.first_row_of_code
    if tr.code in first:
        state.problems.append(Problem.of(tr.row, column, "code.duplicate", c=tr.code, r=first[tr.code]))
    else:
        first[tr.code] = tr.row


# A task's own number written at the start of its text when the table has no 序号 for it:
# "1.推进…", "2、…", "（3）…" (not "1.5万亩…", a figure, nor "5G…").
_INLINE_SEQ = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、](?!\d)|[（(]\s*(\d{1,3})\s*[)）])\s*(?=\S)")


def _task_row(state: ParseState, row: Row, title: str) -> TaskRow:
    """The task a row names, with its code (编号, else 序号 under its section, else its place)."""
    parent_code = state.section.code if state.section else ""
    explicit = state.cell(row, "code")
    seq = _seq_code(state.table.get(row, "seq"))
    inline = _INLINE_SEQ.match(title)
    if inline and seq in ("", inline.group(1) or inline.group(2)):
        # the number is the task's 序号, not part of its title
        seq, title = inline.group(1) or inline.group(2), title[inline.end() :]
    state.in_section_count[parent_code] += 1
    if explicit:
        code = explicit
    elif seq:
        code = f"{parent_code}.{seq}" if parent_code else seq
    else:
        code = f"{parent_code or 'R'}.{state.in_section_count[parent_code]}"
    tr = TaskRow(row=row.number, code=code, title=title, parent_code=parent_code)
    tr.description = state.cell(row, "description")
    if explicit:
        column = state.col("code")
    else:
        column = state.col("seq") if state.has("seq") else state.col("title")
    _add_code(state, tr, column)
    return tr


def _written_units(state: ParseState, row: Row) -> tuple[str | None, str, list[tuple[str, str]]]:
    """The lead unit as written (a 牵头单位 column, else the first or ★ unit of 责任单位), its column,
    and the other units as (written, column)."""
    col = state.col
    lead_written: str | None = None
    lead_column = col("lead_unit") if state.has("lead_unit") else col("units")
    others: list[tuple[str, str]] = []
    if state.has("lead_unit"):
        cell = split_units(state.cell(row, "lead_unit"))
        lead_written = cell.lead
        others += [(n, col("lead_unit")) for n in cell.others]
        if state.has("units"):
            cell2 = split_units(state.cell(row, "units"), lead_marked_first=False)
            if lead_written is None and cell2.lead:
                lead_written, lead_column = cell2.lead, col("units")
            others += [(n, col("units")) for n in ((cell2.lead,) if cell2.lead else ()) + cell2.others]
    else:
        cell = split_units(state.cell(row, "units"))
        lead_written = cell.lead
        others += [(n, col("units")) for n in cell.others]
    if state.has("co_units"):
        cell3 = split_units(state.cell(row, "co_units"), lead_marked_first=False)
        others += [(n, col("co_units")) for n in ((cell3.lead,) if cell3.lead else ()) + cell3.others]
    return lead_written, lead_column, others


def _resolve_units(state: ParseState, row: Row, tr: TaskRow) -> None:
    """The row's lead unit (as written, else as the office chose) and its co-units, by id."""
    lead_written, lead_column, others = _written_units(state, row)
    matcher, problems = state.matcher, state.problems
    chosen = state.lead_choices.get(row.number)
    if lead_written is None and chosen is not None and chosen in matcher.units:
        tr.lead_id, tr.lead_name = chosen, matcher.units[chosen].name
    elif lead_written is None:
        problems.append(Problem.of(row.number, lead_column, "lead.missing"))
    elif COLLECTIVE.search(lead_written) and matcher.match(lead_written).unit_id is None:
        problems.append(Problem.of(row.number, lead_column, "lead.collective", n=lead_written))
    else:
        found = _resolve_unit(state, lead_written, row.number, lead_column, lead=True)
        if found:
            tr.lead_id, tr.lead_name = found[0]
        else:
            tr.lead_name = lead_written  # shown as written beside its problem in the preview
    for name, column in others:
        for uid, uname in _resolve_unit(state, name, row.number, column, lead=False):
            if uid != tr.lead_id and uid not in tr.co_ids:
                tr.co_ids.append(uid)
                tr.co_names.append(uname)


def _resolve_unit(
    state: ParseState, written: str, row_no: int, column: str, *, lead: bool
) -> list[tuple[int, str]]:
    """A written unit name → [(id, name)]: one unit, a group word's units (co-units only), or none
    with its problem noted; names the office should map are collected for the preview."""
    name = written.strip()
    if not name:
        return []
    matcher, problems = state.matcher, state.problems
    group = None if lead else matcher.group(name)
    if group is not None:
        if not group:
            problems.append(Problem.of(row_no, column, "unit.group_empty", "warning", n=name))
        return [(u.id, u.name) for u in group]
    m = matcher.match(name)
    state.asked.add(m, row_no)
    if m.unit_id is not None:
        return [(m.unit_id, m.name)]
    if m.ambiguous:
        problems.append(Problem.of(row_no, column, "unit.ambiguous", suggestions=m.ambiguous, n=name))
    elif m.collective and not lead:
        problems.append(Problem.of(row_no, column, "unit.collective", "warning", n=name))
    else:
        problems.append(Problem.of(row_no, column, "unit.missing", suggestions=m.suggestions, n=name))
    return []


def _resolve_people(state: ParseState, row: Row, tr: TaskRow) -> None:
    """责任领导 and 责任人: the first name written, by id when it is known and unique."""
    for key in ("leader", "person"):
        written = state.cell(row, key)
        if not written:
            continue
        names = person_names(written, state.people.by_name)
        if not names:
            continue
        pid, why = state.people.find(names[0], leader=key == "leader")
        setattr(tr, f"{key}_name", names[0])
        if pid is not None:
            setattr(tr, f"{key}_id", pid)
        else:
            code = "person.ambiguous" if why == "ambiguous" else "person.missing"
            state.problems.append(Problem.of(row.number, state.col(key), code, "warning", n=names[0]))
        if len(names) > 1:
            state.problems.append(
                Problem.of(row.number, state.col(key), "person.several", "warning", n=names[0])
            )


def _resolve_deadline(state: ParseState, row: Row, tr: TaskRow) -> None:
    """完成时限 read in the plan's year (each distinct cell once): due date, milestones, problems."""
    info, problems, column = state.info, state.problems, state.col("deadline")
    raw_deadline = state.table.get(row, "deadline")
    tr.deadline_text = text(raw_deadline)[:80]
    dl = state.deadlines.get(raw_deadline)
    if dl is None:
        dl = state.deadlines[raw_deadline] = parse_deadline(raw_deadline, year=info.year, plan_due=info.due)
    if dl.due is None:
        problems.append(Problem.of(row.number, column, "deadline.unreadable", t=tr.deadline_text))
        return
    if dl.due < info.start and state.preview.year_source:  # an unknown year is asked for instead
        problems.append(Problem.of(row.number, column, "deadline.before_start", d=dl.due, s=info.start))
    tr.due = dl.due.isoformat()
    tr.milestones = [(label, d.isoformat()) for label, d in dl.milestones if d >= info.start]
    if dl.needs_review:
        tr.needs_review = True
        code = "deadline.dot_month" if dl.note == "dot_month" else "deadline.open"
        problems.append(
            Problem.of(row.number, column, code, "warning", t=tr.deadline_text, d=dl.due, y=dl.due.year)
        )


def _finish_sections(state: ParseState) -> list[TaskRow]:
    """Sections get their lead (the plan's owner unit, else the unit leading most of their tasks)
    and due (their tasks' latest); sections without tasks are dropped."""
    children: dict[str, list[TaskRow]] = {}
    for r in state.rows:
        if r.parent_code:
            children.setdefault(r.parent_code, []).append(r)
    for sec in reversed(state.rows):  # a sub-section's lead and due before its section's
        if sec.is_section:
            _finish_section(state, sec, children.get(sec.code, []))
    return [r for r in state.rows if not (r.is_section and not children.get(r.code))]


def _finish_section(state: ParseState, sec: TaskRow, kids: list[TaskRow]) -> None:
    info, units = state.info, state.matcher.units
    dues = [k.due for k in kids if k.due]
    sec.due = max(dues) if dues else info.due.isoformat()
    if info.owner_unit_id:
        sec.lead_id = info.owner_unit_id
        sec.lead_name = units[info.owner_unit_id].name if info.owner_unit_id in units else ""
        return
    leads = Counter(k.lead_id for k in kids if k.lead_id)
    if leads:
        sec.lead_id = leads.most_common(1)[0][0]
        sec.lead_name = units[sec.lead_id].name
    elif not kids:
        state.problems.append(Problem.of(sec.row, "", "section.empty", "warning", t=sec.title))


def _compare_with_existing(
    rows: list[TaskRow],
    existing: dict[str, dict[str, Any]],
    existing_co: dict[int, list[int]],
    problems: list[Problem],
) -> None:
    parent_ids = {code: e["id"] for code, e in existing.items()}
    for r in rows:
        old = existing.get(r.code)
        if old is None:
            continue
        r.task_id = old["id"]
        changes = []
        if old["title"] != r.title:
            changes.append("title")
        if r.description and old["description"] != r.description:
            changes.append("description")
        if r.lead_id and old["lead_unit_id"] != r.lead_id:
            changes.append("lead_unit")
        if r.due and old["due"].isoformat() != r.due:
            changes.append("due")
        if old["deadline_text"] != r.deadline_text and not r.is_section:
            changes.append("deadline_text")
        if r.leader_id and old["responsible_leader_id"] != r.leader_id:
            changes.append("responsible_leader")
        if r.person_id and old["responsible_person_id"] != r.person_id:
            changes.append("responsible_person")
        new_parent = parent_ids.get(r.parent_code) if r.parent_code else None
        if (r.parent_code and new_parent is None) or new_parent != old["parent_id"]:
            changes.append("parent")
        if not r.is_section and sorted(existing_co.get(old["id"], [])) != sorted(r.co_ids):
            changes.append("co_units")
        r.changes = changes
        r.action = "update" if changes else "unchanged"
        if changes and old["status"] == "closed":
            problems.append(Problem.of(r.row, "", "task.closed", c=r.code))
