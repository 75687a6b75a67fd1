"""One set of numbers (统计口径): for a plan and a date, every surface counts the same tasks.

The dashboard, the plan list, the plan page, the task list's facets (with the counted scope), the
"一张表" ledger, the bulletin and the API roll-up are all computed here from the demo district and
compared, in total, per light and per lead unit.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from luoshi.documents.bulletin import build_bulletin
from luoshi.work.dashboard import dashboard_data
from luoshi.work.models import Light, Plan, Status, Task

TODAY = date(2026, 9, 15)


@pytest.fixture
def demo(db: None) -> Plan:
    call_command("demo", "--small", "--today", TODAY.isoformat(), stdout=StringIO(), stderr=StringIO())
    # The annual plan: the one with a tree (goals over decomposed tasks).
    return next(p for p in Plan.objects.order_by("pk") if Task.objects.filter(plan=p, depth__gt=0).exists())


def _counts_in(html: str, container_id: str) -> dict[str, int]:
    """{light: n} from a '.counts' span: badge links carry light=<x>, the number follows the link."""
    m = re.search(rf'id="{container_id}">(.*?)</span>\s*<span', html, re.S)
    assert m, f"#{container_id} not found"
    return {light: int(n) for light, n in re.findall(r"light=(\w+)\">.*?</a>\s*(\d+)", m.group(1), re.S)}


@pytest.mark.scenario
def test_every_surface_counts_the_same_tasks(demo: Plan) -> None:
    plan = demo
    user = get_user_model().objects.get(username="ducha1")
    c = Client()
    c.force_login(user)

    # The definition, in plain Python over every task of the plan.
    tasks = list(Task.objects.filter(plan=plan).values("id", "parent_id", "status", "light", "lead_unit_id"))
    live = [t for t in tasks if t["status"] not in (Status.DRAFT, Status.CANCELLED)]
    parents = {t["parent_id"] for t in live if t["parent_id"]}
    leaves = [t for t in live if t["id"] not in parents]
    assert len(tasks) > len(leaves) > 50  # the demo has goals over tasks: the two counts differ
    expected = Counter(t["light"] for t in leaves)
    expected_units: dict[int, Counter[str]] = defaultdict(Counter)
    for t in leaves:
        expected_units[t["lead_unit_id"]][t["light"]] += 1

    # Dashboard (stored lights, as of the demo's day)
    d = dashboard_data(user, plan)
    assert d["total"] == len(leaves)
    assert {k["light"]: k["n"] for k in d["kpis"]} == {k["light"]: expected[k["light"]] for k in d["kpis"]}
    units = d["chart"]["units"]
    for s in units["series"]:
        for unit, n in zip(units["units"], s["data"], strict=True):
            assert n == expected_units[unit["id"]][s["light"]], (unit, s["light"])
    html = c.get("/work/dashboard/", {"plan": plan.pk}).content.decode()
    assert re.search(rf'id="kpi-total">.*?<div class="n">{len(leaves)}</div>', html, re.S)

    # Plan page and plan list
    html = c.get(f"/work/plans/{plan.pk}/").content.decode()
    assert _counts_in(html, "plan-counts") == {k: v for k, v in expected.items() if v}
    html = c.get("/work/plans/").content.decode()
    row = re.search(rf'href="/work/plans/{plan.pk}/">.*?</tr>', html, re.S)
    assert row and f'<td class="num">{len(leaves)}</td>' in row.group(0)

    # Task list facets with the counted scope
    r = c.get("/work/tasks/", {"plan": plan.pk, "leaf": 1})
    facets = {f["value"]: f["n"] for f in r.context["facets"]["light"]}
    assert {k: v for k, v in facets.items() if v} == {k: v for k, v in expected.items() if v}
    assert r.context["page"].paginator.count == len(leaves)

    # Ledger (一张表) of the same filter
    body = b"".join(c.get("/documents/ledger.csv", {"plan": plan.pk, "leaf": 1}).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header_at = next(i for i, r in enumerate(rows) if "亮灯" in r)
    col = rows[header_at].index("亮灯")
    labels = dict(Light.choices)
    ledger = Counter(r[col] for r in rows[header_at + 1 :] if len(r) > col and r[col])
    assert ledger == Counter({str(labels[k]): v for k, v in expected.items()})

    # Bulletin for the same date (computed, not stored)
    b = build_bulletin(plan=plan, on=TODAY)
    assert b.total == len(leaves)
    assert {k: v for k, v in b.totals.items() if v} == {k: v for k, v in expected.items() if v}
    assert {u.unit_id: u.counts for u in b.units} == {
        uid: {k: v for k, v in cnt.items() if v} for uid, cnt in expected_units.items()
    }

    # API roll-up
    api = c.get(f"/api/v1/plans/{plan.pk}/rollup").json()
    assert api["counted"] == "leaf" and api["total"] == len(leaves)
    assert {k: v for k, v in api["counts"].items() if v} == {k: v for k, v in expected.items() if v}
    assert {u["unit_id"]: {k: v for k, v in u["counts"].items() if v} for u in api["units"]} == {
        uid: {k: v for k, v in cnt.items() if v} for uid, cnt in expected_units.items()
    }
