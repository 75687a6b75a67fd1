"""通报 entries flow into the weekly bulletin of the item's plan, through the bulletin's section hook,
and stay in a published issue's frozen figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from luoshi.documents.bulletin import build_bulletin, freeze, render_bulletin_html, thaw
from luoshi.supervision import services
from tests.factories import Personas

from .conftest import make_item

pytestmark = pytest.mark.django_db


def test_bulletin_names_the_week_s_bulletin_notices(p: Personas) -> None:
    today = timezone.localdate()
    plan = p.plan(
        name="年度目标", year=today.year, start=today - timedelta(days=100), due=today + timedelta(days=100)
    )
    other = p.plan(
        name="另一计划", year=today.year, start=today - timedelta(days=100), due=today + timedelta(days=100)
    )
    item = make_item(p, source_kind="hotline", instruction_text="", task=p.task(plan, title="道路破损整治"))
    make_item(p, title="别的计划的事项", source_kind="hotline", instruction_text="", task=p.task(other))
    services.notice_issue(actor=p.officer, item=item, level="supervise")  # not a 通报: not listed
    notice = services.notice_issue(actor=p.officer, item=item, level="bulletin")
    b = build_bulletin(plan=plan, on=today)
    [section] = b.extra
    assert section["title"] == "通报督办事项"
    assert section["rows"] == [
        [notice.number, "区发展和改革局", item.title, today.isoformat(), notice.response_due.isoformat()]
    ]
    html = render_bulletin_html(b)
    assert "五、通报督办事项" in html and "六、更正说明" in html and notice.number in html
    assert thaw(plan, freeze(b)).extra == b.extra
    assert build_bulletin(plan=other, on=today).extra == []  # no 通报: no section, numbering as before
    assert "五、更正说明" in render_bulletin_html(build_bulletin(plan=other, on=today))
    assert build_bulletin(plan=plan, on=today - timedelta(days=1)).extra == []
