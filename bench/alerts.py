#!/usr/bin/env python
"""Early warning's hot paths (issue 15, speed), on generated data, no database:

- near-duplicate detection (`alerts.text.near_duplicates`, as the daily `alerts.flags` step calls it)
  over a week's reports — by default 120,000 narratives of this week plus, for each task, its previous
  period's narrative (the comparison set), 10,000 units; 3 % copied from the task's previous period,
  2 % from another unit's report of the week, each with up to two small edits;
- the warning levels (`alerts.services.assess_all`) for a province: 10,000 units and 20,000 people with
  their slips of the window.

    python bench/alerts.py [--reports 120000] [--units 10000] [--people 20000]

Prints wall time, peak resident memory (ru_maxrss) and the pairs found (with recall against the copies
made); writes JSON under bench/results/. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--reports", type=int, default=120_000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    from luoshi.alerts import evalset, rules, services, slips, text

    rng = random.Random(15)
    period = date(2026, 11, 27)
    n = args.reports
    unit_of: dict[int, int] = {}
    task_of: dict[int, int] = {}
    docs: list[text.Doc] = []
    previous: dict[int, int] = {}  # current doc id -> its task's previous doc id
    copies: set[tuple[int, int]] = set()
    t0 = time.perf_counter()
    for task in range(n):
        unit = task % args.units
        prev_id, cur_id = 2 * task, 2 * task + 1
        prev_text = evalset.honest_narrative(rng, period - timedelta(days=7))
        docs.append(text.Doc(prev_id, prev_text))
        roll = rng.random()
        if roll < 0.03:
            cur = evalset.small_edits(rng, prev_text)
            copies.add((prev_id, cur_id))
        elif roll < 0.05 and task > 0:
            src = rng.randrange(task)
            while src % args.units == unit:
                src = rng.randrange(task)
            cur = evalset.small_edits(rng, docs[2 * src + 1].text)
            copies.add((2 * src + 1, cur_id))
        else:
            cur = evalset.honest_narrative(rng, period)
        docs.append(text.Doc(cur_id, cur))
        for d in (prev_id, cur_id):
            unit_of[d], task_of[d] = unit, task
        previous[cur_id] = prev_id
    generated = time.perf_counter() - t0

    def related(a: int, b: int) -> bool:
        return a % 2 == 1 and b % 2 == 1 and unit_of[a] != unit_of[b]

    base_mb = peak_mb()
    t0 = time.perf_counter()
    found = text.near_duplicates(
        docs,
        related,
        threshold=rules.COPY_SIMILARITY,
        min_chars=rules.COPY_MIN_CHARS,
        pairs=[(p, c) for c, p in previous.items()],
    )
    dup_s = time.perf_counter() - t0
    dup_mb = peak_mb()
    pairs = {(m.a, m.b) for m in found}
    hit = len(pairs & copies)

    # Levels: each unit 0-12 slips in the window, each person 0-6; one query's worth of rows.
    kinds = rules.Kind.ALL
    day = period
    owned = []
    for unit in range(args.units):
        for _ in range(rng.randint(0, 12)):
            person = rng.randrange(args.people) if rng.random() < 0.7 else None
            owned.append(
                slips.Owned(
                    unit,
                    person,
                    rules.Slip(
                        rng.choice(kinds), day - timedelta(days=rng.randint(0, 40)), rng.choice([None, 1, 2])
                    ),
                )
            )
    t0 = time.perf_counter()
    rows = services.assess_all(day, owned, {1: rules.DEFAULT, 2: rules.Settings(window_days=14)})
    levels_s = time.perf_counter() - t0

    result = {
        "reports_this_week": n,
        "narratives_sketched": len(docs),
        "generate_s": round(generated, 1),
        "near_duplicates_s": round(dup_s, 1),
        "peak_rss_mb_before": round(base_mb),
        "peak_rss_mb_after": round(dup_mb),
        "pairs_found": len(found),
        "copies_made": len(copies),
        "copies_found": hit,
        "recall": round(hit / len(copies), 3) if copies else None,
        "levels_units": args.units,
        "levels_people": args.people,
        "levels_slips": len(owned),
        "levels_rows": len(rows),
        "levels_s": round(levels_s, 2),
    }
    for k, v in result.items():
        print(f"{k:>22}: {v}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "alerts.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
