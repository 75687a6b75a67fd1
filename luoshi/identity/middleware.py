"""Session policy (会话控制): idle timeout, absolute lifetime, and a password change before anything else.

Decided from the session alone (no query): the clock is written at sign-in (services.session_start)
and the last-seen time again at most once a minute, so a busy session is not saved on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .services import SESSION_STATE

TOUCH_SECONDS = 60
# What a session that must change its password may still reach.
OPEN_WHILE_CHANGING = ("/account/password/", "/logout/", "/static/", "/i18n/", "/healthz", "/readyz")


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY not in session:
            return self.get_response(request)
        state: dict[str, Any] = session.get(SESSION_STATE) or {}
        now = time.time()
        verdict = (
            rules.session_state(
                started=float(state["start"]),
                seen=float(state["seen"]),
                now=now,
                idle_seconds=int(settings.LUOSHI_SESSION_IDLE_MINUTES) * 60,
                max_seconds=int(settings.LUOSHI_SESSION_MAX_HOURS) * 3600,
            )
            if "start" in state and "seen" in state
            else rules.Session.EXPIRED  # a session from before this policy: signed in again
        )
        if verdict is not rules.Session.ACTIVE:
            logout(request)
            if not request.path.startswith("/api/"):
                messages.info(request, _("会话已超时，请重新登录。"))
            return self.get_response(request)
        if rules.needs_touch(seen=float(state["seen"]), now=now, granularity=TOUCH_SECONDS):
            session[SESSION_STATE] = {**state, "seen": now}
        if state.get("change") and not request.path.startswith(OPEN_WHILE_CHANGING):
            if request.path.startswith("/api/"):
                return HttpResponse(_("请先修改口令。"), status=403)
            return HttpResponseRedirect(reverse("identity:password_change"))
        return self.get_response(request)
