"""The reporting flow in real Chromium: a clerk files with evidence, the head approves, the office
rejects then closes a completion claim, and a week's 20 reports fit in 60 clicks and keystrokes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from luoshi.work import rules
from luoshi.work.models import Evidence, Report, ReportState, Status
from luoshi.work.services import report_submit, task_refresh
from tests.factories import claim_task

pytestmark = pytest.mark.browser


def _plan(p: Any, **kw: Any) -> Any:
    today = timezone.localdate()
    return p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165), **kw)


def _task(p: Any, plan: Any, **kw: Any) -> Any:
    task = p.task(plan, **kw)
    task_refresh(task=task)
    task.refresh_from_db()
    return task


def test_clerk_files_report_with_evidence_and_sees_light_change(p, page, login, shot, tmp_path):  # type: ignore[no-untyped-def]
    plan = _plan(p, head_approval=False)
    task = _task(p, plan, title="建成区级创新创业孵化基地")
    assert task.light == "red"
    evidence = tmp_path / "验收照片.txt"
    evidence.write_text("现场验收照片说明", encoding="utf-8")

    login(page, "reporter_a", via_form=True)
    page.goto("/work/fill/")
    row = page.locator(f"#fill-{task.pk}")
    assert row.locator(".badge").inner_text() == "严重滞后"
    shot(page, "before")
    row.locator("input[name=percent]").fill("80")
    row.locator("details.flow-more > summary").first.click()
    row.locator("textarea[name=narrative]").fill("主体工程完工，进入验收")
    row.locator("textarea[name=problems]").fill("配套资金到位慢")
    row.locator("input[name=evidence]").set_input_files(str(evidence))
    row.locator("button.fill-submit").click()

    done = page.locator(f"#fill-{task.pk}.done")
    done.wait_for()
    assert "已填报" in done.inner_text()
    assert done.locator(".badge").inner_text() == "正常"
    assert "light-green" in (done.locator(".badge").get_attribute("class") or "")
    shot(page, "after")
    report = Report.objects.get(task=task)
    assert report.percent == Decimal("80.00") and report.narrative == "主体工程完工，进入验收"
    ev = Evidence.objects.get(report=report)
    assert ev.name == "验收照片.txt" and ev.file.read().decode() == "现场验收照片说明"


def test_head_approves_a_filed_report(p, browser, page, login, shot):  # type: ignore[no-untyped-def]
    plan = _plan(p)
    task = _task(p, plan, title="推进老旧小区改造")

    login(page, "reporter_a")
    page.goto("/work/fill/")
    row = page.locator(f"#fill-{task.pk}")
    row.locator("input[name=percent]").fill("70")
    row.locator("input[name=percent]").press("Enter")
    page.locator(f"#fill-{task.pk}.done").wait_for()
    assert "待单位审核" in page.locator(f"#fill-{task.pk}").inner_text()
    report = Report.objects.get(task=task)
    assert report.state == ReportState.PENDING

    page.context.clear_cookies()
    login(page, "head_a")
    page.goto("/work/approvals/")
    row = page.locator(f"#approval-{report.pk}")
    assert "70%" in row.inner_text()
    shot(page, "queue")
    row.locator("button.approve").click()
    done = page.locator(f"#approval-{report.pk}.done")
    done.wait_for()
    assert "已审核通过" in done.inner_text()
    assert done.locator(".badge").inner_text() == "正常"
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.approved_by == p.head_a


def test_office_rejects_a_claim_then_closes_it(p, page, login, shot):  # type: ignore[no-untyped-def]
    plan = _plan(p)
    task = _task(p, plan, title="完成河道综合整治")
    claim_task(actor=p.reporter_a, task=task, note="整治完成")

    login(page, "officer")
    page.goto("/work/review/")
    row = page.locator(f"#claim-{task.pk}")
    assert "整治完成" in row.inner_text()
    row.locator("input[name=reason]").fill("缺少第三方验收报告")
    row.locator("button.reject").click()
    page.locator("main").get_by_text("已退回完成申请").wait_for()
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    assert task.transitions.last().reason == "缺少第三方验收报告"

    claim_task(actor=p.reporter_a, task=task, note="已补充验收报告")
    page.goto("/work/review/")
    row = page.locator(f"#claim-{task.pk}")
    assert "已补充验收报告" in row.inner_text()
    row.locator("button.confirm").click()
    page.locator("main").get_by_text("已确认完成并销号").wait_for()
    shot(page, "closed")
    task.refresh_from_db()
    assert task.status == Status.CLOSED and task.light == "done"


class Counted:
    """Performs clicks and key presses on a page and counts every one of them."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.actions = 0

    def click(self, locator: Any) -> None:
        locator.click()
        self.actions += 1

    def type(self, text: str) -> None:
        for char in text:
            self.page.keyboard.press(char)
            self.actions += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.actions += 1


def test_a_weeks_reports_for_20_tasks_within_60_actions(p, page, login, shot):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    plan = _plan(p, cadence="weekly")
    last_week = rules.previous_period_end("weekly", today)
    tasks = []
    for i in range(20):
        task = p.task(plan, title=f"周报任务{i + 1:02d}")
        report_submit(actor=p.head_a, task=task, percent=40 + i, period=last_week, on=last_week)
        tasks.append(task)

    login(page, "reporter_a")
    page.goto("/work/fill/")
    assert page.locator("#fill-todo > .flow-row").count() == 20
    user = Counted(page)
    changed = {t.pk: str(60 + i) for i, t in enumerate(tasks) if i % 3 == 0}  # 7 changed, 13 unchanged
    for task in tasks:
        row = page.locator(f"#fill-{task.pk}")
        if task.pk in changed:
            user.click(row.locator("input[name=percent]"))
            user.type(changed[task.pk])
            user.press("Enter")
        else:
            user.click(row.locator("button.fill-nochange"))
        page.locator(f"#fill-{task.pk}.done").wait_for()
    shot(page, "all-filed")

    assert user.actions <= 60, user.actions
    assert page.locator("#fill-todo > .flow-row.done").count() == 20
    reports = Report.objects.filter(task__in=tasks, period_end=rules.period_end("weekly", today))
    assert reports.count() == 20
    for report in reports:
        if report.task_id in changed:
            assert report.percent == Decimal(changed[report.task_id]) and not report.no_change
        else:
            assert report.no_change and report.reported_on == today
    page.goto("/work/fill/")
    assert page.locator("#fill-todo > .flow-row").count() == 0


def test_console_errors_are_caught(page, live_url):  # type: ignore[no-untyped-def]
    """The `page` fixture really sees console errors (this test then clears them)."""
    page.goto("/login/")
    page.evaluate("console.error('boom from test')")
    page.wait_for_timeout(50)
    assert any("boom from test" in e for e in page.console_errors)
    page.console_errors.clear()
