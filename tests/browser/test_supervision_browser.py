"""Supervision in real Chromium (issue 12, items 1–3): a leader's instruction becomes an item, is
handed off twice and shows its journey; a rule proposes 督办 for a task red for N days, the officer
accepts it in the queue, the notice is issued (its .docx opens with python-docx, its PDF holds
Chinese text) and the unit responds."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from luoshi.supervision.models import Item, Proposal
from luoshi.supervision.services import escalations_step, thresholds
from luoshi.work.models import Task
from tests.browser.htmx import wait_until

pytestmark = pytest.mark.browser


def _submit(page: Any, form: str, message: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    page.get_by_text(message).first.wait_for()


def test_an_instruction_travels_and_shows_its_journey(p, page, login, shot):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    login(page, "officer")
    page.goto("/supervision/new/")
    page.fill("#id_title", "解决园区企业用电增容问题")
    page.select_option("#id_source_kind", "instruction")
    page.fill("#id_instruction_text", "企业反映强烈，请抓紧协调解决。")
    page.select_option("#id_instruction_leader", str(p.leader.person.pk))
    page.fill("#id_instruction_date", today.isoformat())
    page.select_option("#id_lead_unit", str(p.unit_a.pk))
    page.fill("#id_deadline", (today + timedelta(days=30)).isoformat())
    _submit(page, "#supervision-form", "督办事项已交办。")
    item = Item.objects.get(title="解决园区企业用电增容问题")
    assert "企业反映强烈" in page.locator("#instruction").inner_text()

    login(page, "reporter_a")
    page.goto(f"/supervision/items/{item.pk}/")
    _submit(page, "#sign-form", "已签收。")
    page.select_option("#transfer-form select[name=to_unit]", str(p.unit_b.pk))
    page.fill("#transfer-form input[name=note]", "供电协调属财政局牵头")
    _submit(page, "#transfer-form", "已转办。")
    login(page, "reporter_b")
    page.goto(f"/supervision/items/{item.pk}/")
    _submit(page, "#sign-form", "已签收。")
    journey = page.locator("#journey li")
    assert journey.count() == 4
    text = page.locator("#journey").inner_text()
    for word in ("交办", "签收", "转办", "区发展和改革局 → 区财政局", "停留", "至今", "供电协调属财政局牵头"):
        assert word in text, word
    assert "区财政局" in page.locator("#holder").inner_text()
    shot(page, "journey")


def test_red_task_is_escalated_accepted_issued_and_answered(p, page, login, shot):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    plan = p.plan(
        name="年度目标", year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=100)
    )
    task = p.task(plan, title="建成区污水管网改造")
    Task.objects.filter(pk=task.pk).update(light="red")  # the engine's stored light, arranged
    n = thresholds().red_days
    escalations_step(today - timedelta(days=n))  # the streak starts
    escalations_step(today)  # red for N days: 督办 proposed
    proposal = Proposal.objects.get(task=task)
    assert (proposal.level, proposal.reason) == ("supervise", "red")

    login(page, "officer")
    page.goto("/supervision/queue/")
    row = page.locator(f"#proposal-{proposal.pk}")
    assert "督办" in row.inner_text() and "持续严重滞后" in row.inner_text()
    row.locator("input[type=checkbox]").check()
    number = f"督〔{today.year}〕1号"
    with page.expect_navigation():
        page.click("#accept-selected")
    page.get_by_text(f"已采纳，印发 {number}。").wait_for()
    assert page.locator(f"#proposal-{proposal.pk}").count() == 0
    item = Item.objects.get(task=task)
    page.goto(f"/supervision/items/{item.pk}/")
    assert page.locator("#item-level").inner_text() == "督办"
    notice = page.locator(".notice").first
    assert number in notice.inner_text()
    with page.expect_download() as got:
        notice.locator("a.notice-docx").click()
    from docx import Document

    doc = Document(str(Path(got.value.path())))
    text = "\n".join(par.text for par in doc.paragraphs)
    assert number in text and "关于督办“建成区污水管网改造”的通知" in text
    with page.expect_download() as got:
        notice.locator("a.notice-pdf").click()
    from pypdf import PdfReader

    pdf = Path(got.value.path()).read_bytes()
    assert "督办" in "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(pdf)).pages)
    shot(page, "issued")

    login(page, "reporter_a")
    page.goto(f"/supervision/items/{item.pk}/")
    page.fill(".respond-form textarea[name=text]", "已完成管网改造方案，本月开工。")
    page.locator(".respond-form button[type=submit]").click()  # by HTMX: the notice answers in place
    wait_until(page, "() => document.getElementById('announcer').textContent === '书面反馈已提交。'")
    assert "已完成管网改造方案" in page.locator(".notice").first.inner_text()
    shot(page, "answered")


def test_a_unit_responds_to_a_notice_by_keyboard(p, page, shot):  # type: ignore[no-untyped-def]
    """Issue 18: the response form by keyboard alone (Tab, typing, Enter on the button); an empty
    response is refused in place (focus on the field, marked invalid and described), then the
    response is filed: focus on it and the live region says so. Only `page.keyboard` acts."""
    from luoshi.supervision import services
    from tests.supervision.conftest import make_item

    item = make_item(p)
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/login/?next=/supervision/items/{item.pk}/")
    page.keyboard.type("reporter_a")
    page.keyboard.press("Tab")
    page.keyboard.type("pass-reporter_a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    field, button = f"notice-{notice.pk}-text", f"notice-{notice.pk}-submit"

    def active() -> str:
        return str(page.evaluate("() => document.activeElement ? document.activeElement.id : ''"))

    def tab_to(element_id: str) -> None:
        for _ in range(150):
            if active() == element_id:
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached #{element_id} (focus on #{active()})")

    tab_to(field)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(" ")  # blank: passes the browser's `required`, refused by the server
    tab_to(button)
    page.keyboard.press("Enter")
    wait_until(page, "() => document.getElementById('announcer').textContent === '有 1 处需要修改'")
    wait_until(page, "id => document.activeElement && document.activeElement.id === id", arg=field)
    described = page.evaluate(
        """() => { const el = document.activeElement;
                   return [el.getAttribute('aria-invalid'),
                           document.getElementById(el.getAttribute('aria-describedby')).innerText] }"""
    )
    assert described[0] == "true" and described[1], described
    page.keyboard.press("Control+A")
    page.keyboard.type("已完成管网改造方案，本月开工。")
    tab_to(button)
    page.keyboard.press("Enter")
    wait_until(page, "() => document.getElementById('announcer').textContent === '书面反馈已提交。'")
    response = notice.responses.get()
    wait_until(
        page,
        "id => document.activeElement && document.activeElement.id === id",
        arg=f"response-{response.pk}",
    )
    assert "已完成管网改造方案" in page.evaluate("() => document.activeElement.innerText")
    assert response.text == "已完成管网改造方案，本月开工。"
    shot(page, "responded-by-keyboard")


def test_a_response_carries_the_task_reports_file(p, page, login, shot):  # type: ignore[no-untyped-def]
    """The file the unit filed with its task report is offered, ticked, and goes with the response
    (by HTMX) without a second upload; it then downloads from the response."""
    from luoshi.supervision.models import ResponseEvidence
    from luoshi.supervision.services import notice_issue
    from luoshi.work.services.reports import report_submit
    from tests.factories import evidence
    from tests.supervision.conftest import make_item

    item = make_item(p, title="老旧小区雨污分流")
    notice_issue(actor=p.officer, item=item, level="supervise")
    report = report_submit(
        actor=p.reporter_a,
        task=Task.objects.get(pk=item.task_id),
        percent=50,
        narrative="完成两个小区雨污分流",
        files=evidence("施工台账.pdf"),
    )
    login(page, "reporter_a")
    page.goto(f"/supervision/items/{item.pk}/")
    form = page.locator(".respond-form").first
    box = form.locator("input[name=carried]")
    assert box.count() == 1 and box.is_checked()
    assert "施工台账.pdf" in form.locator("fieldset.carried-evidence").inner_text()
    form.locator("button[type=submit]").click()
    wait_until(page, "() => document.getElementById('announcer').textContent === '书面反馈已提交。'")
    row = ResponseEvidence.objects.get()
    assert row.source_id == report.evidence.get().pk
    link = page.locator(f"a[href='/supervision/evidence/{row.pk}/']")
    assert link.inner_text() == "施工台账.pdf"
    shot(page, "carried")
