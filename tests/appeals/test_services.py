"""Appeals' use cases: intake on every channel, routing, the paused clock, reply, rating, reopening,
verification, with their permissions, audit entries and nothing written on refusal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from luoshi.appeals import rules, services
from luoshi.appeals.assessment_events import complaints, late_replies
from luoshi.appeals.models import Appeal, Channel, Kind, Pause, Service, Step
from luoshi.assessment import events
from luoshi.audit.models import Entry
from luoshi.errors import InvalidField, LuoshiError, NotAllowed, NotFound
from tests.factories import Personas

from .conftest import file, frozen

pytestmark = pytest.mark.django_db


def test_web_intake_routes_to_the_services_unit_with_a_valid_code(p: Personas, service: Service) -> None:
    a = file(service)
    assert rules.tracking_code_valid(a.tracking_code)
    assert a.status == "assigned" and a.unit == p.unit_a
    assert a.due_at == a.received_at + timedelta(hours=72)
    assert Entry.objects.filter(action="appeals.appeal.submitted", object_id=str(a.pk)).count() == 1
    assert list(Step.objects.filter(appeal=a).values_list("action", flat=True)) == ["received", "routed"]


def test_unrouted_service_waits_for_the_office(p: Personas, unrouted: Service) -> None:
    a = file(unrouted)
    assert a.status == "new" and a.unit is None
    with pytest.raises(NotAllowed):
        services.appeal_route(actor=p.reporter_a, appeal=a, unit=p.unit_b)
    a = services.appeal_route(actor=p.officer, appeal=a, unit=p.unit_b)
    assert a.status == "assigned" and a.unit == p.unit_b


@pytest.mark.parametrize(
    ("field", "kw"),
    [("description", {"description": "短"}), ("phone", {"phone": ""}), ("kind", {"kind": "praise"})],
)
def test_bad_intake_is_refused_and_nothing_stored(service: Service, field: str, kw: dict) -> None:
    with pytest.raises(InvalidField) as e:
        file(service, **kw)
    assert e.value.field == field
    assert not Appeal.objects.exists() and not Entry.objects.filter(action__startswith="appeals").exists()


def test_phone_intake_is_the_offices(p: Personas, service: Service) -> None:
    for who in (None, p.reporter_a, p.leader):
        with pytest.raises(NotAllowed):
            file(service, channel=Channel.PHONE, actor=who)
    assert file(service, channel=Channel.PHONE, actor=p.officer).channel == "phone"


def test_pause_needs_a_reason_and_moves_the_deadline(p: Personas, service: Service) -> None:
    with frozen("2026-03-02T09:00:00+08:00") as clock:
        a = file(service)
        due = a.due_at
        with pytest.raises(InvalidField):
            services.appeal_pause(actor=p.reporter_a, appeal=a, reason="  ")
        with pytest.raises(NotAllowed):
            services.appeal_pause(actor=p.reporter_b, appeal=a, reason="等待企业补充材料")
        with pytest.raises(NotAllowed):
            services.appeal_pause(actor=p.leader, appeal=a, reason="等待企业补充材料")
        assert not Pause.objects.exists()
        services.appeal_pause(actor=p.reporter_a, appeal=a, reason="等待企业补充营业执照")
        clock.shift(timedelta(hours=30))
        a = services.appeal_resume(actor=p.head_a, appeal=a)
        assert a.due_at == due + timedelta(hours=30)
        assert a.status == "assigned" and a.paused_since is None


def test_reply_while_paused_stops_the_clock_and_records_on_time(p: Personas, service: Service) -> None:
    with frozen("2026-03-02T09:00:00+08:00") as clock:
        a = file(service)
        services.appeal_pause(actor=p.reporter_a, appeal=a, reason="需现场核查")
        clock.shift(timedelta(hours=100))
        a = services.appeal_reply(actor=p.reporter_a, appeal=a, reply="已现场核查，材料清单已在网上公布。")
    assert a.status == "replied" and a.due_at == a.received_at + timedelta(hours=172)
    assert Entry.objects.get(action="appeals.appeal.replied").data["on_time"] is True
    assert Pause.objects.get().ended_at == a.replied_at


def test_wrong_status_is_refused(p: Personas, service: Service) -> None:
    a = file(service)
    with pytest.raises(LuoshiError):
        services.appeal_resume(actor=p.reporter_a, appeal=a)
    with pytest.raises(LuoshiError):
        services.appeal_rate(code=a.tracking_code, satisfaction="satisfied")


def test_rate_and_reopen_by_code(p: Personas, service: Service) -> None:
    a = file(service)
    services.appeal_reply(actor=p.reporter_a, appeal=a, reply="已安排专人对接，三日内办结。")
    with pytest.raises(NotFound):
        services.appeal_rate(code="ABCDEFGHJK", satisfaction="satisfied")
    a = services.appeal_rate(code=a.tracking_code.lower(), satisfaction="unsatisfied", note="没有解决")
    assert a.status == "closed" and a.satisfaction == "unsatisfied"
    a = services.appeal_reopen(appeal=a, reason="问题仍未解决")
    assert a.status == "assigned" and a.reopen_count == 1 and a.replied_at is None and not a.satisfaction
    assert a.due_at == a.received_at + timedelta(hours=72)


def test_public_reopen_closes_after_the_window_but_the_office_may(p: Personas, service: Service) -> None:
    a = file(service)
    services.appeal_reply(actor=p.reporter_a, appeal=a, reply="已答复企业，详见附件说明。")
    with frozen(timezone.now() + timedelta(days=16)):
        with pytest.raises(LuoshiError):
            services.appeal_reopen(appeal=a, reason="问题仍未解决")
        with pytest.raises(NotAllowed):
            services.appeal_reopen(appeal=a, reason="问题仍未解决", actor=p.reporter_a)
        assert services.appeal_reopen(appeal=a, reason="督查室抽查不实", actor=p.officer).status == "assigned"


def test_verified_complaint_becomes_a_deduction_event(p: Personas, service: Service) -> None:
    a = file(service, kind=Kind.COMPLAINT)
    r = file(service)
    with pytest.raises(LuoshiError):
        services.appeal_verify(actor=p.officer, appeal=r, verified=True, note="核查属实")
    with pytest.raises(NotAllowed):
        services.appeal_verify(actor=p.head_a, appeal=a, verified=True, note="核查属实")
    services.appeal_verify(actor=p.officer, appeal=a, verified=True, note="经调阅记录，投诉属实")
    with pytest.raises(LuoshiError):
        services.appeal_verify(actor=p.officer, appeal=a, verified=False, note="再次核查")
    today = timezone.localdate()
    rows = events.collect("appeals.complaint", [p.unit_a.pk, p.unit_b.pk], today, today)
    assert [(x.unit_id, x.value, x.ref) for x in rows] == [
        (p.unit_a.pk, Decimal(1), f"appeals.Appeal:{a.pk}")
    ]
    assert complaints([p.unit_b.pk], today, today) == []
    assert "appeals.complaint" in dict(events.kinds())


def test_unfounded_complaint_is_no_event(p: Personas, service: Service) -> None:
    a = file(service, kind=Kind.COMPLAINT)
    services.appeal_verify(actor=p.officer, appeal=a, verified=False, note="经核查不属实")
    today = timezone.localdate()
    assert complaints([p.unit_a.pk], today, today) == []


def test_late_reply_is_an_event(p: Personas, service: Service) -> None:
    with frozen("2026-03-02T09:00:00+08:00") as clock:
        a = file(service)
        b = file(service)
        services.appeal_reply(actor=p.reporter_a, appeal=b, reply="按时答复的内容。")
        clock.shift(timedelta(hours=80))
        services.appeal_reply(actor=p.reporter_a, appeal=a, reply="超期答复的内容。")
        day = timezone.localdate()
    rows = late_replies([p.unit_a.pk], day - timedelta(days=5), day)
    assert [r.ref for r in rows] == [f"appeals.Appeal:{a.pk}"]


def test_close_unrated_step_is_idempotent(p: Personas, service: Service) -> None:
    a = file(service)
    services.appeal_reply(actor=p.reporter_a, appeal=a, reply="已答复企业，详见附件说明。")
    assert services.close_unrated_step(timezone.localdate()) == {"closed": 0}
    with frozen(timezone.now() + timedelta(days=16)):
        assert services.close_unrated_step(timezone.localdate()) == {"closed": 1}
        assert services.close_unrated_step(timezone.localdate()) == {"closed": 0}
    a.refresh_from_db()
    assert a.status == "closed" and a.satisfaction == ""


def test_client_key_is_kept_as_digest(p: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.client_create(actor=p.reporter_a, name="12345热线")
    client, key = services.client_create(actor=p.officer, name="12345热线")
    assert key not in client.key_digest and services.client_for_key(key) == client
    assert services.client_for_key("wrong") is None


def test_the_units_staff_hear_of_a_routed_appeal_once(
    p: Personas, service: Service, unrouted: Service, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from luoshi.notify.models import Outbox

    with django_capture_on_commit_callbacks(execute=True):
        a = file(service)
    rows = Outbox.objects.filter(rule="appeals.routed")
    assert {r.recipient_id for r in rows} == {p.reporter_a.pk, p.head_a.pk}
    assert all(a.tracking_code in r.payload["text"] for r in rows)
    with django_capture_on_commit_callbacks(execute=True):
        b = file(unrouted)
    assert Outbox.objects.filter(rule="appeals.routed").count() == 2  # nobody to tell yet
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_route(actor=p.officer, appeal=b, unit=p.unit_b)
    assert Outbox.objects.filter(rule="appeals.routed", recipient=p.reporter_b).count() == 1
