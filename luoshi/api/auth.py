"""API authentication: personal tokens (`Authorization: Bearer …`) and the browser's session.

Only a token's SHA-256 is stored, so a token is found by hashing what the client sent. Session
auth checks CSRF on unsafe methods only once a session user is found, so an anonymous request
gets 401 (not a CSRF 403) and token clients never need a CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import router
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from luoshi.lib import compiled
from luoshi.org.models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class TokenAuth(HttpBearer):
    """A personal API token that is not revoked and whose user is active."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token:
            return None
        # On every API request: the statement compiled once (lib.compiled), the user built from its row.
        using = router.db_for_read(ApiToken)
        found = compiled.rows("api.token_user", _token_user, ApiToken.hash(token), using=using)
        if not found:
            return None
        user_model = get_user_model()
        return user_model.from_db(using, list(compiled.columns(user_model)), found[0])


def _token_user(digest: str) -> Any:
    """The active user whose unrevoked token has this digest (one at most: digests are unique)."""
    return (
        get_user_model()
        .objects.filter(api_tokens__digest=digest, api_tokens__revoked__isnull=True, is_active=True)
        .values_list(*compiled.columns(get_user_model()))
    )


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
