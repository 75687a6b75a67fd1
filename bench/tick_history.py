#!/usr/bin/env python
"""The daily tick on a plan's day 1 and on its day 365, side by side (issue 20, item 4).

    python bench/tick_history.py --scale district|city|province [--repeat 3] [--history]

Uses (or generates, once) `luoshi_bench_tick_<scale>` on the server of DATABASE_URL / BENCH_DATABASE_URL:
the bench data with a full year of reports (`luoshi bench-data --today <year>-12-31`), left as it
was: the measuring is done on copies of it.

- day 365 (12-31): the state of a plan ticked every day, i.e. after a tick of 12-30; each measured run
  is the first tick of 12-31 (every stored light rewritten, the day's late periods looked up);
- day 1 (01-01): the same database without its history (reports, late marks and light counts
  truncated, the known figures cleared, no late check yet), the first tick of 01-01 likewise.

`tick_plans(day, threads=1)` of every plan, warm (one run first, not counted), median of `--repeat`;
each state is set up (and committed) on a fresh copy of the generated database (CREATE DATABASE …
TEMPLATE), each run is its own transaction rolled back after it, and the tables it touched are
vacuumed before the next, so no run pays for the row versions of the ones before.
With `--history`, the same again with the tick as before the stored figures: every task's figures
from the history query and every late period since the plan's start looked up.
Prints a table and writes JSON under bench/results/. Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


class Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="district", choices=["tiny", "district", "city", "province"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--history", action="store_true", help="also measure the tick reading history")
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/luoshi"
    )
    if not base.startswith("postgres"):
        print("the bench runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    db_url = f"{base.rsplit('/', 1)[0]}/luoshi_bench_tick_{args.scale}"
    sys.path.insert(0, str(ROOT / "bench"))
    from run import ensure_database

    ensure_database(db_url)
    env = dict(os.environ, DATABASE_URL=db_url, LUOSHI_LOG_LEVEL="ERROR")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    sys.path.insert(0, str(ROOT))
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    import django

    django.setup()
    from django.db import connection, transaction

    from luoshi.work import selectors
    from luoshi.work.models import Plan, Report, Task
    from luoshi.work.periodic import tick_plans

    last = date(args.year, 12, 31)
    first = date(args.year, 1, 1)
    if not Plan.objects.exists():
        t0 = time.perf_counter()
        subprocess.run(
            [*manage, "bench_data", "--scale", args.scale, "--today", last.isoformat()],
            env=env,
            check=True,
            cwd=ROOT,
        )
        print(f"generated {args.scale} data in {time.perf_counter() - t0:.0f} s")
    plans, tasks, reports = Plan.objects.count(), Task.objects.count(), Report.objects.count()
    print(f"scale {args.scale}: {plans} plans, {tasks:,} tasks, {reports:,} reports", flush=True)
    n = len(selectors._TASK_FIELDS)
    stored_figures = selectors._figures_as_of
    source = connection.settings_dict["NAME"]
    copy = f"{source}_run"

    def from_history(rows: list[tuple[Any, ...]], on: date, scope_q: Any) -> Any:
        return [r[:n] for r in rows], selectors._latest_reports(scope_q, on)

    def use_copy() -> None:
        """A fresh copy of the generated data (CREATE DATABASE … TEMPLATE), and connect to it."""
        connection.close()  # no session may be open on the template
        import psycopg

        base = db_url.rsplit("/", 1)[0]
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
        connection.settings_dict["NAME"] = copy

    def vacuum() -> None:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")

    def measure(day: date, *, history: bool) -> dict[str, Any]:
        """Warm-up run, then `repeat` runs of the first tick of `day`: each in its own transaction,
        rolled back after it, and the touched tables vacuumed before the next."""
        selectors._figures_as_of = from_history if history else stored_figures  # type: ignore[assignment]
        try:
            times: list[float] = []
            totals: Any = None
            for i in range(args.repeat + 1):
                try:
                    with transaction.atomic():
                        if history:  # as before: every period since the plan's start looked at
                            Plan.objects.update(late_checked_on=None)
                        t0 = time.perf_counter()
                        totals = tick_plans(day, threads=1)
                        elapsed = time.perf_counter() - t0
                        raise Rollback
                except Rollback:
                    pass
                vacuum()
                if i:
                    times.append(elapsed)
        finally:
            selectors._figures_as_of = stored_figures  # type: ignore[assignment]
        return {
            "day": day.isoformat(),
            "median_s": round(statistics.median(times), 3),
            "runs_s": [round(t, 3) for t in times],
            "lights_changed": totals.lights_changed,
            "late_reports": totals.late_reports,
        }

    results: dict[str, Any] = {
        "scale": args.scale,
        "plans": plans,
        "tasks": tasks,
        "reports": reports,
        "repeat": args.repeat,
        "at": datetime.now().isoformat(timespec="seconds"),
    }
    modes = [False, True] if args.history else [False]
    try:
        # Day 365: a plan ticked every day up to 12-30 (that tick committed, as the worker would).
        use_copy()
        tick_plans(last - timedelta(days=1), threads=1)
        filed = Report.objects.filter(filed_on=last).count()
        print(f"  day 365: {filed:,} reports entered on {last}", flush=True)
        results["reports_entered_day365"] = filed
        vacuum()
        for history in modes:
            key = "day365" + ("_history" if history else "")
            results[key] = measure(last, history=history)
            print(f"  day 365 {'history' if history else 'stored '}: {results[key]}", flush=True)
        # Day 1: the same plans and tasks with no history at all.
        use_copy()
        with connection.cursor() as cur:
            cur.execute("TRUNCATE work_report, work_latereport, work_lightcount CASCADE")
        Task.objects.update(
            known_percent=None,
            known_value=None,
            known_period=None,
            known_last_on=None,
            known_through=None,
        )
        Plan.objects.update(late_checked_on=None)
        vacuum()
        for history in modes:
            key = "day1" + ("_history" if history else "")
            results[key] = measure(first, history=history)
            print(f"  day 1   {'history' if history else 'stored '}: {results[key]}", flush=True)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = source
        import psycopg

        with psycopg.connect(db_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}"')
    for suffix in ("", "_history") if args.history else ("",):
        d1, d365 = results["day1" + suffix], results["day365" + suffix]
        results["ratio" + suffix] = round(d365["median_s"] / max(d1["median_s"], 1e-6), 3)
    print()
    print("| scale | tick | day 1 (01-01) | day 365 (12-31) | day 365 / day 1 |")
    print("|---|---|---:|---:|---:|")
    for suffix, label in (("", "stored figures"), ("_history", "history (before)")):
        if "ratio" + suffix in results:
            d1, d365 = results["day1" + suffix], results["day365" + suffix]
            print(
                f"| {args.scale} | {label} | {d1['median_s']:.2f} s | {d365['median_s']:.2f} s | "
                f"{results['ratio' + suffix]:.2f} |"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"tick-history-{args.scale}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
