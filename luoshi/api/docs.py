"""The offline API docs page: Swagger UI from the vendored bundle, served by staticfiles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class OfflineSwagger(DocsBase):
    """Renders `api/docs.html`, which loads swagger-ui from `{% static %}`; no CDN is ever referenced."""

    template = "api/docs.html"

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings: dict[str, Any] = {"layout": "BaseLayout", "deepLinking": True}
        self.settings.update(settings or {})

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        config = dict(self.settings, url=self.get_openapi_url(api, kwargs))
        return render(request, self.template, {"api": api, "swagger_settings": config})


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and the docs page for a signed-in session or a valid API token, unless
    LUOSHI_API_DOCS_PUBLIC (off in production mode): the schema maps every endpoint."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if django_settings.LUOSHI_API_DOCS_PUBLIC or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        from .auth import TokenAuth

        if TokenAuth()(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "Unauthorized"}, status=401)
        return redirect_to_login(request.get_full_path())

    return guarded
