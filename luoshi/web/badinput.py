"""Refuse input no view can store or search: a NUL character anywhere in a request.

PostgreSQL cannot hold NUL (0x00) in a text value, so a NUL that reached a filter, a save or a
session lookup would be a server error there (and silently different data on SQLite). One middleware
checks the path, the query string, cookies, form fields, uploaded file names and JSON bodies, and
answers 400 with a message:
as JSON `{"detail": …}` under /api/, as the 400 page elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"
API_PREFIX = "/api/"


def _has_nul(items: Iterable[tuple[str, list[Any]]]) -> bool:
    return any(NUL in key or any(isinstance(v, str) and NUL in v for v in values) for key, values in items)


def _json_has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_json_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False


def cookies_have_nul(request: HttpRequest) -> bool:
    return any(NUL in k or NUL in v for k, v in request.COOKIES.items())


def request_has_nul(request: HttpRequest) -> bool:
    return head_has_nul(request) or body_has_nul(request)


def head_has_nul(request: HttpRequest) -> bool:
    """The path and the query string (never the body)."""
    return NUL in request.path or _has_nul(request.GET.lists())


def body_has_nul(request: HttpRequest) -> bool:
    """Form fields, uploaded file names and JSON: read only once the view is known, so an
    oversize upload is refused by its size (413) before anything reads it."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if _has_nul(request.POST.lists()):
            return True
        return any(NUL in (f.name or "") for _, files in request.FILES.lists() for f in files)
    body = request.body
    if b"\x00" in body:
        return True
    if b"\\u0000" in body:
        # An escaped NUL in JSON (`"\u0000"`); decoded to tell it from an escaped backslash.
        try:
            return _json_has_nul(json.loads(body))
        except ValueError:
            return False  # not JSON: the view refuses it as such
    return False


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad_cookie = cookies_have_nul(request)
        if bad_cookie or head_has_nul(request):
            return self.refuse(request, bad_cookie=bad_cookie)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        # After UploadLimitMiddleware's process_view (earlier in MIDDLEWARE): size before content.
        return self.refuse(request) if body_has_nul(request) else None

    @staticmethod
    def refuse(request: HttpRequest, *, bad_cookie: bool = False) -> HttpResponse:
        message = _("请求中含有空字符（NUL），无法处理。请删除后重试。")
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=400)
        if bad_cookie:
            # The page would read the session named by that cookie: answer in plain text.
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return render(request, "400.html", {"message": message}, status=400)
