"""An enterprise rates the departments on a phone-sized screen (375×740) with its token link, without
an account; the same link is then refused."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.ratings.models import Answer, Ballot, BallotRefusal
from tests.ratings.conftest import make_round, opened

pytestmark = pytest.mark.browser


def test_an_enterprise_rates_on_a_phone_and_the_link_is_refused_again(p: Any, page: Any, shot: Any) -> None:
    rnd = make_round(p, items=["服务态度", "办事效率", "廉洁自律"])
    tokens = opened(p, rnd, raters=3)
    ballot_id, token = next(iter(tokens.items()))
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/ratings/b/{token}/")
    form = page.locator("#ballot-form")
    form.wait_for()
    # Phone first: nothing wider than the screen, and every choice a thumb-sized target.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    options = page.locator(".ballot-option span")
    assert options.count() == 2 * 3 * 3  # 2 units × 3 items × 3 options
    box = options.first.bounding_box()
    assert box and box["height"] >= 40 and box["x"] >= 0 and box["x"] + box["width"] <= 375
    shot(page, "ballot-375")
    # Submitting with an item unrated: the browser asks for it (required radios), nothing is sent.
    page.locator(".ballot-submit").click()
    assert page.locator("#ballot-done").count() == 0
    # Rate: 满意 everywhere, but 基本满意 for the second department's 办事效率.
    units = page.locator("fieldset.ballot-unit")
    for u in range(units.count()):
        items = units.nth(u).locator(".ballot-item")
        for i in range(items.count()):
            label = "基本满意" if (u, i) == (1, 1) else "满意"
            items.nth(i).locator(".ballot-option", has_text=label).locator("span").filter(
                has_text=label
            ).first.click()
    page.locator(".ballot-submit").click()
    page.locator("#ballot-done").wait_for()
    shot(page, "ballot-done-375")
    assert Ballot.objects.get(pk=ballot_id).submitted_at is not None
    assert Answer.objects.filter(ballot_id=ballot_id).count() == 6
    assert Answer.objects.filter(ballot_id=ballot_id, points=80).count() == 1
    # The link again: refused with a clear message, and the refusal recorded.
    page.goto(f"/ratings/b/{token}/")
    refused = page.locator("#ballot-refused")
    refused.wait_for()
    assert "已经提交过" in refused.inner_text()
    assert page.locator("#ballot-form").count() == 0
    assert BallotRefusal.objects.filter(ballot_id=ballot_id, reason="used").count() == 1
    shot(page, "ballot-refused-375")
