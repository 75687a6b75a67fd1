"""The rectification router: rounds with figures, problems paginated, sign-off actions, per persona."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from luoshi.rectification import rules
from luoshi.rectification.models import Problem, Round
from luoshi.rectification.services import signoff_submit
from tests.factories import Personas, evidence
from tests.helpers import client_for, exact_queries, personas

from .conftest import close_measures, make_problem
from .test_views import SEES, _many

API = "/api/v1/rectification"


def _json(c: Client, method: str, url: str, data: Any = None) -> Any:
    return getattr(c, method)(API + url, data=data, content_type="application/json")


@pytest.mark.parametrize("who", personas())
def test_rounds_per_persona(p: Personas, rnd: Round, problem: Problem, who: str) -> None:
    response = _json(client_for(getattr(p, who)), "get", "/rounds")
    if who == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    assert [r["name"] for r in body["items"]] == ([rnd.name] if who in SEES else [])
    if who in SEES:
        summary = body["items"][0]["summary"]
        assert summary["total"] == 1 and summary["rate"] == "0.00"


@pytest.mark.parametrize("who", personas(but=["anonymous"]))
def test_problem_detail_per_persona(p: Personas, problem: Problem, who: str) -> None:
    response = _json(client_for(getattr(p, who)), "get", f"/problems/{problem.pk}")
    assert response.status_code == (200 if who in SEES else 404)
    if who in SEES:
        body = response.json()
        assert body["number"] == "1" and len(body["measures"]) == 1 and body["stage"] == "open"


def test_problems_paginated_and_filtered(p: Personas, rnd: Round) -> None:
    _many(p, rnd, 12)
    c = client_for(p.officer)
    page = _json(c, "get", f"/rounds/{rnd.pk}/problems?limit=5&offset=5").json()
    assert page["count"] == 12
    assert [x["number"] for x in page["items"]] == ["6", "7", "8", "9", "10"]
    late = _json(c, "get", f"/rounds/{rnd.pk}/problems?state=not_done&unit={p.unit_a.pk}").json()
    assert [x["number"] for x in late["items"]] == ["1", "3", "5", "7", "9", "11"]
    assert _json(c, "get", f"/rounds/{rnd.pk}/problems?state=bogus").status_code == 422
    summary = _json(c, "get", f"/rounds/{rnd.pk}/summary").json()
    assert {u["unit_id"]: u["summary"]["total"] for u in summary} == {p.unit_a.pk: 6, p.unit_b.pk: 6}


def test_problem_list_query_count(p: Personas, rnd: Round) -> None:
    counts = []
    for n in (3, 30):
        from .conftest import make_round

        r = make_round(p, name=f"第{n}轮")
        _many(p, r, n)
        c = client_for(p.reporter_a)
        url = f"/rounds/{r.pk}/problems"
        _json(c, "get", url)
        with exact_queries(
            f"rectification.api[reporter_a /api/v1/rectification/rounds/{{round}}/problems]@{n}"
        ) as q:
            assert _json(c, "get", url).status_code == 200
        counts.append(q.count)
    assert counts[1] <= counts[0]


def test_the_chain_through_the_api(p: Personas, problem: Problem) -> None:
    close_measures(p, problem)
    reporter = client_for(p.reporter_a)
    refused = reporter.post(f"{API}/problems/{problem.pk}/signoffs", {"note": "已整改"})
    assert refused.status_code == 400 and refused.json()["code"] == "no_evidence"
    made = reporter.post(f"{API}/problems/{problem.pk}/signoffs", {"note": "已整改", "files": evidence()})
    assert made.status_code == 201, made.content
    signoff = made.json()
    assert signoff["next_step"] == "unit_head" and signoff["evidence"] == ["验收报告.pdf"]
    out_of_order = _json(
        client_for(p.officer), "post", f"/signoffs/{signoff['id']}/approve", {"step": "office"}
    )
    assert out_of_order.status_code == 400 and out_of_order.json()["code"] == "out_of_order"
    not_theirs = _json(
        client_for(p.reporter_a), "post", f"/signoffs/{signoff['id']}/approve", {"step": "unit_head"}
    )
    assert not_theirs.status_code == 403
    for who, step, nxt in [
        ("head_a", "unit_head", "leader"),
        ("leader", "leader", "office"),
        ("officer", "office", None),
    ]:
        r = _json(client_for(getattr(p, who)), "post", f"/signoffs/{signoff['id']}/approve", {"step": step})
        assert r.status_code == 200, r.content
        assert r.json()["next_step"] == nxt
    problem.refresh_from_db()
    assert problem.stage == rules.Stage.DONE
    payload = {"reason": "回头看", "deadline": "2099-01-31", "measure": "再次整改"}
    assert _json(client_for(p.leader), "post", f"/problems/{problem.pk}/reopen", payload).status_code == 403
    reopened = _json(client_for(p.officer), "post", f"/problems/{problem.pk}/reopen", payload)
    assert reopened.status_code == 200
    assert reopened.json()["stage"] == "open" and reopened.json()["deadline"] == "2099-01-31"
    assert len(reopened.json()["measures"]) == 2


def test_reject_needs_a_reason(p: Personas, rnd: Round) -> None:
    problem = make_problem(p, rnd, "2", deadline=date(2099, 1, 1))
    close_measures(p, problem)
    signoff = signoff_submit(actor=p.reporter_a, problem=problem, note="已整改", files=evidence())
    c = client_for(p.head_a)
    assert _json(c, "post", f"/signoffs/{signoff.pk}/reject", {"step": "unit_head"}).status_code == 400
    r = _json(c, "post", f"/signoffs/{signoff.pk}/reject", {"step": "unit_head", "note": "材料不全"})
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    assert (
        _json(
            client_for(p.reporter_b), "post", f"/signoffs/{signoff.pk}/reject", {"step": "unit_head"}
        ).status_code
        == 404
    )
