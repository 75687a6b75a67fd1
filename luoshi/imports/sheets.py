"""Reading offices' spreadsheets: .xlsx (python-calamine) and .csv (UTF-8 with/without BOM, GBK).

Merged cells are filled: calamine reports only a merge's top-left value, so the value is copied
down and across the merged range, and each row remembers whether one merge spans the whole table
(a section row such as "一、经济社会发展的主要预期目标"). The header row is found below title rows
by matching known column names.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook


class SheetError(Exception):
    """The file cannot be read as a table (shown to the user as is)."""


@dataclass
class Row:
    number: int  # 1-based row number as the user sees it in Excel
    cells: list[Any]
    spans_all: bool = False  # one merged range covers every column of the table in this row


@dataclass
class Sheet:
    name: str
    rows: list[Row]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


@dataclass
class Table:
    """A sheet below its header: `columns` maps a canonical key to the column index."""

    sheet: str
    header_row: int
    headers: list[str]
    columns: dict[str, int]
    rows: list[Row]

    def header_of(self, key: str) -> str:
        idx = self.columns.get(key)
        return self.headers[idx] if idx is not None and idx < len(self.headers) else key

    def get(self, row: Row, key: str) -> Any:
        idx = self.columns.get(key)
        if idx is None or idx >= len(row.cells):
            return None
        return row.cells[idx]


def clean(value: Any) -> Any:
    """Strip text; Excel floats that are whole numbers become ints; empty text becomes None."""
    if isinstance(value, str):
        value = value.replace("\u3000", " ").replace("\xa0", " ").strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def text(value: Any) -> str:
    """A cell as text (dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(clean(value) if isinstance(value, float) else value).strip()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError as exc:
        raise SheetError("无法识别文件编码（支持 UTF-8 和 GBK）。") from exc


def _read_csv(data: bytes) -> list[Sheet]:
    body = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(body[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [
        Row(number=i, cells=[clean(c) for c in cells])
        for i, cells in enumerate(csv.reader(io.StringIO(body), dialect), start=1)
    ]
    return [Sheet(name="csv", rows=rows)]


def _read_xlsx(data: bytes) -> list[Sheet]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise SheetError(f"无法读取 Excel 文件：{exc}") from exc
    sheets = []
    for idx, name in enumerate(book.sheet_names):
        sheet = book.get_sheet_by_index(idx)
        raw = sheet.to_python(skip_empty_area=False)
        width = max((len(r) for r in raw), default=0)
        grid = [[clean(c) for c in r] + [None] * (width - len(r)) for r in raw]
        merged = list(sheet.merged_cell_ranges or [])
        spans: set[int] = set()
        for (r0, c0), (r1, c1) in merged:
            if not (0 <= r0 < len(grid) and 0 <= c0 < width):
                continue
            value = grid[r0][c0]
            for r in range(r0, min(r1, len(grid) - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    grid[r][c] = value
            if c0 == 0 and c1 >= width - 1 and r0 == r1:
                spans.add(r0)
        rows = [Row(number=i + 1, cells=cells, spans_all=i in spans) for i, cells in enumerate(grid)]
        sheets.append(Sheet(name=name, rows=rows, merged=merged))
    return sheets


def read_sheets(source: str | Path | bytes, *, filename: str = "") -> list[Sheet]:
    """Every sheet of an .xlsx or the one table of a .csv, merged cells filled."""
    if isinstance(source, (str, Path)):
        filename = filename or str(source)
        data = Path(source).read_bytes()
    else:
        data = source
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SheetError("不支持旧版 .xls 文件，请另存为 .xlsx 后再导入。")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise SheetError("文件不是有效的 .xlsx。")
    return _read_csv(data)


def norm_header(value: Any) -> str:
    """'责任单位\\n(★为牵头)' → '责任单位'; full-width brackets and spaces removed."""
    s = text(value).replace("（", "(").replace("）", ")").replace("【", "(").replace("】", ")")
    s = re.sub(r"\(.*?\)", "", s)
    s = re.sub(r"[\s:：*★]", "", s)
    return s.lower()


def find_table(
    sheet: Sheet, aliases: dict[str, str], *, required: tuple[str, ...] = (), scan: int = 20
) -> Table | None:
    """The first row (among the first `scan`) whose cells name at least two known columns and all
    `required` ones; the rows below it form the table. `aliases` maps a normalised header to a key."""
    for pos, row in enumerate(sheet.rows[:scan]):
        if row.spans_all:
            continue
        columns: dict[str, int] = {}
        for idx, cell in enumerate(row.cells):
            key = aliases.get(norm_header(cell))
            if key and key not in columns:
                columns[key] = idx
        if len(columns) >= 2 and all(k in columns for k in required):
            headers = [text(c) for c in row.cells]
            body = [r for r in sheet.rows[pos + 1 :] if any(c is not None for c in r.cells)]
            return Table(sheet=sheet.name, header_row=row.number, headers=headers, columns=columns, rows=body)
    return None
