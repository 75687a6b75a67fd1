"""The public portal on a phone (390×844), without an account: the home page and a unit's
commitments, with basic accessibility checks — every control labelled, text contrast at least
4.5:1, and the pages used with the keyboard alone (skip link, links, the feedback form)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from luoshi.commitments import services as commitment_services
from luoshi.portal.models import Feedback
from luoshi.portal.services import project_publish, publications_sync
from luoshi.projects.models import Project
from luoshi.projects.services import project_create
from tests.commitments.helpers import accepted, commitment, publish_all
from tests.factories import Personas

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Every visible form control has a label (label[for], a wrapping label, aria-label or aria-labelledby).
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null && !el.closest('[aria-hidden=true]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""

# Text elements whose contrast with their (first opaque ancestor's) background is below 4.5:1.
LOW_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c; } return [255, 255, 255]; };
  const bad = [];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    if (el.offsetParent === null || el.closest('[aria-hidden=true]')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2) + ' ' + el.textContent.trim().slice(0, 20));
  }
  return bad;
}"""


def _district(p: Personas) -> Any:
    cache.clear()
    c = commitment(p, title="年内建成智慧停车平台")
    accepted(p, c, "2026Q1", "on_track", "完成招标")
    commitment(p, unit=p.unit_b, title="企业诉求五个工作日内办结")
    plan = p.plan(name="年度目标", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    p.task(plan, title="建成城市书房十座", unit=p.unit_a, is_public=True)
    project_create(
        actor=p.officer,
        name="新能源产业园",
        code="XM-1",
        lead_unit=p.unit_a,
        lat=Decimal("30.6"),
        lng=Decimal("114.2"),
    )
    project_publish(
        actor=p.officer, project_ids=list(Project.objects.values_list("pk", flat=True)), on=date(2026, 6, 1)
    )
    publications_sync(date(2026, 6, 1))
    publish_all(p)
    return c


def _accessible(page: Any) -> None:
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate(LOW_CONTRAST) == []
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_portal_home_on_a_phone(p: Personas, page: Any, shot: Any) -> None:
    _district(p)
    page.set_viewport_size(PHONE)
    page.goto("/public/")
    assert page.locator("h1").inner_text() == "目标任务落实情况公开"
    cards = page.locator("#unit-compliance li")
    assert cards.count() == 2
    assert "兑现率" in cards.first.inner_text()
    assert "建成城市书房十座" in page.locator("#public-tasks").inner_text()
    # the key projects' map, drawn by the projects app's script from the published positions
    page.wait_for_function("window.luoshiMap && window.luoshiMap.data.points.length === 1")
    _accessible(page)
    shot(page, "portal-home-phone")
    # keyboard: the first Tab reaches the skip link, which moves to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    # tab to the first unit and open it with Enter
    first_unit = page.locator("#unit-compliance a").first
    name = first_unit.inner_text()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == name:
            break
    else:
        pytest.fail("the unit link is not reachable with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/public/units/" in page.url and page.locator("h1").inner_text() == name


def test_a_units_commitments_on_a_phone_and_feedback_by_keyboard(p: Personas, page: Any, shot: Any) -> None:
    c = _district(p)
    commitment_services.commitment_update(
        actor=p.officer, commitment=c, version=c.version, reason="调整", changes={"title": "未审核的新表述"}
    )
    page.set_viewport_size(PHONE)
    page.goto(f"/public/units/{p.unit_a.pk}/")
    body = page.locator("#commitments").inner_text()
    assert "年内建成智慧停车平台" in body and "完成招标" in body and "按进度推进" in body
    assert "未审核的新表述" not in page.content()
    _accessible(page)
    shot(page, "portal-unit-phone")
    page.locator("#commitments h3 a").first.click()
    page.wait_for_selector("#feedback-form")
    _accessible(page)
    # fill the form with the keyboard only
    page.focus("#id_body")
    page.keyboard.type("希望公布停车平台的上线时间。")
    page.keyboard.press("Tab")  # contact
    page.keyboard.press("Tab")  # the answer (the honeypot is out of the tab order)
    assert page.evaluate("document.activeElement.id") == "id_answer"
    question = page.locator("label[for=id_answer]").inner_text()
    a, op, b = re.match(r"(\d+) (加|减) (\d+)", question).groups()  # type: ignore[union-attr]
    page.keyboard.type(str(int(a) + int(b) if op == "加" else int(a) - int(b)))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "留言已收到" in page.locator(".p-messages").inner_text()
    assert Feedback.objects.get().body == "希望公布停车平台的上线时间。"
    shot(page, "portal-feedback-phone")


def test_the_office_publishes_an_edit_and_the_public_then_sees_it(
    p: Personas, page: Any, login: Any, browser: Any, live_url: str
) -> None:
    c = _district(p)
    commitment_services.commitment_update(
        actor=p.officer, commitment=c, version=c.version, reason="调整", changes={"title": "审核后的新表述"}
    )
    public = browser.new_context(base_url=live_url, locale="zh-CN", viewport=PHONE)
    try:
        citizen = public.new_page()
        citizen.goto(f"/public/units/{p.unit_a.pk}/")
        assert "审核后的新表述" not in citizen.content()
        login(page, "officer")
        page.goto("/portal/")
        row = page.locator("#pending tbody tr").filter(has_text="审核后的新表述")
        assert "年内建成智慧停车平台" in row.inner_text()  # the public wording, struck through
        with page.expect_navigation():
            page.click("#review-many button[type=submit]")
        assert "已公开" in page.locator(".messages").inner_text()
        citizen.reload()
        assert "审核后的新表述" in citizen.locator("#commitments").inner_text()
    finally:
        public.close()
