"""Exporters (pretix-style): an exporter yields sheets of a header and rows; one base writes xlsx and csv.

    class MyExporter(Exporter):
        filename = "things"
        def columns(self): return [Column(_("名称"), width=30), Column(_("日期"), kind=DATE)]
        def rows(self): yield from queryset.values_list(...).iterator(chunk_size=2000)

    return xlsx_response(MyExporter(...))   # temp file + FileResponse, constant memory
    return csv_response(MyExporter(...))    # StreamingHttpResponse, UTF-8 with BOM for Excel

Rows are pulled lazily from `rows()`, so a big export never holds every row in memory: xlsx is written
in XlsxWriter's constant_memory mode (one row in memory at a time) and csv is streamed as it is read.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from luoshi.lib.csvcell import neutralise

TEXT = "text"
DATE = "date"
PERCENT = "percent"  # a value in percent (45.5 means 45.5%)
NUMBER = "number"
INTEGER = "integer"

BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 14
    kind: str = TEXT
    wrap: bool = False


@dataclass
class Sheet:
    """One table: a name (the xlsx tab), an optional title row above the header, columns and rows."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    title: str = ""
    subtitle: str = ""
    notes: list[str] = field(default_factory=list)


class Exporter:
    """Base exporter: override `columns()` and `rows()` (one sheet) or `sheets()` (several)."""

    filename = "export"
    title = ""
    subtitle = ""
    sheet_name = "Sheet1"

    def columns(self) -> Sequence[Column]:
        raise NotImplementedError

    def rows(self) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def sheets(self) -> Iterator[Sheet]:
        yield Sheet(
            name=str(self.sheet_name),
            columns=self.columns(),
            rows=self.rows(),
            title=str(self.title),
            subtitle=str(self.subtitle),
        )

    def get_filename(self, ext: str) -> str:
        return f"{self.filename}.{ext}"


# ---------------------------------------------------------------------------------------------
# xlsx


def _cell_value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == PERCENT:
        return float(Decimal(str(value)) / 100)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _cell_writer(ws: Any, kind: str, fmt: Any) -> Any:
    """A per-column cell writer: the type dispatch is decided once per column, not once per cell
    (a 100,000-row ledger has a million cells)."""
    blank, string, number, stamp = ws.write_blank, ws.write_string, ws.write_number, ws.write_datetime

    def write(r: int, i: int, value: Any) -> None:
        if value is None or value == "":
            blank(r, i, None, fmt)
        elif kind == PERCENT:
            pct = value if isinstance(value, Decimal) else Decimal(str(value))
            number(r, i, float(pct / 100), fmt)
        elif type(value) is str:
            string(r, i, value, fmt)
        elif kind == DATE and isinstance(value, date):
            v = _cell_value(value, kind)
            stamp(r, i, v, fmt)
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            number(r, i, float(value), fmt)
        else:
            v = _cell_value(value, kind)
            if isinstance(v, (date, datetime)):
                stamp(r, i, v, fmt)
            else:
                string(r, i, str(v), fmt)

    return write


def write_xlsx(exporter: Exporter, target: str | IO[bytes]) -> int:
    """Write the exporter's sheets to `target` (a path or a binary file); returns the rows written."""
    wb = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "strings_to_numbers": False},
    )
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
    fmt_title = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    fmt_sub = wb.add_format({"font_size": 10, "align": "left", "valign": "vcenter", "font_color": "#555555"})
    fmt_head = wb.add_format(
        base
        | {"bold": True, "align": "center", "bg_color": "#D9E1F2", "text_wrap": True, "font_name": "黑体"}
    )
    formats = {
        TEXT: wb.add_format(base),
        "wrap": wb.add_format(base | {"text_wrap": True}),
        DATE: wb.add_format(base | {"num_format": "yyyy-mm-dd", "align": "center"}),
        PERCENT: wb.add_format(base | {"num_format": "0.0%", "align": "right"}),
        NUMBER: wb.add_format(base | {"num_format": "#,##0.00"}),
        INTEGER: wb.add_format(base | {"num_format": "0", "align": "center"}),
    }
    total = 0
    for sheet in exporter.sheets():
        ws = wb.add_worksheet(_sheet_name(sheet.name))
        cols = list(sheet.columns)
        last = max(len(cols) - 1, 0)
        for i, col in enumerate(cols):
            ws.set_column(i, i, col.width)
        r = 0
        if sheet.title:
            ws.set_row(r, 30)
            if last:
                ws.merge_range(r, 0, r, last, sheet.title, fmt_title)
            else:
                ws.write_string(r, 0, sheet.title, fmt_title)
            r += 1
        if sheet.subtitle:
            if last:
                ws.merge_range(r, 0, r, last, sheet.subtitle, fmt_sub)
            else:
                ws.write_string(r, 0, sheet.subtitle, fmt_sub)
            r += 1
        ws.set_row(r, 22)
        for i, col in enumerate(cols):
            ws.write_string(r, i, str(col.label), fmt_head)
        header_row = r
        ws.freeze_panes(header_row + 1, 0)
        r += 1
        writers = [_cell_writer(ws, c.kind, formats["wrap"] if c.wrap else formats[c.kind]) for c in cols]
        for row in sheet.rows:
            for i, value in enumerate(row):
                writers[i](r, i, value)
            r += 1
            total += 1
        if r > header_row + 1:
            ws.autofilter(header_row, 0, r - 1, last)
        for note in sheet.notes:
            r += 1
            ws.write_string(r, 0, note)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.repeat_rows(header_row)
        ws.fit_to_pages(1, 0)
    wb.close()
    return total


def _sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Sheet1"


def xlsx_response(exporter: Exporter) -> FileResponse:
    """Write the workbook to an unlinked temp file and stream it back (nothing big held in memory)."""
    fd, path = tempfile.mkstemp(suffix=".xlsx", prefix="luoshi-export-")
    os.close(fd)
    try:
        write_xlsx(exporter, path)
        handle = open(path, "rb")
    finally:
        # Unlinked while open: the data lives until the response closes the handle.
        os.unlink(path)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=exporter.get_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# ---------------------------------------------------------------------------------------------
# csv


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_value(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == PERCENT:
        return f"{Decimal(value):.1f}%"
    if kind == DATE and isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def iter_csv(exporter: Exporter) -> Iterator[str]:
    """CSV lines, BOM first (so Excel reads UTF-8); several sheets are separated by a blank line."""
    writer = csv.writer(_Echo())
    yield BOM
    for n, sheet in enumerate(exporter.sheets()):
        if n:
            yield writer.writerow([])
        cols = list(sheet.columns)
        if n and sheet.title:
            yield writer.writerow([neutralise(sheet.title)])
        yield writer.writerow([neutralise(str(c.label)) for c in cols])
        kinds = [c.kind for c in cols]
        for row in sheet.rows:
            yield writer.writerow([_csv_value(v, kinds[i]) for i, v in enumerate(row)])


def write_csv(exporter: Exporter, target: IO[str]) -> None:
    for line in iter_csv(exporter):
        target.write(line)


def csv_response(exporter: Exporter) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in iter_csv(exporter)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, exporter.get_filename("csv")) or ""
    return response
