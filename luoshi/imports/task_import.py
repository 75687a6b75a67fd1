"""Import of a task decomposition table (任务分解表 / 责任分工方案) into a plan.

`parse_tasks` reads the file and builds a preview (rows to create/update, every problem by row and
column) without writing; `commit_tasks` re-parses and writes all-or-nothing through the work
services. A row's code (序号 path such as "1.2", or an explicit 编号) identifies its task, so a
second import of an edited table updates what the first one created.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext

from .common import ImportRefused, Problem, errors
from .deadlines import Deadline, cn_to_int, parse_deadline
from .matching import COLLECTIVE, NameChoices, UnitMatcher, split_units
from .sheets import Row, Sheet, SheetError, Table, find_table, norm_header, read_sheets, text

# Normalised header → canonical key. Spellings from real tables (see tests/data/imports).
TASK_COLUMNS: dict[str, str] = {}
for _key, _names in {
    "seq": "序号 序 seq 排序 顺序号",
    "code": "编号 任务编号 code id 外部编号",
    "section": "类别 项目 方面 板块 领域 重点领域 工作类别 目标 section 分类 类型 任务类别",
    "title": "任务 工作任务 目标任务 重点任务 主要内容 任务内容 重点工作 工作内容 重点工作目标任务 具体任务 "
    "工作目标 任务名称 事项 主要任务 工作事项 重点工作任务 目标任务内容 task_text title 任务事项",
    "description": "具体措施 工作措施 主要措施 工作要求 说明 备注说明 description 具体内容 工作举措",
    "lead_unit": "牵头单位 主要责任单位 牵头责任单位 牵头部门 主办单位 lead_unit 牵头",
    "units": "责任单位 责任部门 承办单位 责任主体 单位",
    "co_units": "配合单位 协同单位 协同责任单位 协同配合单位 协办单位 配合部门 other_units 参与单位",
    "leader": "责任领导 牵头领导 分管领导 牵头县领导 牵头区领导 责任区领导 责任县领导 区领导 县领导 lead_leader 领导",
    "person": "责任人 具体责任人 联系人 经办人",
    "deadline": "完成时限 时间节点 完成时间 时限 时限要求 完成时限要求 deadline 完成期限 时间要求",
    "weight": "权重 分值",
}.items():
    for _n in _names.split():
        TASK_COLUMNS[norm_header(_n)] = _key

SECTION_HEAD = re.compile(
    r"^\s*(第?[一二三四五六七八九十百]+)\s*[、.．,，]?\s*(?:部分|方面|板块)?\s*[、.．:：]?\s*"
)
SEQ_CLEAN = re.compile(r"^[\(（]?\s*([0-9一二三四五六七八九十百]+)\s*[\)）]?\s*[、.．]?$")
LARGE_FILE_ROWS = 2000
# Above this many new tasks, tasks are created set-based rather than one service call each.
BULK_CREATE_ROWS = 2000


@dataclass
class TaskRow:
    """One task as it will be written (a section row becomes a parent task, 目标 → 分解任务)."""

    row: int
    code: str
    title: str
    parent_code: str = ""
    is_section: bool = False
    description: str = ""
    lead_id: int | None = None
    lead_name: str = ""
    co_ids: list[int] = field(default_factory=list)
    co_names: list[str] = field(default_factory=list)
    leader_id: int | None = None
    leader_name: str = ""
    person_id: int | None = None
    person_name: str = ""
    due: str = ""  # ISO date
    deadline_text: str = ""
    needs_review: bool = False
    milestones: list[tuple[str, str]] = field(default_factory=list)
    action: str = "create"  # create | update | unchanged
    task_id: int | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class TaskPreview:
    kind: str = "tasks"
    sheet: str = ""
    header_row: int = 0
    total_rows: int = 0
    rows: list[TaskRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The year deadlines such as 6月底前 are read in, and where it came from: "plan" (the target
    # plan's), "given" (--year, the upload form), "title" (…2024年… above the header), or "" (unknown:
    # the import is refused until a year is given).
    year: int = 0
    year_source: str = ""
    year_text: str = ""  # the title row the year was read from
    # Unit names the office is asked to map (unknown, near miss, ambiguous) or already mapped by
    # an alias, once each: {"written", "status", "rows", "suggestions", "unit_id", "unit_name"}.
    names: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.problems)

    def counts(self) -> dict[str, int]:
        c = Counter(r.action for r in self.rows)
        return {
            "create": c["create"],
            "update": c["update"],
            "unchanged": c["unchanged"],
            "errors": len(errors(self.problems)),
            "warnings": len(self.problems) - len(errors(self.problems)),
        }

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = self.counts()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskPreview:
        rows = [TaskRow(**{k: v for k, v in r.items()}) for r in data.get("rows", [])]
        problems = [Problem(**p) for p in data.get("problems", [])]
        return cls(
            sheet=data.get("sheet", ""),
            header_row=data.get("header_row", 0),
            total_rows=data.get("total_rows", 0),
            rows=rows,
            problems=problems,
            year=data.get("year", 0),
            year_source=data.get("year_source", ""),
            year_text=data.get("year_text", ""),
            names=data.get("names", []),
        )


@dataclass
class PlanInfo:
    """The plan's frame for deadlines: year, start, due, and its id when it exists."""

    year: int
    start: date
    due: date
    id: int | None = None
    owner_unit_id: int | None = None


TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def title_year(sheet: Sheet, table: Table) -> tuple[int, str] | None:
    """The year a title row above the header names ("2024年重点工作任务分解表"), with that row's text."""
    for row in sheet.rows[: table.header_row - 1]:
        for cell in dict.fromkeys(text(c) for c in row.cells if c is not None):
            m = TITLE_YEAR.search(cell)
            if m:
                return int(m.group(1)), cell
    return None


def year_reason(preview: Any) -> str:
    """Why the preview reads deadlines in its year, in the reader's language (a TaskPreview or its JSON)."""
    get = preview.get if isinstance(preview, dict) else lambda k, d="": getattr(preview, k, d)
    source, title = get("year_source", ""), get("year_text", "")
    if source == "plan":
        return gettext("计划的年份")
    if source == "given":
        return gettext("导入时指定")
    if source == "title":
        return gettext("取自标题“%(t)s”") % {"t": title}
    return gettext("未能确定，请指定年份")


def plan_frame(
    plan: Any, *, year: int | None, found: tuple[int, str] | None, problems: list[Problem]
) -> tuple[PlanInfo, str, str]:
    """The plan's frame for reading deadlines, and where its year came from (source, title text).

    An existing plan has its year; a plan still to be created takes the year given, else the title
    rows' year; with neither the preview asks for one (an error, so nothing is written)."""
    from luoshi.work.models import Plan

    title_text = found[1] if found else ""
    if isinstance(plan, Plan):
        if year and year != plan.year:
            problems.append(Problem.of(0, "", "year.option_differs", p=plan.name, y=plan.year, o=year))
        elif found and found[0] != plan.year:
            problems.append(
                Problem.of(0, "", "year.differs", "warning", t=found[0], p=plan.name, y=plan.year)
            )
        return PlanInfo(plan.year, plan.start, plan.due, plan.pk, plan.owner_unit_id), "plan", ""
    if year:
        source = "given"
    elif found:
        year, source = found[0], "title"
    else:
        problems.append(Problem.of(0, "", "year.unknown"))
        year, source = timezone.localdate().year, ""
    return (
        PlanInfo(year, date(year, 1, 1), date(year, 12, 31)),
        source,
        title_text if source == "title" else "",
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


class _People:
    """Person names → ids, loaded in one query; leaders preferred when names repeat."""

    def __init__(self) -> None:
        from luoshi.org.models import Membership, Person, Role

        self.by_name: dict[str, list[int]] = {}
        for pk, name in Person.objects.values_list("pk", "name"):
            self.by_name.setdefault(name.strip(), []).append(pk)
        self.leaders = set(
            Membership.objects.current().filter(post__role=Role.LEADER).values_list("person_id", flat=True)
        )

    def find(self, name: str, *, leader: bool = False) -> tuple[int | None, str]:
        ids = self.by_name.get(name, [])
        if leader and len(ids) > 1:
            ids = [i for i in ids if i in self.leaders] or ids
        if len(ids) == 1:
            return ids[0], ""
        return None, ("ambiguous" if ids else "missing")


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


def _is_section_row(table: Table, row: Row) -> str | None:
    """The section title if this row is a section heading rather than a task."""
    values = [c for c in row.cells if c is not None]
    if not values:
        return None
    distinct = {text(v) for v in values}
    units_empty = all(table.get(row, k) is None for k in ("lead_unit", "units", "co_units", "deadline"))
    if row.spans_all or (len(distinct) == 1 and units_empty):
        return distinct.pop()
    seq = text(table.get(row, "seq"))
    title = text(table.get(row, "title"))
    if seq and SECTION_HEAD.fullmatch(seq + "、") and not re.fullmatch(r"[\(（].*", seq) and units_empty:
        # "一" in 序号 and the heading in the task column.
        return f"{seq}、{title}" if title else seq
    return None


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
    problems = preview.problems
    try:
        sheets = read_sheets(source, filename=filename)
    except SheetError as exc:
        problems.append(Problem.of(0, "", exc.code, **exc.params))
        return preview
    table = None
    for sheet in sheets:
        table = find_table(sheet, TASK_COLUMNS, required=("title",), max_header_rows=3)
        if table is not None:
            break
    if table is None:
        problems.append(Problem.of(0, "", "header.missing"))
        return preview
    if not any(k in table.columns for k in ("lead_unit", "units")):
        problems.append(Problem.of(table.header_row, "", "header.no_units"))
        return preview
    preview.sheet, preview.header_row, preview.total_rows = table.sheet, table.header_row, len(table.rows)
    info, preview.year_source, preview.year_text = plan_frame(
        plan, year=year, found=title_year(sheet, table), problems=problems
    )
    preview.year = info.year
    matcher = matcher or UnitMatcher.from_db(owner_id=info.owner_unit_id)
    asked = NameChoices(preview.names)
    people = _People()
    existing, existing_co = _existing(info.id)
    col = table.header_of

    rows: list[TaskRow] = []
    first_row_of_code: dict[str, int] = {}
    section: TaskRow | None = None
    section_count = 0
    in_section_count: Counter[str] = Counter()
    last_section_value: str | None = None
    deadlines: dict[Any, Deadline] = {}

    def open_section(title_text: str, row_no: int) -> TaskRow:
        nonlocal section_count
        section_count += 1
        code, title = _section_title(title_text)
        code = code or f"S{section_count}"
        sec = TaskRow(row=row_no, code=code, title=title, is_section=True)
        rows.append(sec)
        return sec

    def add_code(tr: TaskRow, column: str) -> None:
        if tr.code in first_row_of_code:
            problems.append(
                Problem.of(tr.row, column, "code.duplicate", c=tr.code, r=first_row_of_code[tr.code])
            )
        else:
            first_row_of_code[tr.code] = tr.row

    def resolve(written: str, row_no: int, column: str, *, lead: bool) -> list[tuple[int, str]]:
        name = written.strip()
        if not name:
            return []
        group = None if lead else matcher.group(name)
        if group is not None:
            if not group:
                problems.append(Problem.of(row_no, column, "unit.group_empty", "warning", n=name))
            return [(u.id, u.name) for u in group]
        m = matcher.match(name)
        asked.add(m, row_no)
        if m.unit_id is not None:
            return [(m.unit_id, m.name)]
        if m.ambiguous:
            problems.append(Problem.of(row_no, column, "unit.ambiguous", suggestions=m.ambiguous, n=name))
        elif m.collective and not lead:
            problems.append(Problem.of(row_no, column, "unit.collective", "warning", n=name))
        else:
            problems.append(Problem.of(row_no, column, "unit.missing", suggestions=m.suggestions, n=name))
        return []

    for done, row in enumerate(table.rows, start=1):
        if progress is not None and done % 500 == 0:
            progress(done, len(table.rows))
        heading = _is_section_row(table, row)
        if heading is not None:
            section = open_section(heading, row.number)
            add_code(section, col("seq") if "seq" in table.columns else "")
            continue
        if "section" in table.columns:
            value = text(table.get(row, "section"))
            if value and value != last_section_value:
                section = open_section(value, row.number)
                add_code(section, col("section"))
                last_section_value = value
        title = text(table.get(row, "title"))
        if not title:
            if any(table.get(row, k) is not None for k in ("lead_unit", "units", "deadline")):
                problems.append(Problem.of(row.number, col("title"), "title.empty"))
            continue
        parent_code = section.code if section else ""
        explicit = text(table.get(row, "code"))
        seq = _seq_code(table.get(row, "seq"))
        in_section_count[parent_code] += 1
        if explicit:
            code = explicit
        elif seq:
            code = f"{parent_code}.{seq}" if parent_code else seq
        else:
            code = f"{parent_code or 'R'}.{in_section_count[parent_code]}"
        tr = TaskRow(row=row.number, code=code, title=title, parent_code=parent_code)
        tr.description = text(table.get(row, "description"))
        add_code(tr, col("code") if explicit else col("seq") if "seq" in table.columns else col("title"))

        # Units: a 牵头单位 column, else the first or ★ unit of 责任单位 leads.
        lead_written: str | None = None
        lead_column = col("lead_unit") if "lead_unit" in table.columns else col("units")
        others: list[tuple[str, str]] = []
        if "lead_unit" in table.columns:
            cell = split_units(text(table.get(row, "lead_unit")))
            lead_written = cell.lead
            others += [(n, col("lead_unit")) for n in cell.others]
            if "units" in table.columns:
                cell2 = split_units(text(table.get(row, "units")), lead_marked_first=False)
                if lead_written is None and cell2.lead:
                    lead_written, lead_column = cell2.lead, col("units")
                others += [(n, col("units")) for n in ((cell2.lead,) if cell2.lead else ()) + cell2.others]
        else:
            cell = split_units(text(table.get(row, "units")))
            lead_written = cell.lead
            others += [(n, col("units")) for n in cell.others]
        if "co_units" in table.columns:
            cell3 = split_units(text(table.get(row, "co_units")), lead_marked_first=False)
            others += [(n, col("co_units")) for n in ((cell3.lead,) if cell3.lead else ()) + cell3.others]
        chosen = (lead_choices or {}).get(row.number)
        if lead_written is None and chosen in matcher.units:
            tr.lead_id, tr.lead_name = chosen, matcher.units[chosen].name
        elif lead_written is None:
            problems.append(Problem.of(row.number, lead_column, "lead.missing"))
        else:
            if COLLECTIVE.search(lead_written) and matcher.match(lead_written).unit_id is None:
                problems.append(Problem.of(row.number, lead_column, "lead.collective", n=lead_written))
            else:
                found = resolve(lead_written, row.number, lead_column, lead=True)
                if found:
                    tr.lead_id, tr.lead_name = found[0]
                else:
                    tr.lead_name = lead_written  # shown as written beside its problem in the preview
        for name, column in others:
            for uid, uname in resolve(name, row.number, column, lead=False):
                if uid != tr.lead_id and uid not in tr.co_ids:
                    tr.co_ids.append(uid)
                    tr.co_names.append(uname)

        for key, attr in (("leader", "leader"), ("person", "person")):
            written = text(table.get(row, key))
            if not written:
                continue
            names = [n for n in re.split(r"[、，,;；/\s]+", written) if n]
            pid, why = people.find(names[0], leader=key == "leader")
            setattr(tr, f"{attr}_name", names[0])
            if pid is not None:
                setattr(tr, f"{attr}_id", pid)
            else:
                code = "person.ambiguous" if why == "ambiguous" else "person.missing"
                problems.append(Problem.of(row.number, col(key), code, "warning", n=names[0]))
            if len(names) > 1:
                problems.append(Problem.of(row.number, col(key), "person.several", "warning", n=names[0]))

        raw_deadline = table.get(row, "deadline")
        tr.deadline_text = text(raw_deadline)[:80]
        dl = deadlines.get(raw_deadline)
        if dl is None:
            dl = deadlines[raw_deadline] = parse_deadline(raw_deadline, year=info.year, plan_due=info.due)
        if dl.due is None:
            problems.append(
                Problem.of(row.number, col("deadline"), "deadline.unreadable", t=tr.deadline_text)
            )
        else:
            if dl.due < info.start and preview.year_source:  # an unknown year is asked for instead
                problems.append(
                    Problem.of(row.number, col("deadline"), "deadline.before_start", d=dl.due, s=info.start)
                )
            tr.due = dl.due.isoformat()
            tr.milestones = [(label, d.isoformat()) for label, d in dl.milestones if d >= info.start]
            if dl.needs_review:
                tr.needs_review = True
                problems.append(
                    Problem.of(
                        row.number, col("deadline"), "deadline.open", "warning", t=tr.deadline_text, d=dl.due
                    )
                )
        rows.append(tr)

    # A section's lead is the plan's owner unit, else the unit leading most of its tasks; its due the latest.
    children: dict[str, list[TaskRow]] = {}
    for r in rows:
        if r.parent_code:
            children.setdefault(r.parent_code, []).append(r)
    for sec in rows:
        if not sec.is_section:
            continue
        kids = children.get(sec.code, [])
        dues = [k.due for k in kids if k.due]
        sec.due = max(dues) if dues else info.due.isoformat()
        if info.owner_unit_id:
            sec.lead_id = info.owner_unit_id
            sec.lead_name = (
                matcher.units[info.owner_unit_id].name if info.owner_unit_id in matcher.units else ""
            )
        else:
            leads = Counter(k.lead_id for k in kids if k.lead_id)
            if leads:
                sec.lead_id = leads.most_common(1)[0][0]
                sec.lead_name = matcher.units[sec.lead_id].name
            elif not kids:
                problems.append(Problem.of(sec.row, "", "section.empty", "warning", t=sec.title))
    rows = [r for r in rows if not (r.is_section and not children.get(r.code))]

    _compare_with_existing(rows, existing, existing_co, problems)
    preview.rows = rows
    problems.sort(key=lambda p: (p.row, p.level != "error"))
    if progress is not None:
        progress(len(table.rows), len(table.rows))
    return preview


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


# ---------------------------------------------------------------------------------------------
# Writing


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
    from luoshi.org.models import Person, Unit
    from luoshi.work.models import Task
    from luoshi.work.selectors import compute_lights, persist_lights
    from luoshi.work.services import ServiceError, task_create, task_update

    target = resolve_plan(plan, actor=actor, create=False)
    if target is None:
        # A new plan: its year comes from the file (or `year`), so read the file before creating it.
        first = parse_tasks(source, plan=None, year=year, filename=filename, lead_choices=lead_choices)
        if not first.ok:
            raise ImportRefused(first.problems, first)
        target = resolve_plan(plan, actor=actor, create=True, year=first.year)
        preview = parse_tasks(source, plan=target, filename=filename, lead_choices=lead_choices)
        preview.year_source, preview.year_text = first.year_source, first.year_text
    else:
        preview = parse_tasks(source, plan=target, year=year, filename=filename, lead_choices=lead_choices)
    plan = target
    if not preview.ok:
        raise ImportRefused(preview.problems, preview)
    today = timezone.localdate()
    unit_ids = {r.lead_id for r in preview.rows if r.lead_id} | {u for r in preview.rows for u in r.co_ids}
    units = Unit.objects.in_bulk(unit_ids)
    person_ids = {r.leader_id for r in preview.rows if r.leader_id} | {
        r.person_id for r in preview.rows if r.person_id
    }
    persons = Person.objects.in_bulk(person_ids)
    by_code: dict[str, Task] = {}
    touched_ids = [r.task_id for r in preview.rows if r.task_id]
    by_code.update({t.code: t for t in Task.objects.filter(pk__in=touched_ids)})
    created = updated = 0
    creates = [r for r in preview.rows if r.action == "create"]
    bulk = len(creates) > BULK_CREATE_ROWS
    if bulk:
        created = _bulk_create(creates, plan=plan, by_code=by_code, units=units, persons=persons, today=today)
        # Rows updated below may move under a task just created by COPY: give them the real task.
        made = {code: t.pk for code, t in by_code.items() if isinstance(t, _Made)}
        wanted = {made[r.parent_code] for r in preview.rows if r.action != "create" and r.parent_code in made}
        by_code.update({t.code: t for t in Task.objects.filter(pk__in=wanted)})
    for r in preview.rows:
        if bulk and r.action == "create":
            continue
        parent = by_code.get(r.parent_code) if r.parent_code else None
        lead = units[r.lead_id] if r.lead_id else None
        if lead is None:
            raise ImportRefused([Problem.of(r.row, "", "lead.missing")], preview)
        due = date.fromisoformat(r.due)
        try:
            if r.action == "create":
                task = task_create(
                    actor=actor,
                    plan=plan,
                    title=r.title[:500],
                    lead_unit=lead,
                    start=min(plan.start, due),
                    due=due,
                    parent=parent,
                    co_units=[units[u] for u in r.co_ids],
                    responsible_leader=persons.get(r.leader_id) if r.leader_id else None,
                    responsible_person=persons.get(r.person_id) if r.person_id else None,
                    milestones=[(label, date.fromisoformat(d)) for label, d in r.milestones],
                    code=r.code,
                    description=r.description,
                    deadline_text=r.deadline_text,
                    assigned_on=today,
                    refresh=False,  # the plan's lights are recomputed at the end
                )
                created += 1
            elif r.action == "update":
                task = by_code[r.code]
                values: dict[str, Any] = {
                    "title": r.title[:500],
                    "description": r.description,
                    "lead_unit": lead,
                    "due": due,
                    "deadline_text": r.deadline_text,
                    "responsible_leader": persons.get(r.leader_id) if r.leader_id else None,
                    "responsible_person": persons.get(r.person_id) if r.person_id else None,
                    "parent": parent,
                }
                changes = {k: values[k] for k in r.changes if k in values}
                if "due" in changes and due < task.start:
                    changes["start"] = due
                task = task_update(
                    actor=actor,
                    task=task,
                    version=task.version,
                    co_units=[units[u] for u in r.co_ids] if "co_units" in r.changes else None,
                    **changes,
                )
                updated += 1
            else:
                task = by_code[r.code]
        except ServiceError as exc:
            raise ImportRefused([Problem(r.row, "", str(exc))], preview)
        by_code[r.code] = task
    # The plan's stored lights as the daily tick would leave them, set-based, before anyone looks.
    persist_lights(compute_lights(plan_id=plan.pk, on=today), on=today)
    record(
        plan,
        "work.import.committed",
        actor=actor,
        data={
            "file": filename or (str(source) if isinstance(source, (str, Path)) else ""),
            "sha256": file_digest(source),
            "created": created,
            "updated": updated,
            "unchanged": sum(1 for r in preview.rows if r.action == "unchanged"),
            "batch": batch_id,
            "lead_choices": {str(row): unit for row, unit in (lead_choices or {}).items()},
            # Large files are created set-based: their tasks are listed here instead of one entry each.
            "bulk_created_ids": _id_ranges(by_code[r.code].pk for r in creates) if bulk else [],
        },
    )
    return TaskImportResult(preview, True, created, updated, plan.pk)


def _id_ranges(ids: Any) -> list[list[int]]:
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


def _bulk_create(
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


@dataclass
class _Made:
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
            lead = units[r.lead_id]
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
            by_code[r.code] = _Made(pk, path, depth, sorted_at)
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

    job_create(kind="work.fill_search_text", args={"ranges": _id_ranges(created)})


def _orm_create(
    rows: list[TaskRow],
    *,
    plan: Any,
    by_code: dict[str, Any],
    units: dict[int, Any],
    persons: dict[int, Any],
    today: date,
) -> int:
    """`_bulk_create` on SQLite: bulk_create level by level, paths set by one UPDATE per chunk; the
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
            lead = units[r.lead_id]
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
