"""Import of units and people (单位、人员) from .xlsx/.csv.

A workbook may hold a units sheet and a people sheet (either alone is fine; a .csv holds one of
them); each sheet is recognised by its header. Validation collects every problem with its row and
column; a file with any error writes nothing. Success goes through `luoshi.org.services` (each
unit, person, post and membership audited) plus one `org.import.committed` entry.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from luoshi.org.models import Role, Unit, UnitCategory

from .common import ImportRefused, Problem, errors
from .matching import SEPARATORS
from .sheets import Row, Sheet, SheetError, Table, find_table, norm_header, read_sheets, text

UNIT_COLUMNS: dict[str, str] = {}
PERSON_COLUMNS: dict[str, str] = {}
for _target, _spec in (
    (
        UNIT_COLUMNS,
        {
            "code": "单位代码 代码 编码 单位编码 code",
            "name": "单位名称 名称 单位全称 全称 机构名称 name unit_name",
            "short_name": "简称 单位简称 short_name",
            "category": "类别 单位类别 类型 单位类型 单位分组 分组 单位性质 category unit_group",
            "parent": "上级单位代码 上级代码 上级单位 上级单位编码 上级单位名称 parent parent_code",
            "aliases": "别名 aliases",
            "sort": "排序 sort",
            "seq": "序号 编号 seq",
        },
    ),
    (
        PERSON_COLUMNS,
        {
            "name": "姓名 name",
            "phone": "电话 手机 手机号 联系电话 手机号码 phone",
            "unit": "单位 所在单位 单位代码 单位名称 工作单位 unit",
            "title": "职务 岗位 岗位名称 职务名称 post title",
            "role": "角色 系统角色 role",
            "start": "任职日期 任职起 开始日期 任职时间 start",
            "username": "登录名 用户名 账号 登录账号 username",
            "senior": "副科级及以上 senior",
            "card_no": "卡号 card_no",
        },
    ),
):
    for _key, _names in _spec.items():
        for _n in _names.split():
            _target[norm_header(_n)] = _key

CATEGORY_WORDS: dict[str, str] = {
    "区": UnitCategory.DISTRICT,
    "县": UnitCategory.DISTRICT,
    "功能区": UnitCategory.ZONE,
    "街镇": UnitCategory.ZONE,
    "街道": UnitCategory.ZONE,
    "乡镇": UnitCategory.ZONE,
    "镇": UnitCategory.ZONE,
    "功能区/街镇": UnitCategory.ZONE,
    "乡": UnitCategory.ZONE,
    "乡镇街道": UnitCategory.ZONE,
    "部门": UnitCategory.DEPARTMENT,
    "区直部门": UnitCategory.DEPARTMENT,
    "县直部门": UnitCategory.DEPARTMENT,
    "区直单位": UnitCategory.DEPARTMENT,
    "县直单位": UnitCategory.DEPARTMENT,
    "党群部门": UnitCategory.DEPARTMENT,
    "政府部门": UnitCategory.DEPARTMENT,
    "政府工作部门": UnitCategory.DEPARTMENT,
    "政府所属部门": UnitCategory.DEPARTMENT,
    "驻区单位": UnitCategory.RESIDENT,
    "垂管单位": UnitCategory.RESIDENT,
    "垂管": UnitCategory.RESIDENT,
    "垂管部门": UnitCategory.RESIDENT,
    "垂直管理单位": UnitCategory.RESIDENT,
    "垂直管理部门": UnitCategory.RESIDENT,
    "社区": UnitCategory.COMMUNITY,
    "村": UnitCategory.COMMUNITY,
    "社区/村": UnitCategory.COMMUNITY,
    "其他": UnitCategory.OTHER,
}
for _value, _label in UnitCategory.choices:
    CATEGORY_WORDS[_value] = _value
    CATEGORY_WORDS[str(_label)] = _value
ROLE_WORDS: dict[str, str] = {"联络员": Role.REPORTER, "单位负责人": Role.HEAD, "主要负责人": Role.HEAD}
ROLE_WORDS |= {"领导": Role.LEADER, "督查员": Role.OFFICER, "督查室": Role.OFFICER, "考核人员": Role.ASSESSOR}
for _value, _label in Role.choices:
    ROLE_WORDS[_value] = _value
    ROLE_WORDS[str(_label)] = _value


def parse_date(value: Any) -> date | None:
    """A date cell: Excel date, 2024-03-01, 2024/3/1, 2024.3.1 or 2024年3月1日; None if malformed."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = re.fullmatch(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00:00)?", text(value)
    )
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    short_name: str = ""
    category: str = ""
    parent_code: str = ""
    aliases: str = ""
    sort: int = 0


@dataclass
class PersonRow:
    row: int
    name: str
    phone: str = ""
    unit_code: str = ""  # resolved unit code (file or database)
    unit_written: str = ""
    title: str = ""
    role: str = ""
    start: str = ""
    username: str = ""
    senior: bool = False
    card_no: str = ""


@dataclass
class OrgPreview:
    kind: str = "org"
    units: list[UnitRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not errors(self.problems)

    def counts(self) -> dict[str, int]:
        return {
            "units": len(self.units),
            "people": len(self.people),
            "errors": len(errors(self.problems)),
            "warnings": len(self.problems) - len(errors(self.problems)),
        }

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = self.counts()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrgPreview:
        return cls(
            units=[UnitRow(**u) for u in data.get("units", [])],
            people=[PersonRow(**p) for p in data.get("people", [])],
            problems=[Problem(**p) for p in data.get("problems", [])],
            sheets=data.get("sheets", []),
        )


@dataclass
class OrgParseState:
    """What the sheet readers share while one organisation file is read (codes, names and
    usernames already in the database or earlier in the file)."""

    preview: OrgPreview
    multi: bool  # several sheets: columns are named "sheet!column"
    db_units: dict[str, str] = field(default_factory=dict)  # code → name
    db_names: dict[str, str] = field(default_factory=dict)  # name or short name → code
    file_codes: dict[str, int] = field(default_factory=dict)  # code → first row
    file_names: dict[str, str] = field(default_factory=dict)  # name or short name → code
    db_usernames: set[str] = field(default_factory=set)
    file_usernames: dict[str, int] = field(default_factory=dict)  # username → first row
    roles_told: dict[str, int] = field(default_factory=dict)  # role → people given it by their title

    @property
    def problems(self) -> list[Problem]:
        return self.preview.problems

    def column(self, table: Table, key: str) -> str:
        """A column's name in problems: its header, prefixed by the sheet when there are several."""
        return _sheet_label(table, self.multi) + table.header_of(key)

    def problem(self, row: int, table: Table, key: str, code: str, **params: Any) -> None:
        self.problems.append(Problem.of(row, self.column(table, key), code, **params))


def _sheet_label(table: Table, multi: bool) -> str:
    return f"{table.sheet}!" if multi else ""


def parse_org(source: str | Path | bytes, *, filename: str = "") -> OrgPreview:
    """Read units and people into a preview; writes nothing."""
    preview = OrgPreview()
    problems = preview.problems
    try:
        sheets = read_sheets(source, filename=filename)
    except SheetError as exc:
        problems.append(Problem.of(0, "", exc.code, **exc.params))
        return preview
    unit_tables, person_tables = _find_tables(sheets)
    if not unit_tables and not person_tables:
        problems.append(Problem.of(0, "", "org.header.missing"))
        return preview
    state = OrgParseState(preview, multi=len(unit_tables) + len(person_tables) > 1)
    preview.sheets = [t.sheet for t in unit_tables + person_tables]
    state.db_units = {code: name for code, name in Unit.objects.values_list("code", "name")}
    for code, name, short in Unit.objects.values_list("code", "name", "short_name"):
        state.db_names.setdefault(name, code)
        if short:
            state.db_names.setdefault(short, code)
    for table in unit_tables:
        _read_units(state, table)
    state.db_usernames = set(get_user_model().objects.values_list("username", flat=True))
    for table in person_tables:
        for row in table.rows:
            preview.people.append(_person_row(state, table, row))
    if state.roles_told:
        told = state.roles_told
        problems.append(
            Problem.of(
                0,
                "",
                "org.role.told",
                level="warning",
                h=told.get(Role.HEAD, 0),
                l=told.get(Role.LEADER, 0),
                r=told.get(Role.REPORTER, 0),
            )
        )
    problems.sort(key=lambda pr: (pr.row, pr.column))
    return preview


def _find_tables(sheets: list[Sheet]) -> tuple[list[Table], list[Table]]:
    """The units tables and the people tables, each sheet recognised by its header."""
    unit_tables: list[Table] = []
    person_tables: list[Table] = []
    for sheet in sheets:
        t = find_table(sheet, PERSON_COLUMNS, required=("name", "unit"))
        if t is not None and not {"code", "category"} & set(find_cols(sheet, t.header_row)):
            person_tables.append(t)
            continue
        # a units sheet names its units' codes, or is a plain list of names with their categories
        # (codes are then made from the names: `_generated_code`)
        t = (
            find_table(sheet, UNIT_COLUMNS, required=("code", "name"))
            or find_table(sheet, UNIT_COLUMNS, required=("name", "category"))
            or find_table(sheet, UNIT_COLUMNS, required=("name",))
        )
        if t is not None:
            unit_tables.append(t)
    return unit_tables, person_tables


def _read_units(state: OrgParseState, table: Table) -> None:
    """A units sheet's rows, then their parents checked and put first.

    A sheet without a code column (a plain list of names, as offices keep them) gets codes made
    from the names, said in a warning; a parent may be written as a code or as a unit's name or
    short name (in the file or the database); and a sheet without a parent column puts its units
    under the install's one top unit when it has exactly one (said in a warning; with none or
    several they become top units, as before)."""
    preview = state.preview
    generate = "code" not in table.columns
    first = len(preview.units)
    group = ""  # the category the last group heading named (a plain list without a category column)
    for row in table.rows:
        heading = _group_heading(table, row) if generate else None
        if heading is not None:
            group = _category_in(heading) if "category" not in table.columns else ""
            continue
        name = text(table.get(row, "name"))
        if generate and name in state.db_names:
            # a plain list names units by name only: one the database has (by name or short name) is
            # that unit, not a second one of the same name (which would make the name ambiguous
            # for every later task import), so it is left out, and said
            code = state.db_names[name]
            state.problems.append(
                Problem.of(
                    row.number,
                    state.column(table, "name"),
                    "org.unit.exists_skipped",
                    level="warning",
                    u=name,
                    n=state.db_units.get(code, ""),
                    c=code,
                )
            )
            continue
        preview.units.append(_unit_row(state, table, row, generate=generate, group=group))
    read = preview.units[first:]
    if "category" not in table.columns and read:
        labels = dict(UnitCategory.choices)
        guessed = {c: sum(1 for r in read if r.category == c) for c in labels}
        state.problems.append(
            Problem.of(
                0,
                "",
                "org.category.guessed",
                level="warning",
                n=len(read),
                s="、".join(f"{labels[c]} {n}" for c, n in guessed.items() if n),
            )
        )
    if generate and read:
        example = read[0]
        state.problems.append(
            Problem.of(
                0, "", "org.code.generated", level="warning", n=len(read), u=example.name, c=example.code
            )
        )
    if "parent" not in table.columns and read:
        root = _only_root()
        if root is not None:
            for r in read:
                r.parent_code = root[0]
            state.problems.append(
                Problem.of(0, "", "org.parent.default", level="warning", n=len(read), p=root[1])
            )
    for r in preview.units:
        if r.parent_code and r.parent_code not in state.file_codes and r.parent_code not in state.db_units:
            named = state.file_names.get(r.parent_code) or state.db_names.get(r.parent_code)
            if named:
                r.parent_code = named  # written as the parent's name or short name
        if r.parent_code and r.parent_code not in state.file_codes and r.parent_code not in state.db_units:
            state.problem(r.row, table, "parent", "org.parent.missing", c=r.parent_code)
        elif r.parent_code == r.code and r.code:
            state.problem(r.row, table, "parent", "org.parent.self")
    # Parents must come before children: order by dependency, and refuse cycles.
    preview.units = _parents_first(
        preview.units, set(state.db_units), state.problems, state.column(table, "parent")
    )


# A unit's category told by the end of its name, for a list that gives none: the first rule that
# matches, in this order (开发区 is a zone before 区 is a district; 分局 a resident unit before 局 a
# department).
CATEGORY_BY_ENDING: tuple[tuple[tuple[str, ...], str], ...] = (
    (("社区", "村", "居委会", "村委会", "社区居委会", "村民委员会"), UnitCategory.COMMUNITY),
    (
        (
            "街道",
            "街道办",
            "街道办事处",
            "镇",
            "乡",
            "镇人民政府",
            "乡人民政府",
            "管委会",
            "开发区",
            "园区",
            "新区",
        ),
        UnitCategory.ZONE,
    ),
    (("区", "县", "区人民政府", "县人民政府"), UnitCategory.DISTRICT),
    (
        ("分局", "支局", "分公司", "公司", "支行", "分行", "银行", "中队", "大队", "海关"),
        UnitCategory.RESIDENT,
    ),
    (
        (
            "局",
            "委",
            "办",
            "办公室",
            "部",
            "院",
            "会",
            "中心",
            "室",
            "所",
            "站",
            "馆",
            "校",
            "处",
            "厅",
            "团",
            "联",
            "协",
        ),
        UnitCategory.DEPARTMENT,
    ),
)


def guess_category(name: str) -> str:
    """The category a unit's name suggests (区委组织部 → 部门, 江滨街道办事处 → 街镇, 临江村 → 村,
    国家税务总局临江分局 → 驻区单位); 其他 when nothing matches."""
    for endings, category in CATEGORY_BY_ENDING:
        if name.endswith(endings):
            return category
    return UnitCategory.OTHER


def _only_root() -> tuple[str, str] | None:
    """(code, name) of the install's top unit when there is exactly one, else None."""
    roots = list(Unit.objects.filter(parent__isnull=True).values_list("code", "name")[:2])
    return roots[0] if len(roots) == 1 else None


def _generated_code(state: OrgParseState, name: str) -> str:
    """A unit code made from its name, as the house codes are (区委办 → QWB): the initials of its
    pinyin (`lib.text.pinyin_forms`, as search keeps them), upper case, with 2, 3, … added when taken
    in the database or earlier in the file. The same file against the same database gives the same
    codes, so the commit reads what the preview showed."""
    from luoshi.lib.text import pinyin_forms

    base = re.sub(r"[^A-Z0-9]", "", pinyin_forms(name)[1].upper())[:30] or "UNIT"
    code, n = base, 2
    while code in state.file_codes or code in state.db_units:
        code, n = f"{base}{n}", n + 1
    return code


def _group_heading(table: Table, row: Row) -> str | None:
    """The heading of a group in a plain list of units (一、乡镇（15个）; a row merged across the
    table; 一 in 序号 with the group's name beside it), or None for a unit's row."""
    values = [text(c) for c in row.cells if c is not None and text(c)]
    if not values:
        return None
    if row.spans_all:
        return values[0]
    seq, name = text(table.get(row, "seq")), text(table.get(row, "name"))
    if seq and GROUP_NUMBER.fullmatch(seq) and (not name or _category_in(name)):
        # 一 in 序号 beside a category (党群部门); a list numbering its units 一, 二, … is units
        return name or seq
    if GROUP_TITLE.match(name) and len(values) == (2 if seq else 1):
        return name
    if len(values) == 1 and not name:  # the heading alone, in another column (序号's, merged)
        return values[0]
    return None


GROUP_NUMBER = re.compile(r"\s*第?[一二三四五六七八九十百]+\s*[、.．]?\s*")  # 序号 of a heading
GROUP_TITLE = re.compile(r"\s*第?[一二三四五六七八九十百]+\s*[、.．]")  # 一、… (not 十里铺镇)
# The category words a group heading may hold, longest first (区直部门 before 部门); of two characters
# or more, since a unit's own name holds 区, 县 or 镇 (区审计局 names no category).
_CATEGORY_WORDS_LONGEST = sorted(
    (w for w in CATEGORY_WORDS if not w.isascii() and len(w) > 1), key=len, reverse=True
)


def _category_in(heading: str) -> str:
    """The category a group heading names (二、党群部门 → 部门), or "" when it names none."""
    for word in _CATEGORY_WORDS_LONGEST:
        if word in heading:
            return CATEGORY_WORDS[word]
    return ""


def _unit_row(
    state: OrgParseState, table: Table, row: Row, *, generate: bool = False, group: str = ""
) -> UnitRow:
    r = UnitRow(
        row=row.number,
        code=text(table.get(row, "code")),
        name=text(table.get(row, "name")),
        short_name=text(table.get(row, "short_name")),
        parent_code=text(table.get(row, "parent")),
        aliases=text(table.get(row, "aliases")),
    )
    if generate and r.name:
        r.code = _generated_code(state, r.name)
    _check_unit_code(state, table, r)
    if not r.name:
        state.problem(row.number, table, "name", "org.name.missing")
    else:
        state.file_names.setdefault(r.name, r.code)
        if r.short_name:
            state.file_names.setdefault(r.short_name, r.code)
    cat = text(table.get(row, "category"))
    if "category" not in table.columns:
        r.category = group or guess_category(r.name)
    elif not cat:
        state.problem(row.number, table, "category", "org.category.missing")
    elif cat not in CATEGORY_WORDS:
        suggestions = [str(label) for _v, label in UnitCategory.choices]
        state.problem(row.number, table, "category", "org.category.unknown", suggestions=suggestions, c=cat)
    else:
        r.category = CATEGORY_WORDS[cat]
    sort = table.get(row, "sort")
    if sort is not None:
        try:
            r.sort = int(sort)
        except (TypeError, ValueError):
            state.problem(row.number, table, "sort", "org.sort.invalid")
    return r


def _check_unit_code(state: OrgParseState, table: Table, r: UnitRow) -> None:
    """A unit's code: present, once in the file, not already in the database."""
    if not r.code:
        state.problem(r.row, table, "code", "org.code.missing")
    elif r.code in state.file_codes:
        state.problem(r.row, table, "code", "org.code.duplicate", c=r.code, r=state.file_codes[r.code])
    elif r.code in state.db_units:
        state.problem(r.row, table, "code", "org.code.exists", c=r.code, n=state.db_units[r.code])
    else:
        state.file_codes[r.code] = r.row


def _person_row(state: OrgParseState, table: Table, row: Row) -> PersonRow:
    p = PersonRow(
        row=row.number,
        name=text(table.get(row, "name")),
        phone=text(table.get(row, "phone")),
        unit_written=text(table.get(row, "unit")),
        title=text(table.get(row, "title")),
        username=text(table.get(row, "username")),
        card_no=text(table.get(row, "card_no")),
    )
    if not p.name:
        state.problem(row.number, table, "name", "org.person.name_missing")
    _person_unit(state, table, p)
    _person_role(state, table, row, p)
    if not p.title:
        p.title = str(Role(p.role).label) if p.role else ""
    _person_start(state, table, row, p)
    _check_username(state, table, p)
    senior = text(table.get(row, "senior"))
    p.senior = senior in ("是", "Y", "y", "1", "true", "True", "√")
    return p


def _person_unit(state: OrgParseState, table: Table, p: PersonRow) -> None:
    """The person's unit by code or name, from the file or the database."""
    w = p.unit_written
    if not w:
        state.problem(p.row, table, "unit", "org.person.unit_missing")
        return
    if w in state.file_codes or w in state.db_units:
        code = w
    else:
        code = state.file_names.get(w) or state.db_names.get(w) or ""
    if not code:
        state.problem(p.row, table, "unit", "org.person.unit_unknown", u=w)
    p.unit_code = code


# A person's role told by their title (职务) when the file gives none: only a title that is exactly a
# unit's chief (局长, 党组书记、局长) or a district leader's (副区长); a deputy, an office's director
# (办公室主任) or any other title files reports. The preview says how many were told so.
CHIEF_TITLES = frozenset(
    "局长 主任 书记 党组书记 党委书记 党工委书记 党支部书记 站长 所长 队长 大队长 院长 校长 镇长 乡长 "
    "行长 总经理 经理 部长 馆长 社长 主席 理事长 会长 秘书长".split()
)
LEADER_TITLES = frozenset(
    "区长 副区长 常务副区长 区委书记 区委副书记 区委常委 县长 副县长 常务副县长 县委书记 县委副书记 "
    "县委常委 市长 副市长 常务副市长 市委书记 市委副书记 市委常委 区人大常委会主任 区政协主席".split()
)


def role_from_title(title: str) -> str | None:
    """The role a title names by itself (see CHIEF_TITLES), None when it names none."""
    parts = [t for t in SEPARATORS.split(title) if t]
    if any(t in LEADER_TITLES for t in parts):
        return Role.LEADER
    if any(t in CHIEF_TITLES for t in parts):
        return Role.HEAD
    return None


def _person_role(state: OrgParseState, table: Table, row: Row, p: PersonRow) -> None:
    role = text(table.get(row, "role"))
    if not role:
        told = role_from_title(p.title)
        p.role = told or Role.REPORTER
        state.roles_told[p.role] = state.roles_told.get(p.role, 0) + 1
    elif role in ROLE_WORDS:
        p.role = ROLE_WORDS[role]
    else:
        suggestions = [str(label) for _v, label in Role.choices]
        state.problem(row.number, table, "role", "org.person.role_unknown", suggestions=suggestions, r=role)


def _person_start(state: OrgParseState, table: Table, row: Row, p: PersonRow) -> None:
    raw_start = table.get(row, "start")
    if raw_start is None:
        p.start = timezone.localdate().isoformat()
        return
    d = parse_date(raw_start)
    if d is None:
        state.problem(row.number, table, "start", "org.person.start_invalid", v=text(raw_start))
    else:
        p.start = d.isoformat()


def _check_username(state: OrgParseState, table: Table, p: PersonRow) -> None:
    """A login name: once in the file, not already taken."""
    if not p.username:
        return
    if p.username in state.file_usernames:
        r = state.file_usernames[p.username]
        state.problem(p.row, table, "username", "org.person.username_duplicate", u=p.username, r=r)
    elif p.username in state.db_usernames:
        state.problem(p.row, table, "username", "org.person.username_exists", u=p.username)
    else:
        state.file_usernames[p.username] = p.row


def find_cols(sheet: Any, header_row: int) -> list[str]:
    """Canonical unit-table keys named in a header row (to tell a units sheet from a people sheet)."""
    row = sheet.rows[header_row - 1]
    return [UNIT_COLUMNS[norm_header(c)] for c in row.cells if norm_header(c) in UNIT_COLUMNS]


def _parents_first(
    units: list[UnitRow], known: set[str], problems: list[Problem], column: str
) -> list[UnitRow]:
    pending = {u.code: u for u in units if u.code}
    placed: set[str] = set(known)
    ordered: list[UnitRow] = []
    while pending:
        ready = [u for u in pending.values() if not u.parent_code or u.parent_code in placed]
        if not ready:
            for u in pending.values():
                if u.parent_code in pending:
                    problems.append(Problem.of(u.row, column, "org.parent.cycle"))
            ordered += list(pending.values())
            break
        for u in ready:
            ordered.append(u)
            placed.add(u.code)
            del pending[u.code]
    return ordered + [u for u in units if not u.code]


@dataclass
class OrgImportResult:
    preview: OrgPreview
    committed: bool
    units: int = 0
    people: int = 0


@transaction.atomic
def commit_org(
    source: str | Path | bytes, *, actor: Any, filename: str = "", batch_id: int | None = None
) -> OrgImportResult:
    """Re-read the file and create every unit and person, or nothing (one transaction)."""
    from luoshi.audit.services import record
    from luoshi.org.models import Post
    from luoshi.org.services import membership_start, person_create, post_create, unit_create

    from .task_import import file_digest

    preview = parse_org(source, filename=filename)
    if not preview.ok:
        raise ImportRefused(preview.problems, preview)
    User = get_user_model()
    by_code: dict[str, Unit] = {}
    for u in preview.units:
        parent = None
        if u.parent_code:
            parent = by_code.get(u.parent_code) or Unit.objects.get(code=u.parent_code)
        by_code[u.code] = unit_create(
            actor=actor,
            code=u.code,
            name=u.name,
            category=u.category,
            parent=parent,
            short_name=u.short_name,
            aliases=u.aliases,
            sort=u.sort,
        )
    posts: dict[tuple[int, str, str], Post] = {}
    for p in preview.people:
        unit = by_code.get(p.unit_code) or Unit.objects.get(code=p.unit_code)
        user = None
        if p.username:
            user = User.objects.create_user(username=p.username, password=None, first_name=p.name[:150])
        person = person_create(actor=actor, name=p.name, phone=p.phone, card_no=p.card_no, user=user)
        key = (unit.pk, p.title, p.role)
        post = posts.get(key) or Post.objects.filter(unit=unit, title=p.title, role=p.role).first()
        if post is None:
            post = post_create(actor=actor, unit=unit, title=p.title, role=p.role, senior=p.senior)
        posts[key] = post
        membership_start(actor=actor, person=person, post=post, start=date.fromisoformat(p.start))
    record(
        None,
        "org.import.committed",
        actor=actor,
        object_type="imports.importbatch",
        object_id=str(batch_id or ""),
        object_repr=filename[:300],
        data={
            "file": filename,
            "sha256": file_digest(source),
            "units": len(preview.units),
            "people": len(preview.people),
        },
    )
    return OrgImportResult(preview, True, len(preview.units), len(preview.people))


def import_org(
    file_path_or_bytes: str | Path | bytes, *, actor: Any, dry_run: bool = False, filename: str = ""
) -> OrgImportResult:
    """Preview (dry_run) or commit an organisation file; a refused file raises ImportRefused."""
    if dry_run:
        return OrgImportResult(parse_org(file_path_or_bytes, filename=filename), False)
    return commit_org(file_path_or_bytes, actor=actor, filename=filename)
