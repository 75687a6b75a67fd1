"""Reminders and the outbox in real Chromium (issue 12, item 5), and a round's results published and
withdrawn: a reporter chooses channels and quiet hours, the office filters the outbox by state and
channel, and publishes then withdraws a round's results."""

from __future__ import annotations

from datetime import time

import pytest

from luoshi.notify.models import Preference
from luoshi.notify.services import notify_event
from luoshi.rectification.models import Publication
from tests.browser.htmx import wait_until
from tests.rectification.conftest import make_problem, make_round

pytestmark = pytest.mark.browser


def test_reminder_preferences_and_the_outbox(p, page, login, shot):  # type: ignore[no-untyped-def]
    login(page, "reporter_a")
    page.goto("/notifications/")
    form = page.locator("#notify-reminders")
    form.locator("input[name=sms_on]").check()
    form.locator("input[name=quiet_start]").fill("21:00")
    with page.expect_response(lambda r: "/notifications/reminders/" in r.url) as info:
        form.locator("button[type=submit]").click()
    assert info.value.ok
    page.locator("#notify-reminders [role=status]").wait_for()
    pref = Preference.objects.get(user=p.reporter_a)
    assert (pref.sms_on, pref.quiet_start, pref.quiet_end) == (True, time(21, 0), time(7, 30))
    shot(page, "reminders saved")

    notify_event(
        rule="rectification.signoff.next", recipients=[p.head_a.pk], text="请审核销号申请：1 问题", key="k:1"
    )
    notify_event(rule="task.overdue", recipients=[p.reporter_a.pk], text="已逾期：建设产业园", key="k:2")
    login(page, "officer")
    page.goto("/notifications/outbox/")
    assert page.locator("#outbox-rows tbody tr").count() == 2
    rows = page.locator("#outbox-rows")
    with page.expect_response(lambda r: "/notifications/outbox/" in r.url and "rule=" in r.url):
        page.locator("input[name=rule]").fill("task.")
        page.locator("input[name=rule]").dispatch_event("change")
    wait_until(page, "() => document.querySelectorAll('#outbox-rows tbody tr').length === 1")
    assert "已逾期：建设产业园" in page.locator("#outbox-rows").inner_text()
    with page.expect_response(lambda r: "channel=sms" in r.url):
        page.locator("select[name=channel]").select_option("sms")
    page.get_by_text("没有符合条件的消息。").wait_for()
    assert rows.count() == 1
    shot(page, "outbox filtered")


def test_the_office_publishes_and_withdraws_results(p, page, login, shot):  # type: ignore[no-untyped-def]
    rnd = make_round(p)
    make_problem(p, rnd, "1", text="公务接待超标准", is_public=True)
    make_problem(p, rnd, "2", text="不公开的问题")
    login(page, "officer")
    page.goto(f"/rectification/rounds/{rnd.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="结果公开").click()
    assert "未发布" in page.locator("#publication-state").inner_text()
    assert "公务接待超标准" in page.locator("#public-problems").inner_text()
    assert "不公开的问题" not in page.locator("#public-problems").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="发布整改结果").click()
    page.get_by_text("整改结果已发布。").wait_for()
    assert "已发布" in page.locator("#publication-state").inner_text()
    shot(page, "published")
    page.locator("#id_reason").fill("数据待核实")
    with page.expect_navigation():
        page.get_by_role("button", name="撤回").click()
    page.get_by_text("整改结果已撤回。").wait_for()
    assert "未发布" in page.locator("#publication-state").inner_text()
    assert "数据待核实" in page.locator("#publication-history").inner_text()
    assert Publication.objects.get().withdraw_reason == "数据待核实"
