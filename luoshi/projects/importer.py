"""Importing key-project lists (重点项目清单) from .xlsx or .csv, read as the task importer reads them
(`imports.sheets`): a preview first, then all or nothing.

Each row is matched to a project already known by its names in earlier lists (`rules.name_match`):
the same name once brackets and suffixes are dropped is the same project; a drifted name
(中芯国际12英寸芯片SN1项目 → 中芯国际12英寸芯片项目) is proposed and taken only when confirmed. A row's
status word (新开工 / 在建 / 建成 …) is the stage the project is in that year, recorded as met on
1 January of the year when it is a move forward. Refused, with row and column, and nothing written:
an unknown stage word, a negative or non-numeric investment, a stage before the stage already
recorded (stage order), a lead unit nobody knows, a point that is not a coordinate.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import LuoshiError
from luoshi.imports.deadlines import parse_deadline
from luoshi.imports.matching import People, person_names, split_units
from luoshi.imports.sheets import HEADING, SheetError, find_table, norm_header, read_sheets, text
from luoshi.org.access import require_officer
from luoshi.org.models import Membership, Post, Unit

from . import geo, rules, selectors, services
from .models import Category, OwnerRole, Project, ProjectOwner, ProjectYear, Stage

COLUMNS: dict[str, str] = {
    "年度": "year",
    "年份": "year",
    "year": "year",
    "序号": "seq",
    "seq": "seq",
    "编号": "code",
    "项目编号": "code",
    "项目名称": "name",
    "名称": "name",
    "project_name": "name",
    "状态": "stage",
    "阶段": "stage",
    "建设性质": "stage",
    "项目阶段": "stage",
    "status": "stage",
    "类别": "category",
    "项目类别": "category",
    "category": "category",
    "子类别": "theme",
    "subcategory": "theme",
    "建设状态": "stage",
    "项目状态": "stage",
    "建设阶段": "stage",
    "行业类别": "category",
    "产业类别": "category",
    "牵头单位": "lead_unit",
    "责任单位": "lead_unit",
    "牵头部门": "lead_unit",
    "责任部门": "lead_unit",
    "牵头责任单位": "lead_unit",
    "主责单位": "lead_unit",
    "总投资": "total_investment",
    "总投资万元": "total_investment",
    "总投资额": "total_investment",
    "计划总投资": "total_investment",
    "项目总投资": "total_investment",
    "估算总投资": "total_investment",
    "年度计划投资": "annual_plan",
    "年度计划投资万元": "annual_plan",
    "本年计划投资": "annual_plan",
    "本年度计划投资": "annual_plan",
    "年计划投资": "annual_plan",
    "年度投资计划": "annual_plan",
    "年度计划完成投资": "annual_plan",
    "经度": "lng",
    "纬度": "lat",
    "建设起止年限": "span",
    "起止年限": "span",
    "建设年限": "span",
    "建设期限": "span",
    "建设周期": "span",
    "起止年份": "span",
    # planned dates of two stages (倒排工期): 计划开工时间 2027年3月, 计划竣工时间 2028.12
    **dict.fromkeys(
        ("计划开工时间", "计划开工日期", "开工时间", "开工日期", "计划开工", "拟开工时间"), "plan_started"
    ),
    **dict.fromkeys(
        (
            "计划竣工时间",
            "计划竣工日期",
            "竣工时间",
            "竣工日期",
            "计划竣工",
            "计划建成时间",
            "建成时间",
            "计划投产时间",
            "投产时间",
        ),
        "plan_producing",
    ),
    # the four named owners (四包一), each a person's name in the cell
    "包抓领导": "owner_leader",
    "包联领导": "owner_leader",
    "包保领导": "owner_leader",
    "联系领导": "owner_leader",
    "县级包抓领导": "owner_leader",
    "区级包抓领导": "owner_leader",
    "市级包抓领导": "owner_leader",
    "项目经理": "owner_manager",
    "属地负责人": "owner_local_head",
    "属地责任人": "owner_local_head",
    "牵头部门负责人": "owner_department_head",
    "责任部门负责人": "owner_department_head",
}

# a column of the list → the owner role (四包一) it names
OWNER_COLUMNS = {f"owner_{role}": role for role in OwnerRole.values}
# a column of the list → the stage whose planned date it gives
PLAN_COLUMNS = {"plan_started": Stage.STARTED, "plan_producing": Stage.PRODUCING}
# a cell that says where the project stands, not when a stage is planned: left alone
_ALREADY = re.compile(r"^(已|正在|在建|—+|-+|/|无)")

CATEGORY_WORDS: dict[str, str] = {
    "产业转型": Category.INDUSTRY,
    "产业": Category.INDUSTRY,
    "产业类": Category.INDUSTRY,
    "科技产业类": Category.INDUSTRY,
    "基础设施": Category.INFRASTRUCTURE,
    "基础设施类": Category.INFRASTRUCTURE,
    "民生改善": Category.LIVELIHOOD,
    "民生": Category.LIVELIHOOD,
    "社会民生类": Category.LIVELIHOOD,
    "改革创新": Category.REFORM,
}

# A header that names the year's plan with the year in it: 2024年计划投资, 2024年度投资计划.
_YEAR_PLAN = re.compile(r"^((?:19|20)\d{2})年度?(?:计划(?:完成)?投资|投资计划)(?:额)?$")
# The year's investment completed up to a month: 1-10月完成投资, 截至9月底累计完成投资, 2024年1-6月完成投资.
_COMPLETED = re.compile(
    r"^(?:(?:19|20)\d{2}年度?)?(?:(?:1|一)月?[-—–~至到]|截至|截止|截止到)?(\d{1,2})月(?:底|末)?(?:累计)?完成投资(?:额)?$"
)
# The year in a title above the header: 某区2024年重点项目计划表.
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# The money unit of a column (总投资（亿元）) or of the whole table (单位：亿元, 金额单位：万元), in 万元.
_UNIT_WORD = re.compile(r"(亿元|万元|千元|元)")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(亿元|万元|千元|元)")
UNIT_SCALE: dict[str, Decimal] = {
    "亿元": Decimal(10000),
    "万元": Decimal(1),
    "千元": Decimal("0.1"),
    "元": Decimal("0.0001"),
}
# A total row (合计、小计、总计): not a project.
_TOTAL_ROW = re.compile(r"^(?:合\s*计|小\s*计|总\s*计|共\s*计)")
_COUNT_NOTE = re.compile(r"[（(][^)）]*[)）]\s*$")
# The four categories by words a heading or a category cell holds, after CATEGORY_WORDS' exact words.
CATEGORY_HINTS: tuple[tuple[str, str], ...] = (
    ("改革", Category.REFORM),
    ("创新", Category.REFORM),
    ("基础设施", Category.INFRASTRUCTURE),
    ("交通", Category.INFRASTRUCTURE),
    ("水利", Category.INFRASTRUCTURE),
    ("市政", Category.INFRASTRUCTURE),
    ("城建", Category.INFRASTRUCTURE),
    ("能源", Category.INFRASTRUCTURE),
    ("民生", Category.LIVELIHOOD),
    ("社会事业", Category.LIVELIHOOD),
    ("教育", Category.LIVELIHOOD),
    ("卫生", Category.LIVELIHOOD),
    ("医疗", Category.LIVELIHOOD),
    ("文化", Category.LIVELIHOOD),
    ("养老", Category.LIVELIHOOD),
    ("产业", Category.INDUSTRY),
    ("工业", Category.INDUSTRY),
    ("农业", Category.INDUSTRY),
    ("服务业", Category.INDUSTRY),
)


def category_of(word: str) -> str:
    """The category a list's word names: 产业转型 or 科技产业类 exactly, else by what it holds
    (社会民生项目 → livelihood); empty when none."""
    word = (word or "").strip()
    if word in CATEGORY_WORDS:
        return CATEGORY_WORDS[word]
    return next((category for hint, category in CATEGORY_HINTS if hint in word), "")


def heading_theme(heading: str) -> str:
    """一、产业项目（3个） → 产业项目: the heading without its number and count."""
    return _COUNT_NOTE.sub("", HEADING.sub("", heading)).strip()


NEW = "new"


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            if not self.column:
                return self.message
            return _("%(column)s：%(message)s") % {"column": self.column, "message": self.message}
        if not self.column:
            return _("第 %(row)s 行：%(message)s") % {"row": self.row, "message": self.message}
        return _("第 %(row)s 行「%(column)s」列：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportRow:
    """One row of the list as it will be written."""

    number: int
    name: str
    year: int
    stage: str
    seq: int | None = None
    code: str = ""
    category: str = ""
    theme: str = ""
    lead_unit: Unit | None = None
    total_investment: Decimal = Decimal(0)
    annual_plan: Decimal = Decimal(0)
    completed: Decimal | None = None  # the year's investment completed up to `completed_month`
    completed_before: Decimal = Decimal(0)  # what the project's months before that were reported at
    lat: Decimal | None = None
    lng: Decimal | None = None
    status_word: str = ""
    match: str = NEW  # NEW, rules.SAME or rules.DRIFT
    project_id: int | None = None
    project_name: str = ""
    stage_from: str = ""
    planned: dict[str, date] = field(default_factory=dict)  # stage → its planned date (倒排工期)
    owners: dict[str, int] = field(default_factory=dict)  # owner role (四包一) → the post named
    owner_names: dict[str, str] = field(default_factory=dict)  # role → the person as written

    @property
    def moves(self) -> bool:
        return self.match != NEW and self.stage_from != self.stage

    @property
    def plan_lines(self) -> list[str]:
        """The stage dates the row plans, "开工 2027-03-31"."""
        return [f"{Stage(stage).label} {day:%Y-%m-%d}" for stage, day in self.planned.items()]

    @property
    def owner_lines(self) -> list[str]:
        """The owners (四包一) the row names, "包抓领导：张三", those left unset marked so."""
        return [
            _("%(role)s：%(name)s") % {"role": OwnerRole(role).label, "name": name}
            + ("" if role in self.owners else _("（未设置）"))
            for role, name in self.owner_names.items()
        ]


@dataclass
class Preview:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # what was read otherwise than written (a unit converted, a year from the title, total rows
    # and group headings left out): shown with the preview, never a reason to refuse
    warnings: list[RowProblem] = field(default_factory=list)
    year: int | None = None
    completed_month: int | None = None  # the month a "1-10月完成投资" column runs to
    completed_header: str = ""
    # a list of a year still to come (next year's, imported in December): its stages are not met yet
    future: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_plans(self) -> bool:
        return any(r.planned for r in self.rows)

    @property
    def has_owners(self) -> bool:
        return any(r.owner_names for r in self.rows)

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "new": sum(r.match == NEW for r in self.rows),
            "same": sum(r.match == rules.SAME for r in self.rows),
            "drift": sum(r.match == rules.DRIFT for r in self.rows),
            "moves": sum(r.moves for r in self.rows),
            "errors": len(self.problems),
        }


_SPAN = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*(?:[-—–~至到]\s*((?:19|20)\d{2}))?")


def _stage_of_span(written: str, year: int | None) -> str | None:
    """The stage a project's construction years (2024-2026, 2023年—2025年) put it in, in the list's
    year: not begun (packaged), begun that year (started), begun before (building), ended before it
    (producing); None when the years cannot be read."""
    found = _SPAN.search(written)
    if not found or year is None:
        return None
    start = int(found.group(1))
    end = int(found.group(2)) if found.group(2) else start
    if end < start:
        return None
    if start > year:
        return Stage.PACKAGED.value
    if start == year:
        return Stage.STARTED.value
    if end < year:
        return Stage.PRODUCING.value
    return Stage.BUILDING.value


def _aliases(sheet: Any) -> dict[str, str]:
    """The known headers, with any year-named plan header of this sheet (2024年计划投资)."""
    aliases = dict(COLUMNS)
    for row in sheet.rows[:20]:
        for c in row.cells:
            word = norm_header(c)
            if word and _YEAR_PLAN.match(word):
                aliases.setdefault(word, "annual_plan")
            if word and _COMPLETED.match(word):
                aliases.setdefault(word, "completed")
    return aliases


def _year_above(above: list[Any], plan_header: str) -> int | None:
    """The list's year when it has no year column: from its plan header (2024年计划投资), else the
    first year in the title rows above the header (某区2024年重点项目计划表)."""
    found = _YEAR_PLAN.match(norm_header(plan_header)) if plan_header else None
    if found:
        return int(found.group(1))
    for row in above:
        for c in row.cells:
            hit = _TITLE_YEAR.search(text(c))
            if hit:
                return int(hit.group(1))
    return None


def _scales(table: Any, above: list[Any], out: Preview) -> dict[str, Decimal]:
    """Each money column's factor to 万元: from its header (总投资（亿元）), else the table's unit line
    (单位：亿元) above the header; 万元 when neither says. A conversion is said in a warning."""
    sheet_unit = ""
    for row in above:
        for c in row.cells:
            hit = _UNIT_LINE.search(text(c))
            if hit:
                sheet_unit = hit.group(1)
    scales: dict[str, Decimal] = {}
    for key in ("total_investment", "annual_plan", "completed"):
        if key not in table.columns:
            continue
        written = table.header_of(key)
        hit = _UNIT_WORD.search(written)
        unit = hit.group(1) if hit else sheet_unit
        if unit and unit != rules.INVESTMENT_UNIT:
            scales[key] = UNIT_SCALE[unit]
            out.warnings.append(
                RowProblem(0, written, _("金额以%(unit)s填写，已换算为万元。") % {"unit": _(unit)})
            )
    return scales


def _read_header(
    table: Any, above: list[Any], year: int | None, out: Preview
) -> tuple[int | None, dict[str, Decimal]]:
    """What the header and the title rows say of the whole list: its year when no column or option
    gives it, each money column's factor to 万元, the stage told by the construction years when there
    is no status column, the month a completed-investment column runs to. Each reading is a warning;
    a completed column naming no month is a problem. Returns the year and the factors."""
    cols, header = table.columns, table.header_of
    if year is None and "year" not in cols:
        year = _year_above(above, header("annual_plan") if "annual_plan" in cols else "")
        if year is not None:
            out.warnings.append(RowProblem(0, "", _("年度取自表头或表题：%(y)s 年。") % {"y": year}))
    scale = _scales(table, above, out)
    if "stage" not in cols:
        out.warnings.append(
            RowProblem(
                0,
                header("span"),
                _(
                    "表中没有“状态”列：阶段按建设起止年限推定（当年开工为开工，往年开工为在建，已过完工年份为投产，尚未开工为包装）。"
                ),
            )
        )
    mapped = set(cols.values())
    for idx, written in enumerate(table.headers):
        if idx not in mapped and "完成投资" in norm_header(written):
            out.warnings.append(
                RowProblem(0, written, _("没有写明截至哪个月（如“1-10月完成投资”），这一列未导入。"))
            )
    if "completed" in cols:
        found = _COMPLETED.match(norm_header(header("completed")))
        out.completed_month = int(found.group(1)) if found else None
        out.completed_header = header("completed")
        if not out.completed_month or not 1 <= out.completed_month <= 12:
            out.problems.append(RowProblem(0, header("completed"), _("完成投资列没有写明截至哪个月。")))
    return year, scale


def _money(value: Any) -> Decimal | None:
    raw = text(value).replace(",", "").replace("，", "")
    if not raw:
        return Decimal(0)
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


class _Units:
    """Lead units resolved as the task importer resolves them (`imports.matching.UnitMatcher`: name,
    short name, aliases an office mapped, abbreviation rules, a note in brackets after the name); a
    near miss is only suggested in the refusal, never taken."""

    def __init__(self) -> None:
        from luoshi.imports.matching import UnitMatcher

        self.matcher = UnitMatcher.from_db()
        self.units = Unit.objects.filter(is_active=True).in_bulk()

    def resolve(self, written: str) -> tuple[Unit | None, str]:
        match = self.matcher.match(written)
        if match.unit_id is not None:
            return self.units[match.unit_id], ""
        message = _("未知的单位：%(v)s") % {"v": written}
        hint = "、".join(match.ambiguous or match.suggestions)
        if hint:
            message += _("是不是：%(h)s？") % {"h": hint}
        return None, message


# A row's number written before the project's name: "3.", "12、", "（4）" (not "1.5万吨…", a figure).
_NAME_NUMBER = re.compile(r"^\s*(?:(\d{1,4})\s*[.．、](?!\d)|[（(]\s*(\d{1,4})\s*[)）])\s*")


class _Owners:
    """The post a named owner (四包一) holds: the person by name, then the one post they hold now.
    A name nobody has, several people have, or a person with several posts is left unset with a
    note (set on the project page): the list is still imported, as the task importer leaves a
    leader it cannot tell apart."""

    def __init__(self) -> None:
        self.people = People().by_name
        self.posts: dict[int, list[int]] = {}
        for person_id, post_id in Membership.objects.current().values_list("person_id", "post_id"):
            self.posts.setdefault(person_id, []).append(post_id)

    def resolve(self, written: str) -> tuple[str, int | None, str]:
        """(the name read, its post or None, a note when not linked as written). 张三, 张三（副区长）,
        副区长 张三 and 张三、李四 (the first known) are read."""
        words = person_names(written, self.people)
        if not words:
            return "", None, ""
        name = words[0]
        found = self.people.get(name, [])
        if not found:
            return name, None, _("找不到人员「%(n)s」，未设置。") % {"n": name}
        if len(found) > 1:
            return name, None, _("人员「%(n)s」有重名，未设置。") % {"n": name}
        posts = self.posts.get(found[0], [])
        if len(posts) != 1:
            note = (
                _("「%(n)s」现任多个岗位，未设置，请在项目页选择。")
                if posts
                else _("「%(n)s」没有现任岗位，未设置。")
            )
            return name, None, note % {"n": name}
        return name, posts[0], ""


def _candidates(year: int) -> list[tuple[int, str, str, date | None]]:
    """(project id, a name it had in an earlier list or now, its stage, since) for matching."""
    stages = dict(Project.objects.values_list("pk", "stage"))
    names = {(pk, name) for pk, name in Project.objects.values_list("pk", "name")}
    names |= set(ProjectYear.objects.filter(year__lt=year).values_list("project_id", "name"))
    return [(pk, name, stages.get(pk, ""), None) for pk, name in sorted(names)]


def preview(
    data: bytes, *, filename: str = "", year: int | None = None, accept: Iterable[int] | None = None
) -> Preview:
    """Read and check a list; `year` picks one year's rows from a file of several years. `accept` is
    the row numbers whose drifted match a person confirmed (None: every proposed match); a drifted
    match not accepted makes the row a new project."""
    out = Preview(year=year)
    try:
        sheets = read_sheets(data, filename=filename)
    except SheetError as exc:
        out.problems.append(RowProblem(0, _("文件"), str(exc)))
        return out
    table = None
    for sheet in sheets:
        aliases = _aliases(sheet)
        table = find_table(sheet, aliases, required=("name", "stage")) or find_table(
            sheet, aliases, required=("name", "span")
        )
        if table is not None:
            break
    if table is None:
        out.problems.append(RowProblem(0, _("表头"), _("找不到“项目名称”和“状态/阶段”列。")))
        return out
    cols = table.columns
    header = table.header_of
    above = [r for r in sheet.rows if r.number < table.header_row]
    year, scale = _read_header(table, above, year, out)
    if out.problems:
        return out

    def cell(row: Any, key: str) -> Any:
        idx = cols.get(key)
        return row.cells[idx] if idx is not None and idx < len(row.cells) else None

    units = _Units() if "lead_unit" in cols else None
    owners = _Owners() if any(key in cols for key in OWNER_COLUMNS) else None
    loaded = selectors.current_boundary()
    area = geo.polygons(loaded[1]) if loaded else []
    rows: list[ImportRow] = []
    years: set[int] = set()
    group = ""  # the group heading the rows below belong to (一、产业项目)
    for row in table.rows:
        seq_written = ""
        name = text(cell(row, "name"))
        numbered = _NAME_NUMBER.match(name)
        if numbered and name[numbered.end() :]:
            # "3.临江新材料产业园": the list's numbering, not the project's name (years would not match)
            name = name[numbered.end() :]
            if not text(cell(row, "seq")):
                seq_written = numbered.group(1) or numbered.group(2)
        first = next((text(c) for c in row.cells if text(c)), "")
        if _TOTAL_ROW.match(name) or _TOTAL_ROW.match(first):
            out.warnings.append(
                RowProblem(row.number, "", _("合计行，未作为项目导入：%(v)s") % {"v": name or first})
            )
            continue
        if row.spans_all or (HEADING.match(first) and not text(cell(row, "stage"))):
            group = heading_theme(first)
            out.warnings.append(RowProblem(row.number, "", _("分组标题：%(v)s") % {"v": first}))
            continue
        if not name:
            continue
        raw_year = text(cell(row, "year"))
        row_year: int | None
        try:
            row_year = int(raw_year) if raw_year else year
        except ValueError:
            out.problems.append(
                RowProblem(row.number, header("year"), _("年度不是数字：%(v)s") % {"v": raw_year})
            )
            continue
        if year is not None and row_year != year:
            continue
        if row_year is None or not 1900 <= row_year <= 2999:
            out.problems.append(
                RowProblem(row.number, header("year"), _("没有年度：请在文件中给出年度列，或指定年度。"))
            )
            continue
        years.add(row_year)
        word = text(cell(row, "stage")) if "stage" in cols else text(cell(row, "span"))
        stage = rules.stage_of_word(word) if "stage" in cols else _stage_of_span(word, row_year)
        if stage is None and "stage" not in cols:
            out.problems.append(
                RowProblem(
                    row.number,
                    header("span"),
                    _("没有“状态”列，也不能从建设起止年限推定阶段：%(v)s")
                    % {"v": text(cell(row, "span")) or "—"},
                )
            )
            continue
        if stage is None:
            out.problems.append(
                RowProblem(row.number, header("stage"), _("未知的阶段：%(v)s") % {"v": word or "—"})
            )
            continue
        item = ImportRow(
            number=row.number, name=name[:200], year=row_year, stage=stage, status_word=word[:20]
        )
        seq = text(cell(row, "seq")) or seq_written
        item.seq = int(seq) if seq.isdigit() else None
        item.code = text(cell(row, "code"))[:40]
        cat_word = text(cell(row, "category")) or group
        theme = text(cell(row, "theme"))
        item.category = category_of(cat_word)
        item.theme = (theme or ("" if cat_word in CATEGORY_WORDS else cat_word))[:80]
        get = partial(cell, row)  # the row's cell by column key
        _read_amounts(item, get, scale, header, out)
        if units is not None:
            _read_lead_unit(item, text(get("lead_unit")), units, header, out)
        _read_stage_plans(item, get, header, out)
        if owners is not None:
            _read_owners(item, get, owners, header, out)
        _read_point(item, get, loaded[0] if loaded else "", area, header, out)
        rows.append(item)
    if len(years) > 1:
        out.problems.append(
            RowProblem(
                0,
                header("year"),
                _("文件含多个年度（%(y)s），请指定导入哪一年。") % {"y": "、".join(map(str, sorted(years)))},
            )
        )
        return out
    out.year = year or (years.pop() if years else None)
    out.rows = rows
    if out.year is not None:
        out.future = out.year > timezone.localdate().year
        _match(out, accept)
    if out.future and rows:
        out.warnings.append(
            RowProblem(
                0,
                "",
                _(
                    "%(y)s 年尚未开始：这次导入项目和 %(y)s 年计划投资，清单写的阶段不记为已达到；"
                    "进入 %(y)s 年后再导入同一清单即记录阶段。"
                )
                % {"y": out.year},
            )
        )
    return out


def _read_amounts(
    item: ImportRow, get: Callable[[str], Any], scale: dict[str, Decimal], header: Any, out: Preview
) -> None:
    """Total, annual plan and completed investment in 万元 (converted by the column's or the list's
    unit); not a number, or negative, is a problem."""
    for key in ("total_investment", "annual_plan", "completed"):
        if not text(get(key)):
            continue
        amount = _money(get(key))
        if amount is not None and scale.get(key, 1) != 1:
            amount = (amount * scale[key]).quantize(Decimal("0.01"))
        if amount is None:
            out.problems.append(
                RowProblem(item.number, header(key), _("不是有效金额：%(v)s") % {"v": text(get(key))})
            )
        elif amount < 0:
            out.problems.append(RowProblem(item.number, header(key), _("投资额不能为负数。")))
        else:
            setattr(item, key, amount)


def _read_point(
    item: ImportRow, get: Callable[[str], Any], boundary: str, area: Any, header: Any, out: Preview
) -> None:
    """The project's point (纬度, 经度), inside the district's boundary when one is loaded."""
    la, lo = text(get("lat")), text(get("lng"))
    if not (la or lo):
        return
    try:
        item.lat, item.lng = services._check_point(la, lo)
    except LuoshiError as exc:
        column = header("lat") if getattr(exc, "field", "") == "lat" else header("lng")
        out.problems.append(RowProblem(item.number, column, exc.message))
        return
    if area and item.lat is not None and item.lng is not None:
        if not rules.in_polygons(float(item.lng), float(item.lat), area):
            out.problems.append(
                RowProblem(
                    item.number,
                    header("lat"),
                    _("位置（%(lat)s, %(lng)s）不在区域边界“%(name)s”内。")
                    % {"lat": item.lat, "lng": item.lng, "name": boundary},
                )
            )


def _read_lead_unit(item: ImportRow, written: str, units: _Units, header: Any, out: Preview) -> None:
    """The row's lead unit as written, or the lead of several written in the cell (区发改局、区财政局;
    牵头：…；配合：…), said in a note; an unknown unit is a problem."""
    if not written:
        return
    item.lead_unit, refusal = units.resolve(written)
    split = split_units(written) if item.lead_unit is None else None
    if split is not None and split.lead and split.lead != written:
        lead, _refused = units.resolve(split.lead)
        if lead is not None:
            item.lead_unit = lead
            out.warnings.append(
                RowProblem(
                    item.number,
                    header("lead_unit"),
                    _("写了多个单位，牵头单位取“%(u)s”。") % {"u": lead.name},
                )
            )
    if item.lead_unit is None:
        out.problems.append(RowProblem(item.number, header("lead_unit"), refusal))


def _read_stage_plans(item: ImportRow, get: Callable[[str], Any], header: Any, out: Preview) -> None:
    """计划开工时间 / 计划竣工时间 as the planned dates of their stages (倒排工期). A stage the row's own
    stage has reached gets none (it could only be missed); a status word is left alone; an unreadable
    date is noted."""
    for key, stage in PLAN_COLUMNS.items():
        raw = get(key)
        written = text(raw)
        if not written or _ALREADY.match(written):
            continue
        if rules.stage_index(item.stage) >= rules.stage_index(stage):
            continue
        planned = parse_deadline(raw, year=item.year, plan_due=date(item.year, 12, 31))
        if planned.due is None or planned.needs_review:
            out.warnings.append(
                RowProblem(item.number, header(key), _("未能识别的日期：%(v)s，未设置。") % {"v": written})
            )
        else:
            item.planned[stage] = planned.due


def _read_owners(
    item: ImportRow, get: Callable[[str], Any], owners: _Owners, header: Any, out: Preview
) -> None:
    """The four owners (四包一) the row names, each by the one post the person holds; a name that
    cannot be told apart is noted and left unset."""
    for key, role in OWNER_COLUMNS.items():
        written = text(get(key))
        if not written:
            continue
        name, post_id, note = owners.resolve(written)
        item.owner_names[role] = name
        if post_id is not None:
            item.owners[role] = post_id
        if note:
            out.warnings.append(RowProblem(item.number, header(key), note))


def _match(out: Preview, accept: Iterable[int] | None) -> None:
    """Match each row to a known project: SAME first, then the best DRIFT; a project is matched by
    one row at most. Then check each matched row's stage against the stage already recorded."""
    assert out.year is not None
    accepted = None if accept is None else set(accept)
    candidates = _candidates(out.year)
    stage_of = {pk: stage for pk, _n, stage, _s in candidates}
    name_of = dict(Project.objects.values_list("pk", "name"))
    taken: set[int] = set()
    for kind in (rules.SAME, rules.DRIFT):
        for row in out.rows:
            if row.match != NEW:
                continue
            hits = [
                (rules.name_similarity(name, row.name), pk)
                for pk, name, _s, _d in candidates
                if pk not in taken and rules.name_match(name, row.name) == kind
            ]
            if not hits:
                continue
            if kind == rules.DRIFT and accepted is not None and row.number not in accepted:
                continue
            _score, pk = max(hits)
            row.match, row.project_id, row.project_name = kind, pk, name_of.get(pk, "")
            row.stage_from = stage_of.get(pk, "")
            if out.future:
                row.stage = row.stage_from  # nothing moves before the year begins
            taken.add(pk)
    _check_completed(out)
    stage_header = _("状态")
    for row in out.rows:
        if (
            row.match != NEW
            and row.stage_from
            and rules.stage_index(row.stage) < rules.stage_index(row.stage_from)
        ):
            out.problems.append(
                RowProblem(
                    row.number,
                    stage_header,
                    _("清单中的阶段“%(new)s”早于项目已登记的阶段“%(old)s”。")
                    % {"new": Stage(row.stage).label, "old": Stage(row.stage_from).label},
                )
            )


def _months_before(project_ids: list[int], year: int, month: int) -> dict[int, Decimal]:
    """Each project's investment reported for the months of `year` before `month`, in one query,
    added as decimals as `services._year_completed_store` adds them."""
    from .models import ProjectInvestment

    totals: dict[int, Decimal] = {}
    for pk, amount in ProjectInvestment.objects.filter(
        project_id__in=project_ids, month__gte=date(year, 1, 1), month__lt=date(year, month, 1)
    ).values_list("project_id", "amount"):
        totals[pk] = totals.get(pk, Decimal(0)) + amount
    return totals


def _check_completed(out: Preview) -> None:
    """A "1-10月完成投资" column: the month must have begun, and a known project's figure may not be
    less than what its months before were reported at (the list's figure is the year's total to date;
    the month gets the difference)."""
    month = out.completed_month
    if month is None or out.year is None:
        return
    from django.utils import timezone

    column = out.completed_header or _("完成投资")
    if date(out.year, month, 1) > timezone.localdate():
        out.problems.append(
            RowProblem(
                0, column, _("完成投资截至 %(y)s 年 %(m)s 月，这个月还没有到。") % {"y": out.year, "m": month}
            )
        )
        return
    known = [r for r in out.rows if r.completed is not None and r.project_id is not None]
    before = _months_before([r.project_id for r in known if r.project_id], out.year, month)
    for row in known:
        earlier = row.completed_before = before.get(row.project_id or 0, Decimal(0))
        if row.completed is not None and row.completed < earlier:
            out.problems.append(
                RowProblem(
                    row.number,
                    column,
                    _("截至 %(m)s 月完成投资 %(v)s 万元，少于此前各月已填报的合计 %(e)s 万元。")
                    % {"m": month, "v": row.completed, "e": earlier},
                )
            )


def proposed_drifts(data: bytes, *, filename: str = "", year: int | None = None) -> list[int]:
    """The row numbers whose match is a proposed drift (the page's checkboxes, all ticked)."""
    return [r.number for r in preview(data, filename=filename, year=year).rows if r.match == rules.DRIFT]


def _code_for(row: ImportRow, used: set[str]) -> str:
    base = row.code or f"{row.year}-{row.seq or row.number:03d}"
    code, n = base, 1
    while code in used:
        n += 1
        code = f"{base}-{n}"
    used.add(code)
    return code


def _write_row(
    row: ImportRow,
    *,
    actor: Any,
    year: int,
    used: set[str],
    completed_month: int | None = None,
    future: bool = False,
) -> Project:
    if row.match == NEW:
        project = services.project_create(
            actor=actor,
            name=row.name,
            code=_code_for(row, used),
            category=row.category,
            theme=row.theme,
            lead_unit=row.lead_unit,
            lat=row.lat,
            lng=row.lng,
            total_investment=row.total_investment,
        )
    else:
        assert row.project_id is not None
        project = Project.objects.get(pk=row.project_id)
    services.year_set(actor=actor, project=project, year=year, annual_plan=row.annual_plan, name=row.name)
    if row.completed is not None and completed_month is not None:
        # the list's figure is the year's total up to its month: that month gets the difference from
        # the months before, read by the preview this commit made (a new project has none)
        services.investment_report(
            actor=actor,
            project=project,
            month=date(year, completed_month, 1),
            amount=row.completed - row.completed_before,
        )
    if (row.match == NEW or row.moves) and not future:
        note = _("%(year)s 年清单：%(word)s") % {"year": year, "word": row.status_word}
        services.stage_met(actor=actor, project=project, stage=row.stage, met=date(year, 1, 1), note=note)
    if row.planned:
        # the list's planned dates (倒排工期); the service records only those that changed
        services.stage_plan_set(actor=actor, project=project, planned=row.planned)
    if row.owners:
        # the list names who holds each role this year: a changed post is assigned (audited)
        held = dict(ProjectOwner.objects.filter(project=project).values_list("role", "post_id"))
        posts = Post.objects.in_bulk(row.owners.values())
        for role, post_id in row.owners.items():
            if held.get(role) != post_id:
                services.owner_assign(actor=actor, project=project, role=role, post=posts[post_id])
    if row.match != NEW and row.name != project.name:
        project.refresh_from_db()
        project = services.project_update(
            actor=actor, project=project, version=project.version, name=row.name
        )
    return project


@transaction.atomic
def commit(
    data: bytes,
    *,
    actor: Any,
    filename: str = "",
    year: int | None = None,
    accept: Iterable[int] | None = None,
) -> Preview:
    """Write a checked list, all or nothing: new projects, each year's entry (name, annual plan) and
    the stage moves, through the services (each audited), and one `projects.import.committed` entry
    with the file's SHA-256 digest. A list with any problem writes nothing (LuoshiError)."""
    require_officer(actor)
    result = preview(data, filename=filename, year=year, accept=accept)
    if not result.ok:
        raise LuoshiError(
            _("清单有 %(n)s 处错误，未写入任何数据：%(first)s")
            % {"n": len(result.problems), "first": result.problems[0]}
        )
    assert result.year is not None
    used = set(Project.objects.values_list("code", flat=True))
    created: list[int] = []
    moved: list[int] = []
    for row in result.rows:
        try:
            project = _write_row(
                row,
                actor=actor,
                year=result.year,
                used=used,
                completed_month=result.completed_month,
                future=result.future,
            )
        except LuoshiError as exc:
            raise LuoshiError(str(RowProblem(row.number, _("项目名称"), exc.message))) from exc
        (created if row.match == NEW else moved if row.moves else []).append(project.pk)
    record(
        None,
        "projects.import.committed",
        actor=actor,
        object_type="projects.import",
        object_id=str(result.year),
        object_repr=filename[:300],
        data={
            "year": result.year,
            "sha256": hashlib.sha256(data).hexdigest(),
            "counts": result.counts(),
            "created": created,
            "moved": moved,
        },
    )
    return result
