"""Publication of a round's results (整改结果公开): an audited snapshot for the public portal, no
personal names, unpublish audited too, an officer-only preview page."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField, LuoshiError, NotAllowed
from luoshi.rectification.models import Problem, Publication, Round
from luoshi.rectification.selectors import published_results
from luoshi.rectification.services import results_publish, results_unpublish
from tests.factories import Personas
from tests.helpers import client_for, exact_queries, personas

from .conftest import make_problem

DAY = date(2024, 9, 30)


@pytest.fixture
def published_round(p: Personas, rnd: Round) -> Round:
    make_problem(p, rnd, "1", is_public=True, money_involved=Decimal("12.50"), category="财务")
    make_problem(p, rnd, "2", responsible_unit=p.unit_b, deadline=date(2024, 12, 31), is_public=True)
    make_problem(p, rnd, "3", text="涉及个人的问题，不公开")
    return rnd


def test_publish_snapshots_figures_and_public_fields(p: Personas, published_round: Round) -> None:
    assert published_results(published_round) is None
    publication = results_publish(actor=p.officer, round=published_round, today=DAY)
    got = published_results(published_round)
    assert got is not None and got["published_at"] == publication.published_at.isoformat()
    assert got["as_of"] == "2024-09-30" and got["round"]["name"] == published_round.name
    assert got["totals"] == {
        "total": 3,
        "done": 0,
        "in_progress": 1,
        "not_done": 2,
        "rate": "0.00",
        "money_involved": "12.50",
        "money_recovered": "0.00",
    }
    assert [(u["unit"], u["total"], u["not_done"]) for u in got["units"]] == [
        ("区发展和改革局", 2, 2),
        ("区财政局", 1, 0),
    ]
    assert [(r["number"], r["unit"], r["state"], r["kind"]) for r in got["problems"]] == [
        ("1", "区发展和改革局", "not_done", "immediate"),
        ("2", "区财政局", "in_progress", "immediate"),
    ]
    # No person's name anywhere: not the lead leader, not the office.
    text = json.dumps(got, ensure_ascii=False)
    for name in ("王区长", "督查员", "甲局长", "甲填报员"):
        assert name not in text
    assert set(got["problems"][0]) == {
        "number",
        "text",
        "category",
        "unit",
        "deadline",
        "kind",
        "mechanism",
        "state",
        "money_involved",
        "money_recovered",
    }
    entry = Entry.objects.get(action="rectification.results.published")
    assert entry.data["publication"] == publication.pk and entry.data["problems"] == 2


def test_the_snapshot_is_frozen_until_republished(p: Personas, published_round: Round) -> None:
    results_publish(actor=p.officer, round=published_round, today=DAY)
    Problem.objects.filter(round=published_round, number="1").update(is_public=False)
    assert len(published_results(published_round)["problems"]) == 2  # type: ignore[index]
    second = results_publish(actor=p.officer, round=published_round, today=DAY)
    assert len(published_results(published_round)["problems"]) == 1  # type: ignore[index]
    assert Publication.objects.filter(round=published_round).count() == 2
    assert Publication.objects.get(round=published_round, withdrawn_at__isnull=True) == second
    assert Entry.objects.filter(action="rectification.results.published").last().data["replaces"] is not None


def test_unpublish_is_audited_and_checked(p: Personas, published_round: Round) -> None:
    with pytest.raises(LuoshiError):
        results_unpublish(actor=p.officer, round=published_round, reason="数据有误")
    results_publish(actor=p.officer, round=published_round, today=DAY)
    with pytest.raises(InvalidField):
        results_unpublish(actor=p.officer, round=published_round, reason=" ")
    with pytest.raises(NotAllowed):
        results_unpublish(actor=p.head_a, round=published_round, reason="数据有误")
    results_unpublish(actor=p.officer, round=published_round, reason="数据有误")
    assert published_results(published_round) is None
    entry = Entry.objects.get(action="rectification.results.unpublished")
    assert entry.data["reason"] == "数据有误"


@pytest.mark.parametrize("who", personas(but=["officer"]))
def test_only_the_office_publishes(p: Personas, published_round: Round, who: str) -> None:
    user = getattr(p, who)
    with pytest.raises(NotAllowed):
        results_publish(actor=user, round=published_round, today=DAY)
    c = client_for(user)
    url = reverse("rectification:publication", args=[published_round.pk])
    assert c.get(url).status_code in (302, 403, 404)
    c.post(reverse("rectification:publication_publish", args=[published_round.pk]))
    assert not Publication.objects.exists()


def test_the_preview_page_publishes_and_unpublishes(p: Personas, published_round: Round) -> None:
    c = client_for(p.officer)
    url = reverse("rectification:publication", args=[published_round.pk])
    body = c.get(url).content.decode()
    assert "未发布" in body and "区财政局" in body and "涉及个人的问题" not in body and "王区长" not in body
    response = c.post(reverse("rectification:publication_publish", args=[published_round.pk]), follow=True)
    assert "整改结果已发布" in response.content.decode() and "已发布" in response.content.decode()
    response = c.post(
        reverse("rectification:publication_unpublish", args=[published_round.pk]), {"reason": ""}, follow=True
    )
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 1  # refused: no reason
    response = c.post(
        reverse("rectification:publication_unpublish", args=[published_round.pk]),
        {"reason": "数据有误"},
        follow=True,
    )
    assert "整改结果已撤回" in response.content.decode() and "数据有误" in response.content.decode()
    with exact_queries("rectification.publication[officer /rectification/rounds/{round}/publication/]@3"):
        assert c.get(url).status_code == 200
