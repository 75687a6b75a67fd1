"""HTMX requests: one view, two renderings (the partial for HTMX, the full page otherwise)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse


def is_htmx(request: HttpRequest) -> bool:
    """Whether HTMX sent the request (`HX-Request: true`), so the view answers with a fragment.

    Not when HTMX restores a page missing from its history cache: that request wants the full page."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


# The event the page script (web/static/web/app.js) listens for: it moves focus and speaks the message.
ANNOUNCE_EVENT = "luoshi:announce"


def announce(response: HttpResponse, message: str, *, focus: str = "") -> HttpResponse:
    """Tell the page what an HTMX action did: `message` is read out by the page's one polite live
    region, and focus moves to the element `focus` names (a CSS selector, "#id"): the swapped row's
    result, or the first field to correct. The view decides; the page script only applies it.

    Sent as `HX-Trigger-After-Settle` (JSON; non-ASCII escaped, as a header must be), so the target
    is on the page when the event fires."""
    detail = {"message": str(message)}
    if focus:
        detail["focus"] = focus
    response["HX-Trigger-After-Settle"] = json.dumps({ANNOUNCE_EVENT: detail})
    return response
