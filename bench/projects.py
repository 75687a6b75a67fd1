#!/usr/bin/env python
"""Key projects and dispatch meetings at scale, timed in process (server time, no HTTP):

    DATABASE_URL=postgres://…/luoshi_bench_city python bench/projects.py --scale city

1. the 七个一批 board page over every project (an officer sees them all);
2. a city-wide weekly meeting's generated agenda (ten regions' units, plans and key projects): the
   sources' candidates alone, then `agenda_generate` with its writes;
3. the map page with about 3,000 points (the projects of ten regions, by the name filter);
4. a check-in by card for 200 people, one after another: the time of each.

Generates the data first (`bench_data --scale`) when the database has no plan. Prints a table and
writes it as JSON under bench/results/. Figures are reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")


def timed(
    fn: Callable[[], Any], *, repeat: int, warmup: int = 1, before: Callable[[], Any] | None = None
) -> dict[str, Any]:
    """Median and p90 of `fn` over `repeat` runs after `warmup`; `before` runs untimed before each."""
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    runs.sort()
    return {
        "median_ms": round(statistics.median(runs), 1),
        "p90_ms": round(runs[max(0, int(len(runs) * 0.9) - 1)], 1),
        "max_ms": round(runs[-1], 1),
        "n": repeat,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="district", choices=["tiny", "district", "city", "province"])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from luoshi.meetings import agenda, services
    from luoshi.meetings.models import AgendaItem, Meeting, MeetingSeries
    from luoshi.org.models import Person, Unit
    from luoshi.projects.models import Project
    from luoshi.work.models import Plan

    if not Plan.objects.exists():
        t0 = time.perf_counter()
        call_command("bench_data", "--scale", args.scale)
        print(f"generated {args.scale} data in {time.perf_counter() - t0:.1f} s")
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="r0_dc")
    client = Client()
    client.force_login(officer)
    results: list[dict[str, Any]] = []

    def row(op: str, res: dict[str, Any], **extra: Any) -> None:
        results.append({"operation": op, "scale": args.scale, **res, **extra})
        print(f"{op:60s} {res.get('median_ms', '')!s:>9} ms  p90 {res.get('p90_ms', '')!s:>9}  {extra}")

    projects = Project.objects.count()
    print(f"{connection.vendor}: {projects:,} projects, {Meeting.objects.count():,} meetings")

    # 1. the board
    def board() -> None:
        r = client.get("/projects/board/")
        assert r.status_code == 200

    row("1. 七个一批 board page", timed(board, repeat=args.repeat), projects=projects)

    # 2. a city-wide weekly meeting's agenda: ten regions' units, plans and projects
    roots = list(Unit.objects.filter(category="district", depth=1).order_by("code")[:10])
    plans = Plan.objects.filter(owner_unit__in=roots)
    chair = Person.objects.filter(user__username="r0_ld_0").get()
    series = MeetingSeries.objects.filter(name="全市重点工作调度会").first() or services.series_create(
        actor=None,
        name="全市重点工作调度会",
        cadence="weekly",
        chair=chair,
        start_time=datetime.now().time().replace(microsecond=0),
        units=roots,
        plans=list(plans),
        unit_projects=True,
        attendee_roles="leader",
    )
    start = timezone.now() + timedelta(days=2)
    meeting = services.meeting_create(actor=None, series=series, starts_at=start)
    on = timezone.localdate(start)
    counted: dict[str, int] = {}

    def candidates() -> None:
        counted["items"] = len(agenda.collect(series, on))

    row(
        "2a. city weekly agenda: candidates",
        timed(candidates, repeat=args.repeat),
        items=counted.get("items"),
    )

    def generate() -> None:
        counted["written"] = services.agenda_generate(actor=None, meeting=meeting)

    def forget() -> None:  # a meeting with no agenda stored yet: every line is new
        AgendaItem.objects.filter(meeting=meeting).delete()

    row(
        "2b. city weekly agenda: generate and store (first draw)",
        timed(generate, repeat=args.repeat, before=forget),
        items=counted.get("written"),
    )
    row(
        "2c. city weekly agenda: redraw over the stored one",
        timed(generate, repeat=args.repeat),
        items=counted.get("written"),
    )

    # 3. the map with about 3,000 points: the projects of regions R000–R009, over a real district
    # boundary (the shared Wuhan sample, 80 KB, when it is there; else the demo district's)
    from luoshi.projects import services as project_services
    from luoshi.projects.demo import DEMO_BOUNDARY
    from luoshi.projects.models import Boundary

    if not Boundary.objects.exists():
        samples = [
            base / "shared" / "samples" / "geo" / "wuhan_420100_districts.geojson"
            for base in (ROOT.parent, ROOT.parent.parent)
        ]
        source = next((f for f in samples if f.exists()), DEMO_BOUNDARY)
        project_services.boundary_set(actor=officer, name=source.stem, data=source.read_bytes())
    boundary_bytes = len(Boundary.objects.values_list("geojson", flat=True).first() or "")

    def map_page() -> None:
        r = client.get("/projects/map/", {"q": "R00"})
        assert r.status_code == 200
        counted["points"] = r.content.count(b'"stage":')  # one per point in the page's data

    row(
        "3. map page, ten regions' projects",
        timed(map_page, repeat=args.repeat),
        points=counted.get("points"),
        boundary_bytes=boundary_bytes,
    )

    # 4. 200 people checking in by card, one after another
    region = roots[0]
    door = MeetingSeries.objects.filter(name="门口签到测试会").first() or services.series_create(
        actor=None,
        name="门口签到测试会",
        cadence="weekly",
        chair=chair,
        start_time=datetime.now().time().replace(microsecond=0),
        units=[region],
        attendee_roles="reporter,head",
        senior_only=False,
    )
    now = timezone.now()
    m = services.meeting_create(actor=None, series=door, starts_at=now + timedelta(minutes=30))
    people = list(m.attendance.values_list("person_id", flat=True)[:200])
    for pid in people:
        Person.objects.filter(pk=pid).update(card_no=f"C{m.pk:05d}{pid:08d}")
    cards = [f"C{m.pk:05d}{pid:08d}" for pid in people]
    times = []
    for card in cards:
        t0 = time.perf_counter()
        services.checkin_card(actor=officer, meeting=m, card_no=card, now=now)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    row(
        "4. card check-in, 200 people one after another",
        {
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
            "max_ms": round(times[-1], 1),
            "n": len(times),
        },
        total_s=round(sum(times) / 1000, 2),
    )

    out = (
        ROOT
        / "bench"
        / "results"
        / f"projects-{args.scale}-{connection.vendor}-{datetime.now():%Y%m%d-%H%M%S}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
