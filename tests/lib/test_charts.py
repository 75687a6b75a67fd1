"""The charts' data tables (luoshi.lib.charts): cells keep their links, numbers are right-aligned."""

from __future__ import annotations

import pytest
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


# The loop the template ran over every cell before the rows were built in Python (`body_html`): the
# reference for how each value reads, kept here so the two cannot drift apart.
TEMPLATE_ROWS = (
    '{% for row in table.rows %}<tr>{% for c in row %}{% if forloop.first %}<th scope="row">{% else %}'
    '<td{% if c.num %} class="num"{% endif %}>{% endif %}{% if c.url %}<a href="{{ c.url }}">{{ c.text }}'
    "</a>{% else %}{{ c.text }}{% endif %}{% if forloop.first %}</th>{% else %}</td>{% endif %}{% endfor %}"
    "</tr>\n{% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_read_as_the_template_wrote_them(language: str) -> None:
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from django.template import engines
    from django.utils import translation
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    table = chart_table(
        id="t",
        caption="c",
        columns=["名称", "数", "时", "注"],
        rows=[
            [
                Cell('A&B <"局">', "/p/?a=1&b=<2>"),
                Decimal("12.50"),
                datetime(2026, 11, 30, 17, 30, tzinfo=UTC),
                None,
            ],
            [gettext_lazy("逾期"), 3.25, date(2026, 12, 1), Cell(mark_safe("<b>已标记</b>"))],
            ["", Cell(-7, "/x/", num=True), "2026-12-01", True],
        ],
    )
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_ROWS).render({"table": table})
        assert table.body_html() == expected.rstrip("\n")
    assert "&lt;&quot;局&quot;&gt;" in expected and "2026" in expected and "<b>已标记</b>" in expected
