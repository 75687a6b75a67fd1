"""Issue 18 on a phone (390×844) and by keyboard: lists as cards with no inner scrolling, no page
that scrolls sideways, a dashboard of bounded height whose unit chart shows the worst units first,
and a keyboard-only path from a chart's data table to the filtered task list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from luoshi.work.selectors import compute_lights
from luoshi.work.services import report_submit
from luoshi.work.services.lights import persist_lights
from tests.factories import make_unit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Elements of the main content whose box must lie inside the viewport's width.
BOXES_OUTSIDE = """(selector) => [...document.querySelectorAll(selector)].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && (r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5);
}).map(e => e.outerHTML.slice(0, 120))"""
# Any scrolling box inside the page that holds more than it shows sideways.
INNER_SCROLL = """() => [...document.querySelectorAll('main *, .main *')].filter(e => {
  const cs = getComputedStyle(e);
  return (cs.overflowX === 'auto' || cs.overflowX === 'scroll') && e.offsetParent !== null
    && e.scrollWidth > e.clientWidth;
}).map(e => (e.id || e.className) + ' ' + e.scrollWidth + '>' + e.clientWidth)"""


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)
    assert page.evaluate(INNER_SCROLL) == [], page.url


def test_task_list_shows_every_task_as_a_card_on_a_phone(p: Any, phone: Any, login: Any, shot: Any) -> None:
    today = timezone.localdate()
    plan = p.plan(
        name="手机卡片计划", year=today.year, start=date(today.year, 1, 1), due=date(today.year, 12, 31)
    )
    for i in range(30):
        p.task(
            plan,
            title=f"推进城区老旧小区改造和背街小巷整治提升工程第{i + 1}批",
            unit=p.unit_a if i % 2 else p.unit_b,
            co_units=[p.unit_b] if i % 2 else [],
        )
    login(phone, "officer")
    phone.goto(f"/work/tasks/?plan={plan.pk}")
    rows = phone.locator("table.tasks tbody tr")
    assert rows.count() == 20 or rows.count() == 30, rows.count()  # one page of the list
    _no_sideways_scroll(phone)
    # Each task shows its title, light, progress and due date, all inside the screen's width.
    for part in ("td.card-title a", "td.card-light .badge", "td.card-progress .bar", "td.card-due"):
        cells = phone.locator(f"table.tasks tbody tr {part}")
        assert cells.count() == rows.count(), part
        assert phone.evaluate(BOXES_OUTSIDE, f"table.tasks tbody tr {part}") == [], part
        for i in range(rows.count()):
            assert cells.nth(i).is_visible(), (part, i)
    # Titles keep a readable width (not two characters a line) and the cards are compact.
    title = phone.locator("table.tasks tbody td.card-title").first.bounding_box()
    assert title and title["width"] >= 12 * 14, title
    heights = phone.evaluate(
        "() => [...document.querySelectorAll('table.tasks tbody tr')].map(r => r.getBoundingClientRect().height)"
    )
    assert max(heights) <= 130, heights
    # The filters fold away on a phone, so the list starts on the first screen.
    assert phone.locator("details.filters-fold").get_attribute("open") is None
    first = phone.locator("table.tasks tbody tr").first.bounding_box()
    assert first and first["y"] < PHONE["height"], first
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height <= 150 * rows.count() + 1200, height
    shot(phone, "phone-task-cards")


def _dashboard_plan(p: Any, units: int) -> Any:
    today = timezone.localdate()
    plan = p.plan(
        name="手机看板计划",
        year=today.year,
        start=date(today.year, 1, 1),
        due=date(today.year, 12, 31),
        head_approval=False,
    )
    green = p.task(plan, title="推进数字政府建设", unit=p.unit_a)
    report_submit(actor=p.reporter_a, task=green, percent=100, narrative="已完成")
    p.task(plan, title="建设人才公寓", unit=p.unit_a)  # no report since January: red (严重滞后)
    p.task(plan, title="清理拖欠账款", unit=p.unit_b, due=today - timedelta(days=5))  # overdue
    for i in range(units):
        unit = make_unit(f"第{i + 1}街道办事处")
        p.task(plan, title=f"街道任务{i + 1}", unit=unit)
    persist_lights(compute_lights(plan_id=plan.pk, on=today), on=today)
    return plan


def test_dashboard_on_a_phone_is_short_with_its_scale_and_legend_in_view(
    p: Any, phone: Any, login: Any, shot: Any
) -> None:
    _dashboard_plan(p, units=24)
    login(phone, "officer")
    phone.goto("/work/dashboard/")
    phone.locator("#chart-units canvas").first.wait_for()
    data_units = phone.evaluate("() => window.luoshiDashboard.data.units.units.length")
    assert data_units == 26
    option = phone.evaluate(
        """() => { const o = window.luoshiDashboard.charts[0].getOption();
          return {rows: o.yAxis[0].data.length, legend: o.legend[0].type, axis: o.xAxis[0].position}; }"""
    )
    # The worst ten units, the scale at the top and a legend that wraps instead of paging.
    assert option == {"rows": 10, "legend": "plain", "axis": "top"}, option
    chart = phone.locator("#chart-units").bounding_box()
    assert chart and chart["height"] <= 480, chart
    _no_sideways_scroll(phone)
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height <= 4000, height
    shot(phone, "phone-dashboard")

    # "Show all" (here by keyboard: focus it and press Space) draws every unit, then back to ten.
    more = phone.locator("#chart-units-more")
    assert more.get_attribute("aria-expanded") == "false"
    more.focus()
    phone.keyboard.press("Space")
    assert more.get_attribute("aria-expanded") == "true"
    assert phone.evaluate("() => window.luoshiDashboard.charts[0].getOption().yAxis[0].data.length") == 26
    phone.keyboard.press("Enter")
    assert more.get_attribute("aria-expanded") == "false"
    # The data table lists every unit, each count linking where its bar goes.
    table_rows = phone.locator("#table-units tbody tr")
    assert table_rows.count() == 26
    # (a light's count is its segment's target; the total links to the unit's whole list)
    chart_urls = phone.evaluate(
        "() => window.luoshiDashboard.data.units.units.flatMap(u => u.urls.concat([u.url]))"
    )
    table_urls = phone.evaluate(
        "() => [...document.querySelectorAll('#table-units tbody a')].map(a => a.getAttribute('href'))"
    )
    assert table_urls and set(table_urls) <= set(chart_urls)
    assert any("light=red" in u for u in table_urls) and any("light=overdue" in u for u in table_urls)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("officer", "/work/dashboard/"),
        ("officer", "/work/plans/{plan}/"),
        ("officer", "/projects/"),
        ("officer", "/supervision/"),
        ("officer", "/rectification/"),
        ("officer", "/alerts/"),
        ("leader", "/work/dashboard/"),
        ("reporter_a", "/work/fill/"),
        ("reporter_a", "/work/tasks/"),
    ],
)
def test_no_page_scrolls_sideways_on_a_phone(p: Any, phone: Any, login: Any, who: str, url: str) -> None:
    plan = _dashboard_plan(p, units=3)
    login(phone, who)
    phone.goto(url.format(plan=plan.pk))
    phone.wait_for_load_state("load")
    _no_sideways_scroll(phone)


def _tab_to(page: Any, predicate: str, limit: int = 250) -> None:
    """Press Tab until the focused element satisfies `predicate` (a JS expression over `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({predicate}); }}"):
            return
    raise AssertionError(f"never focused: {predicate}")


def test_keyboard_only_from_a_chart_table_into_the_filtered_list(
    p: Any, page: Any, login: Any, shot: Any
) -> None:
    """Only the keyboard (Tab, Enter): open the unit chart's data table and follow unit A's 严重滞后
    count into the task list, which then shows that unit's red tasks only."""
    plan = _dashboard_plan(p, units=0)
    login(page, "officer")
    page.goto("/work/dashboard/")
    page.locator("#chart-units canvas").first.wait_for()
    _tab_to(page, "el.matches('#table-units > summary')")
    page.keyboard.press("Enter")
    assert page.locator("#table-units").get_attribute("open") is not None
    unit_a = p.unit_a.pk
    _tab_to(
        page,
        f"el.matches('#table-units a') && el.href.includes('unit={unit_a}&') && el.href.endsWith('light=red')",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    split = urlsplit(page.url)
    assert split.path == "/work/tasks/"
    assert parse_qs(split.query) == {
        "plan": [str(plan.pk)],
        "unit": [str(unit_a)],
        "lead": ["1"],
        "leaf": ["1"],
        "light": ["red"],
    }
    titles = page.locator("table.tasks tbody td.card-title a").all_inner_texts()
    assert titles == ["建设人才公寓"]
    assert page.locator("#id_unit").input_value() == str(unit_a)
    assert page.locator("input[name=light][value=red]").is_checked()
    shot(page, "keyboard-drill")
