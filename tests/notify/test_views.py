"""The notify pages: reminder preferences on the notifications page, the office's outbox view."""

from __future__ import annotations

import json
import re
from datetime import time

import pytest
from django.urls import reverse

from luoshi.notify.models import Outbox, OutboxState, Preference
from luoshi.notify.services import notify_event
from tests.factories import Personas
from tests.helpers import client_for, exact_queries, personas


def _events(p: Personas, n: int) -> None:
    start = Outbox.objects.count()
    for i in range(start, start + n):
        notify_event(
            rule=f"test.rule{i % 3}", recipients=[p.reporter_a.pk, p.head_a.pk], text=f"消息{i}", key=f"k:{i}"
        )


@pytest.mark.parametrize("who", personas())
def test_only_the_office_sees_the_outbox(p: Personas, who: str) -> None:
    _events(p, 2)
    response = client_for(getattr(p, who)).get(reverse("notify_outbox"))
    if who in ("officer", "officer2"):
        assert response.status_code == 200
        assert "test.rule0" in response.content.decode() and "k:1" in response.content.decode()
    elif who == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_outbox_filters_by_rule_channel_state_and_recipient(p: Personas) -> None:
    _events(p, 3)
    Outbox.objects.filter(payload__text="消息2").update(state=OutboxState.UNKNOWN)
    c = client_for(p.officer)
    body = c.get(reverse("notify_outbox"), {"rule": "test.rule1"}).content.decode()
    assert "消息1" in body and "消息0" not in body
    body = c.get(
        reverse("notify_outbox"), {"state": "unknown", "recipient": "甲局长"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert len(re.findall(r'id="outbox-\d', body)) == 1 and "消息2" in body and "<html" not in body
    assert c.get(reverse("notify_outbox"), {"channel": "sms"}).content.decode().count('id="outbox-1') == 0


def test_the_office_resends_unknown_rows(p: Personas) -> None:
    _events(p, 1)
    row = Outbox.objects.first()
    assert row is not None
    Outbox.objects.filter(pk=row.pk).update(state=OutboxState.UNKNOWN)
    assert client_for(p.reporter_a).post(reverse("notify_outbox_resend"), {"id": [row.pk]}).status_code == 403
    response = client_for(p.officer).post(reverse("notify_outbox_resend"), {"id": [row.pk]}, follow=True)
    assert "1 条消息将重新发送" in response.content.decode()
    assert Outbox.objects.get(pk=row.pk).state == OutboxState.PENDING
    response = client_for(p.officer).post(reverse("notify_outbox_resend"), {"id": [row.pk]}, follow=True)
    assert "没有可重新发送" in response.content.decode()


def test_outbox_query_count(p: Personas) -> None:
    counts = []
    c = client_for(p.officer)
    for n, more in ((3, 3), (30, 27)):
        _events(p, more)
        c.get(reverse("notify_outbox"))
        with exact_queries(f"notify.outbox[officer /notifications/outbox/]@{n}") as counted:
            assert c.get(reverse("notify_outbox")).status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_reminder_preferences_on_the_notifications_page(p: Personas) -> None:
    c = client_for(p.reporter_a)
    body = c.get(reverse("notifications")).content.decode()
    assert 'name="quiet_start"' in body and 'value="22:00"' in body and 'value="07:30"' in body
    response = c.post(
        reverse("notify_reminders"),
        {"sms_on": "on", "weekly_digest": "on", "quiet_start": "21:30", "quiet_end": "08:00"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "已保存" in response.content.decode()
    # Focus goes back to the save button (swapped in anew); the live region says it was saved.
    said = json.loads(response["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {"message": "提醒方式已保存。", "focus": "#notify-reminders-save"}
    assert 'id="notify-reminders-save"' in response.content.decode()
    pref = Preference.objects.get(user=p.reporter_a)
    assert (pref.sms_on, pref.email_on, pref.weekly_digest, pref.quiet_start) == (
        True,
        False,
        True,
        time(21, 30),
    )
    bad = c.post(
        reverse("notify_reminders"), {"quiet_start": "25:00", "quiet_end": "08:00"}, HTTP_HX_REQUEST="true"
    )
    # Refused: 200 (HTMX swaps no 4xx answer in), the message by its field, focus on that field.
    assert bad.status_code == 200
    said = json.loads(bad["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {"message": "有 1 处需要修改", "focus": "#id_quiet_start"}
    box = bad.content.decode()
    field = re.search(r'<input type="time" name="quiet_start"[^>]*>', box)
    assert (
        field
        and 'aria-invalid="true"' in field.group()
        and 'aria-describedby="id_quiet_start-error"' in field.group()
    )
    assert re.search(r'id="id_quiet_start-error">[^<]*时间', box), box
    assert "aria-invalid" not in re.search(r'<input type="time" name="quiet_end"[^>]*>', box).group()
    assert Preference.objects.get(user=p.reporter_a).quiet_start == time(21, 30)  # unchanged
    plain = c.post(reverse("notify_reminders"), {"quiet_start": "22:00", "quiet_end": "07:00"})
    assert plain.status_code == 302
    pref.refresh_from_db()
    assert (pref.sms_on, pref.weekly_digest, pref.quiet_end) == (False, False, time(7, 0))
    assert client_for(None).post(reverse("notify_reminders"), {}).status_code == 302


def test_a_refused_notification_preference_shows_its_field_error_in_place(p: Personas) -> None:
    c = client_for(p.reporter_a)
    bad = c.post(reverse("notify_preference"), {"digest": "hourly"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    said = json.loads(bad["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {"message": "有 1 处需要修改", "focus": "#id_digest"}
    box = bad.content.decode()
    assert 'id="id_digest" aria-invalid="true" aria-describedby="id_digest-error"' in box
    assert 'id="id_digest-error">请选择通知方式。' in box
    # Saved: the live region says so and focus returns to the button; without HTMX, the page again.
    good = c.post(reverse("notify_preference"), {"digest": "daily"}, HTTP_HX_REQUEST="true")
    said = json.loads(good["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {"message": "通知方式已保存。", "focus": "#notify-preference-save"}
    assert "aria-invalid" not in good.content.decode()
    assert c.post(reverse("notify_preference"), {"digest": "hourly"}).status_code == 302
