"""Plausibility warnings (合理性提示) in real Chromium: the clerk is warned before a falling
cumulative figure is filed and confirms it; the head sees last figure, change and warning, and
"approve all" leaves that report for an individual decision."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from luoshi.work import rules
from luoshi.work.models import Report, ReportState
from luoshi.work.services import report_submit, task_refresh

pytestmark = pytest.mark.browser


def _chargers(p: Any) -> tuple[Any, Any]:
    """A plan with head approval; 6.2.5 充电桩 with 803 reported for the last period."""
    today = timezone.localdate()
    plan = p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))
    task = p.task(
        plan,
        title="新建充电桩",
        code="6.2.5",
        metric_name="充电桩",
        metric_unit="个",
        baseline=Decimal(0),
        target=Decimal(1000),
    )
    report_submit(actor=p.head_a, task=task, value=803, period=rules.previous_period_end("monthly", today))
    task_refresh(task=task)
    return plan, task


def test_clerk_is_warned_of_a_falling_cumulative_figure_and_confirms(p, page, login, shot):  # type: ignore[no-untyped-def]
    _plan, task = _chargers(p)
    login(page, "reporter_a")
    page.goto("/work/fill/")
    row = page.locator(f"#fill-{task.pk}")
    row.locator("input[name=value]").fill("100")
    row.locator("button.fill-submit").click()

    warning = page.locator(f"#fill-{task.pk} .flow-warning")
    warning.wait_for()
    assert "上期 803，本期 100" in warning.inner_text() and "比上期减少" in warning.inner_text()
    assert page.locator(f"#fill-{task.pk} input[name=value]").input_value() == "100"
    assert Report.objects.filter(task=task).count() == 1  # nothing filed yet
    shot(page, "warned")

    page.locator(f"#fill-{task.pk} button.fill-confirm").click()
    done = page.locator(f"#fill-{task.pk}.done")
    done.wait_for()
    assert "已填报" in done.inner_text() and "待单位审核" in done.inner_text()
    report = Report.objects.filter(task=task).latest("id")
    assert report.value == Decimal(100) and report.warnings == ["drop"] and report.warnings_acknowledged
    assert report.state == ReportState.PENDING


def test_head_sees_the_warning_and_approves_that_report_alone(p, page, login, shot):  # type: ignore[no-untyped-def]
    plan, task = _chargers(p)
    flagged = report_submit(actor=p.reporter_a, task=task, value=100, acknowledge_warnings=True)
    other = p.task(plan, title="推进老旧小区改造")
    plain = report_submit(actor=p.reporter_a, task=other, percent=30)

    login(page, "head_a")
    page.goto("/work/approvals/")
    row = page.locator(f"#approval-{flagged.pk}")
    text = row.inner_text()
    assert "上期 803个" in text and "-703" in text and "比上期减少" in text and "逐条审核" in text
    assert "须逐条审核" in page.locator("#approve-flagged").inner_text()
    shot(page, "queue")

    page.locator("#approve-all").click()
    page.locator("main").get_by_text("已审核通过 1 条。").wait_for()
    plain.refresh_from_db()
    flagged.refresh_from_db()
    assert plain.state == ReportState.SUBMITTED and flagged.state == ReportState.PENDING
    # Still in the queue, alone: no "approve all" for it.
    assert page.locator(f"#approval-{flagged.pk}").is_visible()
    assert page.locator("#approve-all").count() == 0

    page.locator(f"#approval-{flagged.pk} button.approve").click()
    page.locator(f"#approval-{flagged.pk}.done").wait_for()
    flagged.refresh_from_db()
    assert flagged.state == ReportState.SUBMITTED
    shot(page, "approved")
