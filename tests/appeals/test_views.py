"""Appeals' pages per persona, the public pages without an account, the API router, and query
counts for the lists."""

from __future__ import annotations

import pytest
from django.test import Client

from luoshi.appeals import services
from luoshi.appeals.models import Appeal, Kind, Service
from tests.factories import Personas
from tests.helpers import TABLE, client_for, exact_queries

from .conftest import file

pytestmark = pytest.mark.django_db

# unit A's staff, the leader over A and the office see an appeal routed to unit A
SEES_A = {"reporter_a", "head_a", "leader", "officer"}
HANDLES_A = {"reporter_a", "head_a", "officer"}


@pytest.mark.parametrize("who", TABLE)
def test_detail_per_persona(p: Personas, service: Service, who: str) -> None:
    a = file(service)
    r = client_for(getattr(p, who)).get(f"/appeals/{a.pk}/")
    if who == "anonymous":
        assert r.status_code == 302 and "/login" in r["Location"]
    elif who in SEES_A:
        assert r.status_code == 200 and a.tracking_code in r.content.decode()
        assert ('id="reply-form"' in r.content.decode()) == (who in HANDLES_A)
        assert ('id="route-form"' in r.content.decode()) == (who == "officer")
    else:
        assert r.status_code == 404


@pytest.mark.parametrize("who", TABLE)
def test_reply_per_persona(p: Personas, service: Service, who: str) -> None:
    a = file(service)
    r = client_for(getattr(p, who)).post(f"/appeals/{a.pk}/reply/", {"reply": "已电话联系企业并解决。"})
    a.refresh_from_db()
    assert (a.status == "replied") == (who in HANDLES_A)
    if who in SEES_A - HANDLES_A:
        assert r.status_code == 403
    elif who == "reporter_b":
        assert r.status_code == 404


@pytest.mark.parametrize("who", TABLE)
def test_route_and_verify_are_the_offices(p: Personas, service: Service, who: str) -> None:
    a = file(service, kind=Kind.COMPLAINT)
    c = client_for(getattr(p, who))
    c.post(f"/appeals/{a.pk}/route/", {"unit": p.unit_b.pk})
    c.post(f"/appeals/{a.pk}/verify/", {"verified": "1", "note": "经核查投诉属实"})
    a.refresh_from_db()
    assert (a.unit_id == p.unit_b.pk) == (who == "officer")
    assert (a.verification == "verified") == (who == "officer")


@pytest.mark.parametrize("who", TABLE)
def test_phone_intake_page(p: Personas, service: Service, who: str) -> None:
    c = client_for(getattr(p, who))
    r = c.post(
        "/appeals/phone/",
        {
            "service": service.pk,
            "kind": "request",
            "enterprise_name": "电话企业",
            "description": "电话反映：用电报装进度慢。",
            "contact_name": "王总",
            "phone": "13700000000",
        },
    )
    if who == "officer":
        a = Appeal.objects.get()
        assert r.status_code == 302 and r["Location"] == f"/appeals/{a.pk}/" and a.channel == "phone"
    else:
        assert r.status_code in (302, 403) and not Appeal.objects.exists()


def test_list_query_count_does_not_grow(p: Personas, service: Service) -> None:
    c = client_for(p.officer)
    counts = []
    for n in (3, 30):
        while Appeal.objects.count() < n:
            file(service)
        c.get("/appeals/")
        with exact_queries(f"appeals.list[officer /appeals/]@{n}") as counted:
            r = c.get("/appeals/")
        assert r.status_code == 200 and r.content.decode().count('href="/appeals/') >= n
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_list_scope_per_persona(p: Personas, service: Service, unrouted: Service) -> None:
    a = file(service)
    b = services.appeal_route(actor=p.officer, appeal=file(unrouted), unit=p.unit_b)
    seen = {
        who: {
            x
            for x in (a.tracking_code, b.tracking_code)
            if x in client_for(getattr(p, who)).get("/appeals/").content.decode()
        }
        for who in ("reporter_a", "reporter_b", "leader", "officer")
    }
    assert seen == {
        "reporter_a": {a.tracking_code},
        "reporter_b": {b.tracking_code},
        "leader": {a.tracking_code},
        "officer": {a.tracking_code, b.tracking_code},
    }
    body = client_for(p.auditor).get("/appeals/").content.decode()
    assert a.tracking_code not in body and b.tracking_code not in body


def test_htmx_filter_returns_the_rows(p: Personas, service: Service) -> None:
    a = file(service)
    file(service, kind=Kind.COMPLAINT)
    r = client_for(p.officer).get("/appeals/", {"kind": "request"}, headers={"HX-Request": "true"})
    body = r.content.decode()
    assert "<html" not in body and a.tracking_code in body and body.count('href="/appeals/') == 1


def test_public_form_files_without_an_account(service: Service) -> None:
    c = Client(enforce_csrf_checks=False)
    assert c.get("/public/appeals/new/").status_code == 200
    r = c.post(
        "/public/appeals/new/",
        {
            "service": service.pk,
            "kind": "request",
            "enterprise_name": "示范科技有限公司",
            "description": "厂区门口道路破损，货车进出困难。",
            "contact_name": "张经理",
            "phone": "13800000000",
        },
    )
    a = Appeal.objects.get()
    assert r.status_code == 302 and a.tracking_code in r["Location"] and a.channel == "web"
    page = c.get(r["Location"]).content.decode()
    assert a.tracking_code in page and "已受理" in page


def test_public_honeypot_and_missing_contact_store_nothing(service: Service) -> None:
    data = {
        "service": service.pk,
        "kind": "request",
        "enterprise_name": "示范科技有限公司",
        "description": "厂区门口道路破损，货车进出困难。",
        "contact_name": "张经理",
    }
    r = Client().post("/public/appeals/new/", {**data, "phone": "138", "website": "http://spam"})
    assert r.status_code == 400
    r = Client().post("/public/appeals/new/", data)
    assert r.status_code == 400 and "联系电话或电子邮箱" in r.content.decode()
    assert not Appeal.objects.exists()


def test_public_tracking_rate_and_reopen(p: Personas, service: Service) -> None:
    a = file(service)
    c = Client()
    assert c.get("/public/appeals/track/", {"code": "ABCDEFGHJK"}).status_code == 404
    page = c.get("/public/appeals/track/", {"code": a.tracking_code}).content.decode()
    assert "办理中" in page and 'id="rate-form"' not in page
    services.appeal_reply(actor=p.reporter_a, appeal=a, reply="道路已列入本月修补计划。")
    page = c.get("/public/appeals/track/", {"code": a.tracking_code}).content.decode()
    assert "道路已列入本月修补计划。" in page and 'id="rate-form"' in page
    assert p.reporter_a.username not in page and "甲填报员" not in page  # no staff names in public
    c.post("/public/appeals/track/rate/", {"code": a.tracking_code, "satisfaction": "unsatisfied"})
    a.refresh_from_db()
    assert a.status == "closed" and a.satisfaction == "unsatisfied"
    c.post("/public/appeals/track/reopen/", {"code": a.tracking_code, "reason": "仍未修补"})
    a.refresh_from_db()
    assert a.status == "assigned" and a.reopen_count == 1


@pytest.mark.parametrize("who", TABLE)
def test_api_list_per_persona(p: Personas, service: Service, who: str) -> None:
    a = file(service)
    r = client_for(getattr(p, who)).get("/api/v1/appeals")
    if who == "anonymous":
        assert r.status_code == 401
        return
    ids = [x["service_request_id"] for x in r.json()["items"]]
    assert ids == ([a.tracking_code] if who in SEES_A else [])


def test_api_list_query_count_and_reply(p: Personas, service: Service) -> None:
    c = client_for(p.officer)
    counts = []
    for n in (3, 30):
        while Appeal.objects.count() < n:
            file(service)
        c.get("/api/v1/appeals")
        with exact_queries(f"appeals.api[officer /api/v1/appeals]@{n}") as counted:
            r = c.get("/api/v1/appeals")
        assert r.json()["count"] == n
        counts.append(counted.count)
    assert counts[1] <= counts[0]
    a = Appeal.objects.first()
    assert a is not None
    r = client_for(p.reporter_b).post(
        f"/api/v1/appeals/{a.pk}/reply", {"reply": "x" * 10}, content_type="application/json"
    )
    assert r.status_code == 404
    r = client_for(p.reporter_a).post(
        f"/api/v1/appeals/{a.pk}/reply", {"reply": "已答复企业诉求。"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "replied"


@pytest.mark.parametrize("who", TABLE)
def test_services_page_is_the_offices(p: Personas, service: Service, who: str) -> None:
    c = client_for(getattr(p, who))
    r = c.get("/appeals/services/")
    c.post("/appeals/services/", {"code": "tax", "name": "税费政策", "sla_hours": 48, "unit": p.unit_b.pk})
    c.post("/appeals/services/clients/", {"name": "12345热线"})
    if who == "officer":
        assert r.status_code == 200 and "审批服务" in r.content.decode()
        assert Service.objects.get(code="tax").unit == p.unit_b
        page = c.get("/appeals/services/").content.decode()
        assert "12345热线" in page and "api_key：" in page  # the key, once, in the message
        assert "api_key：" not in c.get("/appeals/services/").content.decode()
    else:
        assert r.status_code in (302, 403)
        assert not Service.objects.filter(code="tax").exists()
        from luoshi.appeals.models import Open311Client

        assert not Open311Client.objects.exists()


def test_services_page_refuses_a_duplicate_code(p: Personas, service: Service) -> None:
    r = client_for(p.officer).post("/appeals/services/", {"code": "permit", "name": "重复", "sla_hours": 48})
    assert r.status_code == 400 and "类别代码已存在" in r.content.decode()
