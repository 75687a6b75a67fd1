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
