"""The one search box in Chromium (issue 17): typed into the shell's box by keyboard, it opens the
search page with a section per kind, the term highlighted (and escaped), ranked, and a hit leads to its
page; a term found nowhere says so; a unit's clerk does not see another unit's task."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.htmx import wait_until
from tests.projects.factories import make_project

pytestmark = pytest.mark.browser


def test_search_from_the_shell_by_keyboard(p, page, login, shot):  # type: ignore[no-untyped-def]
    plan = p.plan()
    first = p.task(plan, title="营商环境评价整改", code="3")
    second = p.task(plan, title="持续优化营商环境", code="1")
    p.task(plan, title="老旧小区改造", code="4")
    hidden = p.task(plan, title="督查营商专项<b>乙</b>", code="5", unit=p.unit_b)
    project = make_project(p, name="营商服务中心改造项目")

    login(page, "officer")
    page.goto("/work/tasks/")
    box = page.get_by_role("searchbox", name="检索任务、重点项目、督办事项、整改问题")
    box.focus()
    page.keyboard.type("营商")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")

    tasks = page.locator("#search-task .search-hits li")
    # Ranked: the title that starts with the term before the one that only holds it.
    titles = tasks.locator("a").all_inner_texts()
    assert titles.index("3 营商环境评价整改") < titles.index("1 持续优化营商环境"), titles
    assert page.locator("#search-task mark").first.inner_text() == "营商"
    # The officer sees unit B's task too, its markup shown as text, not as a tag.
    assert any("督查营商专项<b>乙</b>" in t for t in titles), titles
    assert page.locator("#search-task a b").count() == 0
    assert page.locator("#search-project .search-hits li").count() == 1
    assert page.locator("#search-project mark").first.inner_text() == "营商"
    assert page.locator("#search-q").input_value() == "营商"
    shot(page, "officer")

    # Following a hit by keyboard opens its page.
    link = page.locator(f"#search-task a[href='/work/tasks/{first.pk}/']")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/work/tasks/{first.pk}/")
    assert "营商环境评价整改" in page.locator("h1").inner_text()

    # Nothing found: the page says so, and no section is shown.
    page.goto("/search/?q=不存在的词语")
    assert page.locator("#search-none").is_visible()
    assert page.locator(".search-section").count() == 0

    # Unit A's clerk: no task of unit B, and a project of their unit.
    page.context.clear_cookies()
    login(page, "reporter_a")
    page.goto("/search/?q=营商")
    wait_until(page, "() => !!document.querySelector('#search-task')")
    mine: Any = page.locator("#search-task a").all_inner_texts()
    assert "3 营商环境评价整改" in mine and "1 持续优化营商环境" in mine
    assert not any(hidden.title in t for t in mine), mine
    assert second.pk and project.pk
