"""Demo data for the audit trail (审计): the security events an audit admin expects to find on the
demo district's trail — a morning's sign-ins and sign-outs from the office network, and failed
sign-ins from outside (a wrong password for a real account, a guessed administrator name) — written
by the same receivers the auth signals reach on a real sign-in (the signals themselves would also
reach the lockout handler, which needs a real request)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from .apps import on_sign_in_failed, on_signed_in, on_signed_out
from .context import client_address


def build(builder: Any) -> None:
    User = get_user_model()
    names = sorted(builder.users)[:6]
    events = 0
    for i, username in enumerate(names):
        user = builder.users[username]
        token = client_address.set(f"10.20.3.{11 + i}")
        try:
            on_signed_in(User, None, user)
            on_signed_out(User, None, user)
        finally:
            client_address.reset(token)
        events += 2
    token = client_address.set("203.0.113.45")
    try:
        for tried in (names[0], names[0], "admin"):
            on_sign_in_failed(__name__, {"username": tried})
            events += 1
    finally:
        client_address.reset(token)
    builder.counts["audit_security_events"] = events
