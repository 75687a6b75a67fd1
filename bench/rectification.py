#!/usr/bin/env python
"""The three lists of one rectification round (问题清单 / 任务清单 / 责任清单), per page, server time.

    python bench/rectification.py --scale district|city|province [--repeat 7] [--db NAME]

Uses (or generates, once) `luoshi_bench_rect_<scale>` on the server of BENCH_DATABASE_URL /
DATABASE_URL (`luoshi bench-data`: one round of ~500 problems per region, ~50,000 at province
scale, with their measures). Picks the round with the most problems and, as that region's
supervision officer (who sees every problem) and as a unit's reporter, requests each list's first,
middle and last page through Django's whole stack in-process (middleware, view, template; no
network): the median and p90 of `--repeat` runs after one warm-up, with the SQL queries' number and
median total time (the rest is Python: view, template, middleware).
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
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="district", choices=["tiny", "district", "city", "province"])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--db", default="", help="the database's name on that server (default luoshi_bench_rect_<scale>)"
    )
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/luoshi"
    )
    if not base.startswith("postgres"):
        print("the bench runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    db_url = f"{base.rsplit('/', 1)[0]}/{args.db or f'luoshi_bench_rect_{args.scale}'}"
    sys.path.insert(0, str(ROOT / "bench"))
    from run import ensure_database

    ensure_database(db_url)
    env = dict(os.environ, DATABASE_URL=db_url, LUOSHI_LOG_LEVEL="ERROR", LUOSHI_FAST_HASHER="1")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    sys.path.insert(0, str(ROOT))
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from luoshi.rectification import selectors
    from luoshi.rectification.models import Measure, Problem, Round
    from luoshi.rectification.views import ROWS_PER_PAGE

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not Round.objects.exists():
        t0 = time.perf_counter()
        subprocess.run(
            [*manage, "bench_data", "--scale", args.scale, "--no-lights"], env=env, check=True, cwd=ROOT
        )
        print(f"generated {args.scale} data in {time.perf_counter() - t0:.0f} s", flush=True)
    problems, measures = Problem.objects.count(), Measure.objects.count()
    rnd = Round.objects.annotate(n=Count("problems")).order_by("-n", "pk").first()
    assert rnd is not None
    region = rnd.name.split()[0]
    User = get_user_model()
    officer = User.objects.get(username=f"r{int(region[1:])}_dc")
    reporter_unit = (
        Problem.objects.filter(round=rnd)
        .values("responsible_unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert reporter_unit is not None
    reporter = User.objects.filter(
        person__memberships__post__unit_id=reporter_unit["responsible_unit_id"],
        person__memberships__post__role="reporter",
    ).first()
    print(
        f"scale {args.scale}: {Round.objects.count()} rounds, {problems:,} problems, {measures:,} measures; "
        f"round {rnd.pk} has {rnd.n} problems",  # type: ignore[attr-defined]
        flush=True,
    )
    today = timezone.localdate()
    size = {
        "problems": lambda u: selectors.problem_list(rnd, user=u, today=today).count(),
        "tasks": lambda u: selectors.task_list(rnd, user=u).count(),
        "duties": lambda u: len(selectors.responsibility_list(rnd, user=u, today=today)),
    }
    rows: list[dict[str, Any]] = []
    for who, user in (("officer", officer), ("reporter", reporter)):
        client = Client()
        client.force_login(user)
        url = f"/rectification/rounds/{rnd.pk}/"
        for name in ("problems", "tasks", "duties"):
            pages = -(-size[name](user) // ROWS_PER_PAGE)
            for page in sorted({1, (pages + 1) // 2, pages}):
                params = {"list": name, "page": page}
                client.get(url, params, HTTP_HX_REQUEST="true")  # warm-up
                times = []
                sql: list[float] = []
                queries = 0
                for _ in range(args.repeat):
                    with CaptureQueriesContext(connection) as captured:
                        t0 = time.perf_counter()
                        response = client.get(url, params, HTTP_HX_REQUEST="true")
                        times.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200
                    queries = len(captured.captured_queries)
                    sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
                times.sort()
                rows.append(
                    {
                        "list": name,
                        "user": who,
                        "page": f"{page}/{pages}",
                        "median_ms": round(statistics.median(times), 1),
                        "p90_ms": round(times[min(len(times) - 1, int(len(times) * 0.9))], 1),
                        "queries": queries,
                        "sql_median_ms": round(statistics.median(sql), 1),
                        "bytes": len(response.content),
                    }
                )
                print(
                    f"  {name:9s} {who:9s} page {page:>3}/{pages:<3} median {rows[-1]['median_ms']:7.1f} ms  "
                    f"p90 {rows[-1]['p90_ms']:7.1f} ms  SQL {rows[-1]['sql_median_ms']:6.1f} ms in {queries} queries  "
                    f"{rows[-1]['bytes']:,} bytes",
                    flush=True,
                )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"rectification-{args.scale}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {
                "scale": args.scale,
                "date": date.today().isoformat(),
                "problems": problems,
                "measures": measures,
                "round_problems": rnd.n,  # type: ignore[attr-defined]
                "rows": rows,
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
