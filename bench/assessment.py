#!/usr/bin/env python
"""An assessment scheme computed at scale from frozen inputs (issue 13, "Speed": a province scheme of
10,000 units, 30 indicators, 6 M reports and 200,000 events in ≤ 60 s and ≤ 500 MB).

    python bench/assessment.py [--units 10000] [--indicators 30] [--tasks 20] [--events 200000]

Measures `assessment.rules.compute` — the whole computation a run does once its inputs are frozen
(every method, caps, bonus, vetoes, grades with quotas, ranks, 末位, every breakdown line) — over a
generated snapshot: `--units` units in 10 groups, `--indicators` indicators per group (task,
measure, rank, manual with four assessors, rating, deduction), `--tasks` tasks per unit (the 6 M
reports reach a run only as each task's on-time fact and each late period's event, which the work
engine keeps per task), `--events` deduction, bonus and veto events. Then the same inputs shuffled
must give identical results, and the content hash is taken. Reports wall time, peak resident memory
of the process and the counts; written as JSON under bench/results/, never asserted.

Not measured here: collecting the facts from the database and inserting results and lines (one
query per event kind, bulk inserts in batches), which the test suite counts in queries.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sys
import time
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from luoshi.assessment import rules  # noqa: E402
from luoshi.assessment.rules import (  # noqa: E402
    BonusSpec,
    DeductionSpec,
    Fact,
    GradeSpec,
    GroupSpec,
    IndicatorSpec,
    Member,
    SchemeSpec,
)

METHODS = ("task", "measure", "rank", "manual", "rating", "deduction")
KINDS = ("work.late_report", "meetings.absence", "supervision.supervise", "assessment.complaint")


def spec(groups: int, indicators: int) -> SchemeSpec:
    weight = Decimal(1000) / indicators
    inds = []
    for i in range(indicators):
        method = METHODS[i % len(METHODS)]
        w = weight if i < indicators - 1 else Decimal(1000) - weight * (indicators - 1)
        deductions = (
            tuple(DeductionSpec(k, Decimal(2 + j), Decimal(10)) for j, k in enumerate(KINDS))
            if method == "deduction"
            else ()
        )
        inds.append(
            IndicatorSpec(
                f"i{i}", f"指标{i}", w, method, {"trim": True} if method == "manual" else {}, None, deductions
            )
        )
    return SchemeSpec(
        total=Decimal(1000),
        groups=tuple(GroupSpec(f"g{g}", f"类别{g}", tuple(inds)) for g in range(groups)),
        grades=(
            GradeSpec("优秀", Decimal(900), Decimal(30), True, Decimal("1.2")),
            GradeSpec("良好", Decimal(800), None, True, Decimal(1)),
            GradeSpec("一般", Decimal(600), None, False, Decimal("0.8")),
            GradeSpec("较差", Decimal(0), None, False, Decimal(0)),
        ),
        bonuses=(BonusSpec("assessment.award", Decimal(2), Decimal(6)),),
        vetoes=("assessment.veto",),
        bonus_cap=Decimal(10),
        bottom=3,
    )


def facts(s: SchemeSpec, members: list[Member], tasks: int, events: int, rng: random.Random) -> list[Fact]:
    inds = s.groups[0].indicators
    out: list[Fact] = []
    deduction_keys = [i.key for i in inds if i.method == "deduction"]
    for m in members:
        for ind in inds:
            if ind.method == "task":
                out.extend(
                    Fact(
                        m.unit_id,
                        ind.key,
                        "work.task",
                        Decimal(1 if rng.random() < 0.85 else 0),
                        f"任务{t}",
                        f"/work/tasks/{t}/",
                    )
                    for t in range(tasks // 4)
                )
            elif ind.method == "measure":
                out.append(
                    Fact(m.unit_id, ind.key, "work.measure", Decimal(rng.randint(50, 130)), "量化指标")
                )
            elif ind.method in ("manual", "rank"):
                out.extend(
                    Fact(m.unit_id, ind.key, "manual", Decimal(rng.randint(0, int(ind.weight))), f"评分人{a}")
                    for a in range(4)
                )
            elif ind.method == "rating":
                out.append(Fact(m.unit_id, ind.key, "ratings.score", Decimal(rng.randint(60, 100)), "评议"))
    for e in range(events):
        m = members[rng.randrange(len(members))]
        roll = rng.random()
        if roll < 0.9:
            out.append(
                Fact(
                    m.unit_id,
                    rng.choice(deduction_keys),
                    rng.choice(KINDS),
                    Decimal(1),
                    f"事项{e}",
                    f"/e/{e}/",
                )
            )
        elif roll < 0.999:
            out.append(Fact(m.unit_id, "", "assessment.award", Decimal(1), f"表彰{e}"))
        else:
            out.append(Fact(m.unit_id, "", "assessment.veto", Decimal(1), f"否决{e}"))
    return out


def digest_results(chunks: Iterable[list[rules.Result]]) -> tuple[int, str]:
    """(breakdown lines, SHA-256 of every result's repr in unit order) over results group by group."""
    by_unit: dict[int, str] = {}
    lines = 0
    for chunk in chunks:
        for r in chunk:
            by_unit[r.unit_id] = hashlib.sha256(repr(r).encode()).hexdigest()
            lines += len(r.lines)
    h = hashlib.sha256()
    for unit_id in sorted(by_unit):
        h.update(by_unit[unit_id].encode())
    return lines, h.hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--indicators", type=int, default=30)
    ap.add_argument("--tasks", type=int, default=20)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    s = spec(10, args.indicators)
    members = [Member(u, f"单位{u}", f"g{u % 10}") for u in range(1, args.units + 1)]
    t0 = time.perf_counter()
    inputs = facts(s, members, args.tasks, args.events, rng)
    generated = time.perf_counter() - t0
    t1 = time.perf_counter()
    # As the service stores a run: group by group, never every result at once; the reproduction
    # check compares a digest of every field of every result (its breakdown lines included).
    lines, fingerprint = digest_results(rules.compute_groups(s, members, inputs))
    computed = time.perf_counter() - t1
    t2 = time.perf_counter()
    digest = rules.content_hash(rules.spec_to_json(s, members), inputs)
    hashed = time.perf_counter() - t2
    shuffled = list(inputs)
    rng.shuffle(shuffled)
    same = digest_results(rules.compute_groups(s, members, shuffled))[1] == fingerprint
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row = {
        "units": args.units,
        "indicators": args.indicators,
        "facts": len(inputs),
        "events": args.events,
        "lines": lines,
        "generate_s": round(generated, 2),
        "compute_s": round(computed, 2),
        "hash_s": round(hashed, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "reproduced": same,
        "hash": digest[:16],
    }
    for k, v in row.items():
        print(f"{k:>12}: {v}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"assessment-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(
        json.dumps(row, ensure_ascii=False, indent=2)
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
