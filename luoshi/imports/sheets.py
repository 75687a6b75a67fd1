"""Reading offices' spreadsheets: .xlsx and .xls (python-calamine), .csv (UTF-8 with/without BOM,
GBK), and the web-page tables that office systems export under an .xls name (html.parser).

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
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

# The numbering of a group heading within a table (一、产业项目, （二）落实全面从严治党方面): a row so
# numbered, alone in its row, heads the rows below it; `HEADING.sub("", text)` is its name.
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[）)])\s*")


class SheetError(Exception):
    """The file cannot be read as a table: a message code of imports.common.MESSAGES and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    def __str__(self) -> str:
        from .common import render_message

        return render_message(self.code, self.params, self.code)


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
    header_rows: int = 1  # how many rows the header spans (1–3), from header_row down

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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SheetError("sheet.encoding") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError as exc:
        raise SheetError("sheet.encoding") from exc


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


def _read_xlsx(data: bytes, *, refusal: str = "sheet.unreadable") -> list[Sheet]:
    """Every sheet of a workbook, .xlsx or the older .xls (calamine reads both, merged ranges too)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise SheetError(refusal, e=str(exc)) from exc
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


class _Tables(HTMLParser):
    """The tables of a web page as rows of cell texts, with each cell's rowspan and colspan."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._depth = 0
        self._row: list[tuple[str, int, int]] | None = None
        self._cell: list[str] | None = None
        self._span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
        elif self._depth == 1 and tag == "tr":
            self._row = []
        elif self._depth == 1 and tag in ("td", "th") and self._row is not None:
            a = dict(attrs)

            def span(name: str) -> int:
                value = (a.get(name) or "1").strip()
                return max(1, min(int(value), 1000)) if value.isdigit() else 1

            self._cell, self._span = [], (span("rowspan"), span("colspan"))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(("".join(self._cell).strip(), *self._span))
            self._cell = None
        elif self._depth == 1 and tag == "tr" and self._row is not None:
            if self._cell is not None:  # a cell left open at the row's end
                self._row.append(("".join(self._cell).strip(), *self._span))
                self._cell = None
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _html_charset(data: bytes) -> str:
    found = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:4096])
    return found.group(1).decode("ascii").lower() if found else ""


def _read_html(data: bytes) -> list[Sheet]:
    """The tables of a web page saved under an Excel name, each a sheet: rowspan and colspan filled
    as merged cells are, a row whose one cell spans the table marked as a section row."""
    charset = _html_charset(data)
    body = None
    for encoding in [c for c in (charset, "utf-8", "gb18030") if c]:
        try:
            body = data.decode("gb18030" if encoding in ("gbk", "gb2312") else encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if body is None:
        raise SheetError("sheet.encoding")
    parser = _Tables()
    parser.feed(body)
    parser.close()
    sheets = []
    for number, table in enumerate(parser.tables, start=1):
        grid: dict[tuple[int, int], Any] = {}
        spans: set[int] = set()
        width = 0
        for r, row in enumerate(table):
            c = 0
            for value, rowspan, colspan in row:
                while (r, c) in grid:
                    c += 1
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid[(r + dr, c + dc)] = clean(value)
                if rowspan == 1 and c == 0 and len(row) == 1 and colspan > 1:
                    spans.add(r)
                c += colspan
                width = max(width, c)
        if not table:
            continue
        rows = [
            Row(number=r + 1, cells=[grid.get((r, c)) for c in range(width)], spans_all=r in spans)
            for r in range(len(table))
        ]
        for r in spans:  # a section row spans the table only if it reaches its last column
            if len([c for c in rows[r].cells if c is not None]) < width:
                rows[r].spans_all = False
        sheets.append(Sheet(name=f"table{number}", rows=rows))
    if not sheets:
        raise SheetError("sheet.html_xls")
    return sheets


def read_sheets(source: str | Path | bytes, *, filename: str = "") -> list[Sheet]:
    """Every sheet of an .xlsx or the one table of a .csv, merged cells filled."""
    if isinstance(source, (str, Path)):
        filename = filename or str(source)
        data = Path(source).read_bytes()
    else:
        data = source
    if data[:4] == b"PK\x03\x04":
        if b"word/document.xml" in data[:65536] and b"xl/workbook.xml" not in data:
            raise SheetError("sheet.word")
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        # the older binary workbook (.xls, WPS .et); an encrypted .xlsx is such a file too, and
        # calamine refuses it
        return _read_xlsx(data, refusal="sheet.xls")
    lowered = filename.lower()
    if lowered.endswith((".xls", ".et", ".htm", ".html")) and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        return _read_html(data)  # a web page saved with an Excel name, as office systems export
    if lowered.endswith((".xls", ".et")) and (
        data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in data[:4096]
    ):
        return _read_csv(
            data
        )  # text saved under an Excel name (tab- or comma-separated), as some systems export
    if lowered.endswith((".xlsx", ".xlsm", ".xls", ".et")):
        raise SheetError("sheet.not_xlsx")
    return _read_csv(data)


def norm_header(value: Any) -> str:
    """'责任单位\\n(★为牵头)' → '责任单位'; full-width brackets and spaces removed."""
    s = text(value).replace("（", "(").replace("）", ")").replace("【", "(").replace("】", ")")
    s = re.sub(r"\(.*?\)", "", s)
    s = re.sub(r"[\s:：*★]", "", s)
    return s.lower()


def _header_of(rows: list[Row], aliases: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Columns named by a header of one or more rows. In each column the lowest row that names a
    known column wins: 牵头领导 and 责任单位 under a merged 责任分工, 序号 merged down both rows."""
    columns: dict[str, int] = {}
    headers: list[str] = []
    width = max(len(r.cells) for r in rows)
    for idx in range(width):
        cells = [r.cells[idx] if idx < len(r.cells) else None for r in rows]
        name = next((text(c) for c in reversed(cells) if c is not None), "")
        for cell in reversed(cells):
            key = aliases.get(norm_header(cell))
            if key and key not in columns:
                columns[key] = idx
                name = text(cell)
                break
        headers.append(name)
    return columns, headers


def _extends_header(row: Row, above: Row, aliases: dict[str, str], known: dict[str, int]) -> bool:
    """Whether `row` is a lower header row below `above` rather than the first row of data: every
    cell it adds is a short label (no numbers, no task text), and it names a column not yet known."""
    if row.spans_all:
        return False
    new_key = False
    for idx, cell in enumerate(row.cells):
        if cell is None or (idx < len(above.cells) and cell == above.cells[idx]):
            continue  # empty, or merged down from the row above
        if not isinstance(cell, str) or len(norm_header(cell)) > 12:
            return False
        key = aliases.get(norm_header(cell))
        new_key = new_key or (key is not None and key not in known)
    return new_key


def find_table(
    sheet: Sheet,
    aliases: dict[str, str],
    *,
    required: tuple[str, ...] = (),
    scan: int = 20,
    max_header_rows: int = 1,
) -> Table | None:
    """The first row (among the first `scan`) whose cells name at least two known columns and all
    `required` ones, with up to `max_header_rows - 1` header rows below it (a merged group cell
    such as 责任分工 above 牵头领导 | 责任单位); the rows below the header form the table.
    `aliases` maps a normalised header to a key."""
    rows = sheet.rows
    for pos, row in enumerate(rows[:scan]):
        if row.spans_all:
            continue
        span = [row]
        columns, headers = _header_of(span, aliases)
        if not any(aliases.get(norm_header(c)) for c in row.cells):
            continue
        while len(span) < max_header_rows and pos + len(span) < len(rows):
            below = rows[pos + len(span)]
            if not _extends_header(below, span[-1], aliases, columns):
                break
            span.append(below)
            columns, headers = _header_of(span, aliases)
        if len(columns) >= 2 and all(k in columns for k in required):
            body = [r for r in rows[pos + len(span) :] if any(c is not None for c in r.cells)]
            return Table(
                sheet=sheet.name,
                header_row=row.number,
                headers=headers,
                columns=columns,
                rows=body,
                header_rows=len(span),
            )
    return None
