"""Content-Security-Policy on every response (LUOSHI_CSP): scripts only from this site's /static.

Django 5.2 has no CSP of its own; the policy is one header, so a few lines replace a dependency.
Pages keep no inline script (handlers live in static .js files); inline styles are allowed, since
the progress bars and charts size themselves with them and a style cannot run code.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = str(getattr(settings, "LUOSHI_CSP", "")).strip()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
