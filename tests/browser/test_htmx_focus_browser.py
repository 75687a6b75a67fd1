"""Focus and the live region after HTMX swaps other than filing (issue 18): the unit head's approval
row, the office's review row, a refused action, and a filtered list, by keyboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.work.models import ReportState
from luoshi.work.services import report_submit, task_refresh
from tests.browser.htmx import wait_until
from tests.browser.test_keyboard_fill_browser import _active_id, _announced, _tab_to, _wait_for_focus

pytestmark = pytest.mark.browser


def _plan(p: Any) -> Any:
    today = timezone.localdate()
    return p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))


def test_head_approves_and_returns_by_keyboard(p, page, login, shot):  # type: ignore[no-untyped-def]
    plan = _plan(p)
    first, second = p.task(plan, title="推进老旧小区改造"), p.task(plan, title="新建口袋公园")
    approve = report_submit(actor=p.reporter_a, task=first, percent=30)
    back = report_submit(actor=p.reporter_a, task=second, percent=40)
    login(page, "head_a")
    page.goto("/work/approvals/")

    page.keyboard.press("Tab")
    wait_until(page, "() => document.activeElement !== document.body")
    for _ in range(200):  # to the first row's 审核通过 button
        if page.evaluate(f"() => !!document.activeElement.closest('#approval-{approve.pk} .approve')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    _wait_for_focus(page, f"approval-{approve.pk}-result")
    wait_until(page, "() => document.getElementById('announcer').textContent.length > 0")
    assert _announced(page) == "已审核通过：推进老旧小区改造"
    approve.refresh_from_db()
    assert approve.state == ReportState.SUBMITTED

    # Returned with a reason, typed: focus on the row's result, the region says it.
    for _ in range(200):
        if page.evaluate(f"() => !!document.activeElement.closest('#approval-{back.pk} input[name=reason]')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.type("数据有误")
    page.keyboard.press("Enter")
    _wait_for_focus(page, f"approval-{back.pk}-result")
    wait_until(page, "() => document.getElementById('announcer').textContent.includes('已退回')")
    back.refresh_from_db()
    assert back.state == ReportState.RETURNED and back.return_reason == "数据有误"
    shot(page, "decided")


def test_a_refused_action_puts_focus_on_its_message(p, page, login):  # type: ignore[no-untyped-def]
    """Approving a report someone else decided meanwhile: the row answers with the message, and focus
    and the live region go to it."""
    from luoshi.work.services import report_approve

    task = p.task(_plan(p), title="推进老旧小区改造")
    report = report_submit(actor=p.reporter_a, task=task, percent=30)
    login(page, "head_a")
    page.goto("/work/approvals/")
    report_approve(actor=p.head_a, report=report)  # in another window, say
    for _ in range(200):
        if page.evaluate(f"() => !!document.activeElement.closest('#approval-{report.pk} .approve')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    _wait_for_focus(page, f"approval-{report.pk}-error")
    wait_until(page, "() => document.getElementById('announcer').textContent.includes('已被处理')")


def test_a_filtered_list_keeps_focus_and_says_its_count(p, page, login):  # type: ignore[no-untyped-def]
    plan = _plan(p)
    for title in ("推进老旧小区改造", "新建口袋公园", "完成雨污分流改造"):
        task_refresh(task=p.task(plan, title=title))
    login(page, "reporter_a")
    page.goto("/work/tasks/")
    _tab_to(page, "id_q")
    page.keyboard.type("口袋")
    wait_until(page, "() => document.getElementById('announcer').textContent.includes('共 1 项任务')")
    assert _active_id(page) == "id_q"  # typing on is not interrupted
    assert page.locator("#results").inner_text().count("新建口袋公园") == 1
