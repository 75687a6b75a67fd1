"""Benchmark data of rectification (整改销号): one inspection round per region, ~500 problems each
(~50,000 at province scale), each with one or two measures (tasks of the round's plan), responsible
units and lead leaders of the region, deadlines around `today`, and the stages of a real ledger
(about 40% signed off, 15% waiting in the sign-off chain, the rest open; some overdue).

Called by `generate.generate` after the regions are written; rows by COPY on PostgreSQL, measures by
the work app's one bulk path (`work.bulk.task_create_many`), as the rest of the bench data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model

from luoshi.lib.bulk import model_rows, next_id, reset_sequence, write_rows
from luoshi.lib.natural import code_key
from luoshi.work.bulk import NewTask, task_create_many
from luoshi.work.models import Plan, Task

PROBLEMS_PER_REGION = {"tiny": 40}
DEFAULT_PROBLEMS = 500
CATEGORIES = ["党的建设", "财务管理", "工程项目", "民生领域", "作风建设", "选人用人", "资产管理"]
TEXTS = [
    "公务接待审批不严，超标准接待{n}次",
    "工程项目未经招标直接发包，涉及金额较大",
    "专项资金拨付滞后，资金闲置",
    "“三重一大”事项未经集体研究决定",
    "固定资产账实不符，部分资产未入账",
    "惠民政策落实不到位，群众反映强烈",
    "形式主义问题突出，填表报数多",
]
MEASURES = ["完善制度并组织学习", "追回违规资金", "开展专项清查", "约谈相关责任人", "整改到位后报送材料"]


def _stage(roll: float) -> str:
    if roll < 0.40:
        return "done"
    if roll < 0.47:
        return "unit_head"
    if roll < 0.52:
        return "leader"
    if roll < 0.55:
        return "office"
    return "open"


def generate_rectification(
    *,
    regions: list[dict[str, Any]],
    ids: dict[type[Model] | str, int],
    scale: str,
    today: date,
    now: datetime,
    stats: Any,
    seed: int = 1,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Write one round per region with its problems and measures, counted in `stats` (the
    generator's); returns the counts. `ids` are the generator's next free ids (plans and tasks go in
    with explicit ids)."""
    from luoshi.rectification.models import Measure, Problem, Round

    rnd = random.Random(seed * 7919)
    per_region = PROBLEMS_PER_REGION.get(scale, DEFAULT_PROBLEMS)
    next_round, next_problem, next_measure = next_id(Round), next_id(Problem), next_id(Measure)
    counts = {"rounds": 0, "problems": 0, "measures": 0}
    t0 = time.perf_counter()
    start, end = today - timedelta(days=200), today - timedelta(days=150)
    for reg in regions:
        with transaction.atomic():
            plan_id = ids[Plan]
            ids[Plan] += 1
            round_id = next_round
            next_round += 1
            write_rows(
                Plan,
                *model_rows(
                    Plan,
                    [
                        {
                            "id": plan_id,
                            "name": f"{reg['code']} 巡察整改",
                            "year": today.year,
                            "start": start,
                            "due": today + timedelta(days=200),
                            "owner_unit_id": reg["root"],
                            "created": now,
                        }
                    ],
                ),
            )
            write_rows(
                Round,
                *model_rows(
                    Round,
                    [
                        {
                            "id": round_id,
                            "kind": "patrol",
                            "name": f"{reg['code']} 区委第一轮巡察",
                            "body": "区委巡察组",
                            "start": start,
                            "end": end,
                            "feedback": end + timedelta(days=10),
                            "plan_id": plan_id,
                            "created": now,
                        }
                    ],
                ),
            )
            problems: list[dict[str, Any]] = []
            tasks: list[NewTask] = []
            measures: list[dict[str, Any]] = []
            for i in range(1, per_region + 1):
                pid = next_problem
                next_problem += 1
                unit = rnd.choice(reg["units"])
                leader = rnd.choice(reg["leaders"]) if rnd.random() < 0.8 else None
                deadline = today + timedelta(days=rnd.randint(-90, 180))
                long_term = rnd.random() < 0.3
                stage = _stage(rnd.random())
                number = str(i)
                involved = Decimal(rnd.randint(0, 5000)) / 10 if rnd.random() < 0.3 else Decimal(0)
                problems.append(
                    {
                        "id": pid,
                        "round_id": round_id,
                        "number": number,
                        "sort_key": code_key(number)[:120],
                        "text": rnd.choice(TEXTS).format(n=rnd.randint(2, 30)),
                        "category": rnd.choice(CATEGORIES),
                        "responsible_unit_id": unit,
                        "responsible_leader_id": leader,
                        "deadline": deadline,
                        "kind": "long_term" if long_term else "immediate",
                        "mechanism": "建立长效机制，定期检查" if long_term else "",
                        "stage": stage if leader or stage != "leader" else "office",
                        "money_involved": involved,
                        "money_recovered": (involved * Decimal(rnd.randint(0, 100)) / 100).quantize(
                            Decimal("0.01")
                        ),
                        "is_public": rnd.random() < 0.5,
                        "created": now,
                    }
                )
                for k in range(1, rnd.choice((1, 1, 2)) + 1):
                    tid = ids[Task]
                    ids[Task] += 1
                    tasks.append(
                        NewTask(
                            code=f"{number}.{k}",
                            title=rnd.choice(MEASURES),
                            lead_unit=unit,
                            start=min(end + timedelta(days=10), deadline),
                            due=deadline,
                            fields={
                                "id": tid,
                                "source": "rectification",
                                "source_ref": f"rectification:{pid}",
                                "responsible_leader_id": leader,
                                "status": "closed" if stage != "open" else "in_progress",
                                "created": now,
                                "updated": now,
                                "search_text": "",
                            },
                        )
                    )
                    measures.append({"id": next_measure, "problem_id": pid, "task_id": tid})
                    next_measure += 1
            write_rows(Problem, *model_rows(Problem, problems))
            task_create_many(
                actor=None,
                plan=Plan.objects.get(pk=plan_id),
                rows=tasks,
                batch=f"bench rect {reg['code']}",
                audit=False,
            )
            write_rows(Measure, *model_rows(Measure, measures))
        counts["rounds"] += 1
        counts["problems"] += len(problems)
        counts["measures"] += len(measures)
    for m in (Round, Problem, Measure):
        reset_sequence(m)
    for name in ("rounds", "problems", "measures"):
        stats.add(f"rect. {name}", counts[name], t0)
    log(
        f"rectification: {counts['rounds']} rounds, {counts['problems']} problems, "
        f"{counts['measures']} measures in {time.perf_counter() - t0:.1f} s"
    )
    return counts
