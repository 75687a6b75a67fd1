from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import client_address


class RequestContextMiddleware:
    """Remembers the client address for the audit trail while a request is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addr = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")
        token = client_address.set(addr)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
