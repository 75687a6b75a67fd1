"""Limits per sender on the pages that need no account (citizen feedback on the portal, enterprise
appeals by web form and Open311): pure arithmetic over the times a sender wrote before, and a keyed
hash that counts a sender's messages without keeping its address."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

# (window, at most this many messages in it)
Limits = Sequence[tuple[timedelta, int]]


def retry_after(sent: Iterable[datetime], now: datetime, limits: Limits) -> timedelta | None:
    """None if one more message from a sender that wrote at `sent` is allowed `now`; else how long
    until it is (the longest wait over the windows that are full)."""
    times = sorted((t for t in sent if t <= now), reverse=True)
    wait: timedelta | None = None
    for window, most in limits:
        inside = [t for t in times if t > now - window]
        if len(inside) >= most:
            # the window frees a place when the `most`-th latest message leaves it
            free_at = inside[most - 1] + window
            need = free_at - now
            wait = need if wait is None or need > wait else wait
    return wait


def wait_minutes(wait: timedelta) -> int:
    """A wait as whole minutes for a message, rounded up, at least one."""
    return max(1, -(-int(wait.total_seconds()) // 60))


def sender_address(request: Any) -> str:
    """The network address a request came from, as the audit trail records it (the proxy's
    `X-Forwarded-For` only from `LUOSHI_TRUSTED_PROXIES`), else the connecting address."""
    from luoshi.audit.context import client_address

    return client_address.get() or str(request.META.get("REMOTE_ADDR", ""))


def sender_hash(address: str) -> str:
    """A keyed hash of the sender's network address: enough to count its messages, not to recover it."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
