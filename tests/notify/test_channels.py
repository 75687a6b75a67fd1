"""The delivery channels against a real local HTTP server: the robots' JSON bodies, DingTalk's
signature, a webhook that fails and then succeeds (retried with back-off), one that times out, and
that no request ever waits for a webhook."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time as clock
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from luoshi.notify import channels
from luoshi.notify.channels import DingTalkRobot, OutMessage, SmsChannel, WeComRobot, dingtalk_sign
from luoshi.notify.models import Outbox, OutboxState
from luoshi.notify.services import MAX_ATTEMPTS, deliver, notify_event, reminders_set
from tests.factories import Personas


class Hook:
    """A local webhook: answers from a script of (status, json body or None for a hang), then 200."""

    def __init__(self) -> None:
        self.script: list[tuple[int, Any]] = []
        self.seen: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.release = threading.Event()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                hook.seen.append((self.path, body, dict(self.headers)))
                status, answer = hook.script.pop(0) if hook.script else (200, {"errcode": 0, "errmsg": "ok"})
                if answer is None:  # hang past the client's timeout
                    hook.release.wait(5)
                    return
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=t"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Hook:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    with Hook() as h:
        yield h


MESSAGE = OutMessage(outbox_id=1, recipient_id=7, text="督办：请回复", link="/x/1/", phone="13800000000")


def test_wecom_robot_posts_its_documented_body(hook: Hook, settings: Any) -> None:
    settings.LUOSHI_SITE_URL = "https://luoshi.example.cn"
    assert WeComRobot(url=hook.url, timeout=2).send(MESSAGE).ok
    path, body, _headers = hook.seen[0]
    assert path == "/robot/send?access_token=t"
    assert body == {
        "msgtype": "text",
        "text": {
            "content": "督办：请回复\nhttps://luoshi.example.cn/x/1/",
            "mentioned_mobile_list": ["13800000000"],
        },
    }


def test_dingtalk_robot_signs_and_mentions(hook: Hook) -> None:
    robot = DingTalkRobot(url=hook.url, secret="SEC123", timeout=2, clock=lambda: 1700000000.0)
    assert robot.send(MESSAGE).ok
    path, body, _headers = hook.seen[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["t"] and query["timestamp"] == ["1700000000000"]
    # The signature as DingTalk documents it, computed here independently.
    expected = base64.b64encode(
        hmac.new(b"SEC123", b"1700000000000\nSEC123", hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert urllib.parse.unquote_plus(dingtalk_sign("SEC123", 1700000000000)) == expected
    assert body["msgtype"] == "text" and body["at"] == {"atMobiles": ["13800000000"], "isAtAll": False}
    assert DingTalkRobot(url="http://h/send?access_token=t").signed_url() == "http://h/send?access_token=t"


def test_robots_report_refusals_and_http_errors(hook: Hook) -> None:
    hook.script = [(200, {"errcode": 310000, "errmsg": "keywords not in content"}), (500, {"oops": 1})]
    first = WeComRobot(url=hook.url, timeout=2).send(MESSAGE)
    assert not first.ok and "310000" in first.error
    second = DingTalkRobot(url=hook.url, timeout=2).send(MESSAGE)
    assert not second.ok and "500" in second.error


def test_sms_gateway_posts_phone_and_text_with_its_key(hook: Hook) -> None:
    hook.script = [(200, {"ok": True}), (200, {"ok": False, "error": "quota"})]
    sms = SmsChannel(url=hook.url, key="K-1", timeout=2)
    assert sms.send(MESSAGE).ok
    _path, body, headers = hook.seen[0]
    assert body == {"to": "13800000000", "text": "督办：请回复"} and headers["Authorization"] == "Bearer K-1"
    assert not sms.send(MESSAGE).ok
    assert sms.send(OutMessage(outbox_id=2, recipient_id=7, text="x")).error == "no phone number"


def test_email_goes_through_djangos_backend(p: Personas, settings: Any) -> None:
    settings.LUOSHI_NOTIFY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    p.head_a.email = "head@a.example.cn"
    p.head_a.save()
    reminders_set(
        actor=p.head_a, email_on=True, quiet_start=datetime.min.time(), quiet_end=datetime.min.time()
    )
    notify_event(rule="r", recipients=[p.head_a.pk], text="请审核销号申请", key="k:1", link="/p/1/")
    assert mail.outbox == []  # queued, not sent in the request
    deliver()
    assert [(m.to, m.body) for m in mail.outbox] == [(["head@a.example.cn"], "请审核销号申请\n/p/1/")]


def test_a_failing_webhook_is_retried_with_back_off_then_succeeds(
    p: Personas, hook: Hook, settings: Any
) -> None:
    settings.LUOSHI_WECOM_WEBHOOK = hook.url
    settings.LUOSHI_NOTIFY_HTTP_TIMEOUT = 2
    reminders_set(
        actor=p.head_a, wecom_on=True, quiet_start=datetime.min.time(), quiet_end=datetime.min.time()
    )
    hook.script = [(502, {"bad": "gateway"}), (200, {"errcode": -1, "errmsg": "busy"})]
    now = timezone.now()
    notify_event(rule="r", recipients=[p.head_a.pk], text="逾期提醒", key="k:2", now=now)
    deliver(now=now)
    row = Outbox.objects.get(channel="wecom")
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1) and "502" in row.last_error
    assert row.next_try_at == now + timedelta(minutes=1)
    deliver(now=now + timedelta(seconds=30))  # not yet due: no request
    assert len(hook.seen) == 1
    deliver(now=now + timedelta(minutes=1))
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.FAILED, 2) and "busy" in row.last_error
    assert row.next_try_at == now + timedelta(minutes=1) + timedelta(minutes=2)
    deliver(now=now + timedelta(minutes=3))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboxState.SENT, 3, "")
    assert len(hook.seen) == 3
    deliver(now=now + timedelta(hours=1))
    assert len(hook.seen) == 3  # sent once


def test_a_webhook_that_times_out_is_retried_and_given_up(p: Personas, hook: Hook, settings: Any) -> None:
    settings.LUOSHI_DINGTALK_WEBHOOK = hook.url
    settings.LUOSHI_NOTIFY_HTTP_TIMEOUT = 0.3
    reminders_set(
        actor=p.head_a, dingtalk_on=True, quiet_start=datetime.min.time(), quiet_end=datetime.min.time()
    )
    hook.script = [(200, None)] * MAX_ATTEMPTS
    now = timezone.now()
    notify_event(rule="r", recipients=[p.head_a.pk], text="超时", key="k:3", now=now)
    started = clock.monotonic()
    deliver(now=now)
    assert clock.monotonic() - started < 3  # the client gave up after its timeout
    row = Outbox.objects.get(channel="dingtalk")
    assert row.state == OutboxState.FAILED and "timed out" in row.last_error.lower()
    later = now
    for _ in range(MAX_ATTEMPTS - 1):
        later += timedelta(hours=7)
        deliver(now=later)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_try_at) == (OutboxState.FAILED, MAX_ATTEMPTS, None)
    deliver(now=later + timedelta(days=1))
    assert len(hook.seen) == MAX_ATTEMPTS  # given up: no sixth try


def test_no_request_waits_for_a_webhook(
    p: Personas, hook: Hook, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """What a request does (queue an event, in the write's transaction) sends in-app only; the
    hanging webhook is not called until the outbox step."""
    settings.LUOSHI_WECOM_WEBHOOK = hook.url
    reminders_set(
        actor=p.head_a, wecom_on=True, quiet_start=datetime.min.time(), quiet_end=datetime.min.time()
    )
    hook.script = [(200, None)]
    started = clock.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        notify_event(rule="r", recipients=[p.head_a.pk], text="不阻塞", key="k:4")
    assert clock.monotonic() - started < 1 and hook.seen == []
    assert Outbox.objects.get(channel="in_app").state == OutboxState.SENT
    assert Outbox.objects.get(channel="wecom").state == OutboxState.PENDING


def test_unconfigured_channels_are_not_queued(p: Personas) -> None:
    reminders_set(actor=p.head_a, sms_on=True, wecom_on=True, dingtalk_on=True, email_on=True)
    notify_event(rule="r", recipients=[p.head_a.pk], text="只有站内", key="k:5")
    assert list(Outbox.objects.values_list("channel", flat=True)) == ["in_app"]
    assert channels.configured("sms") is None and channels.configured("nope") is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_the_outbox_send_each_row_once(p: Personas) -> None:
    """Four workers deliver at once (PostgreSQL, own connections): FOR UPDATE SKIP LOCKED and the
    guarded claim hand every row to exactly one of them."""
    from django.db import connection

    fake = channels.RecordingChannel("wecom")
    channels.use("wecom", fake)
    try:
        users = [p.reporter_a, p.head_a, p.reporter_b, p.leader, p.officer]
        for u in users:
            reminders_set(
                actor=u, wecom_on=True, quiet_start=datetime.min.time(), quiet_end=datetime.min.time()
            )
        for i in range(60):
            notify_event(rule="race", recipients=[u.pk for u in users], text=f"第{i}条", key=f"race:{i}")
        barrier = threading.Barrier(4)

        def worker() -> None:
            try:
                barrier.wait()
                deliver()
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ids = [m.outbox_id for m in fake.sent]
        assert len(ids) == len(set(ids)) == 300
        assert Outbox.objects.filter(channel="wecom", state=OutboxState.SENT).count() == 300
    finally:
        channels.use("wecom", None)
