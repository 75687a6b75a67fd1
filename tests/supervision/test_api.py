"""The supervision API: items and their journey per persona, the queue for the office only, the
decision with its 409 when someone decided first."""

from __future__ import annotations

import pytest
from django.utils import timezone

from luoshi.supervision import services
from luoshi.supervision.models import Item, Proposal
from tests.factories import Personas
from tests.helpers import client_for, exact_queries

from .conftest import make_item, set_task

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


def test_items_and_journey(p: Personas, item: Item) -> None:
    services.item_handoff(actor=p.reporter_a, item=item, kind="sign")
    r = client_for(p.head_a).get(f"{API}/items")
    assert r.status_code == 200 and r.json()["count"] == 1
    assert client_for(p.reporter_b).get(f"{API}/items").json()["count"] == 0
    detail = client_for(p.leader).get(f"{API}/items/{item.pk}").json()
    assert [s["kind"] for s in detail["journey"]] == ["assign", "sign"]
    assert client_for(p.reporter_b).get(f"{API}/items/{item.pk}").status_code == 404
    assert client_for(None).get(f"{API}/items").status_code == 401


def test_queue_and_decision(p: Personas) -> None:
    for i in range(3):
        set_task(make_item(p, title=f"事项{i}").task_id, report_late=True)
    services.escalations_step(timezone.localdate())
    c = client_for(p.officer)
    c.get(f"{API}/proposals")
    with exact_queries("supervision.api[officer /supervision/proposals]@3"):
        r = c.get(f"{API}/proposals")
    assert r.status_code == 200 and r.json()["count"] == 3
    assert client_for(p.head_a).get(f"{API}/proposals").status_code == 403
    ids = list(Proposal.objects.values_list("pk", flat=True))
    r = c.post(
        f"{API}/proposals/decision",
        {"proposals": ids[:2], "action": "accept"},
        content_type="application/json",
    )
    assert r.status_code == 200 and len(r.json()["notices"]) == 2
    r = client_for(p.officer2).post(
        f"{API}/proposals/decision",
        {"proposals": ids[:1], "action": "dismiss", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 409
    r = c.post(
        f"{API}/proposals/decision",
        {"proposals": ids[2:], "action": "dismiss"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "reason"
