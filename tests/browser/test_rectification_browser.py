"""Rectification in real Chromium (issue 12, item 4): a problem goes through the whole sign-off
chain (unit → unit head → lead leader → inspection office) with evidence, a re-inspection reopens
it, and the round page shows the per-unit chart and switches between the three lists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.rectification import rules
from luoshi.rectification.models import Problem
from tests.browser.htmx import wait_until
from tests.rectification.conftest import close_measures, make_problem, make_round

pytestmark = pytest.mark.browser


def _stage(page: Any) -> str:
    return str(page.locator("#problem-stage").inner_text())


def _approve(page: Any, login: Any, who: str, url: str, then: str) -> None:
    login(page, who)
    page.goto(url)
    form = page.locator("#approve-form")
    form.locator("input[name=note]").fill("同意")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.get_by_text("已审核通过。").wait_for()
    assert _stage(page) == then


def test_a_problem_is_signed_off_up_the_chain_and_reopened(p, page, login, shot, tmp_path):  # type: ignore[no-untyped-def]
    rnd = make_round(p)
    problem = make_problem(p, rnd, "3", text="违规发放津贴补贴")
    close_measures(p, problem)
    url = f"/rectification/problems/{problem.pk}/"
    proof = tmp_path / "清退凭证.pdf"
    proof.write_bytes(b"%PDF-1.4 refund receipts")

    login(page, "reporter_a")
    page.goto(url)
    form = page.locator("#signoff-form")
    form.locator("textarea[name=note]").fill("已清退全部违规发放的津贴补贴")
    # The measure's completion claim had a file: offered to carry (沿用), ticked. Untick it to send none.
    carried = form.locator("input[name=carried]")
    assert carried.count() == 1 and carried.is_checked()
    assert "验收报告.pdf" in form.locator("#signoff-carried").inner_text()
    carried.uncheck()
    form.locator("button[type=submit]").click()  # without evidence: refused in place, nothing filed
    page.locator("#signoff-evidence-error").get_by_text("销号须附佐证材料。").wait_for()
    wait_until(page, "() => document.activeElement && document.activeElement.id === 'signoff-evidence'")
    assert _stage(page) == "整改中"
    form = page.locator("#signoff-form")
    assert form.locator("textarea[name=note]").input_value() == "已清退全部违规发放的津贴补贴"
    assert not form.locator("input[name=carried]").is_checked()  # the box as the unit left it
    form.locator("input[name=carried]").check()
    form.locator("input[name=evidence]").set_input_files(str(proof))
    form.locator("button[type=submit]").click()
    wait_until(page, "() => document.getElementById('announcer').textContent === '销号申请已提交。'")
    wait_until(page, "() => document.activeElement && document.activeElement.id === 'pending-signoff'")
    assert _stage(page) == "待单位负责人审核"  # swapped out of band
    files = page.locator("#pending-signoff").inner_text()
    assert "清退凭证.pdf" in files and "验收报告.pdf" in files  # uploaded and carried alike
    assert page.locator("#approve-form").count() == 0  # the applicant does not approve
    shot(page, "submitted")

    login(page, "officer")  # the office may not jump the chain: no button until its turn
    page.goto(url)
    assert page.locator("#approve-form").count() == 0

    _approve(page, login, "head_a", url, "待牵头领导审核")
    _approve(page, login, "leader", url, "待巡察办审核")
    _approve(page, login, "officer", url, "已销号")
    assert page.locator("#problem-state").inner_text() == "已完成"
    shot(page, "signed-off")

    reopen = page.locator("#reopen-form")
    deadline = timezone.localdate() + timedelta(days=45)
    reopen.locator("textarea[name=reason]").fill("巡察回头看发现仍有违规发放")
    reopen.locator("input[name=deadline]").fill(deadline.isoformat())
    reopen.locator("input[name=measure]").fill("开展津贴补贴专项清查")
    with page.expect_navigation():
        reopen.locator("button[type=submit]").click()
    page.get_by_text("问题已重新打开。").wait_for()
    assert _stage(page) == "整改中"
    assert "开展津贴补贴专项清查" in page.locator("#measures").inner_text()
    assert "巡察回头看发现仍有违规发放" in page.locator("#history").inner_text()
    problem.refresh_from_db()
    assert (problem.stage, problem.deadline) == (rules.Stage.OPEN, deadline)
    assert problem.reopens.count() == 1
    shot(page, "reopened")


def test_round_page_chart_and_the_three_lists(p, page, login, shot):  # type: ignore[no-untyped-def]
    rnd = make_round(p)
    for n in range(1, 5):
        make_problem(
            p, rnd, str(n), responsible_unit=p.unit_a if n % 2 else p.unit_b, responsible_leader=None
        )
    login(page, "officer")
    page.goto(f"/rectification/rounds/{rnd.pk}/")
    page.locator("#units-chart canvas").first.wait_for()
    assert page.locator("#problem-list tbody tr").count() == 4
    page.get_by_role("link", name="任务清单").click()
    page.locator("#task-list").wait_for()
    assert page.locator("#task-list tbody tr").count() == 4
    assert "list=tasks" in page.url
    page.get_by_role("link", name="责任清单").click()
    page.locator("#duty-list").wait_for()
    assert page.locator("#duty-list tbody tr").count() == 2
    shot(page, "duties")
    assert Problem.objects.filter(round=rnd).count() == 4
