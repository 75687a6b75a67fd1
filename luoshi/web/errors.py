"""The one mapping of the shared errors (`luoshi.errors`) to what pages and HTMX partials answer.

- `NotAllowed` is the 403 page and `NotFound` the 404 page, wherever they are raised;
- any other refusal is shown as its message: on the form (`to_form`), as a message on the next page
  (`to_messages`), or in the row an HTMX action replaces (`attempt` hands it to the view).

`ErrorMiddleware` answers every one a view lets escape: 403/404 as above; for the others an HTMX
request gets the message as a fragment, a page goes back to where it came from with the message. The API maps the same classes in `luoshi/api/api.py`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

from luoshi.errors import Conflict, LuoshiError, NotAllowed, NotFound

from .htmx import announce, is_htmx


def raise_for(exc: LuoshiError) -> None:
    """A missing right is the 403 page, a missing (or hidden) record the 404 page; other refusals
    return, for the caller to show their message."""
    if isinstance(exc, NotAllowed):
        raise DjangoPermissionDenied(exc.message) from exc
    if isinstance(exc, NotFound):
        raise Http404(exc.message) from exc


def to_form(form: Any, exc: LuoshiError) -> None:
    """A refused form: 403/404 as above, else the message by the field it names (`InvalidField`, when
    the form has that field) or above the form (re-rendered by the caller)."""
    raise_for(exc)
    field = getattr(exc, "field", None)
    form.add_error(field if field in getattr(form, "fields", {}) else None, exc.message)


def to_messages(request: HttpRequest, exc: LuoshiError, prefix: str = "") -> None:
    """A refused action: 403/404 as above, else the message shown on the next page."""
    raise_for(exc)
    messages.error(request, f"{prefix}：{exc.message}" if prefix else exc.message)


@dataclass
class Outcome:
    """What a service call gave: its value, or the message of its refusal."""

    value: Any = None
    error: str = ""


def attempt(action: Callable[..., Any], /, **kwargs: Any) -> Outcome:
    """Call a service; a refusal comes back as its message (403/404 are raised as pages)."""
    try:
        return Outcome(value=action(**kwargs))
    except LuoshiError as exc:
        raise_for(exc)
        return Outcome(error=exc.message)


@dataclass(frozen=True)
class Submitted:
    """What saving a form through a service gave: the service's value once `saved`; on a stale copy
    the conflict's message with status 409 (the page shows the stored values again); any other
    refusal is already on the form or in the messages (status 200, the page shows it again)."""

    value: Any = None
    saved: bool = False
    conflict: str = ""
    status: int = 200


UNSAVED = Submitted()  # nothing submitted yet: no conflict, status 200 (never changed in place)


def form_submit(
    shown_on: Any, action: Callable[..., Any], /, *, reload_on_conflict: bool = True, **kwargs: Any
) -> Submitted:
    """Save a form through a service (`action(**kwargs)`), the one way every page does it.

    `shown_on` is where a refusal goes: a form (`to_form`) or the request (`to_messages`, for an
    action posted from a list). 403/404 are raised as pages. A `Conflict` is handed back
    (`conflict`, `status` 409) for the caller to reload the record, unless `reload_on_conflict` is
    off: then it is shown like any other refusal."""
    try:
        value = action(**kwargs)
    except LuoshiError as exc:
        if reload_on_conflict and isinstance(exc, Conflict):
            return Submitted(conflict=exc.message, status=Conflict.status)
        if isinstance(shown_on, HttpRequest):
            to_messages(shown_on, exc)
        else:
            to_form(shown_on, exc)
        return Submitted()
    return Submitted(value=value, saved=True)


def _back(request: HttpRequest) -> str:
    """The page the request came from (`next`, else the referrer), if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or request.headers.get("Referer") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def refused(request: HttpRequest, exc: LuoshiError) -> HttpResponse:
    """The answer to a refusal no view handled itself."""
    if isinstance(exc, NotAllowed):
        return defaults.permission_denied(request, DjangoPermissionDenied(exc.message))
    if isinstance(exc, NotFound):
        return defaults.page_not_found(request, Http404(exc.message))
    if is_htmx(request):
        # 200, as every row answering a refused action: HTMX swaps in only a successful answer. Its id
        # is new each time, so focus goes to this message and not to an earlier one still on the page.
        box = f"refused-{secrets.token_hex(4)}"
        answer = render(request, "web/_refused.html", {"error": exc.message, "box": box})
        return announce(answer, exc.message, focus=f"#{box}")
    messages.error(request, exc.message)
    return HttpResponseRedirect(_back(request))


class ErrorMiddleware:
    """Answers a shared error that escaped a page view (the API has its own handlers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LuoshiError):
            return refused(request, exception)
        return None
