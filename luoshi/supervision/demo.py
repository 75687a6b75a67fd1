"""Demo data for supervision (督查督办): eight items told as stories on the replayed days before
`today` — instructions, a hotline complaint, an inspection finding — handed off, signed, transferred
and returned; notices at every level (催办 → 督办 → 通报 → 问责) with a response and an
accountability record; one closed with its effect; some left idle; then the daily step's proposals
waiting in the office's queue. Everything goes through the services, deterministic for `today`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from . import services
from .models import Item, Proposal


@dataclass(frozen=True)
class Desk:
    """A unit with the people who act for it: its clerk (填报员) and head."""

    unit: Any
    clerk: Any
    head: Any


STORIES: tuple[tuple[str, str, str], ...] = (
    # (source, title, instruction or note)
    ("instruction", "加快推进老旧小区改造项目前期工作", "请发改局牵头，月底前拿出实施方案。"),
    ("instruction", "解决园区企业用电增容问题", "企业反映强烈，请抓紧协调解决。"),
    ("hotline", "12345热线反映的道路破损问题整治", ""),
    ("inspection", "督查发现的项目审批超时限问题", ""),
    ("instruction", "推进重点项目征地拆迁", "务必按节点完成，逾期将启动问责。"),
    ("hotline", "背街小巷环境卫生整治", ""),
    ("inspection", "政务服务大厅窗口整合", ""),
    ("instruction", "落实稳岗就业补贴政策", "要确保政策应享尽享。"),
)


def plan(builder: Any) -> None:
    """Schedule the stories as events of the demo build (called after the task stories, before the
    replay), so every hand-off and notice is stamped on its own day."""
    today: date = builder.today
    desks = []
    for code in sorted(builder.leader_of):
        clerk, head = builder.users.get(f"{code.lower()}_tb"), builder.users.get(f"{code.lower()}_fz")
        if clerk is not None and head is not None:
            desks.append(Desk(unit=builder.units[code], clerk=clerk, head=head))
    officer = builder.users["ducha1"]
    leader = builder.persons[builder.leader_of[sorted(builder.leader_of)[0]]]
    state: dict[int, Item] = {}

    def on(days_ago: int, fn: Callable[[], Any]) -> None:
        builder._at(today - timedelta(days=days_ago), fn)

    def item(i: int) -> Item:
        return Item.objects.get(pk=state[i].pk)

    def create() -> None:
        for i, (source, title, text) in enumerate(STORIES):
            desk = desks[i % len(desks)]
            state[i] = services.item_create(
                actor=officer,
                title=title,
                source_kind=source,
                lead_unit=desk.unit,
                co_units=[desks[(i + 1) % len(desks)].unit],
                deadline=today + timedelta(days=20 + 10 * i),
                instruction_text=text,
                instruction_leader=leader if source == "instruction" else None,
                instruction_date=today - timedelta(days=26) if source == "instruction" else None,
                source_ref=f"12345-{today:%Y%m}-{i:03d}" if source == "hotline" else "",
            )

    def desk(i: int, step: int = 0) -> Desk:
        return desks[(i + step) % len(desks)]

    def handoff(i: int, actor: Any, kind: str, to: Any = None, note: str = "") -> None:
        services.item_handoff(actor=actor, item=item(i), kind=kind, to_unit=to, note=note)

    def notice(i: int, level: str) -> None:
        services.notice_issue(actor=officer, item=item(i), level=level)

    def respond(i: int, who: Any, text: str, stall: str = "") -> None:
        n = item(i).notices.order_by("-issued_on", "-pk")[0]
        services.response_submit(actor=who, notice=n, text=text, stall_reason=stall)

    on(25, create)

    # signed at once by most desks; item 5 (背街小巷) is never signed: it idles
    def sign(i: int) -> Callable[[], None]:
        return lambda: handoff(i, desk(i).clerk, "sign")

    for i in (0, 1, 2, 3, 4, 6, 7):
        on(24, sign(i))
    # item 1: transferred to the co-unit, which signs; a 催办单 and its answer
    on(22, lambda: handoff(1, desk(1).head, "transfer", desk(1, 1).unit, "供电协调属该单位职责"))
    on(21, lambda: handoff(1, desk(1, 1).clerk, "sign"))
    on(15, lambda: notice(1, "remind"))
    on(14, lambda: respond(1, desk(1, 1).clerk, "已与供电公司对接，增容方案已批复，预计下月完工。"))
    # item 2: a 督办单 never answered (the step proposes 通报)
    on(10, lambda: notice(2, "supervise"))
    # item 3: 督办 then 通报 (the 通报 reaches the bulletin)
    on(12, lambda: notice(3, "supervise"))
    on(6, lambda: notice(3, "bulletin"))
    # item 4: all the way to 问责, with the record
    on(20, lambda: notice(4, "remind"))
    on(15, lambda: notice(4, "supervise"))
    on(10, lambda: notice(4, "bulletin"))
    on(5, lambda: notice(4, "account"))
    on(
        3,
        lambda: services.accountability_record(
            actor=officer,
            item=item(4),
            person=desk(4).head.person,
            finding="征地拆迁节点连续三次滞后，督办后仍未按期反馈。",
            outcome="interview",
            decided_on=today - timedelta(days=4),
        ),
    )
    # item 6: returned once (not its duty), handed again, closed with its effect
    on(23, lambda: handoff(6, desk(6).clerk, "return", note="窗口整合由政务服务中心负责"))
    on(22, lambda: handoff(6, officer, "assign", desk(6, 2).unit, "改由该单位承办"))
    on(21, lambda: handoff(6, desk(6, 2).clerk, "sign"))
    on(
        2,
        lambda: services.item_close(
            actor=officer, item=item(6), effect="12个窗口整合为5个综合窗口，平均办理时间缩短40%。"
        ),
    )

    def queue() -> None:
        services.escalations_step(today)
        first = Proposal.objects.filter(item_id=state[5].pk, state="pending").order_by("pk").first()
        if first is not None:
            services.proposals_decide(actor=officer, proposals=[first.pk], accept=True)
        builder.counts.update(
            {
                "supervision_items": Item.objects.count(),
                "supervision_proposals_pending": Proposal.objects.filter(state="pending").count(),
            }
        )

    on(0, queue)
