#!/usr/bin/env python
"""Supervision's hot paths (issue 12, speed): the escalation queue page, the idle list and the
daily escalation step for the whole install.

    DATABASE_URL=postgres://…/luoshi_bench_sv python bench/supervision.py --scale district|city|province

Uses the database of DATABASE_URL as it is, or fills it once (`bench_data --scale S`, which now
includes ~1,000 supervision items per region: 100,000 at province scale) when it has no plan.
Pages are timed through Django's test client in this process (server time per request: view,
template and queries, no network), as the supervision officer of region 0; median and p90 of
`--repeat` requests after one warm-up. The step is timed cold (first run of the day: red streaks
started, every proposal made) and again (a rerun that finds nothing new). Prints the figures and
writes JSON under bench/results/; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--scale", default="district", choices=["tiny", "district", "city", "province"])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from luoshi.supervision.models import Item, Proposal
    from luoshi.supervision.services import escalations_step
    from luoshi.work.models import Plan

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = args.today or date.today()
    if not Plan.objects.exists():
        t0 = time.perf_counter()
        call_command("bench_data", "--scale", args.scale, "--today", today.isoformat())
        print(f"generated in {time.perf_counter() - t0:.0f} s")
    counts = {
        "items": Item.objects.count(),
        "open_items": Item.objects.filter(state="open").count(),
        "pending_proposals": Proposal.objects.filter(state="pending").count(),
    }
    print(f"{connection.vendor}: {counts}")
    officer = get_user_model().objects.get(username="r0_dc")
    client = Client()
    client.force_login(officer)
    results: dict[str, Any] = {"scale": args.scale, "vendor": connection.vendor, "counts": counts, "ms": {}}

    def measure(name: str, url: str) -> None:
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        times.sort()
        med, p90 = statistics.median(times), times[int(0.9 * (len(times) - 1))]
        results["ms"][name] = {"median": round(med, 1), "p90": round(p90, 1)}
        print(f"  {name:28s} median {med:8.1f} ms   p90 {p90:8.1f} ms")

    measure("queue /supervision/queue/", "/supervision/queue/")
    measure("queue page 20", "/supervision/queue/?page=20")
    measure("idle /supervision/idle/", "/supervision/idle/")
    measure("items /supervision/", "/supervision/")
    with transaction.atomic():  # rolled back: the database stays as generated, for the next run
        for label in ("cold", "rerun"):
            t0 = time.perf_counter()
            summary = escalations_step(today)
            seconds = time.perf_counter() - t0
            results[f"step_{label}_s"] = round(seconds, 2)
            print(f"  escalations step ({label:5s})      {seconds:8.2f} s   {summary}")
        transaction.set_rollback(True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"supervision-{args.scale}-{connection.vendor}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
