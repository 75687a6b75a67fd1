"""Demo data for enterprise watch (企业服务): ~30 enterprises with valid credit codes, most on the
watch list with risk flags (资金链, 欠薪, 停产, 外迁), a service team of named people, visits on
their days, problems turned into tasks, and some risks closed; through the real services,
deterministic for a given `today`."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from . import rules, services
from .models import Enterprise, RiskFlag, RiskKind

NAMES = [
    "恒信精密机械",
    "蓝海新材料科技",
    "瑞丰食品",
    "华晟电子",
    "安泰物流",
    "明德生物医药",
    "德润纺织",
    "天择软件",
    "金鼎建材",
    "众创汽车零部件",
    "嘉禾农业科技",
    "远航船舶配件",
    "星辰光电",
    "宏达化工",
    "正阳印务",
]
INDUSTRIES = ["制造业", "批发和零售业", "信息技术服务业", "交通运输业", "建筑业", "医药制造业"]
NOTES = {
    RiskKind.FUNDING: "两笔流动资金贷款即将到期，银行收紧授信，资金链紧张",
    RiskKind.WAGES: "拖欠一线工人工资两个月，涉及约80人",
    RiskKind.HALT: "主要客户订单减少，生产线半停产",
    RiskKind.RELOCATION: "外地园区开出优惠条件，企业有外迁意向",
}
VISITS = [
    "走访了解生产经营情况，企业反映订单下滑、融资难",
    "召开政银企座谈会，银行表示可续贷",
    "复访企业，工资已部分补发",
]
PROBLEMS = ["协调银行办理续贷", "协调解决新增用地指标", "兑现技改补贴资金", "协调用工招聘"]


def credit_code(i: int) -> str:
    """A valid code for the demo (its check character computed), with a region code starting 320."""
    body = f"9132{i % 100:02d}00MA{i:09d}"[:17]
    return body + rules.credit_check_char(body)


def build(builder: Any) -> None:
    """Register the enterprises now and schedule flags, visits and problems on their days."""
    today: date = builder.today
    rng = random.Random(f"enterprises:{today.isoformat()}")
    officer = builder.users["ducha1"]
    codes = sorted(builder.leader_of)
    desks = [
        (builder.units[c], builder.users[f"{c.lower()}_tb"])
        for c in codes
        if f"{c.lower()}_tb" in builder.users
    ]
    count = 6 if builder.small else 32
    ids: list[int] = []
    for i in range(count):
        unit, clerk = desks[i % len(desks)]
        ent = services.enterprise_create(
            actor=officer,
            name=f"示范区{NAMES[i % len(NAMES)]}有限公司"
            + ("" if i < len(NAMES) else f"（{i // len(NAMES) + 1}厂）"),
            credit_code=credit_code(i + 1),
            industry=INDUSTRIES[i % len(INDUSTRIES)],
            size=rng.choice(["large", "medium", "small", "small", "micro"]),
            unit=unit,
            address=f"示范区工业园{i + 1}号",
            contact="厂长" + str(i + 1),
            phone=f"0512-6600{i:04d}",
        )
        ids.append(ent.pk)
        leader = builder.persons[builder.leader_of[codes[i % len(codes)]]]
        clerk_person = builder.persons[clerk.username]
        services.team_set(
            actor=officer, enterprise=ent, members=[(leader, "leader"), (clerk_person, "member")]
        )
        if i % 8 == 7:  # on the books, no risk seen
            continue
        raised = today - timedelta(days=rng.randint(20, 90))
        kind = [RiskKind.FUNDING, RiskKind.WAGES, RiskKind.HALT, RiskKind.RELOCATION][i % 4]

        def raise_flag(pk: int = ent.pk, k: str = kind, c: Any = clerk) -> None:
            services.flag_raise(
                actor=c, enterprise=Enterprise.objects.get(pk=pk), kind=k, note=NOTES[RiskKind(k)]
            )

        builder._at(raised, raise_flag)
        visit_day = raised + timedelta(days=rng.randint(2, 10))

        def visit(pk: int = ent.pk, c: Any = clerk, people: Any = (leader, clerk_person), n: int = i) -> None:
            e = Enterprise.objects.get(pk=pk)
            v = services.visit_record(
                actor=c, enterprise=e, visited_on=builder._clock.day, visitors=list(people), notes=VISITS[0]
            )
            if n % 3 == 0:
                services.problem_create(
                    actor=officer,
                    enterprise=e,
                    text=PROBLEMS[n % len(PROBLEMS)],
                    unit=e.unit,
                    due=builder._clock.day + timedelta(days=30),
                    visit=v,
                )

        builder._at(min(visit_day, today), visit)
        if i % 3 == 1:  # the risk is over: closed after a second visit

            def close(pk: int = ent.pk, c: Any = clerk) -> None:
                flag = RiskFlag.objects.filter(enterprise_id=pk, closed_on__isnull=True).first()
                if flag is not None:
                    services.flag_close(actor=c, flag=flag, note="经协调问题已解决，风险解除")

            builder._at(min(visit_day + timedelta(days=12), today), close)
    builder.counts["enterprises"] = count
