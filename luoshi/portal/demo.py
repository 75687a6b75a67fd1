"""Demo data for the public side (called from `luoshi.demo.build`): commitments of every demo
department from the year's 互学互比 session with their quarterly compliance, three departments' 三单
catalogues, the public tasks and every key project published after review, one edit still waiting
for review, and citizens' feedback (some answered and shown). Through the real services;
deterministic for a given `today`."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.utils import timezone

from luoshi.commitments import rules as commitment_rules
from luoshi.commitments import services as commitments
from luoshi.commitments.models import Commitment, Compliance, ReviewState
from luoshi.org.models import UnitCategory

from . import services
from .models import Kind, Publication, Snapshot, SnapshotState

PROMISES = [
    ("年内完成{short}政务服务事项“一网通办”全覆盖", "梳理事项清单，完成系统对接，办件网上可办率达到100%"),
    ("优化营商环境，企业诉求办结时间压缩至5个工作日", "建立企业诉求台账，实行首问负责和限时办结"),
    ("完成年度重点项目投资任务", "落实“四包一”责任，每月调度项目进度，按季通报"),
    ("推进{short}领域专项整治，群众满意度提升至95%以上", "开展专项检查，建立问题清单和整改销号机制"),
    ("建成{short}数据共享平台并向社会开放", "完成数据归集、平台部署和安全评估，向社会开放数据目录"),
    ("年内争取上级资金不低于上年水平", "加强政策研究，建立项目储备库，逐月跟踪申报进度"),
]
NOTES = {
    "fulfilled": "已按承诺完成，成果已通过验收。",
    "on_track": "按计划推进，本季度节点任务已完成。",
    "behind": "受审批进度影响，进度滞后，已制定赶进措施。",
    "not_started": "前期准备中，尚未启动实施。",
}
CATALOGUE_ITEMS = {
    "power": [
        ("行政许可", "《中华人民共和国行政许可法》", "审批科", "受理—审查—决定—送达"),
        ("行政处罚", "《中华人民共和国行政处罚法》", "执法大队", "立案—调查—告知—决定—执行"),
        ("行政检查", "《优化营商环境条例》", "监督科", "制定计划—实施检查—结果公开"),
        ("行政确认", "部门规章", "综合科", "申请—审核—确认"),
    ],
    "responsibility": [
        ("统筹推进本领域发展规划编制和实施", "“三定”规定", "规划科", "调研—起草—征求意见—报批—实施评估"),
        ("负责本领域安全生产监督管理", "《中华人民共和国安全生产法》", "安全科", "排查—交办—整改—复核"),
        ("承担政务公开和政府信息公开工作", "《政府信息公开条例》", "办公室", "受理—审查—答复"),
    ],
    "negative": [
        ("不得新设没有法律法规依据的审批事项", "《优化营商环境条例》", "审批科", "—"),
        ("不得以备案、登记等名义变相设定许可", "《中华人民共和国行政许可法》", "法规科", "—"),
        ("不得要求企业提供法律法规规定以外的材料", "《优化营商环境条例》", "各业务科室", "—"),
    ],
}
FEEDBACK = [
    ("希望定期公布这项承诺的具体进展和完成节点。", "已按季度公布兑现情况，下一期将于季度末更新。"),
    ("建议在街道便民服务中心也能办理相关事项。", "感谢建议，相关事项已下沉至各街道便民服务中心。"),
    ("项目施工期间噪音较大，希望合理安排作业时间。", "已协调施工单位夜间22时后停止高噪音作业。"),
    ("这个清单里的流程能否再细化一些？", None),
    ("请问这项工作由哪个科室负责，如何联系？", None),
]


def _state(rng: random.Random, q: int, last: bool) -> str:
    if last:
        return rng.choices(["fulfilled", "on_track", "behind", "not_started"], weights=[3, 5, 2, 1])[0]
    return rng.choices(["fulfilled", "on_track", "behind"], weights=[1, 6, 1])[0]


def build(builder: Any) -> None:
    today: date = builder.today
    officer = builder.users["ducha1"]
    rng = random.Random(f"portal:{today.isoformat()}:{int(builder.small)}")
    departments = sorted(
        (u for u in builder.units.values() if u.category == UnitCategory.DEPARTMENT), key=lambda u: u.path
    )
    if builder.small:
        departments = departments[:6]
    year = today.year
    this_q = int(commitment_rules.period_of(today)[-1])
    periods = [f"{year}Q{q}" for q in range(1, this_q)]  # the closed quarters
    made: list[Commitment] = []
    history: list[Compliance] = []
    pending_statements: list[tuple[Commitment, Any, str]] = []
    now = timezone.now()
    for i, unit in enumerate(departments):
        short = unit.short_name or unit.name
        clerk = builder.users.get(f"{unit.code.lower()}_tb") or officer
        for n in range(2 if builder.small else 3):
            title, measure = PROMISES[(i + n) % len(PROMISES)]
            c = commitments.commitment_create(
                actor=officer,
                unit=unit,
                session=f"{year}年度互学互比晒思路会",
                year=year,
                title=title.format(short=short),
                measure=measure,
                deadline=date(year, rng.choice([6, 9, 12]), 30 if rng.random() < 0.5 else 28),
            )
            made.append(c)
            # the closed quarters' compliance, as the office accepted it then (the ledger's history)
            for j, period in enumerate(periods):
                state = _state(rng, j, j == len(periods) - 1)
                if commitment_rules.period_bounds(period)[1] >= c.deadline:
                    state = "fulfilled" if rng.random() < 0.8 else "behind"
                history.append(
                    Compliance(
                        commitment=c,
                        period=period,
                        state=state,
                        note=NOTES[state],
                        submitted_by=clerk,
                        review=ReviewState.ACCEPTED,
                        reviewed_by=officer,
                        reviewed_at=now,
                    )
                )
            # this quarter's statement, stated by the unit, waits for the office for a few of them
            if len(made) % 7 == 1:
                state = rng.choice(["on_track", "fulfilled", "behind"])
                pending_statements.append((c, clerk, state))
    Compliance.objects.bulk_create(history)
    for c in made:
        services.publication_propose(
            kind=Kind.COMMITMENT,
            ref=str(c.pk),
            unit_id=c.unit_id,
            data=commitments.public_data(c, on=today),
            actor=officer,
            audit=False,
        )
    for c, clerk, state in pending_statements:
        commitments.compliance_submit(
            actor=clerk,
            commitment=c,
            period=commitment_rules.period_of(today),
            state=state,
            note=NOTES[state],
        )
    for unit in departments[:3]:
        for kind, rows in CATALOGUE_ITEMS.items():
            prefix = {"power": "QL", "responsibility": "ZR", "negative": "FM"}[kind]
            items = [
                commitments.ItemRow(f"{prefix}-{k + 1:03d}", name, basis, post, process)
                for k, (name, basis, post, process) in enumerate(rows)
            ]
            commitments.catalogue_import(actor=officer, unit=unit, kind=kind, rows=items)
    services.publications_sync(today, actor=officer)
    from luoshi.projects.models import Project

    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    if project_ids:
        services.project_publish(actor=officer, project_ids=project_ids, on=today)
    pending = list(Snapshot.objects.filter(state=SnapshotState.PENDING).values_list("pk", flat=True))
    published = services.snapshots_publish(actor=officer, ids=pending)
    # one edit waiting for review: the public keeps the reviewed wording
    if made:
        first = made[0]
        commitments.commitment_update(
            actor=officer,
            commitment=first,
            version=first.version,
            reason="按晒思路会纪要调整表述",
            changes={"measure": first.measure + "；同步推进掌上办理"},
        )
    targets = list(
        Publication.objects.filter(
            kind__in=[Kind.COMMITMENT, Kind.CATALOGUE, Kind.PROJECT], current__isnull=False
        )
        .order_by("kind", "pk")
        .values_list("pk", flat=True)[: len(FEEDBACK)]
    )
    feedback = 0
    for k, (pk, (body, reply)) in enumerate(zip(targets, FEEDBACK, strict=False)):
        fb = services.feedback_submit(publication_id=pk, body=body, address=f"192.0.2.{k + 1}")
        feedback += 1
        if reply:
            services.feedback_moderate(actor=officer, feedback=fb, approve=True, reply=reply)
    builder.counts.update({"commitments": len(made), "publications": published, "public feedback": feedback})
