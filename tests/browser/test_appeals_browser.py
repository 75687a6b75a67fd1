"""An enterprise files an appeal on a phone (390×844) without an account, writes down the tracking
code, the unit replies, and the code brings the enterprise to the reply, where it rates it.
Accessibility basics on the way: every input has a label, the form works from the keyboard alone,
text contrast is at least 4.5:1 and the page does not scroll sideways."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.appeals import services
from luoshi.appeals.models import Appeal, Service

pytestmark = pytest.mark.browser

# The inputs a visitor sees, each without a label (aria-label, aria-labelledby or <label for>).
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""

# WCAG contrast of every visible text element's colour against its nearest opaque background.
LOW_CONTRAST = """() => {
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
      const a = c.match(/[\\d.]+/g); if (a && (a.length < 4 || Number(a[3]) > 0.9)) return c; }
    return 'rgb(255, 255, 255)'; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!el.offsetParent || ![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const s = getComputedStyle(el); const l1 = lum(s.color), l2 = lum(bg(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) out.push(el.tagName + ' ' + el.textContent.trim().slice(0, 20) + ' ' + ratio.toFixed(2));
  }
  return out; }"""


def _accessible(page: Any) -> None:
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate(LOW_CONTRAST) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_appeal_without_an_account_followed_to_the_reply(
    p: Any, browser: Any, live_url: str, shot: Any
) -> None:
    Service.objects.create(code="permit", name="行政审批", unit=p.unit_a, sla_hours=72)
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport={"width": 390, "height": 844})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/public/appeals/new/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        _accessible(page)
        shot(page, "appeal-form-phone")
        # Keyboard only: focus the first field, type, Tab through the rest, Enter to send.
        page.get_by_label("企业名称").focus()
        page.keyboard.type("示范科技有限公司")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "description"
        page.keyboard.type("厂区门口道路破损，货车进出困难。")
        page.keyboard.press("Tab")
        page.keyboard.type("科创路1号")
        page.keyboard.press("Tab")
        page.keyboard.type("张经理")
        page.keyboard.press("Tab")
        page.keyboard.type("13800000000")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # skips the hidden honeypot: lands on the button
        assert page.evaluate("document.activeElement.tagName") == "BUTTON"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        code = page.locator("#tracking-code").inner_text().strip()
        appeal = Appeal.objects.get()
        assert code == appeal.tracking_code and appeal.enterprise_name == "示范科技有限公司"
        assert page.locator("#appeal-status").inner_text() == "办理中"
        _accessible(page)
        shot(page, "appeal-code-phone")

        services.appeal_reply(actor=p.reporter_a, appeal=appeal, reply="道路已列入本周修补计划，周五前完成。")

        page.goto("/public/appeals/track/")
        page.get_by_label("查询码").fill(code.lower())
        with page.expect_navigation():
            page.get_by_label("查询码").press("Enter")
        assert page.locator("#appeal-reply").inner_text() == "道路已列入本周修补计划，周五前完成。"
        assert page.locator("#appeal-status").inner_text() == "已答复"
        _accessible(page)
        page.get_by_label("满意", exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="提交评价").click()
        assert page.locator("#appeal-status").inner_text() == "已办结"
        shot(page, "appeal-reply-phone")
    finally:
        context.close()
    assert errors == []
    appeal.refresh_from_db()
    assert appeal.satisfaction == "satisfied"
