"""A task decomposition table's preview: its rows and problems, and the year deadlines are read in.

The column spellings (`TASK_COLUMNS`) and the preview's data (`TaskRow`, `TaskPreview`) shared by
the parser (`task_parse`) and the writer (`task_import`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from .common import Problem, errors
from .sheets import Sheet, Table, norm_header, text

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
    "leader": "责任领导 牵头领导 分管领导 牵头县领导 牵头区领导 责任区领导 责任县领导 区领导 县领导 lead_leader 领导 "
    "包抓领导 包联领导 包保领导 联系领导 包抓区领导 包抓县领导 包联区领导 包联县领导",
    "person": "责任人 具体责任人 联系人 经办人",
    "deadline": "完成时限 时间节点 完成时间 时限 时限要求 完成时限要求 deadline 完成期限 时间要求",
    "weight": "权重 分值",
}.items():
    for _n in _names.split():
        TASK_COLUMNS[norm_header(_n)] = _key

SECTION_HEAD = re.compile(
    r"^\s*(第?[一二三四五六七八九十百]+)\s*[、.．,，]?\s*(?:部分|方面|板块)?\s*[、.．:：]?\s*"
)
# A sub-heading's numbering under a 一、 section: （一）, (二).
SUB_HEAD = re.compile(r"^\s*[\(（]\s*([一二三四五六七八九十]+)\s*[\)）]\s*[、.．]?\s*")
SEQ_CLEAN = re.compile(r"^[\(（]?\s*([0-9一二三四五六七八九十百]+)\s*[\)）]?\s*[、.．]?$")
LARGE_FILE_ROWS = 2000


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
