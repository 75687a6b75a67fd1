#!/usr/bin/env python
"""Sharding by region, checked on one PostgreSQL (docs/scaling.md): two regions' data, where its rows
lie, and the plans of the hot queries on the region key.

    DATABASE_URL=postgres://…/luoshi_scale_bench python bench/regions.py [--today 2026-11-30]

Uses the database of DATABASE_URL as it is, or fills it once (`bench_data --scale two`: two districts
of ~2,900 tasks each) when it has no plan. Prints, for every region-keyed table, its rows per region
and how many rows sit in another region than their parent (must be 0: a region's rows stay together,
so Citus can co-locate them); then runs the hot reads of one region's plan (the light engine's
queries, the late-report step's reads, the plan's task list) capturing their SQL, and prints each
query's EXPLAIN with whether it filters on `region_id`. Writes JSON under bench/results/; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# table -> (parent table, parent column) whose region a row must share.
PARENTS = {
    "work_task": ("work_plan", "plan_id"),
    "work_taskunit": ("work_task", "task_id"),
    "work_milestone": ("work_task", "task_id"),
    "work_report": ("work_task", "task_id"),
    "work_claim": ("work_task", "task_id"),
    "work_transition": ("work_task", "task_id"),
    "work_latereport": ("work_task", "task_id"),
    "work_follow": ("work_task", "task_id"),
    "work_lockedperiod": ("work_plan", "plan_id"),
    "work_lightcount": ("work_plan", "plan_id"),
    "work_evidence": ("work_report", "report_id"),
    "work_plan": ("org_unit", "owner_unit_id"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from luoshi.lib.regions import region_key
    from luoshi.work.dashboard import light_totals, lights_by_unit
    from luoshi.work.models import Plan, Task
    from luoshi.work.selectors import compute_lights
    from luoshi.work.selectors_plan import plan_lights
    from luoshi.work.services.lights import mark_late_reports

    today = args.today or date.today()
    if connection.vendor != "postgresql":
        sys.exit("bench/regions.py needs PostgreSQL (EXPLAIN)")
    if not Plan.objects.exists():
        t0 = time.perf_counter()
        call_command("bench_data", "--scale", "two", "--today", today.isoformat())
        print(f"generated in {time.perf_counter() - t0:.0f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    keyed = sorted(m._meta.db_table for m in apps.get_models() if region_key(m) is not None)
    result: dict[str, Any] = {"tables": {}, "queries": []}
    print("## Rows per region (region = district unit id) and rows outside their parent's region\n")
    with connection.cursor() as cur:
        for table in keyed:
            cur.execute(f"SELECT region_id, count(*) FROM {table} GROUP BY region_id ORDER BY region_id")
            per_region = {str(r): n for r, n in cur.fetchall()}
            parent, column = PARENTS[table]
            cur.execute(
                f"SELECT count(*) FROM {table} c JOIN {parent} p ON p.id = c.{column} "
                f"WHERE p.region_id <> c.region_id"
            )
            strays = cur.fetchone()[0]
            result["tables"][table] = {"per_region": per_region, "outside_parent_region": strays}
            print(f"{table:20s} {per_region}  outside: {strays}")

    # One region's plan (the second district's): the reads of its hot paths, as they run.
    plan = (
        Plan.objects.filter(name__startswith="R001").order_by("pk").first()
        or Plan.objects.order_by("pk").last()
    )
    assert plan is not None
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="r1_dc")
    with CaptureQueriesContext(connection) as engine:
        compute_lights(plan_id=plan.pk, on=today)
        compute_lights(plan_id=plan.pk, on=today - timedelta(days=45))  # history: reads the reports
    with CaptureQueriesContext(connection) as late:
        with transaction.atomic():  # the step's reads; its writes rolled back
            mark_late_reports(plan_id=plan.pk, on=today)
            transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as page:
        plan_lights(officer, plan, today)
        list(Task.objects.filter(region_id=plan.region_id, plan_id=plan.pk).order_by("sort_path")[:30])
    with CaptureQueriesContext(connection) as dashboard:
        light_totals(officer, plan.pk)
        lights_by_unit(officer, plan.pk)
    print(f"\n## Hot reads of plan {plan.pk} (region {plan.region_id}): EXPLAIN (ANALYZE, COSTS OFF)\n")
    seen: set[str] = set()
    paths = (
        ("light engine", engine),
        ("late-report step", late),
        ("plan page", page),
        ("plan dashboard", dashboard),
    )
    for label, ctx in paths:
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.startswith("SELECT") or '"work_' not in sql or sql in seen or "FOR UPDATE" in sql:
                continue
            seen.add(sql)
            tables = sorted(set(re.findall(r'"(work_[a-z]+)"', sql)))
            on_key = all(f'"{t}"."region_id" =' in sql for t in tables)
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
                plan_text = "\n".join(r[0] for r in cur.fetchall())
            short = sql if len(sql) < 400 else sql[:400] + " …"
            result["queries"].append(
                {"path": label, "tables": tables, "region_filter": on_key, "sql": sql, "explain": plan_text}
            )
            print(
                f"### {label}: {', '.join(tables)} — every table filtered on region_id: {'yes' if on_key else 'NO'}"
            )
            print(short)
            print(plan_text + "\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"regions-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
