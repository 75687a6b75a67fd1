"""The task list on a phone-sized screen (390×844): titles stay readable."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_task_list_titles_are_readable_on_a_phone(
    p: Any, browser: Any, live_url: str, login: Any, shot: Any
) -> None:
    plan = p.plan(name="手机测试计划", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    for i in range(3):
        p.task(
            plan,
            title=f"推进城区老旧小区改造和背街小巷整治提升工程第{i + 1}批",
            unit=p.unit_a,
            co_units=[p.unit_b],
        )
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        login(page, "officer")
        page.goto("/work/tasks/")
        link = page.locator("table.tasks tbody td:nth-child(2) a").first
        link.wait_for()
        cell = page.locator("table.tasks tbody td:nth-child(2)").first.bounding_box()
        # At 14 px a line, two characters are ~30 px: the title cell keeps room for at least eight.
        assert cell and cell["width"] >= 8 * 14, cell
        lines = page.evaluate(
            "el => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))",
            link.element_handle(),
        )
        assert lines <= 4, lines
        shot(page, "phone-task-list")
    finally:
        context.close()
