"""A leader opens the warning board, sees both charts, and follows a unit's level to its reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from luoshi.alerts.services import warnings_step
from luoshi.work.services import plan_create, task_create
from luoshi.work.services.lights import mark_late_reports

pytestmark = pytest.mark.browser

DAY = date(2024, 4, 10)


def test_a_leader_follows_a_units_level_to_its_reasons(
    p: Any, page: Any, login: Any, live_url: str, shot: Any
) -> None:
    plan = plan_create(
        actor=p.officer,
        name="2024年度目标任务",
        year=2024,
        start=date(2024, 1, 1),
        due=date(2024, 12, 31),
        head_approval=False,
    )
    task_create(
        actor=p.officer,
        plan=plan,
        lead_unit=p.unit_a,
        title="优化营商环境专项行动",
        start=plan.start,
        due=plan.due,
    )
    task_create(
        actor=p.officer, plan=plan, lead_unit=p.unit_b, title="财政收支分析", start=plan.start, due=plan.due
    )
    mark_late_reports(plan_id=plan.pk, on=DAY)
    for day in (date(2024, 3, 27), date(2024, 4, 3), DAY):
        warnings_step(day)
    login(page, "leader")
    page.goto("/alerts/")
    page.locator("#levels-chart canvas").wait_for()
    page.locator("#trend-chart canvas").wait_for()
    rows = page.locator("#warning-table tbody tr")
    assert rows.count() == 1  # the leader's portfolio: unit A only
    assert "区发展和改革局" in rows.first.inner_text() and "区财政局" not in page.content()
    shot(page, "board")
    with page.expect_navigation():
        rows.first.locator("a.badge").click()
    assert page.locator("#warning-level").inner_text() == "蓝色预警"
    reasons = page.locator("#reasons tbody").inner_text()
    assert "迟报" in reasons and "优化营商环境专项行动" in reasons
    assert page.locator("#history tbody tr").count() == 3
    shot(page, "reasons")
    with page.expect_navigation():
        page.locator("#reasons a").first.click()
    assert "/work/tasks/" in page.url
