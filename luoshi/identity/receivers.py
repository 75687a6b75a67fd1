"""Signal receivers: each session's clock starts at sign-in; a lockout is written to the audit trail."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in


def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from .services import session_start

    if request is not None and hasattr(request, "session"):
        session_start(request=request, user=user)


def _locked_out(
    sender: Any, request: Any = None, username: str | None = None, ip_address: str = "", **kwargs: Any
) -> None:
    from .services import lockout_record

    # axes sends this again for every attempt while the lock lasts; record the lock once, when the
    # failure that reached the limit was counted (the attempts themselves are failed sign-ins).
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    lockout_record(username=username or "", address=ip_address or "")


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="luoshi.identity.session_start")
    user_locked_out.connect(_locked_out, dispatch_uid="luoshi.identity.locked_out")
