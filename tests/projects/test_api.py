"""The key-project API per persona: list, detail, board, stage met; query counts at two sizes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from luoshi.org.services import token_create
from luoshi.projects import services
from luoshi.projects.models import StageChange
from tests.helpers import client_for, exact_queries, personas

from .factories import make_project

pytestmark = pytest.mark.django_db
API = "/api/v1"
D = date
SEES_A = {"reporter_a", "head_a", "leader", "officer"}
EDITS_A = {"reporter_a", "head_a", "officer"}


@pytest.mark.parametrize("who", personas())
def test_list_and_detail_per_persona(p: Any, who: str) -> None:
    a = make_project(p, name="甲项目")
    b = make_project(p, name="乙项目", unit=p.unit_b)
    c = client_for(getattr(p, who))
    resp = c.get(API + "/projects")
    if who == "anonymous":
        assert resp.status_code == 401
        return
    names = {row["name"] for row in resp.json()["items"]}
    assert ("甲项目" in names) is (who in SEES_A)
    assert ("乙项目" in names) is (who in {"reporter_b", "officer"})
    detail = c.get(f"{API}/projects/{a.pk}")
    assert detail.status_code == (200 if who in SEES_A else 404)
    if detail.status_code == 200:
        body = detail.json()
        assert len(body["stages"]) == 8 and body["years"][0]["year"] == 2024
    assert c.get(f"{API}/projects/{b.pk + 1000}").status_code == 404


def test_list_filters_and_bad_filter(p: Any) -> None:
    a = make_project(p, name="在建项目")
    services.stage_met(actor=p.officer, project=a, stage="building", met=D(2024, 3, 1), note="x")
    make_project(p, name="另一个")
    c = client_for(p.officer)
    body = c.get(API + "/projects", {"stage": "building"}).json()
    assert body["count"] == 1 and body["items"][0]["stage"] == "building"
    assert c.get(API + "/projects", {"limit": 1, "offset": 1}).json()["count"] == 2
    bad = c.get(API + "/projects", {"stage": "nope"})
    assert bad.status_code == 400 and "stage" in bad.json()["errors"]


def test_board_by_token(p: Any) -> None:
    a = make_project(p)
    services.stage_met(actor=p.officer, project=a, stage="signed", met=D(2024, 1, 1), note="x")
    _token, raw = token_create(actor=p.officer, user=p.leader, name="看板")
    resp = Client().get(API + "/projects/board", headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 200
    counts = {s["stage"]: s["count"] for s in resp.json()["stages"]}
    assert counts["signed"] == 1 and resp.json()["total"] == 1


@pytest.mark.parametrize("who", personas(but=["anonymous"]))
def test_stage_met_per_persona(p: Any, who: str) -> None:
    project = make_project(p)
    resp = client_for(getattr(p, who)).post(
        f"{API}/projects/{project.pk}/stages",
        data={"stage": "signed", "met": "2024-02-01", "note": "签约"},
        content_type="application/json",
    )
    if who in EDITS_A:
        assert resp.status_code == 201 and resp.json()["project_stage"] == "signed"
    else:
        assert resp.status_code == (403 if who in SEES_A else 404)
        assert not StageChange.objects.exists()


def test_stage_met_refusal_names_the_field(p: Any) -> None:
    project = make_project(p)
    services.stage_met(actor=p.officer, project=project, stage="started", met=D(2024, 4, 1), note="x")
    resp = client_for(p.officer).post(
        f"{API}/projects/{project.pk}/stages",
        data={"stage": "producing", "met": "2024-03-01", "note": "x"},
        content_type="application/json",
    )
    assert resp.status_code == 400 and resp.json()["field"] == "met"


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count(p: Any, size: int) -> None:
    for _i in range(size):
        make_project(p)
    c = client_for(p.officer)
    c.get(API + "/projects")
    with exact_queries(f"projects.api[officer /projects]@{size}"):
        resp = c.get(API + "/projects", {"limit": 500})
    assert resp.json()["count"] == size
