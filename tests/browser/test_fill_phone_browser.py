"""The clerk's fill list (本期待填报) on a phone (issue 18): each task is one compact card, its title,
light, progress and due date on top and the form folded until the task is opened.

Measured at 390×844 with 33 tasks: 6,346 px (about 190 px a card) before the cards folded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.work.services import task_refresh

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TASKS = 33
# The average height of a folded card (its gap included), the target.
MAX_CARD_PX = 110
CARD_HEIGHTS = """() => [...document.querySelectorAll('#fill-todo > .flow-row')]
  .map(r => r.getBoundingClientRect().height)"""
# Of each card, the header's parts: shown, non-empty and inside the screen's width.
HEADER_PARTS = """(parts) => [...document.querySelectorAll('#fill-todo > .flow-row')].map(row => parts.map(sel => {
  const el = row.querySelector(sel);
  if (!el) return sel + ': missing';
  const r = el.getBoundingClientRect();
  if (!(r.width > 0 && r.height > 0)) return sel + ': hidden';
  if (r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5) return sel + ': outside';
  return '';
}).filter(Boolean).join(', ')).filter(Boolean)"""


def test_fill_list_is_compact_cards_on_a_phone(p: Any, phone: Any, login: Any, shot: Any) -> None:
    today = timezone.localdate()
    plan = p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))
    for i in range(TASKS):
        task = p.task(plan, title=f"推进城区老旧小区改造和背街小巷整治提升第{i + 1}批", code=f"2.{i + 1}")
        task_refresh(task=task)
    login(phone, "reporter_a")
    phone.goto("/work/fill/")
    heights = phone.evaluate(CARD_HEIGHTS)
    assert len(heights) == TASKS, len(heights)
    gap = phone.evaluate(
        "() => parseFloat(getComputedStyle(document.getElementById('fill-todo')).rowGap) || 0"
    )
    average = (sum(heights) + gap * (TASKS - 1)) / TASKS
    page_height = phone.evaluate("document.documentElement.scrollHeight")
    print(f"fill list at 390×844: {TASKS} cards, {average:.0f} px a card, page {page_height} px")
    assert average <= MAX_CARD_PX, (average, heights[:3], page_height)
    # Title, light, progress and due date of every task, on its card's first lines.
    assert phone.evaluate(HEADER_PARTS, [".flow-title", ".badge", ".bar", ".flow-due"]) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The form is folded: its figure is not shown until the card is opened, then it is.
    first = phone.locator("#fill-todo > .flow-row").first
    figure = first.locator("input.fill-percent")
    assert not figure.is_visible()
    first.locator("summary.flow-card").click()
    assert figure.is_visible()
    shot(phone, "fill-cards-phone")
