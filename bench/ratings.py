#!/usr/bin/env python
"""5,000 ballots submitted in a minute without loss (issue 13, "Speed").

    python bench/ratings.py [--ballots 5000] [--threads 16] [--units 20] [--items 3]

On a fresh `luoshi_bench_ratings` database on the server of BENCH_DATABASE_URL / DATABASE_URL
(PostgreSQL; dropped and created again each run): a quarterly round whose panel of `--ballots`
enterprises rates `--units` departments on `--items` items, raters imported from an .xlsx through the
importer, links issued; then every ballot is submitted once through `ratings.services.ballot_submit`
(the service the ballot page calls: token look-up, checks, one conditional update, the answers, the
audit entry, one transaction each) from `--threads` threads, each with its own connection, in random
order. Then a second submission of 200 of the same tokens, concurrently, which must all be refused.

Reports the set-up time, the submissions' wall time, throughput and p50/p99 latency, and checks
exactly `--ballots` ballots stored as submitted with exactly ballots × units × items answers and no
submission lost (every one either stored or raised). Figures are printed and written as JSON under
bench/results/, never asserted; the exit status is 1 when a ballot was lost or stored twice.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from queue import Empty, Queue
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _fresh_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _raters_xlsx(n: int) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["评议组", "名称", "类别", "联系人"])
    for i in range(1, n + 1):
        ws.append(["企业评议组", f"基准测试企业{i:05d}有限公司", "企业", f"联系人{i}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/luoshi"
    )
    if not base.startswith("postgres"):
        print("the bench runs on PostgreSQL: set BENCH_DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    db_url = f"{base.rsplit('/', 1)[0]}/luoshi_bench_ratings"
    _fresh_database(db_url)
    env = dict(os.environ, DATABASE_URL=db_url, LUOSHI_LOG_LEVEL="ERROR", LUOSHI_FAST_HASHER="1")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    sys.path.insert(0, str(ROOT))
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"], env=env, check=True
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from luoshi.errors import LuoshiError
    from luoshi.org.models import Membership, Person, Post, Role, UnitCategory
    from luoshi.org.services import unit_create
    from luoshi.ratings import importer, services
    from luoshi.ratings.models import Answer, Ballot, BallotRefusal, Item

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    district = unit_create(actor=None, code="D0", name="基准区", category=UnitCategory.DISTRICT)
    office = unit_create(
        actor=None, code="DCS", name="区委督查室", category=UnitCategory.DEPARTMENT, parent=district
    )
    departments = [
        unit_create(
            actor=None, code=f"B{i:03d}", name=f"区第{i}局", category=UnitCategory.DEPARTMENT, parent=district
        )
        for i in range(1, args.units + 1)
    ]
    officer = get_user_model().objects.create_user(username="officer", password="bench-officer")
    person = Person.objects.create(user=officer, name="督查员")
    post = Post.objects.create(unit=office, title="督查员", role=Role.OFFICER)
    Membership.objects.create(person=person, post=post, start=timezone.localdate() - timedelta(days=365))
    now = timezone.now()
    rnd = services.round_create(
        actor=officer,
        name="基准测试评议",
        opens=now - timedelta(hours=1),
        closes=now + timedelta(days=1),
        items=[f"事项{i}" for i in range(1, args.items + 1)],
        rated_units=departments,
    )
    importer.raters_import(actor=officer, round=rnd, data=_raters_xlsx(args.ballots), filename="raters.xlsx")
    services.round_open(actor=officer, round=rnd)
    issued = services.tokens_issue(actor=officer, round=rnd)
    setup = time.perf_counter() - t0
    items = list(Item.objects.filter(round=rnd).values_list("pk", flat=True))
    unit_ids = [u.pk for u in departments]
    work: Queue[tuple[str, dict[tuple[int, int], object]]] = Queue()
    tokens = [i.token for i in issued]
    rng.shuffle(tokens)
    for token in tokens:
        work.put((token, {(u, i): rng.choice((0, 0, 0, 1, 1, 2)) for u in unit_ids for i in items}))
    latencies: list[float] = []
    outcomes: dict[str, int] = {"stored": 0, "refused": 0, "error": 0}
    lock = threading.Lock()

    def worker() -> None:
        try:
            while True:
                try:
                    token, answers = work.get_nowait()
                except Empty:
                    return
                started = time.perf_counter()
                try:
                    services.ballot_submit(token=token, answers=answers)
                    outcome = "stored"
                except LuoshiError:
                    outcome = "refused"
                except Exception as exc:
                    print(f"error: {exc!r}", file=sys.stderr)
                    outcome = "error"
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    outcomes[outcome] += 1
        finally:
            connection.close()

    def run_threads() -> float:
        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started

    wall = run_threads()
    first = dict(outcomes)
    lat = sorted(latencies)
    # The same tokens again, concurrently: every one must be refused, nothing stored twice.
    outcomes.update({"stored": 0, "refused": 0, "error": 0})
    for token in tokens[:200]:
        work.put((token, {(u, i): 0 for u in unit_ids for i in items}))
    run_threads()
    again = dict(outcomes)
    stored = Ballot.objects.filter(round=rnd, submitted_at__isnull=False).count()
    answers = Answer.objects.filter(ballot__round=rnd).count()
    expected_answers = args.ballots * len(unit_ids) * len(items)
    ok = (
        stored == args.ballots
        and first["stored"] == args.ballots
        and first["error"] == 0
        and answers == expected_answers
        and again["stored"] == 0
        and again["refused"] == min(200, args.ballots)
        and BallotRefusal.objects.filter(reason="used").count() == again["refused"]
    )
    result: dict[str, Any] = {
        "ballots": args.ballots,
        "threads": args.threads,
        "units": len(unit_ids),
        "items": len(items),
        "answers_per_ballot": len(unit_ids) * len(items),
        "setup_s": round(setup, 2),
        "submit_wall_s": round(wall, 2),
        "ballots_per_s": round(args.ballots / wall, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 1),
        "first_pass": first,
        "resubmitted_200": again,
        "stored_ballots": stored,
        "stored_answers": answers,
        "expected_answers": expected_answers,
        "no_loss_no_duplicate": ok,
    }
    for key, value in result.items():
        print(f"{key:>22}: {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"ratings-{stamp}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
