"""The plan tree (计划树) in real Chromium: top-level tasks and an opened node's children appear in
the natural order of their codes (1.2 before 1.10, 二 before 十), not as their ids sort as text."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_plan_tree_lists_tasks_in_code_order(p, page, login):  # type: ignore[no-untyped-def]
    plan = p.plan(name="2026年度目标任务", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    tasks: dict[str, Any] = {}
    # Created out of order, so the ids disagree with the codes.
    for code, parent in [("十", None), ("1", None), ("1.10", "1"), ("二", None), ("1.2", "1"), ("1.1", "1")]:
        tasks[code] = p.task(plan, code=code, title=f"任务{code}号", parent=tasks.get(parent))
    login(page, "officer")
    page.goto(f"/work/plans/{plan.pk}/")
    page.locator(f"#node-{tasks['1'].pk}").wait_for()
    assert page.locator("li.node .node-title .muted").all_inner_texts() == ["1", "二", "十"]
    # Open task 1: its children arrive by HTMX, in code order.
    page.locator(f"#node-{tasks['1'].pk} > details > summary").click()
    kids = page.locator(f"#node-{tasks['1'].pk} .children li.node .node-title .muted")
    kids.nth(2).wait_for()
    assert kids.all_inner_texts() == ["1.1", "1.2", "1.10"]
