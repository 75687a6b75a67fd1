#!/usr/bin/env python
"""The public portal's home and a unit's page: server time and requests per second.

    python bench/portal.py [--small] [--repeat 20] [--seconds 10] [--no-gunicorn]

Runs on the database of DATABASE_URL (SQLite by default), loading the demo district first when the
database is empty (`manage.py demo --if-empty`, `--small` for the small one). Measures, through
Django's whole stack in-process (test client: middleware, view, template; no network):
- each page rendered (the page cache emptied before every request): median and p90 ms, queries;
- each page served from the page cache (what the public gets between two reviews);
- requests per second of one in-process client for `--seconds`;
- unless `--no-gunicorn`: requests per second against gunicorn (2 workers, 127.0.0.1) from 4 client
  processes for `--seconds`.
Prints a table and writes JSON under bench/results/. Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _ms(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {
        "median_ms": round(statistics.median(s) * 1000, 2),
        "p90_ms": round(s[int(len(s) * 0.9) - 1] * 1000, 2),
    }


def _hammer(url: str, until: float, out: Any) -> None:
    n = 0
    while time.time() < until:
        with urllib.request.urlopen(url) as r:
            r.read()
        n += 1
    out.put(n)


def _counting(store: list[str]) -> Any:
    """A database execute wrapper that notes each statement in `store`."""

    def wrapper(run: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        store.append(sql)
        return run(sql, params, many, context)

    return wrapper


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def gunicorn_rps(paths: dict[str, str], seconds: float, env: dict[str, str]) -> dict[str, float]:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "luoshi.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + paths["home"]).read()
                break
            except OSError:
                time.sleep(0.2)
        out: dict[str, float] = {}
        for name, path in paths.items():
            for _ in range(4):  # warm both workers' caches
                urllib.request.urlopen(base + path).read()
            queue: Any = multiprocessing.Queue()
            until = time.time() + seconds
            procs = [
                multiprocessing.Process(target=_hammer, args=(base + path, until, queue)) for _ in range(4)
            ]
            for p in procs:
                p.start()
            for p in procs:
                p.join()
            total = sum(queue.get() for _ in procs)
            out[name] = round(total / seconds, 1)
        return out
    finally:
        server.terminate()
        server.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--no-gunicorn", action="store_true")
    args = parser.parse_args()
    env = dict(
        os.environ, LUOSHI_LOG_LEVEL="ERROR", LUOSHI_FAST_HASHER="1", DJANGO_SETTINGS_MODULE="luoshi.settings"
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "demo", "--if-empty", *(["--small"] if args.small else [])], env=env, check=True, cwd=ROOT
    )
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from luoshi.portal.models import Publication

    busiest = (
        Publication.objects.filter(current__isnull=False, withdrawn=False, unit__isnull=False)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        print("nothing published: load the demo first", file=sys.stderr)
        return 2
    paths = {"home": reverse("portal:home"), "unit": reverse("portal:unit", args=[busiest["unit_id"]])}
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    rows: list[dict[str, Any]] = []
    for name, path in paths.items():
        client.get(path)
        rendered, cached = [], []
        executed: list[str] = []
        with connection.execute_wrapper(_counting(executed)):
            cache.clear()
            client.get(path)
        for _ in range(args.repeat):
            cache.clear()
            t0 = time.perf_counter()
            assert client.get(path).status_code == 200
            rendered.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            client.get(path)
            cached.append(time.perf_counter() - t0)
        n, until = 0, time.time() + args.seconds
        while time.time() < until:
            client.get(path)
            n += 1
        rows.append(
            {
                "page": name,
                "path": path,
                "items": Publication.objects.filter(current__isnull=False).count()
                if name == "home"
                else busiest["n"],
                "queries_rendered": len(executed),
                "rendered": _ms(rendered),
                "cached": _ms(cached),
                "rps_in_process": round(n / args.seconds, 1),
            }
        )
    result: dict[str, Any] = {"database": connection.vendor, "small": args.small, "rows": rows}
    if not args.no_gunicorn:
        result["rps_gunicorn_2w_4c"] = gunicorn_rps(paths, args.seconds, env)
    print(
        f"{'page':6} {'items':>6} {'queries':>7} {'render ms (p50/p90)':>20} {'cached ms (p50/p90)':>20} {'req/s 1 client':>15}"
    )
    for r in rows:
        print(
            f"{r['page']:6} {r['items']:>6} {r['queries_rendered']:>7} "
            f"{r['rendered']['median_ms']:>9} / {r['rendered']['p90_ms']:<8} "
            f"{r['cached']['median_ms']:>9} / {r['cached']['p90_ms']:<8} {r['rps_in_process']:>15}"
        )
    if "rps_gunicorn_2w_4c" in result:
        print("gunicorn, 2 workers, 4 client processes, req/s:", result["rps_gunicorn_2w_4c"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"portal-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
