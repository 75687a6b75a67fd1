"""Milestones and completion claims in real Chromium (issue 8, items 2–4): the unit reports a
milestone met and the office confirms it, and the light changes; a claim with evidence and the
final value goes through the unit head to the office, whose row shows value against target."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from luoshi.work.models import Claim, ClaimState, Light, Milestone, Status, Task
from luoshi.work.services import report_approve, report_submit

pytestmark = pytest.mark.browser


def _plan(p: Any, **kw: Any) -> Any:
    today = timezone.localdate()
    return p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165), **kw)


def _badge(page: Any) -> str:
    return str(page.locator(".panel .badge").first.inner_text())


def test_unit_meets_a_milestone_office_confirms_light_turns(p, page, login, shot, tmp_path):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    plan = _plan(p, head_approval=False)
    task = p.task(plan, title="建设产业园区", milestones=[("完成主体施工", today - timedelta(days=10))])
    report_submit(actor=p.reporter_a, task=task, percent=60)  # on track: only the milestone is red
    ms = Milestone.objects.get(task=task)
    photo = tmp_path / "封顶照片.txt"
    photo.write_text("主体封顶现场照片", encoding="utf-8")

    login(page, "reporter_a")
    page.goto(f"/work/tasks/{task.pk}/")
    assert _badge(page) == "严重滞后"
    row = page.locator(f"#milestone-{ms.pk}")
    met = today - timedelta(days=12)
    row.locator("input[name=met_on]").fill(met.isoformat())
    row.locator("input[name=note]").fill("主体已封顶")
    row.locator("input[name=evidence]").set_input_files(str(photo))
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    page.get_by_text("已报告节点完成，等待督查室确认").wait_for()
    assert "待确认" in page.locator(f"#milestone-{ms.pk}").inner_text()
    assert _badge(page) == "严重滞后"  # not yet confirmed: the light stays
    shot(page, "claimed")

    login(page, "officer")
    page.goto("/work/review/")
    claim = Claim.objects.get(milestone=ms)
    item = page.locator(f"#milestone-claim-{claim.pk}")
    assert "封顶照片.txt" in item.inner_text() and met.isoformat() in item.inner_text()
    item.locator("button.confirm-milestone").click()
    page.locator("main").get_by_text("已确认节点完成").wait_for()
    page.goto(f"/work/tasks/{task.pk}/")
    assert _badge(page) == "正常"
    assert met.isoformat() in page.locator(f"#milestone-{ms.pk}").inner_text()
    shot(page, "confirmed")
    task.refresh_from_db()
    assert task.light == Light.GREEN and Milestone.objects.get(pk=ms.pk).met_on == met


def test_claim_with_evidence_and_final_value_through_head_to_office(p, page, login, shot, tmp_path):  # type: ignore[no-untyped-def]
    plan = _plan(p)  # head approval, as by default
    parent = p.task(plan, title="项目储备", code="2.3")
    task = p.task(
        plan,
        parent=parent,
        title="储备项目",
        code="2.3.2",
        metric_name="储备项目",
        metric_unit="个",
        baseline=0,
        target=200,
    )
    report_approve(actor=p.head_a, report=report_submit(actor=p.reporter_a, task=task, value=193))
    proof = tmp_path / "项目清单.txt"
    proof.write_text("205个储备项目清单", encoding="utf-8")

    login(page, "reporter_a")
    page.goto(f"/work/tasks/{parent.pk}/")
    assert "2.3.2" in page.locator("#claim-blocked").inner_text()  # a parent waits for its children
    assert page.locator("#claim-form").count() == 0

    page.goto(f"/work/tasks/{task.pk}/")
    form = page.locator("#claim-form")
    assert "目标 200 个" in form.inner_text() and "最近审核通过的填报 193 个" in form.inner_text()
    form.locator("input[name=note]").fill("已储备项目205个")
    form.locator("input[name=value]").fill("205")
    form.locator("input[name=evidence]").set_input_files(str(proof))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.get_by_text("等待单位负责人审核").wait_for()
    claim = Claim.objects.get(task=task)
    assert claim.state == ClaimState.PENDING and Task.objects.get(pk=task.pk).status == Status.IN_PROGRESS

    login(page, "head_a")
    page.goto("/work/approvals/")
    row = page.locator(f"#claim-approval-{claim.pk}")
    assert "最终完成值 205 / 目标 200 个" in row.inner_text()
    row.locator("button.approve-claim").click()
    page.locator("main").get_by_text("已审核通过完成申请").wait_for()

    login(page, "officer")
    page.goto("/work/review/")
    row = page.locator(f"#claim-{task.pk}")
    text = row.inner_text()
    assert "最终完成值 205 / 目标 200 个" in text and "最近审核通过的填报 193 个" in text
    assert "项目清单.txt" in text
    shot(page, "review")
    row.locator("button.confirm").click()
    page.locator("main").get_by_text("已确认完成并销号").wait_for()
    task.refresh_from_db()
    assert task.status == Status.CLOSED and task.actual_pct == Decimal("102.50")
    page.goto(f"/work/tasks/{task.pk}/")
    assert "实际进度 102.5%" in page.locator(".panel").first.inner_text()
