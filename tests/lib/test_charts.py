"""The charts' data tables (luoshi.lib.charts): cells keep their links, numbers are right-aligned."""

from __future__ import annotations

from django.template.loader import render_to_string

from luoshi.lib.charts import Cell, cell, chart_table


def test_cells_from_plain_values_and_cells_keep_their_links() -> None:
    table = chart_table(
        id="t",
        caption="各单位亮灯情况",
        columns=["单位", "合计", "逾期"],
        rows=[
            [Cell("发改局", "/work/tasks/?unit=1"), 3, Cell(2, "/work/tasks/?unit=1&light=overdue", num=True)]
        ],
        summary="1 个单位",
    )
    row = table.rows[0]
    assert row[0] == Cell("发改局", "/work/tasks/?unit=1")
    assert row[1] == Cell(3, "", num=True)
    assert row[2].url == "/work/tasks/?unit=1&light=overdue"
    # the first column is text, the others hold numbers in every row
    assert table.num_columns == frozenset({1, 2})
    assert cell(None) == Cell("—", "", num=True)
    assert cell(True).num is False


def test_the_table_renders_a_caption_headers_and_the_links() -> None:
    table = chart_table(
        id="table-x",
        caption="得分分布",
        columns=["区间", "单位数"],
        rows=[["0–10", Cell(4, "/a?x=1&y=2", num=True)], ["10–20", 0]],
    )
    html = render_to_string("web/_chart_table.html", {"table": table})
    assert '<details class="chart-table" id="table-x">' in html
    assert "<caption>得分分布</caption>" in html
    assert '<th scope="row">0–10</th>' in html
    assert '<td class="num"><a href="/a?x=1&amp;y=2">4</a></td>' in html
    assert '<th scope="col" class="num">单位数</th>' in html


def test_an_empty_table_says_so() -> None:
    html = render_to_string(
        "web/_chart_table.html", {"table": chart_table(id="e", caption="c", columns=["a", "b"], rows=[])}
    )
    assert "暂无数据" in html and 'colspan="2"' in html
