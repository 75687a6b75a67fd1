"""Caching of the public pages: every key carries the publication generation (`PortalState`), which
every review bumps in its transaction, so all processes stop serving a page as soon as what it shows
changed — one indexed read per request instead of rendering the page."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from .models import PortalState

TIMEOUT = 600


def generation() -> int:
    return PortalState.objects.filter(pk=1).values_list("generation", flat=True).first() or 0


def bump() -> None:
    """Invalidate every cached public page (call inside the write's transaction)."""
    if not PortalState.objects.filter(pk=1).update(generation=F("generation") + 1):
        PortalState.objects.get_or_create(pk=1, defaults={"generation": 1})


def cached_page(request: HttpRequest, build: Callable[[], HttpResponse]) -> HttpResponse:
    """The page `build` renders for this path and language, from the cache while nothing was
    reviewed since; only plain 200 answers are kept."""
    key = f"portal:{generation()}:{get_language()}:{request.get_full_path()}"
    hit = cache.get(key)
    if hit is not None:
        response = HttpResponse(hit, content_type="text/html; charset=utf-8")
        response["X-Portal-Cache"] = "hit"
        return response
    response = build()
    if response.status_code == 200 and not response.streaming:
        cache.set(key, response.content, TIMEOUT)
    response["X-Portal-Cache"] = "miss"
    return response
