"""Appeals without an account are limited per sender (network address): over the limit the sender
is told when to try again and nothing is stored; the phone line and registered Open311 systems are
not limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from luoshi.appeals import services
from luoshi.appeals.models import Appeal, Service
from luoshi.audit.models import Entry
from luoshi.errors import RateLimited
from luoshi.lib import ratelimit
from tests.factories import Personas

from .conftest import file, frozen
from .test_open311 import BASE, _post

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "request",
    "enterprise_name": "示范科技有限公司",
    "description": "厂区门口道路破损，货车进出困难。",
    "contact_name": "张经理",
    "phone": "13800000000",
}


@pytest.fixture(autouse=True)
def _limits(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LUOSHI_APPEALS_PER_10_MINUTES = 2
    settings.LUOSHI_APPEALS_PER_DAY = 3


def test_the_web_form_refuses_a_third_in_ten_minutes_and_stores_nothing(service: Service) -> None:
    c = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        assert c.post("/public/appeals/new/", {**FORM, "service": service.pk}).status_code == 302
    entries = Entry.objects.count()
    r = c.post("/public/appeals/new/", {**FORM, "service": service.pk})
    body = r.content.decode()
    assert r.status_code == 400 and "提交过于频繁" in body and "分钟后再试" in body
    assert Appeal.objects.count() == 2 and Entry.objects.count() == entries
    # Another address is another sender; the stored hash is not the address.
    assert (
        Client(REMOTE_ADDR="198.51.100.9")
        .post("/public/appeals/new/", {**FORM, "service": service.pk})
        .status_code
        == 302
    )
    hashes = set(Appeal.objects.values_list("sender_hash", flat=True))
    assert hashes == {ratelimit.sender_hash("203.0.113.7"), ratelimit.sender_hash("198.51.100.9")}
    assert not any("203.0.113.7" in h for h in hashes)


def test_the_day_limit_and_the_window_moving_on(service: Service) -> None:
    with frozen("2026-11-30T09:00:00+08:00") as clock:
        for _ in range(3):
            services.appeal_submit(data=_intake(service), channel="web", sender="203.0.113.7")
            clock.shift(timedelta(minutes=11))  # past the 10-minute window each time
        with pytest.raises(RateLimited) as refused:
            services.appeal_submit(data=_intake(service), channel="web", sender="203.0.113.7")
        assert refused.value.status == 429 and "每天最多 3 件" in refused.value.message
        clock.shift(timedelta(hours=24))
        services.appeal_submit(data=_intake(service), channel="web", sender="203.0.113.7")
    assert Appeal.objects.count() == 4


def test_open311_answers_429_in_its_error_format_and_stores_nothing(service: Service) -> None:
    c = Client(REMOTE_ADDR="203.0.113.8")
    assert [_post(c).status_code for _ in range(2)] == [200, 200]
    r = _post(c)
    assert r.status_code == 429
    [error] = r.json()
    assert error["code"] == 429 and "提交过于频繁" in error["description"]
    assert Appeal.objects.count() == 2


def test_a_registered_system_and_the_phone_line_are_not_limited(p: Personas, service: Service) -> None:
    _client, key = services.client_create(actor=p.officer, name="12345热线")
    c = Client(REMOTE_ADDR="203.0.113.9")
    assert {_post(c, api_key=key).status_code for _ in range(4)} == {200}
    for _ in range(4):
        file(service, channel="phone", actor=p.officer)
    assert Appeal.objects.count() == 8
    assert not Appeal.objects.exclude(sender_hash="").exists()
    assert c.get(f"{BASE}/services.json").status_code == 200


def _intake(service: Service) -> services.Intake:
    return services.Intake(
        service=service,
        description=FORM["description"],
        kind="request",
        enterprise_name=FORM["enterprise_name"],
        contact_name=FORM["contact_name"],
        phone=FORM["phone"],
    )
