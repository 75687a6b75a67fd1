"""The office publishes a bulletin from its page in real Chromium and sees it marked as published;
the index lists it."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.documents.models import PublishedBulletin
from luoshi.work.services import report_submit

pytestmark = pytest.mark.browser


def test_officer_publishes_bulletin(p, page, login, shot):  # type: ignore[no-untyped-def]
    plan = p.plan(
        name="2026年度重点工作",
        year=2026,
        start=date(2026, 1, 1),
        due=date(2026, 12, 31),
        head_approval=False,
    )
    task = p.task(plan, title="建设产业园区", unit=p.unit_a)
    report_submit(actor=p.reporter_a, task=task, percent=10, on=date(2026, 6, 1))
    login(page, "officer")
    page.goto(f"/documents/bulletin/{plan.pk}/?date=2026-06-30")
    assert "建设产业园区" in page.inner_text(".bulletin-paper")
    page.locator(".bulletin-publish summary").click()
    button = page.locator("button.publish-bulletin")
    # The confirmation box must be ticked: the browser refuses the form without it.
    button.click()
    assert not PublishedBulletin.objects.exists()
    page.locator(".bulletin-publish input[name=confirm]").check()
    with page.expect_navigation():
        button.click()
    pb = PublishedBulletin.objects.get()
    assert (pb.plan_id, pb.on, pb.number) == (plan.pk, date(2026, 6, 30), 1)
    assert "已发布 第1期" in page.inner_text(".bulletin-published")
    assert "已发布第1期通报" in page.inner_text(".messages")
    assert page.locator(".bulletin-publish").count() == 0
    shot(page, "bulletin-published")
    with page.expect_navigation():
        page.get_by_role("link", name="已发布的通报").click()
    assert "第1期" in page.inner_text(".published-bulletins")
