"""An Open311 GeoReport v2 client's calls, with the spec's request and response shapes: GET
services.json, POST requests.json (form-encoded), GET requests/{id}.json, GET requests.json with
filters, and the spec's error format."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from luoshi.appeals import services
from luoshi.appeals.models import Appeal, Service
from luoshi.audit.models import Entry
from tests.factories import Personas

from .conftest import file

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}

POST = {
    "service_code": "permit",
    "lat": "31.230416",
    "long": "121.473701",
    "address_string": "示范区科创路1号",
    "email": "boss@example.com",
    "first_name": "明",
    "last_name": "李",
    "phone": "13900000000",
    "description": "施工许可审批超过承诺时限仍未办结。",
    "media_url": "https://example.com/photo.jpg",
}


def _post(client: Client, **changes: Any) -> Any:
    data = {**POST, **changes}
    return client.post(f"{BASE}/requests.json", {k: v for k, v in data.items() if v is not None})


def test_services_json(service: Service, unrouted: Service) -> None:
    Service.objects.create(code="gone", name="停用", active=False)
    r = Client().get(f"{BASE}/services.json")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    body = r.json()
    assert [s["service_code"] for s in body] == ["other", "permit"]
    assert all(set(s) == SERVICE_KEYS for s in body)
    assert body[1] == {
        "service_code": "permit",
        "service_name": "审批服务",
        "description": "",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "政务服务",
    }


def test_post_then_get_by_id(p: Personas, service: Service) -> None:
    c = Client(enforce_csrf_checks=True)
    r = _post(c)
    assert r.status_code == 200
    [created] = r.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    appeal = Appeal.objects.get()
    assert created["service_request_id"] == appeal.tracking_code and appeal.channel == "open311"
    assert appeal.contact_name == "李 明" and str(appeal.lat) == "31.230416"
    r = c.get(f"{BASE}/requests/{appeal.tracking_code}.json")
    assert r.status_code == 200
    [got] = r.json()
    assert set(got) == REQUEST_KEYS
    assert got["status"] == "open" and got["service_code"] == "permit"
    assert got["agency_responsible"] == p.unit_a.name
    assert got["lat"] == 31.230416 and got["long"] == 121.473701
    assert got["expected_datetime"] == appeal.due_at.isoformat(timespec="seconds")
    services.appeal_pause(actor=p.reporter_a, appeal=appeal, reason="等待企业补充材料")
    [got] = c.get(f"{BASE}/requests/{appeal.tracking_code}.json").json()
    assert got["status"] == "open" and got["status_notes"] == "等待企业补充材料"
    services.appeal_reply(actor=p.reporter_a, appeal=appeal, reply="已办结，许可证已寄出。")
    [got] = c.get(f"{BASE}/requests/{appeal.tracking_code}.json").json()
    assert got["status"] == "closed" and got["status_notes"] == "已办结，许可证已寄出。"


def test_post_with_an_address_only_is_accepted(service: Service) -> None:
    assert _post(Client(), lat=None, long=None).status_code == 200


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({"service_code": "nope"}, 400, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "north"}, 400, "lat"),
        ({"long": "200"}, 400, "long"),
        ({"lat": "31.2", "long": None}, 400, "long"),
        ({"lat": None, "long": None, "address_string": None}, 400, "address_string"),
        ({"description": "短"}, 400, "至少5个字"),
        ({"api_key": "wrong"}, 403, "api_key"),
    ],
)
def test_refusals_use_the_open311_error_format(
    service: Service, changes: dict, status: int, words: str
) -> None:
    r = _post(Client(), **changes)
    assert r.status_code == status
    [err] = r.json()
    assert set(err) == {"code", "description"} and err["code"] == status and words in err["description"]
    assert not Appeal.objects.exists() and not Entry.objects.filter(action__startswith="appeals").exists()


def test_unknown_id_is_a_404_in_the_spec_format(db: None) -> None:
    r = Client().get(f"{BASE}/requests/ABCDEFGHJK.json")
    assert r.status_code == 404 and r.json()[0]["code"] == 404


def test_list_by_ids_and_by_client_key_with_filters(p: Personas, service: Service, unrouted: Service) -> None:
    client, key = services.client_create(actor=p.officer, name="12345热线")
    c = Client()
    mine = [_post(c, api_key=key).json()[0]["service_request_id"] for _ in range(2)]
    other = file(service)
    # without a key or ids the list is empty: enterprises' appeals are not public
    assert c.get(f"{BASE}/requests.json").json() == []
    by_id = c.get(f"{BASE}/requests.json", {"service_request_id": f"{mine[0]},{other.tracking_code}"}).json()
    assert {r["service_request_id"] for r in by_id} == {mine[0], other.tracking_code}
    own = c.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert {r["service_request_id"] for r in own} == set(mine)
    services.appeal_reply(
        actor=p.reporter_a, appeal=Appeal.objects.get(tracking_code=mine[0]), reply="已答复企业。"
    )
    open_ = c.get(f"{BASE}/requests.json", {"api_key": key, "status": "open"}).json()
    assert [r["service_request_id"] for r in open_] == [mine[1]]
    assert c.get(f"{BASE}/requests.json", {"api_key": key, "service_code": "other"}).json() == []
    assert (
        len(c.get(f"{BASE}/requests.json", {"api_key": key, "start_date": "2000-01-01T00:00:00Z"}).json())
        == 2
    )
    assert c.get(f"{BASE}/requests.json", {"api_key": key, "end_date": "2000-01-01T00:00:00Z"}).json() == []
    bad = c.get(f"{BASE}/requests.json", {"api_key": key, "start_date": "yesterday"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400
    assert c.get(f"{BASE}/requests.json", {"api_key": key, "status": "pending"}).status_code == 400
    assert Appeal.objects.filter(client=client).count() == 2


def test_the_same_answers_as_xml_documents(p: Personas, service: Service) -> None:
    """The spec's other format: `.xml` gives the same fields as elements of `<services><service>`,
    `<service_requests><request>` and `<errors><error>`, an empty element for a null."""
    import xml.etree.ElementTree as ET

    c = Client()
    r = c.get(f"{BASE}/services.xml")
    assert r.status_code == 200 and r["Content-Type"] == "text/xml; charset=utf-8"
    assert r.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(r.content)
    assert root.tag == "services" and [s.findtext("service_code") for s in root] == ["permit"]
    assert root[0].findtext("service_name") == "审批服务" and root[0].findtext("metadata") == "false"

    posted = c.post(f"{BASE}/requests.xml", {k: v for k, v in POST.items() if v is not None})
    assert posted.status_code == 200
    created = ET.fromstring(posted.content)
    assert created.tag == "service_requests" and [e.tag for e in created[0]] == [
        "service_request_id", "service_notice", "account_id",
    ]  # fmt: skip
    code = created[0].findtext("service_request_id")
    assert code == Appeal.objects.get().tracking_code and created[0].find("account_id").text is None  # type: ignore[union-attr]

    [request] = ET.fromstring(c.get(f"{BASE}/requests/{code}.xml").content)
    as_json = c.get(f"{BASE}/requests/{code}.json").json()[0]
    assert {e.tag for e in request} == set(as_json) == REQUEST_KEYS
    assert request.findtext("lat") == str(as_json["lat"]) and request.findtext("status") == "open"
    assert (
        ET.fromstring(c.get(f"{BASE}/requests.xml", {"service_request_id": code}).content)[0].findtext(
            "description"
        )
        == as_json["description"]
    )

    missing = c.get(f"{BASE}/requests/NOPE.xml")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/xml")
    [err] = ET.fromstring(missing.content)
    assert (
        err.tag == "error" and err.findtext("code") == "404" and "NOPE" in (err.findtext("description") or "")
    )
    bad = c.post(f"{BASE}/requests.xml", {"service_code": "nope", "lat": "1", "long": "1"})
    assert bad.status_code == 400 and ET.fromstring(bad.content)[0].findtext("code") == "400"
