"""Demo data for assessment (考核): the year's 年度综合考核 of the demo district's departments —
task completion in the annual plan, the enterprises' ratings, deductions for late reports, missed
meetings and 督办 received, the leaders' scores, an award and a veto — computed from frozen inputs
and published with an appeal window, through the real services; deterministic for a given `today`."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from luoshi.org.models import Unit, UnitCategory

from . import services
from .models import EventKind, Indicator, SchemeStatus
from .services import GradeData, GroupData, IndicatorData, RuleData, SchemeData


def scheme_data(year: int, plan_ids: list[int]) -> SchemeData:
    return SchemeData(
        name=f"{year}年度区直部门综合考核",
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        total=Decimal(100),
        bottom=2,
        bonus_cap=Decimal(3),
        groups=[
            GroupData(
                name="区直部门",
                categories=[UnitCategory.DEPARTMENT],
                indicators=[
                    IndicatorData(
                        "重点任务按时完成",
                        Decimal(40),
                        "task",
                        params={"plans": plan_ids},
                        section="重点工作",
                    ),
                    IndicatorData("企业亮分评议", Decimal(20), "rating", section="综合评价"),
                    IndicatorData(
                        "日常工作",
                        Decimal(30),
                        "deduction",
                        cap=Decimal(30),
                        section="日常工作",
                        deductions=[
                            RuleData("work.late_report", Decimal(2), Decimal(20), "迟报、未报每期扣2分"),
                            RuleData("meetings.absence", Decimal(2), None, "未按要求参加调度会每次扣2分"),
                            RuleData("supervision.supervise", Decimal(3), None, "被督办每件扣3分"),
                        ],
                    ),
                    IndicatorData(
                        "区领导评价", Decimal(10), "manual", params={"trim": True}, section="综合评价"
                    ),
                ],
            )
        ],
        grades=[
            GradeData("优秀", Decimal(90), Decimal(30), True, Decimal("1.2")),
            GradeData("良好", Decimal(80), None, True, Decimal(1)),
            GradeData("一般", Decimal(60), None, False, Decimal("0.8")),
            GradeData("较差", Decimal(0), None, False, Decimal(0)),
        ],
        bonuses=[RuleData(EventKind.AWARD.value, Decimal(1), Decimal(3), "获市级以上表彰每次加1分")],
        vetoes=[(EventKind.VETO.value, "安全生产、党风廉政一票否决")],
        source="demo",
    )


def load(
    *, today: date, officer: Any, assessors: list[Any], departments: list[Unit], plan_ids: list[int]
) -> dict[str, int]:
    rng = random.Random(f"assessment:{today.isoformat()}")
    scheme = services.scheme_create(actor=officer, data=scheme_data(today.year, plan_ids))
    services.scheme_set_status(actor=officer, scheme=scheme, status=SchemeStatus.ACTIVE)
    manual = Indicator.objects.get(group__scheme=scheme, method="manual")
    for unit in departments:
        for who in assessors:
            services.score_record(
                actor=who, indicator=manual, unit=unit, score=Decimal(rng.randint(70, 100)) / 10
            )
    start = date(today.year, 1, 1)
    span = max((today - start).days, 1)
    for unit in rng.sample(departments, min(2, len(departments))):
        services.event_record(
            actor=officer,
            unit=unit,
            kind=EventKind.AWARD.value,
            occurred_on=start + timedelta(days=rng.randrange(span)),
            text=f"{unit.name}获市级先进集体表彰",
        )
    if departments:
        vetoed = departments[-1]
        services.event_record(
            actor=officer,
            unit=vetoed,
            kind=EventKind.VETO.value,
            occurred_on=start + timedelta(days=rng.randrange(span)),
            text=f"{vetoed.name}发生一般安全生产责任事故",
        )
    run = services.run_create(actor=officer, scheme=scheme, as_of=today)
    services.run_publish(actor=officer, run=run, appeal_until=today + timedelta(days=7))
    return {"assessment_schemes": 1, "assessment_results": run.results.count()}


def build(builder: Any) -> None:
    """The demo district's year assessment (called from `luoshi.demo.build`, after ratings)."""
    departments = sorted(
        (u for u in builder.units.values() if u.category == UnitCategory.DEPARTMENT), key=lambda u: u.path
    )
    assessors = [builder.users[name] for name in ("ducha1", "ducha2") if name in builder.users]
    builder.counts.update(
        load(
            today=builder.today,
            officer=builder.users["ducha1"],
            assessors=assessors,
            departments=departments,
            plan_ids=[builder.annual.pk],
        )
    )
