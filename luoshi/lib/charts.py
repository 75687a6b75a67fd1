"""Data tables beside the charts: what a canvas shows, as a server-rendered table with the same links.

A chart is drawn on a canvas, which a keyboard cannot enter and a screen reader cannot read. Every
chart therefore gets a table of the same numbers (rendered by `web/_chart_table.html` inside a
<details> "数据表") whose cells link where a click on the bar goes, and a one-line summary that
becomes the canvas's aria-label. Views build the table from the rows they already give the chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, the link a click on the chart would follow, and whether it is a number."""

    text: Any
    url: str = ""
    num: bool = False


@dataclass
class ChartTable:
    """A chart's data table: `id` names the <details>, `caption` is the chart's title."""

    id: str
    caption: Any
    columns: Sequence[Any]
    rows: list[list[Cell]] = field(default_factory=list)
    summary: Any = ""
    # Column indexes that hold numbers (right-aligned headers).
    num_columns: frozenset[int] = frozenset()

    def body_html(self) -> SafeString:
        """The rows as table rows (the first cell a row header, numbers right-aligned, each cell's
        link), each value shown as a template shows it (local time, localized, escaped). Built here
        rather than in the template: the map's table has a row per point, and at 3,000 points the
        template's loop over the cells was half the page's time."""
        out = []
        for row in self.rows:
            cells = []
            for i, c in enumerate(row):
                text = conditional_escape(str(localize(template_localtime(c.text))))
                inner = f'<a href="{conditional_escape(c.url)}">{text}</a>' if c.url else text
                if i == 0:
                    cells.append(f'<th scope="row">{inner}</th>')
                else:
                    cells.append(f'<td class="num">{inner}</td>' if c.num else f"<td>{inner}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        return mark_safe("\n".join(out))  # every value and link is escaped above


def cell(value: Any, url: str = "") -> Cell:
    """A cell for `value`: numbers are right-aligned; `None` shows a dash."""
    if value is None:
        return Cell("—", url, num=True)
    is_num = isinstance(value, int | float) and not isinstance(value, bool)
    return Cell(value, url, num=is_num)


def chart_table(
    *,
    id: str,
    caption: Any,
    columns: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    summary: Any = "",
) -> ChartTable:
    """Build a data table; a row's items are plain values or `Cell`s (a `Cell` keeps its link)."""
    built = [[x if isinstance(x, Cell) else cell(x) for x in row] for row in rows]
    nums = frozenset(i for i in range(len(columns)) if built and all(r[i].num for r in built if i < len(r)))
    return ChartTable(
        id=id, caption=caption, columns=list(columns), rows=built, summary=summary, num_columns=nums
    )
