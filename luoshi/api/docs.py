"""The offline API docs page: Swagger UI from the vendored bundle, served by staticfiles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
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
