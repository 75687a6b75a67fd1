"""Dispatch meetings in real Chromium (issue 11, acceptance): the agenda drawn from the demo district
lists exactly what lags in scope, a decision made a task shows in the owner's list, a card-reader
check-in typed into the page, and a QR check-in from a signed-in phone."""

from __future__ import annotations

import io
from datetime import time, timedelta
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from luoshi.meetings import agenda, rules, services
from luoshi.meetings.models import Attendance, Decision, Meeting, MeetingState
from luoshi.org.models import Membership, Person, Post, Role
from luoshi.work.models import Light, Task
from tests.browser.htmx import wait_until


def _expected_agenda(meeting: Meeting) -> set[int]:
    """What the rule takes, straight from the tasks (not through the selector): under way, in the
    series' plans and units, and red, overdue, past due or late-reported."""
    on = timezone.localdate(meeting.starts_at)
    units = set(agenda.scope_unit_ids(meeting.series))
    plans = set(meeting.series.plans.values_list("pk", flat=True))
    out = set()
    for t in Task.objects.counted().filter(plan_id__in=plans, lead_unit_id__in=units):
        if rules.agenda_reasons(status=t.status, light=t.light, due=t.due, report_late=t.report_late, on=on):
            out.add(t.pk)
    return out | _expected_projects(meeting)[0]


def _expected_projects(meeting: Meeting) -> tuple[set[int], set[int]]:
    """The carrying tasks of the key projects the series raises (led by its units: `unit_projects`)
    and of the projects that need attention outside its scope, each project judged by the rule."""
    from luoshi.projects import rules as project_rules
    from luoshi.projects.models import Project
    from luoshi.projects.selectors import standings

    on = timezone.localdate(meeting.starts_at)
    units = set(agenda.scope_unit_ids(meeting.series))
    projects = list(Project.objects.filter(task__isnull=False))
    figures = standings(projects, on)
    inside, outside = set(), set()
    for project in projects:
        s = figures[project.pk]
        reasons = project_rules.attention_reasons(
            light=s.light,
            expected=s.expected,
            rate=s.rate,
            stage_missed=s.stage_missed,
            stuck=s.stuck,
            open_problems=s.open_problems,
        )
        if reasons:
            (inside if project.lead_unit_id in units else outside).add(project.task_id)
    return inside, outside


def test_demo_agenda_and_decision_tasks(page, login, shot):  # type: ignore[no-untyped-def]
    call_command("demo", "--small", stdout=io.StringIO(), stderr=io.StringIO())
    upcoming = Meeting.objects.get(state=MeetingState.PLANNED)
    login(page, "ducha1")
    page.goto(f"/meetings/{upcoming.pk}/")
    with page.expect_navigation():
        page.locator("#agenda-generate").click()
    page.get_by_text("议程已生成").wait_for()
    shown = {
        int(x) for x in page.locator("#agenda tbody tr").evaluate_all("rows => rows.map(r => r.dataset.task)")
    }
    expected = _expected_agenda(upcoming)
    assert shown == expected and shown
    red = set(
        Task.objects.counted()
        .filter(
            pk__in=Task.objects.filter(lead_unit_id__in=agenda.scope_unit_ids(upcoming.series)),
            light=Light.RED,
            status="in_progress",
        )
        .filter(plan__in=upcoming.series.plans.all())
        .values_list("pk", flat=True)
    )
    assert red <= shown  # every red task in scope is on it
    out_of_scope_red = Task.objects.filter(light=Light.RED, status="in_progress").exclude(
        lead_unit_id__in=agenda.scope_unit_ids(upcoming.series)
    )
    assert out_of_scope_red.exists() and not (set(out_of_scope_red.values_list("pk", flat=True)) & shown)
    # the key projects led by the series' units that are red, stuck or have open problems are on it
    # through their carrying tasks, labelled with why; those led by other units are not
    projects_in, projects_out = _expected_projects(upcoming)
    assert projects_in and projects_in <= shown and projects_out and not (projects_out & shown)
    project_rows = page.locator("#agenda tbody tr").filter(
        has=page.locator(".reason-stuck, .reason-problems, .reason-stage_missed, .reason-investment")
    )
    assert project_rows.count() >= 1
    assert page.locator(
        "#agenda .reason-stuck, #agenda .reason-problems, #agenda .reason-stage_missed, #agenda .reason-investment"
    ).first.inner_text() in {"投资滞后", "节点逾期", "久滞不前", "问题未解决"}
    # each line links to its task
    first = page.locator("#agenda tbody tr a").first
    assert first.get_attribute("href").startswith("/work/tasks/")
    shot(page, "meetings-agenda")

    # The latest held meeting's decisions become tasks in one step.
    held = Meeting.objects.get(state=MeetingState.HELD)
    decision = Decision.objects.filter(meeting=held).order_by("sort").first()
    page.goto(f"/meetings/{held.pk}/")
    with page.expect_navigation():
        page.locator("#make-tasks").click()
    page.get_by_text("议定事项已转为任务").wait_for()
    decision.refresh_from_db()
    assert decision.task_id is not None
    reporter = (
        Membership.objects.current()
        .filter(post__unit=decision.owner_unit, post__role=Role.REPORTER, person__user__isnull=False)
        .values_list("person__user__username", flat=True)
        .first()
    )
    assert reporter
    owner_page = page.context.browser.new_context(base_url=page.url.split("/meetings")[0], locale="zh-CN")
    try:
        phone = owner_page.new_page()
        login(phone, reporter)
        phone.goto(f"/work/tasks/?q={decision.text[:8]}")
        phone.locator(f"a[href='/work/tasks/{decision.task_id}/']").first.wait_for()
        shot(phone, "meetings-decision-task-in-owner-list")
    finally:
        owner_page.close()


def _meeting_now(p: Any) -> Meeting:
    Post.objects.filter(memberships__person__user=p.head_a).update(senior=True)
    Person.objects.filter(user=p.head_a).update(card_no="0012345678")
    series = services.series_create(
        actor=p.officer,
        name="区长调度会",
        cadence="weekly",
        chair=p.leader.person,
        start_time=time(9),
        units=[p.unit_a],
    )
    return services.meeting_create(
        actor=p.officer, series=series, starts_at=timezone.now() + timedelta(minutes=30)
    )


def test_card_reader_and_qr_checkin(p, page, login, shot):  # type: ignore[no-untyped-def]
    meeting = _meeting_now(p)
    login(page, "officer")
    page.goto(f"/meetings/{meeting.pk}/")
    box = page.locator("#card-no")
    assert box.evaluate("el => el === document.activeElement")  # ready for the reader
    # A USB card reader is a keyboard: it types the digits and presses Enter.
    box.type("0012345678")
    with page.expect_response(lambda r: "/checkin/" in r.url and r.request.method == "POST"):
        box.press("Enter")
    page.locator("#checkin-result").get_by_text("甲局长：出席").wait_for()
    page.locator(f"#att-{p.head_a.person.pk} .state").get_by_text("出席").wait_for()
    assert page.locator("#card-no").input_value() == ""  # cleared for the next card
    assert page.locator("#card-no").evaluate("el => el === document.activeElement")
    page.locator("#card-no").type("999")
    page.locator("#card-no").press("Enter")
    page.locator("#checkin-result").get_by_text("卡号 999 未登记").wait_for()
    shot(page, "meetings-card-reader")

    # The door screen shows a QR code; a signed-in phone opens its address and confirms.
    page.goto(f"/meetings/{meeting.pk}/door/")
    assert page.locator("#door svg").count() == 1
    url = page.locator("#qr-url").get_attribute("href")
    token = page.locator("#door .qr").get_attribute("data-token")
    phone_ctx = page.context.browser.new_context(
        base_url=page.url.split("/meetings")[0], locale="zh-CN", viewport={"width": 390, "height": 800}
    )
    try:
        phone = phone_ctx.new_page()
        login(phone, "leader")
        phone.goto(url)
        with phone.expect_navigation():
            phone.locator("#qr-confirm").click()
        phone.locator("#qr-result").get_by_text("签到成功").wait_for()
        shot(phone, "meetings-qr-phone")
        # the door moves on to a fresh code after the scan
        wait_until(
            page,
            "t => { const q = document.querySelector('#door .qr'); return q && q.dataset.token !== t }",
            arg=token,
        )
        # the same code again is refused
        phone.goto(url)
        with phone.expect_navigation():
            phone.locator("#qr-confirm").click()
        phone.locator("#qr-result").get_by_text("已被使用").wait_for()
    finally:
        phone_ctx.close()
    states = dict(Attendance.objects.filter(meeting=meeting).values_list("person__user__username", "method"))
    assert states == {"head_a": "card", "leader": "qr"}
