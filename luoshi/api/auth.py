"""API authentication: personal tokens (`Authorization: Bearer …`) and the browser's session.

Only a token's SHA-256 is stored, so a token is found by hashing what the client sent. Session
auth checks CSRF on unsafe methods only once a session user is found, so an anonymous request
gets 401 (not a CSRF 403) and token clients never need a CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from luoshi.org.models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class TokenAuth(HttpBearer):
    """A personal API token that is not revoked and whose user is active."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), revoked__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need a valid CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (
            request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise HttpError(403, _("CSRF 校验失败，请刷新页面后重试。"))
        return user
