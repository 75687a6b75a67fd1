"""Demo data for rectification (整改销号): one inspection round (巡察) with problems in every state,
loaded through the real services (measures closed by claim and confirmation, sign-offs up the chain,
a return, re-inspections that reopen), deterministic for a given `today`."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.work.models import ClaimState, Task
from luoshi.work.services import task_claim_approve, task_claim_completion, task_confirm_completion

from .models import Problem, ProblemKind, Round
from .services import (
    NewProblem,
    problem_reopen,
    problems_create,
    round_create,
    signoff_approve,
    signoff_reject,
    signoff_submit,
)

# (category, problem, measure, mechanism for long-term problems)
PROBLEMS: tuple[tuple[str, str, str, str], ...] = (
    (
        "全面从严治党",
        "党组履行主体责任不到位，研究部署党风廉政建设工作不够经常",
        "党组每季度专题研究党风廉政建设",
        "建立党组季度专题研究制度",
    ),
    ("作风建设", "公务接待审批不规范，部分接待无公函", "清理近三年公务接待台账并补齐手续", ""),
    ("财务管理", "违规发放津贴补贴", "清退违规发放的津贴补贴", ""),
    ("财务管理", "专项资金拨付滞后，资金闲置", "加快专项资金拨付进度", "建立专项资金季度调度机制"),
    ("选人用人", "干部人事档案审核不严，个别档案信息不一致", "开展干部人事档案专项审核", ""),
    (
        "意识形态",
        "意识形态工作责任制落实不到位",
        "制定意识形态工作责任清单",
        "每半年开展一次意识形态形势分析",
    ),
    (
        "工程项目",
        "政府投资项目未按规定履行招投标程序",
        "对相关项目开展专项检查并追责",
        "完善政府投资项目全过程监管制度",
    ),
    ("作风建设", "文山会海问题仍然存在，基层负担较重", "精简会议文件，合并同类会议", ""),
    ("资产管理", "国有资产登记不全，部分资产账实不符", "开展国有资产清查盘点", "建立资产年度盘点制度"),
    ("民生领域", "惠民补贴发放审核把关不严", "复核补贴发放对象并追回违规资金", ""),
    ("全面从严治党", "巡察整改日常监督不到位", "纪检监察组开展整改专项监督", "将整改情况纳入年度考核"),
    ("财务管理", "公务用车使用管理不规范", "规范公务用车审批和登记", ""),
    ("营商环境", "涉企审批时限超过承诺时限", "压缩审批时限并公开办理进度", "建立审批时限预警机制"),
    ("基层治理", "村（社区）“三务”公开不及时", "督促按月公开党务、村务、财务", ""),
    ("安全生产", "安全生产隐患排查整治不彻底", "开展隐患排查“回头看”", "建立隐患排查闭环管理台账"),
    ("作风建设", "督查检查考核过多过频", "统筹整合督查检查事项", ""),
)

# Every state a problem can be in, in turn (整改中、逾期未完成、待三级审核、已销号、退回、回头看重新打开).
STORIES = ("open", "late", "unit_head", "leader", "office", "done", "returned", "reopened")


@dataclass(frozen=True)
class DemoUnit:
    """A responsible unit with the people who act for it: clerk (申请), head (审核), lead leader."""

    unit: Any
    clerk: Any
    head: Any
    leader: Any


def _evidence(number: str) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(
            f"问题{number}整改佐证.txt", f"问题{number}整改完成情况说明\n".encode(), "text/plain"
        )
    ]


def _close_measures(problem: Problem, who: DemoUnit, officer: Any, today: date) -> None:
    for task in Task.objects.filter(pk__in=problem.measures.values("task_id")).order_by("pk"):
        task_claim_completion(
            actor=who.clerk, task=task, note="整改措施已落实。", files=_evidence(problem.number)
        )
        pending = task.claims.filter(state=ClaimState.PENDING).first()
        if pending is not None:
            task_claim_approve(actor=who.head, claim=pending)
        task_confirm_completion(
            actor=officer, task=Task.objects.get(pk=task.pk), note="经核查，措施已落实。", on=today
        )


def load(*, today: date, units: Sequence[DemoUnit], officer: Any, count: int = 60) -> dict[str, int]:
    """The round "区委第X轮巡察" as of `today` with `count` problems spread over `units` and stories."""
    rng = random.Random(f"rectification:{today.isoformat()}")
    rnd: Round = round_create(
        actor=officer,
        kind="patrol",
        name=f"{today.year}年区委第一轮巡察",
        body="区委第一巡察组",
        start=today - timedelta(days=160),
        end=today - timedelta(days=120),
        feedback=today - timedelta(days=110),
        due=today + timedelta(days=250),
        scope_units=[u.unit for u in units],
    )
    rows = []
    stories = []
    for i in range(count):
        category, text, measure, mechanism = PROBLEMS[i % len(PROBLEMS)]
        who = units[i % len(units)]
        story = STORIES[i % len(STORIES)]
        long_term = bool(mechanism) and story != "late"
        past = story in ("late", "done") or rng.random() < 0.3
        deadline = (
            today - timedelta(days=rng.randint(5, 60))
            if past
            else today + timedelta(days=rng.randint(20, 200))
        )
        if story == "late":
            deadline = today - timedelta(days=rng.randint(5, 60))
        money = Decimal(rng.randint(0, 12) * 5) / 2 if category == "财务管理" else Decimal(0)
        rows.append(
            NewProblem(
                number=str(i + 1),
                text=text,
                category=category,
                responsible_unit=who.unit,
                responsible_leader=who.leader.person if i % 5 else None,
                deadline=deadline,
                kind=ProblemKind.LONG_TERM if long_term else ProblemKind.IMMEDIATE,
                mechanism=mechanism if long_term else "",
                measures=[(measure, None)],
                money_involved=money,
                money_recovered=money if story in ("done", "office") else Decimal(0),
            )
        )
        stories.append((story, who))
    problems = problems_create(actor=officer, round=rnd, rows=rows)
    for problem, (story, who) in zip(problems, stories, strict=True):
        if story in ("open", "late"):
            continue
        _close_measures(problem, who, officer, today)
        signoff = signoff_submit(
            actor=who.clerk,
            problem=problem,
            note="问题已整改到位，申请销号。",
            files=_evidence(problem.number),
        )
        if story == "unit_head":
            continue
        signoff_approve(actor=who.head, signoff=signoff, step="unit_head", note="情况属实。")
        if story == "returned":
            step = "leader" if problem.responsible_leader_id else "office"
            actor = who.leader if problem.responsible_leader_id else officer
            signoff_reject(actor=actor, signoff=signoff, step=step, note="佐证材料不充分，请补充。")
            continue
        if story == "leader":
            continue  # waits for the lead leader (for the office where there is none)
        if problem.responsible_leader_id:
            signoff_approve(actor=who.leader, signoff=signoff, step="leader", note="同意。")
        if story == "office":
            continue
        signoff_approve(actor=officer, signoff=signoff, step="office", note="经核查，同意销号。")
        if story == "reopened":
            problem_reopen(
                actor=officer,
                problem=problem,
                reason="巡察“回头看”发现问题反弹。",
                deadline=today + timedelta(days=60),
                measure="针对反弹问题开展专项整治",
            )
    return {"rectification_problems": len(problems)}


def build(builder: Any) -> None:
    """The demo district's round (called from `luoshi.demo.build`): eight of the district's units
    with a clerk, a head and a leader over them; 60 problems (12 with `--small`)."""
    units = []
    for code in sorted(builder.leader_of):
        clerk, head = builder.users.get(f"{code.lower()}_tb"), builder.users.get(f"{code.lower()}_fz")
        if clerk is not None and head is not None:
            leader = builder.users[builder.leader_of[code]]
            units.append(DemoUnit(unit=builder.units[code], clerk=clerk, head=head, leader=leader))
    builder.counts.update(
        load(
            today=builder.today,
            units=units[:8],
            officer=builder.users["ducha1"],
            count=12 if builder.small else 60,
        )
    )
