"""Reading a question table (题库导入, xlsx or csv) into rows and problems for the preview.

Columns by header: 题号 (optional code), 题型 (单选/多选/判断), 题干, 选项A … 选项H, 答案 (letters,
or 对/错 for true/false). Nothing is written here; `services.questions_import` commits all rows,
and only when the preview shows no problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import rules

KIND_WORDS = {
    "单选": rules.SINGLE,
    "单选题": rules.SINGLE,
    "single": rules.SINGLE,
    "多选": rules.MULTIPLE,
    "多选题": rules.MULTIPLE,
    "multiple": rules.MULTIPLE,
    "判断": rules.JUDGE,
    "判断题": rules.JUDGE,
    "judge": rules.JUDGE,
}
LETTERS = "ABCDEFGH"


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)


def _table(name: str, data: bytes) -> list[list[str]]:
    """The first sheet's rows as text, read as every import reads a table (`imports.sheets`: .xlsx,
    .xls, csv in UTF-8, UTF-16 or GBK)."""
    from luoshi.imports.sheets import read_sheets, text

    sheets = read_sheets(data, filename=name)
    return [[text(c) for c in row.cells] for row in sheets[0].rows] if sheets else []


def parse(name: str, data: bytes) -> Parsed:
    out = Parsed()
    try:
        table = _table(name, data)
    except Exception:  # a damaged or foreign file: one problem, no rows
        out.problems.append((0, "", _("无法读取表格，请上传 xlsx、xls 或 csv 文件。")))
        return out
    header_at = next((i for i, r in enumerate(table) if "题干" in r), None)
    if header_at is None:
        out.problems.append((0, "", _("找不到表头（需要“题型”“题干”“答案”列）。")))
        return out
    header = table[header_at]
    col = {h: i for i, h in enumerate(header) if h}
    for need in ("题型", "题干", "答案"):
        if need not in col:
            out.problems.append((header_at + 1, need, _("缺少列“%(c)s”。") % {"c": need}))
    if out.problems:
        return out
    option_cols = [col[f"选项{c}"] for c in LETTERS if f"选项{c}" in col]
    seen: set[str] = set()
    for i, r in enumerate(table[header_at + 1 :], start=header_at + 2):
        r = r + [""] * (len(header) - len(r))
        if not any(r):
            continue
        kind = KIND_WORDS.get(r[col["题型"]].lower())
        text = r[col["题干"]]
        code = r[col["题号"]] if "题号" in col else ""
        options = [r[c] for c in option_cols]
        while options and not options[-1]:
            options.pop()
        if kind is None:
            out.problems.append((i, "题型", _("题型应为 单选、多选 或 判断。")))
            continue
        if not text:
            out.problems.append((i, "题干", _("题干为空。")))
            continue
        if code and code in seen:
            out.problems.append((i, "题号", _("题号 %(c)s 重复。") % {"c": code}))
            continue
        if kind != rules.JUDGE and len(options) < 2:
            out.problems.append((i, "选项", _("至少需要两个选项。")))
            continue
        try:
            answer = rules.parse_answer(kind, r[col["答案"]], 2 if kind == rules.JUDGE else len(options))
        except ValueError as e:
            out.problems.append((i, "答案", str(e)))
            continue
        if code:
            seen.add(code)
        out.rows.append(
            {"row": i, "code": code, "kind": kind, "text": text, "options": options, "answer": answer}
        )
    if not out.rows and not out.problems:
        out.problems.append((header_at + 1, "", _("表格中没有试题。")))
    return out
