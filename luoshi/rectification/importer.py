"""Importing a rectification ledger (整改台账) into a round: .csv or .xlsx, the columns offices publish
(序号, 问题, 整改目标, 整改措施, 责任单位, 牵头领导, 整改时限, 整改类型, 长效机制, 金额…; the
English headers of the shared samples too), unit names through the importer's `UnitMatcher`.

`preview` reads the file and lists every refusal with its row and column; `ledger_import` writes the
problems and their measures only when there is none (all or nothing), through `problems_create`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.errors import LuoshiError
from luoshi.imports.deadlines import Deadline, parse_deadline
from luoshi.imports.matching import Match, People, UnitMatcher, person_names, split_units
from luoshi.imports.sheets import HEADING, SheetError, Table, find_table, norm_header, read_sheets, text
from luoshi.lib.natural import cn_numeral
from luoshi.org.access import require_officer
from luoshi.org.models import Person, Unit

from .models import Problem, ProblemKind, Round
from .services import NewProblem, problem_refusal, problems_create

HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "问题序号", "item_no", "no"),
    "text": ("问题", "问题内容", "存在问题", "反馈问题", "问题描述", "problem"),
    # a ledger that lists each fed-back problem's specific forms (具体表现) row by row
    "detail": ("具体表现", "具体问题", "问题表现", "主要表现"),
    "category": ("类别", "问题类别", "问题类型", "category"),
    "target": ("整改目标", "整改要求", "rectification_target"),
    "measures": ("整改措施", "整改措施及进展", "整改进展", "measures_or_progress", "measures"),
    "unit": ("责任单位", "牵头单位", "整改责任单位", "responsible_unit"),
    "leader": ("牵头领导", "责任领导", "responsible_leader"),
    "deadline": ("整改时限", "完成时限", "整改期限", "deadline_or_period", "deadline"),
    "kind": ("整改类型", "整改方式", "kind"),
    "mechanism": ("长效机制", "mechanism"),
    "money_involved": ("涉及金额", "问题金额", "涉及资金", "money_involved"),
    "money_recovered": ("挽回金额", "整改金额", "追回金额", "money_recovered"),
}
ALIASES = {norm_header(h): key for key, names in HEADERS.items() for h in names}


def group_heading(row: Any, table: Table) -> str | None:
    """The heading of a group of problems (a row merged across the ledger, or a numbered heading
    alone in its row with no unit), its numbering dropped; None for a problem's row."""
    values = [text(c) for c in row.cells if text(c)]
    if not values:
        return None
    first = values[0]
    if row.spans_all or (HEADING.match(first) and len(set(values)) == 1 and not text(table.get(row, "unit"))):
        return HEADING.sub("", first).strip() or first
    return None


def _group_marks(table: Table) -> dict[int, str]:
    """Each problem row's group mark (the heading's numeral: 二 for 「二、…」, else the group's
    ordinal), by row number, when the ledger numbers its problems again from the start in each group
    (一、… 1 2 3, 二、… 1 2): a number then names a problem only with its group's. Empty when the
    numbers never repeat from one group to another."""
    marks: dict[int, str] = {}
    groups: dict[str, set[str]] = {}  # a plain number → the groups it appears in
    mark = ""
    ordinal = 0
    for row in table.rows:
        if group_heading(row, table) is not None:
            ordinal += 1
            head = HEADING.match(next(text(c) for c in row.cells if text(c)))
            numeral = re.search(r"[一二三四五六七八九十]+", head.group()) if head else None
            mark = numeral.group() if numeral else cn_numeral(ordinal)
            continue
        if mark:
            marks[row.number] = mark
            number = text(table.get(row, "number"))
            if number:
                groups.setdefault(number, set()).add(mark)
    return marks if any(len(seen) > 1 for seen in groups.values()) else {}


MAX_ROWS = 5000

# A deadline cell that says "at once" instead of a date (立行立改, 即知即改).
IMMEDIATE_WORDS = ("立行立改", "立即整改", "即知即改", "立即", "马上")
# A deadline cell that says the problem is fixed already (已完成, 已整改到位).
DONE_WORDS = ("已完成", "已整改", "已办结", "已销号")


def immediate_due(rnd: Round) -> date:
    """An immediate problem's deadline when the ledger gives no date: a month from the round's
    feedback (its end when none), the rule inspection offices give 立行立改 problems, within the
    round's plan."""
    start = rnd.feedback or rnd.end
    month = start.month % 12 + 1
    year = start.year + (start.month == 12)
    day = min(start.day, calendar.monthrange(year, month)[1])
    return min(date(year, month, day), rnd.plan.due)


@dataclass
class Refusal:
    """One refused cell: the row as Excel numbers it, the column's header, why."""

    row: int
    column: str
    message: str
    suggestions: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _("第 %(row)s 行「%(col)s」：%(msg)s") % {
            "row": self.row,
            "col": self.column,
            "msg": self.message,
        }


@dataclass
class Parsed:
    rows: list[tuple[int, NewProblem]] = field(default_factory=list)
    errors: list[Refusal] = field(default_factory=list)
    # read, but not as written (a leader nobody knows is left unlinked): shown, never refused
    warnings: list[Refusal] = field(default_factory=list)


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return Decimal("0")
    try:
        amount = Decimal(text(value).replace(",", "").replace("万元", "").replace("万", ""))
    except InvalidOperation:
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() and amount >= 0 else None


def _leader(written: str, leaders: dict[str, list[int]]) -> tuple[int | None, str]:
    """The leader a ledger names (张三, 张三（副区长）, 张三、李四: the first), and a note when it is
    not linked as written: a name nobody has or several have is left unlinked, as the task importer
    leaves it (the problem is still imported; its leader can be set on the problem)."""
    names = person_names(written, leaders)
    if not names:
        return None, ""
    first = names[0]
    found = leaders.get(first, [])
    if len(found) > 1:
        return None, _("人员「%(n)s」有重名，未关联牵头领导。") % {"n": first}
    if not found:
        return None, _("找不到人员「%(n)s」，未关联牵头领导。") % {"n": first}
    if len(names) > 1:
        return found[0], _("填写了多人，仅关联第一位：%(n)s。") % {"n": first}
    return found[0], ""


def _kind(value: str, deadline: str) -> str | None:
    if not value:
        return ProblemKind.LONG_TERM if "长期" in deadline else ProblemKind.IMMEDIATE
    if "长期" in value or "持续" in value or "常态" in value:
        return ProblemKind.LONG_TERM
    # 限期整改 (by a set date) has no lasting mechanism to record: fixed at once as 立行立改 is
    if any(word in value for word in ("立行立改", "立即", "即知即改", "限期", "短期", "阶段性")):
        return ProblemKind.IMMEDIATE
    return None


def _table(data: bytes, filename: str) -> Table:
    try:
        sheets = read_sheets(data, filename=filename)
    except SheetError as exc:
        raise LuoshiError(str(exc)) from exc
    for sheet in sheets:
        table = find_table(sheet, ALIASES, required=("text", "unit"))
        if table is not None:
            return table
    raise LuoshiError(_("没有找到台账表头：至少要有「问题」和「责任单位」两列。"))


def preview(*, round: Round, data: bytes, filename: str = "") -> Parsed:
    """Every row of the ledger as a new problem, or the refusals with row and column; writes nothing."""
    table = _table(data, filename)
    if len(table.rows) > MAX_ROWS:
        raise LuoshiError(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
    matcher = UnitMatcher.from_db()
    units = Unit.objects.in_bulk()
    leaders = People().by_name
    people = Person.objects.in_bulk()
    stored = {
        number: (problem_text, unit_id)
        for number, problem_text, unit_id in Problem.objects.filter(round=round).values_list(
            "number", "text", "responsible_unit_id"
        )
    }
    numbers = set(stored)
    marks = _group_marks(table)
    first_row: dict[str, int] = {}  # a number → the row of the file that has it first
    parsed = Parsed()
    group = ""  # the heading the rows below belong to, their category when the ledger has no column
    i = 0
    for row in table.rows:
        heading = group_heading(row, table)
        if heading is not None:
            group = heading
            continue
        i += 1

        def cell(key: str, row: Any = row) -> str:
            return text(table.get(row, key))

        def refuse(key: str, message: str, row: Any = row, suggestions: list[str] | None = None) -> None:
            column = table.header_of(key) if key in table.columns else HEADERS[key][0]
            parsed.errors.append(Refusal(row.number, column, message, suggestions or []))

        before = len(parsed.errors)
        problem_text = cell("text")
        detail = cell("detail")
        if detail and detail != problem_text:
            # 反馈问题 with its specific form: the row's problem is the specific one, under its heading
            problem_text = f"{problem_text}：{detail}" if problem_text else detail
        if not problem_text:
            refuse("text", _("问题内容为空。"))
        written_unit = cell("unit")
        unit = None
        if not written_unit:
            refuse("unit", _("责任单位为空。"))
        else:
            match, lead_of_several = _responsible(written_unit, matcher)
            if match.unit_id is None:
                hint = "、".join(match.ambiguous or match.suggestions)
                message = _("找不到单位「%(u)s」。") % {"u": written_unit}
                if hint:
                    message += _("是不是：%(h)s？") % {"h": hint}
                refuse("unit", message, suggestions=match.ambiguous or match.suggestions)
            else:
                unit = units[match.unit_id]
                if lead_of_several:
                    note = _("写了多个单位，责任单位取牵头的“%(u)s”。") % {"u": unit.name}
                    parsed.warnings.append(Refusal(row.number, table.header_of("unit"), note))
        raw_deadline = cell("deadline")
        deadline, note = _deadline(raw_deadline, round)
        if note:
            parsed.warnings.append(Refusal(row.number, table.header_of("deadline"), note))
        if deadline.due is None:
            refuse("deadline", _("无法识别的日期「%(d)s」。") % {"d": raw_deadline})
        leader = None
        if cell("leader"):
            leader_id, note = _leader(cell("leader"), leaders)
            if leader_id is not None:
                leader = people[leader_id]
            if note:
                parsed.warnings.append(Refusal(row.number, table.header_of("leader"), note))
        kind = _kind(cell("kind"), raw_deadline)
        if kind is None:
            refuse("kind", _("整改类型应为「立行立改」或「长期整改」。"))
        involved, recovered = (
            _money(table.get(row, "money_involved")),
            _money(table.get(row, "money_recovered")),
        )
        if involved is None:
            refuse("money_involved", _("金额应为不小于 0 的数字（万元）。"))
        if recovered is None:
            refuse("money_recovered", _("金额应为不小于 0 的数字（万元）。"))
        if len(parsed.errors) > before:
            continue
        assert unit is not None and deadline.due is not None and kind is not None
        measure = cell("measures") or cell("target") or _("落实整改：%(t)s") % {"t": problem_text}
        number = cell("number") or str(i)
        if row.number in marks and "number" in table.columns:
            if not any(w.column == table.header_of("number") for w in parsed.warnings):
                parsed.warnings.append(
                    Refusal(
                        row.number,
                        table.header_of("number"),
                        _("序号在每组内从头编起，导入为「组号-序号」，如「%(n)s」。")
                        % {"n": f"{marks[row.number]}-{number}"},
                    )
                )
            number = f"{marks[row.number]}-{number}"
        new = NewProblem(
            number=number,
            text=problem_text,
            category=(cell("category") or group)[:60],
            responsible_unit=unit,
            responsible_leader=leader,
            deadline=deadline.due,
            kind=kind,
            mechanism=cell("mechanism") or (cell("target") if kind == ProblemKind.LONG_TERM else ""),
            measures=[(measure[:300], None)],
            money_involved=involved or Decimal("0"),
            money_recovered=recovered or Decimal("0"),
        )
        if new.number in stored:
            refuse("number", _stored_clash(new, *stored[new.number], units=units))
            continue
        if new.number in first_row:
            refuse(
                "number",
                _("序号 %(n)s 与第 %(row)s 行重复。") % {"n": new.number, "row": first_row[new.number]},
            )
            continue
        first_row[new.number] = row.number
        invalid = problem_refusal(new, numbers=numbers)
        if invalid is not None:
            key = {"text": "text", "number": "number", "mechanism": "mechanism"}.get(invalid.field, "text")
            refuse(key, invalid.message)
            continue
        numbers.add(new.number)
        parsed.rows.append((row.number, new))
    if not parsed.rows and not parsed.errors:
        raise LuoshiError(_("台账中没有问题行。"))
    return parsed


def _responsible(written: str, matcher: UnitMatcher) -> tuple[Match, bool]:
    """The responsible unit a cell names, as the matcher finds it (a note in brackets after the name,
    铁东区河湖管理中心(公示单位), dropped by the matcher itself), else the lead of several units written
    in it (区发改局、区财政局; 牵头：…；配合：…), then True."""
    match = matcher.match(written)
    split = split_units(written)
    if match.unit_id is None and split.lead and split.lead != written:
        lead = matcher.match(split.lead)
        if lead.unit_id is not None:
            return lead, True
    return match, False


def _deadline(written: str, rnd: Round) -> tuple[Deadline, str]:
    """The 整改时限 cell as a deadline in the round's plan, and a note when it gives no date: 立行立改
    is a month from the feedback (as inspection rules give it), 已完成 the feedback itself (signed
    off with evidence as any other). An unreadable cell is a deadline without a date."""
    deadline = parse_deadline(written or None, year=rnd.plan.due.year, plan_due=rnd.plan.due)
    if deadline.due is not None:
        return deadline, ""
    if any(word in written for word in IMMEDIATE_WORDS):
        due = immediate_due(rnd)
        return Deadline(due=due), _("「%(w)s」没有写日期，按反馈后一个月记为 %(d)s，请确认。") % {
            "w": written,
            "d": due,
        }
    if any(word in written for word in DONE_WORDS):
        due = min(rnd.feedback or rnd.end, rnd.plan.due)
        return Deadline(due=due), _(
            "「%(w)s」：整改时限记为反馈日期 %(d)s；销号仍须责任单位申请并上传佐证材料。"
        ) % {"w": written, "d": due}
    return deadline, ""


def _stored_clash(new: NewProblem, stored_text: str, unit_id: int, *, units: dict[int, Unit]) -> str:
    """Why a row whose number the round already holds is refused: the same problem imported before,
    or another ledger numbered from 1 too (each unit's own), with what to do about it."""
    if stored_text.strip() == new.text.strip():
        return _("本轮次已导入过这个问题（序号 %(n)s），这份台账可能已经导入。") % {"n": new.number}
    unit = units.get(unit_id)
    return _(
        "序号 %(n)s 在本轮次中已是「%(unit)s」的另一个问题（%(text)s）。如果这是另一份台账，"
        "请给序号加上前缀，如「%(prefix)s-%(n)s」。"
    ) % {
        "n": new.number,
        "unit": unit.name if unit else "—",
        "text": stored_text[:30],
        "prefix": (new.responsible_unit.short_name or new.responsible_unit.name)[:4],
    }


@transaction.atomic
def ledger_import(*, actor: Any, round: Round, data: bytes, filename: str = "") -> list[Problem]:
    """Import a ledger into a round: every row or none; a refusal names each bad row and column."""
    require_officer(actor)
    parsed = preview(round=round, data=data, filename=filename)
    if parsed.errors:
        shown = "；".join(str(e) for e in parsed.errors[:10])
        more = len(parsed.errors) - 10
        if more > 0:
            shown += _("；另有 %(n)s 处错误") % {"n": more}
        raise LuoshiError(_("台账未导入，请改正后重试：%(e)s") % {"e": shown}, code="import_refused")
    return problems_create(
        actor=actor,
        round=round,
        rows=[row for _n, row in parsed.rows],
        action="rectification.problem.imported",
    )
