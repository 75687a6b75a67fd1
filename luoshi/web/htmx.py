"""HTMX requests: one view, two renderings (the partial for HTMX, the full page otherwise)."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Whether HTMX sent the request (`HX-Request: true`), so the view answers with a fragment.

    Not when HTMX restores a page missing from its history cache: that request wants the full page."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
