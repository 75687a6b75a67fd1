"""Delivery channels (发送渠道) behind one interface: `send(message) -> SendResult`.

In-app (a `Notification` row), e-mail (Django's mail backend, SMTP in production), SMS (an HTTP
gateway: POST JSON to `LUOSHI_SMS_URL` with `LUOSHI_SMS_KEY` as bearer token), and the group robots
of WeCom (企业微信) and DingTalk (钉钉), each at the webhook URL of its settings; DingTalk's optional
signing (加签) with `LUOSHI_DINGTALK_SECRET`. `RecordingChannel` records what it is given, for tests.

Only the outbox step calls `send` (`services.deliver`), never a request: a slow or failing gateway
delays nothing but the worker, which gives it `LUOSHI_NOTIFY_HTTP_TIMEOUT` seconds and retries
later with back-off. A channel never raises for a failed send: it answers `SendResult(ok=False)`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings


@dataclass(frozen=True)
class OutMessage:
    """One message for one recipient as a channel needs it (addresses resolved at send time)."""

    outbox_id: int
    recipient_id: int
    text: str
    subject: str = ""
    link: str = ""
    task_id: int | None = None
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str = ""


class DeliveryChannel(Protocol):
    """What every channel does: send one message, answer how it went (never raise for a failure)."""

    name: str

    def send(self, message: OutMessage) -> SendResult: ...


def full_link(link: str) -> str:
    """A link for outside the site (e-mail, robots): relative links get `LUOSHI_SITE_URL` in front."""
    base = str(getattr(settings, "LUOSHI_SITE_URL", "") or "").rstrip("/")
    if not link or link.startswith(("http://", "https://")) or not base:
        return link
    return base + link


def _with_link(message: OutMessage) -> str:
    link = full_link(message.link)
    return f"{message.text}\n{link}" if link else message.text


class InAppChannel:
    """The in-app notification (站内通知): a `Notification` row the user reads on the site."""

    name = "in_app"

    def send(self, message: OutMessage) -> SendResult:
        from .models import Notification

        Notification.objects.create(
            user_id=message.recipient_id, task_id=message.task_id, text=message.text[:300]
        )
        return SendResult(ok=True)


class EmailChannel:
    """E-mail through Django's configured backend (SMTP: `EMAIL_HOST`…, `EMAIL_TIMEOUT`)."""

    name = "email"

    def send(self, message: OutMessage) -> SendResult:
        from django.core.mail import EmailMessage, get_connection

        if not message.email:
            return SendResult(ok=False, error="no e-mail address")
        try:
            connection = get_connection(fail_silently=False)
            EmailMessage(
                subject=message.subject or message.text[:60],
                body=_with_link(message),
                to=[message.email],
                connection=connection,
            ).send()
        except Exception as exc:  # smtplib, socket and timeout errors alike: retried later
            return SendResult(ok=False, error=repr(exc)[:500])
        return SendResult(ok=True)


def post_json(
    url: str, body: dict[str, Any], *, timeout: float, headers: dict[str, str] | None = None
) -> Any:
    """POST `body` as JSON, return the decoded JSON answer (None for an empty one); raises on an HTTP
    error, a timeout or a connection failure."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    return json.loads(raw) if raw.strip() else None


def _timeout() -> float:
    return float(getattr(settings, "LUOSHI_NOTIFY_HTTP_TIMEOUT", 5))


def _http_result(call: Callable[[], Any], *, ok: Callable[[Any], bool]) -> SendResult:
    try:
        answer = call()
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        return SendResult(ok=False, error=repr(exc)[:500])
    if not ok(answer):
        return SendResult(ok=False, error=f"refused: {json.dumps(answer, ensure_ascii=False)[:480]}")
    return SendResult(ok=True)


def _errcode_zero(answer: Any) -> bool:
    return isinstance(answer, dict) and answer.get("errcode") == 0


@dataclass
class SmsChannel:
    """An SMS gateway over HTTP (no provider SDK): POST {"to", "text"} with a bearer key; any 2xx
    answer is success unless it carries {"ok": false}."""

    url: str
    key: str = ""
    timeout: float = 5.0
    name: str = "sms"

    def send(self, message: OutMessage) -> SendResult:
        if not message.phone:
            return SendResult(ok=False, error="no phone number")
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return _http_result(
            lambda: post_json(
                self.url, {"to": message.phone, "text": message.text}, timeout=self.timeout, headers=headers
            ),
            ok=lambda answer: not (isinstance(answer, dict) and answer.get("ok") is False),
        )


@dataclass
class WeComRobot:
    """A WeCom group robot (企业微信群机器人): {"msgtype": "text", "text": {"content",
    "mentioned_mobile_list"}}; success is {"errcode": 0}."""

    url: str
    timeout: float = 5.0
    name: str = "wecom"

    def body(self, message: OutMessage) -> dict[str, Any]:
        text: dict[str, Any] = {"content": _with_link(message)}
        if message.phone:
            text["mentioned_mobile_list"] = [message.phone]
        return {"msgtype": "text", "text": text}

    def send(self, message: OutMessage) -> SendResult:
        return _http_result(
            lambda: post_json(self.url, self.body(message), timeout=self.timeout), ok=_errcode_zero
        )


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (加签): base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")), URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


@dataclass
class DingTalkRobot:
    """A DingTalk group robot (钉钉群机器人): {"msgtype": "text", "text": {"content"}, "at":
    {"atMobiles"}}; with a secret, `&timestamp=…&sign=…` is added to the URL. Success is errcode 0."""

    url: str
    secret: str = ""
    timeout: float = 5.0
    name: str = "dingtalk"
    clock: Callable[[], float] = field(default=time.time)

    def signed_url(self) -> str:
        if not self.secret:
            return self.url
        ts = int(self.clock() * 1000)
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}timestamp={ts}&sign={dingtalk_sign(self.secret, ts)}"

    def body(self, message: OutMessage) -> dict[str, Any]:
        return {
            "msgtype": "text",
            "text": {"content": _with_link(message)},
            "at": {"atMobiles": [message.phone] if message.phone else [], "isAtAll": False},
        }

    def send(self, message: OutMessage) -> SendResult:
        return _http_result(
            lambda: post_json(self.signed_url(), self.body(message), timeout=self.timeout), ok=_errcode_zero
        )


@dataclass
class RecordingChannel:
    """A fake channel for tests: records every message; `fail` (a set of outbox ids, or True) makes
    sends answer a failure instead."""

    name: str
    sent: list[OutMessage] = field(default_factory=list)
    fail: bool | set[int] = False

    def send(self, message: OutMessage) -> SendResult:
        if self.fail is True or (isinstance(self.fail, set) and message.outbox_id in self.fail):
            return SendResult(ok=False, error="recording channel told to fail")
        self.sent.append(message)
        return SendResult(ok=True)


# Channels set by tests (or a deployment's own code) take precedence over those made from settings.
_OVERRIDES: dict[str, DeliveryChannel] = {}


def use(name: str, channel: DeliveryChannel | None) -> None:
    """Put `channel` in place of the configured one for `name` (None restores the configured one)."""
    if channel is None:
        _OVERRIDES.pop(name, None)
    else:
        _OVERRIDES[name] = channel


def configured(name: str) -> DeliveryChannel | None:
    """The channel `name` as configured (or overridden); None when it is not set up."""
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    timeout = _timeout()
    if name == "in_app":
        return InAppChannel()
    if name == "email":
        return EmailChannel() if getattr(settings, "LUOSHI_NOTIFY_EMAIL", False) else None
    if name == "sms":
        url = getattr(settings, "LUOSHI_SMS_URL", "")
        return (
            SmsChannel(url=url, key=getattr(settings, "LUOSHI_SMS_KEY", ""), timeout=timeout) if url else None
        )
    if name == "wecom":
        url = getattr(settings, "LUOSHI_WECOM_WEBHOOK", "")
        return WeComRobot(url=url, timeout=timeout) if url else None
    if name == "dingtalk":
        url = getattr(settings, "LUOSHI_DINGTALK_WEBHOOK", "")
        secret = getattr(settings, "LUOSHI_DINGTALK_SECRET", "")
        return DingTalkRobot(url=url, secret=secret, timeout=timeout) if url else None
    return None
