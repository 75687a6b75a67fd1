"""Demo data for ratings (评议): the quarter's 亮分评议 of the demo district, 50 enterprises rating
the district's departments on three items, most of them answered (a few still to be reminded),
through the real services; deterministic for a given `today` (except the tokens, which are secret)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from luoshi.org.models import Unit, UnitCategory

from . import importer, services
from .models import Item

ENTERPRISE_WORDS = ("科技", "制造", "物流", "食品", "新材料", "医药", "电子", "建材", "商贸", "环保")
ENTERPRISE_PLACES = ("东湖", "临空", "金银湖", "走马岭", "径河", "辛安渡", "慈惠", "新沟", "柏泉", "吴家山")
ITEMS = ("服务态度", "办事效率", "廉洁自律")


def _rater_list(count: int, rng: random.Random) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["评议组", "名称", "类别", "联系人"])
    names: set[str] = set()
    while len(names) < count:
        names.add(
            f"{rng.choice(ENTERPRISE_PLACES)}{rng.choice(ENTERPRISE_WORDS)}{rng.randint(1, 99):02d}有限公司"
        )
    for i, name in enumerate(sorted(names), start=1):
        ws.append(["企业评议组", name, "企业", f"联系人{i} 139{rng.randint(10000000, 99999999)}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _quarter(today: date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


def load(*, today: date, officer: Any, departments: list[Unit], raters: int = 50) -> dict[str, int]:
    """The quarter's round as of `today`: opened 20 days ago, closing in 10; most raters answered."""
    rng = random.Random(f"ratings:{today.isoformat()}")
    year, quarter = _quarter(today)
    opens = timezone.make_aware(datetime.combine(today - timedelta(days=20), time(9, 0)))
    closes = timezone.make_aware(datetime.combine(today + timedelta(days=10), time(18, 0)))
    rnd = services.round_create(
        actor=officer,
        name=f"{year}年第{quarter}季度企业亮分评议",
        period=f"{year}年第{quarter}季度",
        opens=opens,
        closes=closes,
        items=list(ITEMS),
        rated_units=departments,
        minimum_responses=10,
        veto_percent=Decimal("20"),
    )
    importer.raters_import(
        actor=officer, round=rnd, data=_rater_list(raters, rng), filename="企业评议人名单.xlsx"
    )
    services.round_open(actor=officer, round=rnd)
    issued = services.tokens_issue(actor=officer, round=rnd)
    items = list(Item.objects.filter(round=rnd).values_list("pk", flat=True))
    # Each department has a "service climate": most are liked, one or two are not.
    climate = {u.pk: rng.choices([0.75, 0.55, 0.25], weights=[6, 3, 1])[0] for u in departments}
    answered = 0
    now = timezone.now()
    for i in issued:
        if rng.random() < 0.12:  # left for the reminders
            continue
        answers: dict[tuple[int, int], object] = {}
        for u in departments:
            good = climate[u.pk]
            for item in items:
                roll = rng.random()
                answers[(u.pk, item)] = 0 if roll < good else 1 if roll < 0.9 else 2
        services.ballot_submit(token=i.token, answers=answers, now=max(now, opens + timedelta(hours=1)))
        answered += 1
    return {"rating_rounds": 1, "rating_ballots": len(issued), "rating_answered": answered}


def build(builder: Any) -> None:
    """The demo district's rating round (called from `luoshi.demo.build`)."""
    departments = sorted(
        (u for u in builder.units.values() if u.category == UnitCategory.DEPARTMENT), key=lambda u: u.path
    )
    if builder.small:
        departments = departments[:8]
    builder.counts.update(
        load(today=builder.today, officer=builder.users["ducha1"], departments=departments, raters=50)
    )
