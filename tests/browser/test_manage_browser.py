"""The office keeps its data in real Chromium: a plan, a task tree with a milestone and a measure
with its monthly plan, an edit, a split, a cancellation with a reason and a locked period; then a
unit with a post held by a new person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from luoshi.org.models import Membership, Person, Post, Unit
from luoshi.work import rules
from luoshi.work.models import LockedPeriod, Milestone, Plan, Status, Task, Transition

pytestmark = pytest.mark.browser


def _submit(page, form: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def test_officer_keeps_plan_and_task_tree(p, page, login, shot):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    start, due = today - timedelta(days=200), today + timedelta(days=165)
    login(page, "officer", via_form=True)

    # a plan
    page.goto("/work/plans/")
    with page.expect_navigation():
        page.get_by_role("link", name="新建计划").click()
    page.fill("#id_name", "本年度重点工作")
    page.fill("#id_year", str(today.year))
    page.fill("#id_start", start.isoformat())
    page.fill("#id_due", due.isoformat())
    page.fill("#id_green_max", "4")
    page.select_option("#id_cadence", "monthly")
    _submit(page, "#plan-form")
    plan = Plan.objects.get(name="本年度重点工作")
    assert plan.green_max == 4 and page.url.endswith(f"/work/manage/plans/{plan.pk}/")
    assert "已新建计划" in page.inner_text(".messages")

    # a root task, then a sub-task under it
    with page.expect_navigation():
        page.get_by_role("link", name="新建任务").click()
    page.fill("#id_title", "推进产业园建设")
    page.fill("#id_code", "1")
    page.select_option("#id_lead_unit", str(p.unit_a.pk))
    _submit(page, "#task-form")
    root = Task.objects.get(title="推进产业园建设")
    assert page.url.endswith(f"/work/tasks/{root.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="新建下级任务").click()
    page.fill("#id_title", "完成园区投资")
    page.fill("#id_code", "1.1")
    _submit(page, "#task-form")
    child = Task.objects.get(title="完成园区投资")
    assert child.parent == root and child.lead_unit == p.unit_a

    # a milestone
    with page.expect_navigation():
        page.locator(".tabs").get_by_role("link", name="时间节点").click()
    page.fill("#id_new-title", "完成项目签约")
    page.fill("#id_new-due", (today + timedelta(days=30)).isoformat())
    _submit(page, "#milestone-new")
    assert page.locator("#milestones tbody tr").count() == 1
    assert Milestone.objects.get(task=child).title == "完成项目签约"

    # a measure with its monthly plan
    with page.expect_navigation():
        page.locator(".tabs").get_by_role("link", name="量化指标").click()
    page.fill("#id_metric_name", "园区投资")
    page.fill("#id_metric_unit", "亿元")
    page.fill("#id_baseline", "0")
    page.fill("#id_target", "120")
    months = [f"{today - timedelta(days=60):%Y-%m}", f"{today:%Y-%m}"]
    page.fill(f"#id_m_{months[0]}", "40")
    page.fill(f"#id_m_{months[1]}", "60")
    shot(page, "measure")
    _submit(page, "#measure-form")
    child.refresh_from_db()
    assert child.has_measure and child.monthly_plan == {months[0]: "40", months[1]: "60"}
    assert f"{months[0]}: 40" in page.inner_text("main")

    # edit the task
    with page.expect_navigation():
        page.locator(".tabs").get_by_role("link", name="修改").click()
    page.fill("#id_title", "完成园区固定资产投资")
    page.select_option("#id_co_units", [str(p.unit_b.pk)])
    _submit(page, "#task-form")
    child.refresh_from_db()
    assert child.title == "完成园区固定资产投资" and list(child.co_units.all()) == [p.unit_b]
    assert "完成园区固定资产投资" in page.inner_text("h1")

    # split a task into two sub-tasks
    page.goto(f"/work/manage/plans/{plan.pk}/tasks/new/")
    page.fill("#id_title", "老旧小区改造")
    page.fill("#id_code", "2")
    page.select_option("#id_lead_unit", str(p.unit_b.pk))
    _submit(page, "#task-form")
    old = Task.objects.get(title="老旧小区改造")
    with page.expect_navigation():
        page.locator(".tabs").get_by_role("link", name="拆分").click()
    page.fill("#id_part-0-title", "东片区改造")
    page.fill("#id_part-1-title", "西片区改造")
    page.select_option("#id_part-1-lead_unit", str(p.unit_a.pk))
    _submit(page, "#split-form")
    parts = list(Task.objects.filter(parent=old).order_by("pk"))
    assert [(t.title, t.lead_unit) for t in parts] == [("东片区改造", p.unit_b), ("西片区改造", p.unit_a)]
    assert "已拆分为 2 项下级任务" in page.inner_text(".messages")

    # cancel one with a reason
    page.goto(f"/work/tasks/{parts[1].pk}/")
    form = page.locator("form.status-form")
    form.locator("select[name=status]").select_option("cancelled")
    form.locator("input[name=reason]").fill("并入东片区统一实施")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert Task.objects.get(pk=parts[1].pk).status == Status.CANCELLED
    assert Transition.objects.get(task=parts[1], to_status=Status.CANCELLED).reason == "并入东片区统一实施"
    assert "并入东片区统一实施" in page.inner_text("main")

    # lock a reporting period after its bulletin
    page.goto(f"/work/plans/{plan.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="修改计划").click()
    period = rules.previous_period_end(plan.cadence, today)
    page.select_option("#lock-form select", period.isoformat())
    _submit(page, "#lock-form")
    assert LockedPeriod.objects.filter(plan=plan, period_end=period).exists()
    assert period.isoformat() in page.inner_text("#locked")
    shot(page, "locked")


def test_officer_creates_unit_and_person_holding_a_post(p, page, login, shot):  # type: ignore[no-untyped-def]
    login(page, "officer")
    page.goto("/work/tasks/")
    with page.expect_navigation():
        page.locator("nav").get_by_role("link", name="组织人员").click()
    assert f"unit-{p.unit_a.pk}" in page.content()

    with page.expect_navigation():
        page.locator(".tabs").get_by_role("link", name="新建单位").click()
    page.fill("#id_code", "JYJ")
    page.fill("#id_name", "区教育局")
    page.fill("#id_short_name", "教育局")
    page.select_option("#id_category", "department")
    page.select_option("#id_parent", str(p.district.pk))
    _submit(page, "#unit-form")
    unit = Unit.objects.get(code="JYJ")
    assert unit.parent == p.district and page.url.endswith(f"/org/units/{unit.pk}/")

    page.fill("#id_new-title", "局长")
    page.select_option("#id_new-role", "head")
    page.check("#id_new-senior")
    _submit(page, "#post-new")
    post = Post.objects.get(unit=unit)
    assert post.senior and post.role == "head"

    with page.expect_navigation():
        page.locator(".tabs").get_by_role("link", name="新建人员").click()
    page.fill("#id_name", "李明")
    page.fill("#id_phone", "13900000000")
    _submit(page, "#person-form")
    person = Person.objects.get(name="李明")

    page.goto(f"/org/units/{unit.pk}/")
    page.select_option("#id_post", str(post.pk))
    page.select_option("#id_person", str(person.pk))
    page.fill("#id_start", "2024-01-01")
    _submit(page, "#holder-new")
    assert Membership.objects.current().filter(person=person, post=post).exists()
    assert "李明" in page.inner_text(f"#post-{post.pk}")
    shot(page, "unit")
    page.goto(f"/org/people/{person.pk}/")
    assert "教育局·局长" in page.inner_text("#memberships")
