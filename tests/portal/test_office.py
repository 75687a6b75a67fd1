"""The office's portal pages and endpoints: who may use them, the review queue, moderation, and the
query counts of the lists (public and office)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.audit.models import Entry
from luoshi.errors import Conflict, InvalidField, NotAllowed
from luoshi.portal.models import Feedback, Publication, Snapshot, SnapshotState
from luoshi.portal.services import feedback_moderate, feedback_submit, snapshot_review
from tests.commitments.helpers import commitment, publication_of, publish_all
from tests.factories import Personas
from tests.helpers import client_for, exact_queries, personas

pytestmark = pytest.mark.django_db

OFFICE_PAGES = ["portal_office:review", "portal_office:feedback", "portal_office:publications"]


@pytest.mark.parametrize("who", personas())
@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_only_the_office_uses_the_office_pages(p: Personas, who: str, name: str) -> None:
    response = client_for(getattr(p, who)).get(reverse(name))
    if who in ("officer", "officer2"):
        assert response.status_code == 200
    elif who == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_review_page_shows_what_changed_and_publishes(p: Personas) -> None:
    c = commitment(p, title="旧的承诺表述")
    publish_all(p)
    from luoshi.commitments.services import commitment_update

    commitment_update(actor=p.officer, commitment=c, version=1, reason="r", changes={"title": "新的承诺表述"})
    office = client_for(p.officer)
    body = office.get(reverse("portal_office:review")).content.decode()
    assert "<del>旧的承诺表述</del>" in body and "<ins>新的承诺表述</ins>" in body
    snap = Snapshot.objects.get(state=SnapshotState.PENDING)
    assert (
        client_for(p.reporter_a)
        .post(reverse("portal_office:review_one", args=[snap.pk]), {"decision": "publish"})
        .status_code
        == 403
    )
    office.post(reverse("portal_office:review_one", args=[snap.pk]), {"decision": "publish"})
    assert publication_of(c).title == "新的承诺表述"


def test_review_services_refuse(p: Personas) -> None:
    commitment(p)
    snap = Snapshot.objects.get()
    with pytest.raises(NotAllowed):
        snapshot_review(actor=p.head_a, snapshot=snap, publish=True)
    with pytest.raises(InvalidField):
        snapshot_review(actor=p.officer, snapshot=snap, publish=False, note=" ")
    snapshot_review(actor=p.officer, snapshot=snap, publish=True)
    with pytest.raises(Conflict):
        snapshot_review(actor=p.officer, snapshot=snap, publish=True)
    assert Entry.objects.filter(action="portal.snapshot.published").count() == 1


def test_moderation(p: Personas) -> None:
    c = commitment(p)
    publish_all(p)
    fb = feedback_submit(publication_id=publication_of(c).pk, body="请公开进度照片", address="10.1.1.1")
    with pytest.raises(NotAllowed):
        feedback_moderate(actor=p.reporter_a, feedback=fb, approve=True, reply="好")
    with pytest.raises(InvalidField):
        feedback_moderate(actor=p.officer, feedback=fb, approve=True, reply="")
    office = client_for(p.officer)
    assert "请公开进度照片" in office.get(reverse("portal_office:feedback")).content.decode()
    office.post(
        reverse("portal_office:moderate", args=[fb.pk]), {"decision": "approve", "reply": "已补充照片。"}
    )
    assert Feedback.objects.get().state == "approved"


def test_publishing_all_key_projects(p: Personas) -> None:
    from decimal import Decimal

    from luoshi.projects.services import project_create

    project_create(
        actor=p.officer,
        name="新能源产业园",
        code="XM-1",
        lead_unit=p.unit_a,
        lat=Decimal("30.5"),
        lng=Decimal("114.3"),
    )
    office = client_for(p.officer)
    office.post(reverse("portal_office:publish_projects"))
    assert Snapshot.objects.filter(publication__kind="project", state="pending").count() == 1
    publish_all(p)
    home = Client().get(reverse("portal:home")).content.decode()
    assert "新能源产业园" in home
    import json
    import re

    found = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', home, re.S)
    assert found is not None
    points = json.loads(found.group(1))["points"]
    assert [(pt["name"], pt["value"]) for pt in points] == [("新能源产业园", [114.3, 30.5])]


def _commitments(p: Personas, n: int) -> None:
    for i in range(n):
        commitment(p, unit=p.unit_a if i % 2 else p.unit_b, title=f"承诺事项第{i}项")


@pytest.mark.parametrize("rows", [3, 30])
def test_public_pages_query_counts(p: Personas, rows: int) -> None:
    _commitments(p, rows)
    publish_all(p)
    public = Client()
    public.get(reverse("portal:catalogues"))
    with exact_queries(f"portal.home[anonymous /public/]@{rows}") as home:
        assert public.get(reverse("portal:home")).status_code == 200
    with exact_queries(f"portal.unit[anonymous /public/units/{{unit}}/]@{rows}") as unit:
        assert public.get(reverse("portal:unit", args=[p.unit_a.pk])).status_code == 200
    with exact_queries(f"portal.home.cached[anonymous /public/]@{rows}") as cached:
        public.get(reverse("portal:home"))
    assert cached.count == 1
    assert home.count < 20 and unit.count < 20


@pytest.mark.parametrize("rows", [3, 30])
def test_review_queue_query_count(p: Personas, rows: int) -> None:
    _commitments(p, rows)
    office = client_for(p.officer)
    office.get(reverse("portal_office:feedback"))
    with exact_queries(f"portal.queue[officer /portal/]@{rows}") as queue:
        body = office.get(reverse("portal_office:review")).content.decode()
    assert body.count('id="snap-') == rows
    assert queue.count < 20


def test_api_public_items_and_review(p: Personas) -> None:
    c = commitment(p, title="接口承诺")
    anon = Client()
    assert anon.get(reverse("api-v1:public_items")).json()["count"] == 0
    officer = client_for(p.officer)
    pending = officer.get(reverse("api-v1:portal_pending")).json()
    assert pending["count"] == 1 and pending["items"][0]["changes"][0][0] == "unit"
    assert client_for(p.reporter_a).get(reverse("api-v1:portal_pending")).status_code == 403
    sid = pending["items"][0]["id"]
    r = officer.post(
        reverse("api-v1:portal_review", args=[sid]), {"publish": True}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    items = anon.get(reverse("api-v1:public_items"), {"kind": "commitment"}).json()["items"]
    assert items[0]["data"]["title"] == "接口承诺" and items[0]["status"] == "not_started"
    assert Publication.objects.get().current_id == sid
    del c


@pytest.mark.parametrize("rows", [3, 30])
def test_feedback_and_publications_query_counts(p: Personas, rows: int) -> None:
    _commitments(p, rows)
    publish_all(p)
    pubs = list(Publication.objects.values_list("pk", flat=True))
    for i, pk in enumerate(pubs):
        feedback_submit(publication_id=pk, body=f"第{i}条留言内容", address=f"10.2.0.{i}")
    office = client_for(p.officer)
    office.get(reverse("portal_office:review"))
    with exact_queries(f"portal.feedback[officer /portal/feedback/]@{rows}"):
        body = office.get(reverse("portal_office:feedback")).content.decode()
    assert body.count("<textarea") == rows
    with exact_queries(f"portal.publications[officer /portal/publications/]@{rows}"):
        body = office.get(reverse("portal_office:publications")).content.decode()
    assert body.count("/withdraw/") == rows
