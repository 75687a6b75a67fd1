#!/usr/bin/env python
"""Luoshi benchmarks through the real stack: gunicorn (2 workers) over loopback, PostgreSQL.

    make bench                      # district scale
    make bench SCALE=province       # province scale (generates data on first run)

Prints a table (operation, scale, user, median, p90, bytes, ratio to the SQL floor) and writes
the same as JSON under bench/results/. Every request loop is bounded in count and time and only
talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results"


# ---------------------------------------------------------------------------------------------
# HTTP


class Client:
    """A keep-alive HTTP client for one user (token or session cookie)."""

    def __init__(self, port: int, *, token: str = "", session: str = "") -> None:
        self.port = port
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if session:
            self.headers["Cookie"] = f"sessionid={session}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def timed(
    fn: Callable[[], tuple[int, bytes]], *, repeat: int, warmup: int, max_seconds: float = 120.0
) -> dict[str, Any]:
    """Sequential median and p90 (ms) after a warm-up; fails loudly on a non-2xx answer."""
    for _ in range(warmup):
        status, body = fn()
        if not 200 <= status < 300:
            raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    samples: list[float] = []
    size = 0
    deadline = time.perf_counter() + max_seconds
    for _ in range(repeat):
        t0 = time.perf_counter()
        status, body = fn()
        samples.append((time.perf_counter() - t0) * 1000)
        if not 200 <= status < 300:
            raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
        size = len(body)
        if time.perf_counter() > deadline:
            break
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p90_ms": round(samples[max(0, int(len(samples) * 0.9) - 1)], 2),
        "n": len(samples),
        "bytes": size,
    }


def timed_sql(sql: str, params: list[Any], *, repeat: int, warmup: int) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        for _ in range(warmup):
            cur.execute(sql, params)
            cur.fetchall()
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            cur.execute(sql, params)
            rows = cur.fetchall()
            samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p90_ms": round(samples[max(0, int(len(samples) * 0.9) - 1)], 2),
        "n": len(samples),
        "rows": len(rows),
    }


# ---------------------------------------------------------------------------------------------
# Set-up


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str, env: dict[str, str]) -> tuple[float, int]:
    """Run a manage.py command; returns (seconds, peak RSS in KiB of that child)."""
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - t0, max(peak, before)


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "luoshi.wsgi:application",
            "-w",
            os.environ.get("BENCH_WORKERS", "2"),
            # Threads in each of the 2 processes overlap one request's database waits with another's work.
            "--threads",
            os.environ.get("BENCH_THREADS", "4"),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/login/")
            c.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def worker_rss_kib(master_pid: int) -> list[int]:
    out = []
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            out.append(int(fields.get("VmHWM", "0 kB").split()[0]))
    return out


# ---------------------------------------------------------------------------------------------
# Concurrent clients


def _submit_worker(args: tuple[int, str, list[int], int, float, str]) -> list[tuple[float, int]]:
    port, token, task_ids, count, seconds, marker = args
    client = Client(port, token=token)
    out = []
    deadline = time.perf_counter() + seconds
    for i in range(count):
        if time.perf_counter() > deadline:
            break
        task_id = task_ids[i % len(task_ids)]
        t0 = time.perf_counter()
        # Percent 50 over whatever the task had may look implausible (a drop, a jump): the filer has
        # seen the warning and confirms, as the form's second submit does.
        body = {"percent": 50, "narrative": f"{marker}-{i}", "acknowledge_warnings": True}
        status, _ = client.request("POST", f"/api/v1/tasks/{task_id}/reports", body)
        out.append(((time.perf_counter() - t0) * 1000, status))
    return out


def _load_worker(args: tuple[int, str, str, float, int]) -> int:
    port, session, path, seconds, max_requests = args
    client = Client(port, session=session)
    n = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and n < max_requests:
        status, _ = client.request("GET", path)
        if not 200 <= status < 300:
            raise RuntimeError(f"HTTP {status} on {path}")
        n += 1
    return n


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="district", choices=["district", "city", "province"])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--skip", default="", help="comma-separated operation numbers to skip")
    parser.add_argument(
        "--previous",
        default=str(RESULTS),
        help="results to compare with: a JSON file, or a folder whose newest <scale>-*.json is taken",
    )
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/luoshi_bench")
    if not base_url.startswith("postgres"):
        print("bench runs on PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    db_url = f"{base_url}_{args.scale}"
    ensure_database(db_url)
    data_dir = ROOT / "var" / f"bench-{args.scale}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=db_url, LUOSHI_DATA_DIR=str(data_dir), LUOSHI_LOG_LEVEL="ERROR")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from luoshi.identity.services import SESSION_STATE
    from luoshi.org.models import Membership, Role
    from luoshi.org.services import token_create
    from luoshi.work.models import Plan, Report, Task

    results: list[dict[str, Any]] = []
    prev_path, previous = previous_results(Path(args.previous), args.scale)
    print(f"previous figures: {prev_path.name if prev_path else 'none'}")

    def was(op: str, user: str, key: str) -> str:
        """The previous run's figure of `key` for this operation, for printing beside the new one."""
        old = previous.get((op, user), {}).get(key)
        return "" if old is None else f"  (previous {old})"

    def add(op: str, user: str, res: dict[str, Any], floor: dict[str, Any] | None = None) -> None:
        row = {"operation": op, "scale": args.scale, "user": user, **res}
        if floor:
            row["floor_median_ms"] = floor["median_ms"]
            row["ratio_to_floor"] = round(res["median_ms"] / max(floor["median_ms"], 0.01), 2)
        old = previous.get((op, user), {})
        if old.get("median_ms") is not None:
            row["previous_median_ms"] = old["median_ms"]
            if old.get("ratio_to_floor") is not None:
                row["previous_ratio_to_floor"] = old["ratio_to_floor"]
        results.append(row)
        ratio = f"  ×{row['ratio_to_floor']} of floor {row['floor_median_ms']} ms" if floor else ""
        if "previous_median_ms" in row:
            prev_ratio = row.get("previous_ratio_to_floor")
            ratio += f"  (previous {row['previous_median_ms']} ms" + (
                f", ×{prev_ratio})" if prev_ratio else ")"
            )
        print(
            f"  {op:48s} {user:9s} median {res.get('median_ms', '-'):>9} ms  p90 {res.get('p90_ms', '-'):>9} ms"
            f"{ratio}",
            flush=True,
        )

    manage("migrate", "--noinput", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)  # served by WhiteNoise, as in production
    if not Plan.objects.exists():
        secs, _ = manage("bench-data".replace("-", "_"), "--scale", args.scale, env=env)
        results.append({"operation": "0. generate data", "scale": args.scale, "seconds": round(secs, 1)})
        print(f"generated {args.scale} data in {secs:.1f} s")
    _vacuum()  # measure the steady state, not whatever the last run or the generator left unvacuumed
    today = date.today()
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"is_superuser": True})
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    _, admin_token = token_create(actor=admin, user=admin, name="bench")
    # Tasks are created by a supervision officer: since the three admin duties were separated
    # (issue 16) a superuser reads everything but changes no task (the API answers 403).
    officer = User.objects.get(username="r0_dc")  # region 0's officer (luoshi/benchdata/generate.py)
    _, officer_token = token_create(actor=officer, user=officer, name="bench")
    # A session as sign-in leaves it: without its clock (`identity.services.session_start`) the session
    # policy signs it out, and every page answers a redirect to the sign-in page (measured as a page
    # in 1 ms until `timed` refused anything but 2xx).
    started = {SESSION_STATE: {"start": time.time(), "seen": time.time(), "change": False}}
    # The pages are read as region 0's officer: since the admin duties were separated (issue 16) a
    # superuser's pages show no business data (a task page answers 404).
    admin_session = SessionStore()
    admin_session.update(
        {
            "_auth_user_id": str(officer.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": officer.get_session_auth_hash(),
            **started,
        }
    )
    admin_session.create()
    # The scoped user: the reporter of the unit that leads the most tasks of the first plan.
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    unit_id = (
        Task.objects.filter(plan=plan)
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n")[0]["lead_unit"]
    )
    member = (
        Membership.objects.filter(post__unit_id=unit_id, post__role=Role.REPORTER)
        .select_related("person__user")
        .first()
    )
    assert member is not None and member.person.user is not None
    reporter = member.person.user
    _, reporter_token = token_create(actor=reporter, user=reporter, name="bench")
    rep_session = SessionStore()
    rep_session.update(
        {
            "_auth_user_id": str(reporter.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": reporter.get_session_auth_hash(),
            **started,
        }
    )
    rep_session.create()
    person_id = member.person.pk
    sample_task = (
        Task.objects.filter(plan=plan, lead_unit_id=unit_id, children__isnull=True).order_by("pk").first()
    )
    assert sample_task is not None
    total_tasks = Task.objects.count()
    print(f"scale {args.scale}: {total_tasks:,} tasks, {Report.objects.count():,} reports")

    # The web server as production runs it: its writers' audit entries chained, and their reports'
    # lights stored, by one thread each per process (production mode's defaults), not in or after
    # each request.
    server = start_server(
        args.port, {"LUOSHI_AUDIT_CHAIN_IN_BACKGROUND": "1", "LUOSHI_LIGHTS_IN_BACKGROUND": "1", **env}
    )
    try:
        users = {
            "superuser": (
                Client(args.port, token=admin_token),
                Client(args.port, session=admin_session.session_key),
            ),
            "reporter": (
                Client(args.port, token=reporter_token),
                Client(args.port, session=rep_session.session_key),
            ),
        }
        r, w = args.repeat, args.warmup
        if "1" not in skip:
            api = Client(args.port, token=officer_token)
            counter = iter(range(10**9))
            add(
                "1. create a task (API)",
                "officer",
                timed(
                    lambda: api.request(
                        "POST",
                        "/api/v1/tasks",
                        {
                            "plan": plan.pk,
                            "title": f"基准任务{next(counter)}",
                            "lead_unit": unit_id,
                            "start": plan.start.isoformat(),
                            "due": plan.due.isoformat(),
                        },
                    ),
                    repeat=r,
                    warmup=w,
                ),
            )
        for who, (api, page) in users.items():
            if "2" not in skip:
                q = urlencode({"person": person_id, "open": "true", "limit": 30})
                add(
                    "2. my open tasks, page of 30",
                    who,
                    timed(lambda q=q, api=api: api.request("GET", f"/api/v1/tasks?{q}"), repeat=r, warmup=w),
                )
                q = urlencode(
                    {
                        "person": person_id,
                        "open": "true",
                        "limit": 30,
                        "due_from": today.replace(day=1).isoformat(),
                        "due_to": (today.replace(day=1) + timedelta(days=92)).isoformat(),
                    }
                )
                add(
                    "2b. my open tasks within one period",
                    who,
                    timed(lambda q=q, api=api: api.request("GET", f"/api/v1/tasks?{q}"), repeat=r, warmup=w),
                )
            if "3" not in skip:
                add(
                    "3. task list page 1 + count",
                    who,
                    timed(
                        lambda api=api: api.request("GET", "/api/v1/tasks?limit=30&offset=0"),
                        repeat=r,
                        warmup=w,
                    ),
                )
                add(
                    "3b. task list page 100 + count",
                    who,
                    timed(
                        lambda api=api: api.request("GET", "/api/v1/tasks?limit=30&offset=2970"),
                        repeat=r,
                        warmup=w,
                    ),
                )
            if "12" not in skip:
                # Search through the task list API (issue 17): a word in about 1 task in 18 at every
                # scale (营商, from 营商环境评价整改), and a word in none.
                for label, word in (
                    ("12. search present word (q=营商)", "营商"),
                    ("12b. search absent word (q=不存在的词语)", "不存在的词语"),
                ):
                    q = urlencode({"limit": 30, "q": word})
                    add(
                        label,
                        who,
                        timed(
                            lambda q=q, api=api: api.request("GET", f"/api/v1/tasks?{q}"), repeat=r, warmup=w
                        ),
                    )
            if "4" not in skip:
                add(
                    "4. task detail page (HTML)",
                    who,
                    timed(
                        lambda page=page: page.request("GET", f"/work/tasks/{sample_task.pk}/"),
                        repeat=r,
                        warmup=w,
                    ),
                )
            if "5" not in skip:
                add(
                    "5. list page with facet counts (HTML)",
                    who,
                    timed(lambda page=page: page.request("GET", "/work/tasks/"), repeat=r, warmup=w),
                )
        if "6" not in skip:
            api, page = users["superuser"]
            floor_sql = (
                "SELECT lead_unit_id, light, COUNT(*), SUM(weight * actual_pct) / NULLIF(SUM(weight), 0), "
                "SUM(weight * expected_pct) / NULLIF(SUM(weight), 0) FROM work_task t WHERE plan_id = %s "
                "AND status NOT IN ('draft', 'cancelled') AND NOT EXISTS (SELECT 1 FROM work_task c "
                "WHERE c.parent_id = t.id AND c.status NOT IN ('draft', 'cancelled')) "
                "GROUP BY lead_unit_id, light"
            )
            add(
                "6. plan roll-up (API)",
                "superuser",
                timed(lambda: api.request("GET", f"/api/v1/plans/{plan.pk}/rollup"), repeat=r, warmup=w),
                timed_sql(floor_sql, [plan.pk], repeat=r, warmup=w),
            )
            # The same numbers as /plans/{id}/periods/{end}: per lead unit, open tasks reporting that
            # period, how many reported, how many were late, and the mean reported percent.
            period_sql = (
                "SELECT t.lead_unit_id, COUNT(DISTINCT t.id), COUNT(DISTINCT r.task_id), "
                "COUNT(DISTINCT l.task_id), AVG(r.percent) FROM work_task t "
                "LEFT JOIN work_report r ON r.task_id = t.id AND r.period_end = %s AND r.state = 'submitted' "
                "LEFT JOIN work_latereport l ON l.task_id = t.id AND l.period_end = %s "
                "WHERE t.plan_id = %s AND t.status IN ('in_progress', 'claimed') AND t.start <= %s "
                "GROUP BY t.lead_unit_id"
            )
            period = (today.replace(day=1) - timedelta(days=1)).isoformat()
            add(
                "6b. plan dashboard (HTML)",
                "superuser",
                timed(lambda: page.request("GET", f"/work/dashboard/?plan={plan.pk}"), repeat=r, warmup=w),
                timed_sql(
                    floor_sql.replace("lead_unit_id, light", "depth, light"), [plan.pk], repeat=r, warmup=w
                ),
            )
            add(
                "6c. period roll-up (API)",
                "superuser",
                timed(
                    lambda: api.request("GET", f"/api/v1/plans/{plan.pk}/periods/{period}"),
                    repeat=r,
                    warmup=w,
                ),
                timed_sql(period_sql, [period, period, plan.pk, period], repeat=r, warmup=w),
            )
        if "7" not in skip:
            add_row = submit_throughput(args.port, plan, unit_id)
            results.append({"operation": "7. report submissions, 32 clients", "scale": args.scale, **add_row})
            print(f"  7. submissions: {add_row}{was('7. report submissions, 32 clients', '', 'per_second')}")
        if "8" not in skip:
            # A day the tick has not seen yet, as every real daily run is: expected progress moves
            # for every open task, so every stored light is recomputed and most are rewritten.
            from django.db.models import Max

            from luoshi.jobs.models import TickRun

            last = TickRun.objects.aggregate(d=Max("day"))["d"]
            tick_day = max(today, last + timedelta(days=1)) if last else today
            secs, peak = manage("tick", "--date", tick_day.isoformat(), env=env)
            results.append(
                {
                    "operation": "8. daily tick",
                    "scale": args.scale,
                    "seconds": round(secs, 2),
                    "peak_rss_mb": round(peak / 1024, 1),
                }
            )
            print(
                f"  8. daily tick: {secs:.1f} s, peak RSS {peak / 1024:.0f} MB{was('8. daily tick', '', 'seconds')}"
            )
        if "9" not in skip:
            api, page = users["superuser"]
            for fmt in ("csv", "xlsx"):
                t0 = time.perf_counter()
                status, body = page.request("GET", f"/documents/ledger.{fmt}")
                secs = time.perf_counter() - t0
                results.append(
                    {
                        "operation": f"9. ledger export .{fmt}",
                        "scale": args.scale,
                        "status": status,
                        "rows": total_tasks,
                        "seconds": round(secs, 2),
                        "bytes": len(body),
                        "seconds_per_100k_rows": round(secs * 100_000 / max(total_tasks, 1), 2),
                    }
                )
                print(
                    f"  9. export .{fmt}: HTTP {status}, {total_tasks:,} rows, {secs:.1f} s, {len(body):,} bytes"
                    f"{was(f'9. ledger export .{fmt}', '', 'seconds')}"
                )
            secs, peak, rows = import_table(env, rows=100_000)
            results.append(
                {
                    "operation": "9b. task table import (CLI, .xlsx)",
                    "scale": args.scale,
                    "rows": rows,
                    "seconds": round(secs, 2),
                    "peak_rss_mb": round(peak / 1024, 1),
                }
            )
            print(
                f"  9b. import: {rows:,} rows in {secs:.1f} s, peak RSS {peak / 1024:.0f} MB"
                f"{was('9b. task table import (CLI, .xlsx)', '', 'seconds')}"
            )
        if "10" not in skip:
            for label, path in (
                ("my open tasks", f"/api/v1/tasks?person={person_id}&open=true&limit=30"),
                ("task detail", f"/work/tasks/{sample_task.pk}/"),
            ):
                n, secs = concurrent_load(args.port, admin_session.session_key, path)
                results.append(
                    {
                        "operation": f"10. requests/s under load: {label}",
                        "scale": args.scale,
                        "requests": n,
                        "seconds": round(secs, 1),
                        "rps": round(n / secs, 1),
                    }
                )
                print(
                    f"  10. {label}: {n / secs:.0f} req/s{was(f'10. requests/s under load: {label}', '', 'rps')}"
                )
        if "11" not in skip:
            rss = worker_rss_kib(server.pid)
            results.append(
                {
                    "operation": "11. web worker peak RSS",
                    "scale": args.scale,
                    "peak_rss_mb": [round(k / 1024, 1) for k in rss],
                }
            )
            print(
                f"  11. web workers peak RSS: {[round(k / 1024) for k in rss]} MB"
                f"{was('11. web worker peak RSS', '', 'peak_rss_mb')}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{args.scale}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    print(f"results written to {out.relative_to(ROOT)}")
    return 0


def previous_results(where: Path, scale: str) -> tuple[Path | None, dict[tuple[str, str], dict[str, Any]]]:
    """The rows of an earlier run by (operation, user): `where` itself when it is a file, else its
    newest `<scale>-*.json` (named by the time of the run, so the names sort by time)."""
    if where.is_file():
        path: Path | None = where
    else:
        runs = sorted(where.glob(f"{scale}-*.json")) if where.is_dir() else []
        path = runs[-1] if runs else None
    if path is None:
        return None, {}
    rows = json.loads(path.read_text())
    return path, {(row["operation"], row.get("user", "")): row for row in rows if "operation" in row}


def import_table(env: dict[str, str], rows: int) -> tuple[float, int, int]:
    """Write a decomposition table of `rows` tasks as an office would (title row, header, 序号,
    task, ★-marked lead among co-units, free-text deadline) and import it into a new plan with
    `luoshi import-tasks`; returns (seconds, peak RSS in KiB, rows). Lead units are the regions'
    own units (their names are unique in the province)."""
    import xlsxwriter

    from luoshi.org.models import Unit

    names = list(Unit.objects.filter(depth=1).order_by("pk").values_list("name", flat=True)) or list(
        Unit.objects.filter(depth=0).values_list("name", flat=True)
    )
    deadlines = ["全年", "6月底前", "三季度", "2026年12月31日", "长期坚持", "9月底前"]
    path = ROOT / "var" / f"bench-import-{rows}.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("任务分解表")
    sheet.write_row(0, 0, ["2026年重点工作任务分解表（压测）"])
    sheet.write_row(1, 0, ["序号", "重点任务", "牵头单位", "完成时限"])
    for i in range(rows):
        lead = names[i % len(names)]
        co = names[(i * 7 + 3) % len(names)]
        units = f"{co}、{lead}★" if i % 3 == 0 else lead
        sheet.write_row(
            i + 2, 0, [str(i + 1), f"压测任务第{i + 1}项：推进重点工作落实", units, deadlines[i % 6]]
        )
    book.close()
    plan_name = f"压测导入{time.strftime('%Y%m%d%H%M%S')}"
    # As region 0's officer: a superuser acts as every role only with LUOSHI_DEBUG, and was refused.
    secs, peak = manage("import_tasks", str(path), "--plan", plan_name, "--as", "r0_dc", env=env)
    path.unlink()
    _drop_plan(plan_name)  # so the next run measures the same database
    return secs, peak, rows


def _drop_plan(name: str) -> None:
    from django.db import transaction

    from luoshi.imports.models import ImportBatch
    from luoshi.work.models import LightCount, Milestone, Plan, Task, TaskUnit, Transition

    with transaction.atomic():
        plan = Plan.objects.get(name=name)
        tasks = Task.objects.filter(plan=plan)
        for model in (TaskUnit, Milestone, Transition):
            model.objects.filter(task__in=tasks).delete()
        Task.objects.filter(plan=plan).update(parent=None)
        tasks.delete()
        ImportBatch.objects.filter(plan=plan).delete()
        LightCount.objects.filter(plan=plan).delete()
        plan.delete()
    _vacuum()  # 100,000 dead rows would slow the next run's index-only counts until autovacuum


def _vacuum() -> None:
    """Settle the tables the bench writes to, as autovacuum would between bursts (PostgreSQL)."""
    from django.db import connection

    with connection.cursor() as cur:
        for table in ("work_task", "work_taskunit", "work_milestone", "work_report"):
            cur.execute(f"VACUUM (ANALYZE) {table}")


def submit_throughput(
    port: int, plan: Any, unit_id: int, clients: int = 32, per_client: int = 40, seconds: float = 60.0
) -> dict[str, Any]:
    """32 concurrent reporters each POST reports; afterwards every success is in the database once."""
    from django.db.models import Count

    from luoshi.org.models import Membership, Role
    from luoshi.org.services import token_create
    from luoshi.work.models import Report, Status, Task

    units = list(
        Task.objects.filter(
            plan=plan, status=Status.IN_PROGRESS, start__lte=date.today(), due__gte=date.today()
        )
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("lead_unit", flat=True)[:clients]
    )
    jobs = []
    marker = f"bench-{int(time.time())}"
    for uid in units:
        m = (
            Membership.objects.filter(post__unit_id=uid, post__role=Role.HEAD)
            .select_related("person__user")
            .first()
        )
        if m is None or m.person.user is None:
            continue
        _, raw = token_create(actor=m.person.user, user=m.person.user, name="bench-submit")
        task_ids = list(
            Task.objects.filter(
                plan=plan,
                lead_unit_id=uid,
                status=Status.IN_PROGRESS,
                start__lte=date.today(),
                due__gte=date.today(),
                children__isnull=True,
                target__isnull=True,
            ).values_list("pk", flat=True)[:50]
        )
        if task_ids:
            # One marker per client: every report's narrative is unique, so a duplicate is real.
            jobs.append((port, raw, task_ids, per_client, seconds, f"{marker}-c{len(jobs)}"))
    from django.db import connections

    connections.close_all()  # don't share the parent's connection with forked clients
    t0 = time.perf_counter()
    with multiprocessing.Pool(len(jobs)) as pool:
        outs = pool.map(_submit_worker, jobs)
    wall = time.perf_counter() - t0
    latencies = sorted(ms for out in outs for ms, status in out if status < 300)
    ok = len(latencies)
    failed = sum(1 for out in outs for _, status in out if status >= 300)
    stored = Report.objects.filter(narrative__startswith=marker).count()
    dupes = (
        Report.objects.filter(narrative__startswith=marker)
        .values("narrative")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "clients": len(jobs),
        "ok": ok,
        "failed": failed,
        "stored": stored,
        "duplicates": dupes,
        "lost": ok - stored,
        "seconds": round(wall, 2),
        "per_second": round(ok / wall, 1),
        "p50_ms": round(latencies[len(latencies) // 2], 1) if latencies else None,
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 1) if latencies else None,
    }


def concurrent_load(
    port: int, session: str, path: str, procs: int = 4, seconds: float = 10.0
) -> tuple[int, float]:
    from django.db import connections

    connections.close_all()
    t0 = time.perf_counter()
    with multiprocessing.Pool(procs) as pool:
        counts = pool.map(_load_worker, [(port, session, path, seconds, 100_000)] * procs)
    return sum(counts), time.perf_counter() - t0


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    sys.exit(main())
