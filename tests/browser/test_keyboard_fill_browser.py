"""The clerk files by keyboard alone (issue 18), on a desktop and on a phone: signs in, files three
reports on 本期待填报 (on a phone each task is a folded card, opened with Enter), and after each one focus is on that row's result and the page's live region
says it was filed; an empty submit puts focus on the figure, marked invalid and described by the
message. Only `page.keyboard` acts on the page (Tab, Shift+Tab, Enter, Space, typing): no clicks,
no `element.focus()`; the page is read (where focus is, what the region says) through `evaluate`.

A questioned figure (7.1 after 803 on a cumulative count) is confirmed by keyboard too, and its
warning fits a phone's width."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from luoshi.work import rules
from luoshi.work.models import Report
from luoshi.work.services import report_submit, task_refresh
from tests.browser.htmx import wait_until

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Tab presses allowed to reach an element: the page's controls before it, with room to spare.
MAX_TABS = 120


def _active_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement ? document.activeElement.id : ''"))


def _tab_to(page: Any, element_id: str, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab when `back`) until focus is on the element with that id."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MAX_TABS):
        if _active_id(page) == element_id:
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached #{element_id} (focus on #{_active_id(page)})")


def _open_card(page: Any, row: str, *, back: bool = False) -> None:
    """Tab to a task's card (its fold's header) and open it with Enter when it is folded (on a phone
    the fill list shows each task folded to one card; on a desktop the cards are open)."""
    _tab_to(page, f"{row}-toggle", back=back)
    if not page.evaluate("id => document.getElementById(id).parentElement.open", f"{row}-toggle"):
        page.keyboard.press("Enter")
        assert page.evaluate("id => document.getElementById(id).parentElement.open", f"{row}-toggle")


def _announced(page: Any) -> str:
    return str(page.evaluate("() => document.getElementById('announcer').textContent"))


def _wait_for_focus(page: Any, element_id: str) -> None:
    wait_until(page, "id => document.activeElement && document.activeElement.id === id", arg=element_id)


def _sign_in(page: Any, username: str, next_url: str) -> None:
    """The login form by keyboard: the username field has focus when the page opens."""
    page.goto(f"/login/?next={next_url}")
    assert _active_id(page) == "id_username"
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert _active_id(page) == "id_password"
    page.keyboard.type(f"pass-{username}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(next_url), page.url


def _plan(p: Any) -> Any:
    today = timezone.localdate()
    return p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_clerk_files_three_reports_by_keyboard(p, page, shot, size):  # type: ignore[no-untyped-def]
    plan = _plan(p)
    titles = ["推进老旧小区改造", "新建口袋公园", "完成雨污分流改造", "更新公交站亭"]
    tasks = [p.task(plan, title=title, code=f"3.{i + 1}") for i, title in enumerate(titles)]
    for task in tasks:
        task_refresh(task=task)
    page.set_viewport_size(VIEWPORTS[size])
    _sign_in(page, "reporter_a", "/work/fill/")

    # The third row first (Tab forward, Enter in the figure), then back up to the first (Shift+Tab,
    # Space on the 填报 button), then the second.
    for index, back, submit_key in ((2, False, "Enter"), (0, True, "Space"), (1, False, "Enter")):
        task, row = tasks[index], f"fill-{tasks[index].pk}"
        _open_card(page, row, back=back)
        _tab_to(page, f"{row}-percent")
        page.keyboard.type(f"{30 + index}")
        if submit_key == "Space":
            page.keyboard.press("Tab")  # the 填报 button follows the figure
            assert page.evaluate("() => document.activeElement.classList.contains('fill-submit')")
        page.keyboard.press(submit_key)
        _wait_for_focus(page, f"{row}-result")
        wait_until(
            page, "text => document.getElementById('announcer').textContent.includes(text)", arg=task.title
        )
        said = _announced(page)
        assert said.startswith("已填报：") and "所属期" in said and "待单位审核" in said, said
        focused = page.evaluate("() => document.activeElement.innerText")
        assert "已填报" in focused and task.title in focused, focused
        assert Report.objects.get(task=task).percent == Decimal(30 + index)
    shot(page, f"filed-{size}")

    # Nothing typed: the figure gets focus again, marked invalid and described by the message.
    last = f"fill-{tasks[3].pk}"
    _open_card(page, last)
    _tab_to(page, f"{last}-percent")
    page.keyboard.press("Enter")
    wait_until(page, "() => document.getElementById('announcer').textContent.includes('需要修改')")
    _wait_for_focus(page, f"{last}-percent")
    field = page.evaluate(
        """() => { const el = document.activeElement;
                   const note = document.getElementById(el.getAttribute('aria-describedby') || '');
                   return [el.getAttribute('aria-invalid'), note ? note.innerText : ''] }"""
    )
    assert field[0] == "true" and "请填写完成进度" in field[1], field
    assert _announced(page) == "有 1 处需要修改"
    assert not Report.objects.filter(task=tasks[3]).exists()
    _no_sideways_scroll(page)
    shot(page, f"invalid-{size}")


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_questioned_figure_is_confirmed_by_keyboard(p, page, shot, size):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    task = p.task(_plan(p), title="新建充电桩", code="6.2.5", metric_name="充电桩", metric_unit="个",
                  baseline=Decimal(0), target=Decimal(1000))  # fmt: skip
    report_submit(actor=p.head_a, task=task, value=803, period=rules.previous_period_end("monthly", today))
    task_refresh(task=task)
    page.set_viewport_size(VIEWPORTS[size])
    _sign_in(page, "reporter_a", "/work/fill/")
    row = f"fill-{task.pk}"

    _open_card(page, row)
    _tab_to(page, f"{row}-value")
    page.keyboard.type("7.1")
    page.keyboard.press("Enter")
    wait_until(page, "() => document.getElementById('announcer').textContent.includes('未提交')")
    _wait_for_focus(page, f"{row}-value")
    described = page.evaluate(
        "() => document.getElementById(document.activeElement.getAttribute('aria-describedby')).innerText"
    )
    assert "上期 803，本期 7.1" in described and "比上期减少" in described, described
    assert Report.objects.filter(task=task).count() == 1  # nothing filed yet

    # On a phone as on a desktop: the warning and its button fit the width, the button is a fair target.
    box = page.locator(f"#{row} .fill-confirm").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS[size]["width"], box
    assert box["height"] >= 24 and box["width"] >= 24, box
    _no_sideways_scroll(page)
    shot(page, f"questioned-{size}")

    _tab_to(page, f"{row}-confirm")
    page.keyboard.press("Enter")
    _wait_for_focus(page, f"{row}-result")
    wait_until(page, "() => document.getElementById('announcer').textContent.startsWith('已填报：')")
    report = Report.objects.filter(task=task).latest("id")
    assert report.value == Decimal("7.1") and report.warnings == ["drop", "jump"]
