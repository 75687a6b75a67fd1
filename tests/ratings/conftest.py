from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from luoshi.ratings import importer, services
from luoshi.ratings.models import Ballot, Item, RatingRound
from tests.factories import Personas


def make_round(p: Personas, name: str = "2026年第三季度亮分评议", **kw: Any) -> RatingRound:
    now = timezone.now()
    values: dict[str, Any] = dict(
        name=name,
        opens=now - timedelta(days=1),
        closes=now + timedelta(days=10),
        items=["服务态度", "办事效率"],
        rated_units=[p.unit_a, p.unit_b],
        minimum_responses=3,
        period="2026年第三季度",
    )
    values.update(kw)
    return services.round_create(actor=p.officer, **values)


def xlsx(
    rows: Sequence[Sequence[Any]], header: Sequence[str] = ("评议组", "名称", "类别", "联系人")
) -> bytes:
    import io

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2026年第三季度亮分评议评议人名单"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def enterprises(n: int, panel: str = "企业评议组") -> bytes:
    return xlsx(
        [(panel, f"测试企业{i:03d}有限公司", "企业", f"张{i} 1380000{i:04d}") for i in range(1, n + 1)]
    )


def opened(p: Personas, rnd: RatingRound, raters: int = 5) -> dict[int, str]:
    """Import raters, open the round, issue links: ballot id → token."""
    importer.raters_import(actor=p.officer, round=rnd, data=enterprises(raters), filename="名单.xlsx")
    services.round_open(actor=p.officer, round=rnd)
    return {i.ballot.pk: i.token for i in services.tokens_issue(actor=p.officer, round=rnd)}


def full_answers(ballot: Ballot, choice: Any = 0) -> dict[tuple[int, int], Any]:
    units = services.panel_units(ballot.panel)
    items = Item.objects.filter(round=ballot.round_id)
    return {(u.pk, i.pk): choice for u in units for i in items}


@pytest.fixture
def rnd(p: Personas) -> RatingRound:
    return make_round(p)


def at(rnd: RatingRound, **delta: Any) -> datetime:
    return rnd.opens + timedelta(**delta)
