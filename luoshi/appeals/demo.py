"""Demo data for enterprise appeals (企业诉求): eight services routed to departments, and ~200
appeals over the last two months in every state — waiting for routing, in hand (some overdue),
paused with a reason, replied, rated and closed, reopened, complaints verified or not — filed on
the web, by phone and through Open311, each step on its own day through the real services;
deterministic for a given `today`. It also builds the enterprise watch's demo
(`luoshi.enterprises.demo`), so the enterprise side is one step of the demo build."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from . import services
from .models import Appeal, Channel, Kind, Service

SERVICES = [
    ("permit", "行政审批", "政务服务", 72),
    ("land", "用地规划", "要素保障", 120),
    ("power", "用电用水用气", "要素保障", 72),
    ("finance", "融资信贷", "金融服务", 120),
    ("tax", "税费政策", "政策兑现", 72),
    ("policy", "惠企政策兑现", "政策兑现", 120),
    ("law", "执法检查", "营商环境", 72),
    ("other", "其他诉求", "综合", 120),
]

ENTERPRISES = [
    "恒信精密机械有限公司",
    "蓝海新材料科技有限公司",
    "瑞丰食品股份有限公司",
    "华晟电子有限公司",
    "安泰物流有限公司",
    "明德生物医药有限公司",
    "德润纺织有限公司",
    "天择软件有限公司",
]
TEXTS = [
    "施工许可申请提交已两周，未收到任何补正通知。",
    "新厂房用电增容报装迟迟未排期，影响设备调试。",
    "申报的技改补贴资金审核通过后一直未拨付。",
    "同一事项被两个部门重复检查，要求提供相同材料。",
    "增值税留抵退税申请被退回，理由不清楚。",
    "园区道路破损，货车进出困难，多次反映未修。",
    "首贷续贷对接会后银行未再联系，企业资金周转紧张。",
    "窗口工作人员态度生硬，一次性告知不到位。",
]
REPLIES = [
    "已联系企业核实情况，相关材料已当场补正，三个工作日内办结。",
    "已协调供电公司上门查勘，增容方案已确定，本月内送电。",
    "补贴资金已完成拨付流程，近日到账，请注意查收。",
    "已建立联合检查机制，同一事项不再重复检查。",
]
PAUSE_REASONS = ["等待企业补充营业执照及授权委托书", "需会同规划部门现场踏勘", "需征求上级主管部门意见"]


def build(builder: Any) -> None:
    """Create the services now and schedule the appeals' stories on their days (before the replay)."""
    today: date = builder.today
    rng = random.Random(f"appeals:{today.isoformat()}")
    officer = builder.users["ducha1"]
    desks = [
        (builder.units[code], builder.users[f"{code.lower()}_tb"])
        for code in sorted(builder.leader_of)
        if f"{code.lower()}_tb" in builder.users
    ]
    made: list[Service] = []
    for i, (code, name, group, hours) in enumerate(SERVICES):
        unit = desks[i % len(desks)][0] if code != "other" else None
        made.append(
            services.service_create(
                actor=officer, code=code, name=name, sla_hours=hours, unit=unit, group=group
            )
        )
    clerk_of = {u.pk: clerk for u, clerk in desks}
    count = 24 if builder.small else 200
    ids: dict[int, int] = {}

    def on(day: date, fn: Any) -> None:
        if day <= today:
            builder._at(day, fn)

    def appeal(i: int) -> Appeal:
        return Appeal.objects.get(pk=ids[i])

    for i in range(count):
        svc = made[i % len(made)]
        received = today - timedelta(days=rng.randint(0, 60))
        kind = Kind.COMPLAINT if rng.random() < 0.25 else Kind.REQUEST
        channel = rng.choice([Channel.WEB, Channel.WEB, Channel.PHONE, Channel.OPEN311])
        fate = rng.random()
        reply_after = rng.choice([1, 2, 2, 3, 4, 6])
        route_to = desks[rng.randrange(len(desks))][0]

        def submit(i: int = i, svc: Service = svc, kind: str = kind, channel: str = channel) -> None:
            data = services.Intake(
                service=svc,
                description=TEXTS[i % len(TEXTS)],
                kind=kind,
                enterprise_name=ENTERPRISES[i % len(ENTERPRISES)],
                contact_name="联系人" + str(i % 9 + 1),
                phone=f"1380000{i:04d}",
                address="示范区" + ("科创路" if i % 2 else "工业大道") + f"{i % 40 + 1}号",
            )
            ids[i] = services.appeal_submit(
                data=data, channel=channel, actor=officer if channel == Channel.PHONE else None
            ).pk

        on(received, submit)
        if svc.unit_id is None and (i == 7 or fate < 0.3):  # still waiting for the office to route it
            continue
        day = received
        if svc.unit_id is None:
            day = received + timedelta(days=1)
            on(day, lambda i=i, u=route_to: services.appeal_route(actor=officer, appeal=appeal(i), unit=u))
        unit_id = svc.unit_id or route_to.pk
        clerk = clerk_of[unit_id]
        if fate < 0.30:  # in hand; the older ones are overdue by now
            continue
        if fate < 0.45:  # paused with a recorded reason, some resumed and still open
            reason = PAUSE_REASONS[i % len(PAUSE_REASONS)]
            on(
                day + timedelta(days=1),
                lambda i=i, c=clerk, r=reason: services.appeal_pause(actor=c, appeal=appeal(i), reason=r),
            )
            if fate < 0.38:
                continue
            on(
                day + timedelta(days=4),
                lambda i=i, c=clerk: services.appeal_resume(actor=c, appeal=appeal(i)),
            )
            day += timedelta(days=4)
        replied = day + timedelta(days=reply_after)
        text = REPLIES[i % len(REPLIES)]
        on(replied, lambda i=i, c=clerk, t=text: services.appeal_reply(actor=c, appeal=appeal(i), reply=t))
        if kind == Kind.COMPLAINT and fate > 0.5:
            verified = rng.random() < 0.5
            note = (
                "经调阅办件记录并约谈窗口人员，投诉属实"
                if verified
                else "经核查，已按规定一次性告知，投诉不属实"
            )
            on(
                replied + timedelta(days=2),
                lambda i=i, v=verified, n=note: services.appeal_verify(
                    actor=officer, appeal=appeal(i), verified=v, note=n
                ),
            )
        if fate < 0.60:  # replied, waiting for the enterprise's rating
            continue
        mood = "unsatisfied" if fate > 0.92 else ("basic" if fate > 0.8 else "satisfied")
        on(
            replied + timedelta(days=1),
            lambda i=i, m=mood: services.appeal_rate(code=appeal(i).tracking_code, satisfaction=m),
        )
        if mood == "unsatisfied":
            on(
                replied + timedelta(days=2),
                lambda i=i: services.appeal_reopen(appeal=appeal(i), reason="问题没有实际解决，申请重新办理"),
            )
            on(
                replied + timedelta(days=5),
                lambda i=i, c=clerk: services.appeal_reply(
                    actor=c, appeal=appeal(i), reply="已再次上门对接，问题已解决。"
                ),
            )
    builder.counts["appeals"] = count
    builder.counts["appeal_services"] = len(made)
    # The enterprise side is one step of the demo build: the watched enterprises come with it.
    from luoshi.enterprises import demo as enterprises_demo

    enterprises_demo.build(builder)
