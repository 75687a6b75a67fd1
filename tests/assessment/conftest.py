from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from luoshi.assessment import services
from luoshi.assessment.models import Scheme
from luoshi.assessment.services import GradeData, GroupData, IndicatorData, RuleData, SchemeData
from luoshi.org.models import UnitCategory
from tests.factories import Personas

D = Decimal
GRADES = [
    GradeData("优秀", D(90), D(30), True, D("1.2")),
    GradeData("良好", D(80), None, True, D(1)),
    GradeData("一般", D(0), None, False, D("0.8")),
]


def scheme_data(name: str = "2024年度区直部门综合考核", **kw: Any) -> SchemeData:
    values: dict[str, Any] = dict(
        name=name,
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
        total=D(100),
        groups=[
            GroupData(
                name="区直部门",
                categories=[UnitCategory.DEPARTMENT],
                indicators=[
                    IndicatorData("领导评价", D(40), "manual", params={"trim": True}),
                    IndicatorData("重点任务", D(30), "task"),
                    IndicatorData(
                        "日常工作",
                        D(30),
                        "deduction",
                        cap=D(30),
                        deductions=[
                            RuleData("work.late_report", D(10), None, "未报扣10分"),
                            RuleData("assessment.complaint", D(5), D(10), "每次扣5分"),
                        ],
                    ),
                ],
            )
        ],
        grades=list(GRADES),
        bonuses=[RuleData("assessment.award", D(2), D(4), "表彰加分")],
        vetoes=[("assessment.veto", "安全生产一票否决")],
        bottom=1,
    )
    values.update(kw)
    return SchemeData(**values)


def make_scheme(p: Personas, **kw: Any) -> Scheme:
    return services.scheme_create(actor=p.officer, data=scheme_data(**kw))
