"""Reading a 三单 catalogue table (xlsx or csv) into rows: the header row is found by its words
(编号/序号, 事项名称, 设定依据, 责任岗位, 运行流程), title rows above it are skipped."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from luoshi.errors import InvalidField

from .services import ItemRow

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("编号", "序号", "事项编码", "编码"),
    "name": ("事项名称", "名称", "权力事项", "职责事项", "事项"),
    "basis": ("设定依据", "法律依据", "依据"),
    "post": ("责任岗位", "岗位", "承办岗位"),
    "process": ("运行流程", "流程", "办理流程"),
}
MAX_ROWS = 5000


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _table(data: bytes, name: str) -> list[list[str]]:
    """The first sheet's rows as text, read as every import reads a table (`imports.sheets`: .xlsx,
    the older .xls, csv in UTF-8 or GBK; merged cells filled)."""
    from luoshi.imports.sheets import SheetError, read_sheets

    try:
        sheets = read_sheets(data, filename=name)
    except SheetError as exc:
        raise InvalidField(str(exc), field="file") from None
    rows = sheets[0].rows[: MAX_ROWS + 10] if sheets else []
    return [[_cell(v) for v in row.cells] for row in rows]


def _header(row: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        text = cell.replace(" ", "").replace("\n", "")
        for key, words in COLUMNS.items():
            if key not in found and text in words:
                found[key] = i
    return found if {"code", "name"} <= found.keys() else None


def read_rows(data: bytes, name: str) -> list[ItemRow]:
    """The catalogue's rows; InvalidField naming the problem when the table has no header or is too big."""
    table = _table(data, name)
    found = next(((i, c) for i, row in enumerate(table[:10]) if (c := _header(row)) is not None), None)
    if found is None:
        raise InvalidField(_("找不到表头：需要“编号”（或“序号”）和“事项名称”两列。"), field="file")
    at, cols = found
    out: list[ItemRow] = []
    for row in table[at + 1 :]:
        values = {k: (row[i] if i < len(row) else "") for k, i in cols.items()}
        if not any(values.values()):
            continue
        out.append(ItemRow(**values))
        if len(out) > MAX_ROWS:
            raise InvalidField(_("一次最多导入 %(n)s 项。") % {"n": MAX_ROWS}, field="file")
    return out
