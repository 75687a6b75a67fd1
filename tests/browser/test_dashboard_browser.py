"""The leader dashboard in real Chromium: the charts render with no console errors, and a bar
segment clicks through to the task list behind it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from luoshi.work.selectors import compute_lights
from luoshi.work.services import report_submit
from luoshi.work.services.lights import persist_lights

pytestmark = pytest.mark.browser


def _plan(p: Any) -> Any:
    today = timezone.localdate()
    plan = p.plan(
        name="看板测试计划",
        year=today.year,
        start=date(today.year, 1, 1),
        due=date(today.year, 12, 31),
        head_approval=False,
    )
    ok = p.task(plan, title="推进数字政府建设", unit=p.unit_a)
    report_submit(actor=p.reporter_a, task=ok, percent=100, narrative="已完成")
    p.task(plan, title="建设人才公寓", unit=p.unit_a, responsible_leader=p.leader.person)
    p.task(plan, title="清理拖欠账款", unit=p.unit_b, co_units=[p.unit_a], due=today - timedelta(days=5))
    persist_lights(compute_lights(plan_id=plan.pk, on=today), on=today)
    return plan


def test_leader_dashboard_renders_charts_and_clicks_through(p, page, login, shot):  # type: ignore[no-untyped-def]
    plan = _plan(p)
    login(page, "leader")
    page.goto("/work/dashboard/")
    page.locator("#chart-units canvas").first.wait_for()
    page.locator("#chart-trend canvas").first.wait_for()
    assert page.locator("#chart-units canvas").count() >= 1
    box = page.locator("#chart-units canvas").first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200
    # the chart drew its data (ECharts' own model, not only an empty canvas)
    series = page.evaluate(
        "() => window.luoshiDashboard.charts[0].getOption().series.map(s => [s.name, s.data])"
    )
    # Per lead unit (统计口径): 发改局 its red and green tasks; 财政局 the overdue one 发改局 co-operates on
    assert page.evaluate("() => window.luoshiDashboard.data.units.units.map(u => u.name)") == [
        "发改局",
        "财政局",
    ]
    assert series == [
        ["逾期", [0, 1]],
        ["严重滞后", [1, 0]],
        ["滞后", [0, 0]],
        ["正常", [1, 0]],
        ["未开始", [0, 0]],
        ["完成", [0, 0]],
    ]
    assert page.locator("#alert-list").inner_text().count("清理拖欠账款") == 1
    assert "我的分管单位" in page.inner_text("main")
    shot(page, "dashboard")

    # Click the middle of the first unit's red segment: it opens the list with plan, unit and light.
    point = page.evaluate(
        """() => {
          const d = window.luoshiDashboard.data, chart = window.luoshiDashboard.charts[0];
          const si = d.units.series.findIndex(s => s.light === 'red');
          let before = 0;
          for (let i = 0; i < si; i++) before += d.units.series[i].data[0];
          const x = before + d.units.series[si].data[0] / 2;
          const [px, py] = chart.convertToPixel({gridIndex: 0}, [x, 0]);
          return {px, py, unit: d.units.units[0].id};
        }"""
    )
    canvas_box = page.locator("#chart-units canvas").first.bounding_box()
    with page.expect_navigation():
        page.mouse.click(canvas_box["x"] + point["px"], canvas_box["y"] + point["py"])
    q = parse_qs(urlsplit(page.url).query)
    assert urlsplit(page.url).path == "/work/tasks/"
    assert q == {
        "plan": [str(plan.pk)],
        "unit": [str(point["unit"])],
        "lead": ["1"],
        "leaf": ["1"],
        "light": ["red"],
    }
    assert "建设人才公寓" in page.inner_text("main")
    shot(page, "clicked-through")
