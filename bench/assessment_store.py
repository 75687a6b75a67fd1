#!/usr/bin/env python
"""A province run stored, and one unit's breakdown page read from it (issue 13, "Speed": one unit's
breakdown page ≤ 200 ms).

    DATABASE_URL=postgres://…/luoshi_bench_assessment python bench/assessment_store.py [--units 10000]

On an empty database (migrated here): `--units` units under one district, the generated scheme and
facts of `bench/assessment.py` (same seed, so the same content hash), a run stored by the service's
own steps (`services._inputs`, `services._store`: every frozen input, result and breakdown line in
bulk), timed with the process's peak resident memory; then the breakdown page of units spread over
the run, through Django's whole stack in-process (test client, signed in as a supervision officer),
median and p90 of `--repeat` requests after one warm-up, and its query count. Prints the figures and
writes JSON under bench/results/; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def resident_mb() -> float:
    """The process's resident memory now (peak figures come from getrusage)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--indicators", type=int, default=30)
    ap.add_argument("--tasks", type=int, default=20)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("set DATABASE_URL=postgres://… to a database of its own", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    import assessment as gen  # bench/assessment.py
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from luoshi.assessment import rules, services
    from luoshi.assessment.models import Run, Scheme
    from luoshi.org.models import Membership, Person, Post, Role, Unit, UnitCategory
    from luoshi.work.paths import UNIT_ROOT, child_path

    call_command("migrate", "--noinput", "-v0")
    if Unit.objects.exists():
        print(
            "the database is not empty: give bench/assessment_store.py a database of its own", file=sys.stderr
        )
        return 2

    from django.contrib.auth import get_user_model

    t0 = time.perf_counter()
    district = Unit.objects.create(code="D0", name="示范区", category=UnitCategory.DISTRICT)
    district.path = child_path(UNIT_ROOT, district.pk)
    district.save(update_fields=["path"])
    office = Unit.objects.create(
        code="DCS", name="区委督查室", category=UnitCategory.DEPARTMENT, parent=district
    )
    units = Unit.objects.bulk_create(
        Unit(code=f"A{u:05d}", name=f"单位{u}", category=UnitCategory.DEPARTMENT, parent=district, depth=1)
        for u in range(1, args.units + 1)
    )
    for u in [office, *units]:
        u.path = child_path(district.path, u.pk)
        u.depth = 1
    Unit.objects.bulk_update([office, *units], ["path", "depth"], batch_size=2000)
    user = get_user_model().objects.create_user(username="bench_officer", password="bench-Officer-2026")
    person = Person.objects.create(user=user, name="督查员")
    post = Post.objects.create(unit=office, title="督查员", role=Role.OFFICER)
    Membership.objects.create(person=person, post=post, start=date(2000, 1, 1))
    setup_s = time.perf_counter() - t0

    rng = random.Random(13)
    spec = gen.spec(10, args.indicators)
    ids = [u.pk for u in units]
    members = [rules.Member(uid, f"单位{n}", f"g{n % 10}") for n, uid in enumerate(ids, start=1)]
    # bench/assessment.py's facts, with the database's unit ids.
    by_index = {n: uid for n, uid in enumerate(ids, start=1)}
    facts = [
        rules.Fact(by_index[f.unit_id], f.indicator, f.kind, f.value, f.text, f.link, f.ref)
        for f in gen.facts(spec, [rules.Member(n, m.name, m.group) for n, m in enumerate(members, start=1)],
                           args.tasks, args.events, rng)
    ]  # fmt: skip
    spec_json = rules.spec_to_json(spec, members)
    scheme = Scheme.objects.create(
        name="省级综合考核（基准）",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        total=1000,
        office=office,  # its region (lib/regions.py)
        created_by=user,
    )
    before = resident_mb()
    t1 = time.perf_counter()
    with transaction.atomic():
        run = Run.objects.create(
            scheme=scheme,
            number=1,
            as_of=date(2026, 12, 31),
            spec=spec_json,
            content_hash=rules.content_hash(spec_json, facts),
            created_by=user,
        )
        services._inputs(run, facts)
        services._store(run, spec, members, facts)
    stored_s = time.perf_counter() - t1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    client = Client()
    client.force_login(user)
    pick = [ids[i] for i in range(0, len(ids), max(1, len(ids) // 10))][:10]
    times: list[float] = []
    client.get(f"/assessment/runs/{run.pk}/units/{pick[0]}/")  # warm-up
    # Counted by a wrapper: the test client's request_started signal empties connection.queries.
    counted: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        counted.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        resp = client.get(f"/assessment/runs/{run.pk}/units/{pick[0]}/")
    assert resp.status_code == 200, resp.status_code
    for i in range(args.repeat):
        uid = pick[i % len(pick)]
        t = time.perf_counter()
        resp = client.get(f"/assessment/runs/{run.pk}/units/{uid}/")
        times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200
    times.sort()
    row = {
        "units": args.units,
        "facts": len(facts),
        "setup_s": round(setup_s, 1),
        "store_s": round(stored_s, 1),
        "rss_mb_before_store": round(before, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "breakdown_median_ms": round(statistics.median(times), 1),
        "breakdown_p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
        "breakdown_queries": len(counted),
        "breakdown_bytes": len(resp.content),
    }
    for k, v in row.items():
        print(f"{k:>26}: {v}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"assessment-store-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(
        json.dumps(row, ensure_ascii=False, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
