"""Staff pages of the enterprise side in the browser: the office flags a risk on an enterprise (it goes
on the watch list), and unit A's reporter pauses an appeal with a reason and replies to it."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.appeals import services as appeal_services
from luoshi.appeals.models import Service
from luoshi.enterprises import services

pytestmark = pytest.mark.browser


def test_flag_a_risk_then_answer_an_appeal(p: Any, page: Any, login: Any, shot: Any) -> None:
    ent = services.enterprise_create(
        actor=p.officer,
        name="示范精密制造有限公司",
        credit_code="914403001922038216",
        industry="制造业",
        size="medium",
        unit=p.unit_a,
    )
    login(page, "officer")
    page.goto("/enterprises/")
    page.get_by_role("link", name="示范精密制造有限公司").click()
    page.get_by_label("风险类型").select_option("wages")
    page.get_by_label("情况", exact=True).fill("拖欠一线工人工资两个月")
    with page.expect_navigation():
        page.get_by_role("button", name="标记风险").click()
    assert page.locator("#enterprise-status").inner_text() == "重点关注"
    assert "拖欠一线工人工资两个月" in page.locator("#flag-table").inner_text()
    shot(page, "enterprise-watched")
    ent.refresh_from_db()
    assert ent.status == "watched"

    service = Service.objects.create(code="permit", name="行政审批", unit=p.unit_a, sla_hours=72)
    appeal = appeal_services.appeal_submit(
        data=appeal_services.Intake(
            service=service, description="施工许可审批超过承诺时限。", phone="13800000000"
        ),
        channel="web",
    )
    page.context.clear_cookies()
    login(page, "reporter_a")
    page.goto("/appeals/")
    page.get_by_role("link", name=appeal.tracking_code).click()
    page.get_by_label("暂停计时原因").fill("等待企业补充授权委托书")
    with page.expect_navigation():
        page.get_by_role("button", name="暂停计时").click()
    assert page.locator("#appeal-status").inner_text() == "暂停计时"
    page.get_by_label("答复内容").fill("材料已补齐，许可证今日发放。")
    with page.expect_navigation():
        page.get_by_role("button", name="答复企业").click()
    assert page.locator("#appeal-status").inner_text() == "已答复"
    assert page.locator("#appeal-sla").inner_text() == "按时答复"
    shot(page, "appeal-replied")
    appeal.refresh_from_db()
    assert appeal.status == "replied" and appeal.pauses.get().ended_at == appeal.replied_at
