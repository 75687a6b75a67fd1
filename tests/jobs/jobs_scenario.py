"""Steps of the killed-worker scenario (tests/jobs/test_job_recovery.py), each run as its own process
against the scenario's own database: `python -m tests.jobs.jobs_scenario setup|commit|check`.

Prints one JSON object on its last line.
"""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any

ROWS = 3000  # above the 2,000 rows that send a file to the worker and create tasks set-based
PLAN_A, PLAN_B = "大表甲", "大表乙"


def table() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["类别", "序号", "重点任务", "牵头单位", "完成时限"])
    for i in range(1, ROWS + 1):
        section = f"第{(i - 1) // 300 + 1}类重点工作"
        unit = "区发改局" if i % 3 else "区财政局"
        ws.append([section, i, f"推进第{i}项民生工程建设并按月调度", unit, f"{i % 12 + 1}月底前"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def officer() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="officer")


def setup() -> dict[str, Any]:
    from django.core.management import call_command

    from luoshi.imports.services import batch_create
    from tests.factories import Personas

    call_command("migrate", verbosity=0)
    p = Personas()
    a = p.plan(name=PLAN_A)
    p.plan(name=PLAN_B)
    # Not in a transaction: the parse job is sent to the worker's queue at once.
    batch = batch_create(actor=p.officer, kind="tasks", data=table(), filename="big.xlsx", plan=a)
    return {"batch": batch.pk, "state": batch.state}


def commit() -> dict[str, Any]:
    from luoshi.imports.models import ImportBatch
    from luoshi.imports.services import batch_commit

    batch = ImportBatch.objects.get(plan__name=PLAN_A)
    batch = batch_commit(actor=officer(), batch=batch)
    return {"batch": batch.pk, "state": batch.state, "result": batch.result}


def snapshot(plan_name: str) -> dict[str, Any]:
    """What an import leaves: its batch's preview and every task, by code (ids differ by plan)."""
    from luoshi.imports.models import ImportBatch
    from luoshi.work.models import Task

    batch = ImportBatch.objects.get(plan__name=plan_name)
    fields = "code title description lead_unit_id start due deadline_text depth status search_text".split()
    tasks = Task.objects.filter(plan__name=plan_name).order_by("code")
    parents = dict(tasks.values_list("pk", "code"))
    return {
        "state": batch.state,
        "result": {k: v for k, v in batch.result.items() if k != "plan"},
        "preview": batch.preview,
        "tasks": {
            t["code"]: {**{k: str(t[k]) for k in fields}, "parent": parents.get(t["parent_id"])}
            for t in tasks.values(*fields, "parent_id")
        },
    }


def check() -> dict[str, Any]:
    """The same file imported into plan B with no worker at all (jobs inline), and both imports."""
    from huey.contrib.djhuey import HUEY

    from luoshi.imports.services import batch_commit, batch_create
    from luoshi.jobs.models import Job
    from luoshi.lib.text import pinyin_forms
    from luoshi.work.models import Plan, Task

    jobs_before = list(Job.objects.order_by("pk").values("kind", "state", "attempts", "progress"))
    HUEY.immediate = True
    b = Plan.objects.get(name=PLAN_B)
    batch = batch_create(actor=officer(), kind="tasks", data=table(), filename="big.xlsx", plan=b)
    batch.refresh_from_db()  # parsed when batch_create committed
    batch_commit(actor=officer(), batch=batch)
    with_pinyin = sum(
        1
        for title, text in Task.objects.filter(plan__name=PLAN_A).values_list("title", "search_text")
        if all(form in text for form in pinyin_forms(title))
    )
    return {
        "jobs": jobs_before,
        "a": snapshot(PLAN_A),
        "b": snapshot(PLAN_B),
        "a_with_pinyin": with_pinyin,
        "a_tasks": Task.objects.filter(plan__name=PLAN_A).count(),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    step = {"setup": setup, "commit": commit, "check": check}[sys.argv[1]]
    print(json.dumps(step(), ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
