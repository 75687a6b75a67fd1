"""Preview, then import the same stored file: the two steps of a small ledger's upload page.

Rectification's 整改台账 and ratings' 评议人名单 are read on upload and previewed with every refusal
(row and column); the preview's button posts back a token naming the stored file, which is imported
every row or none. The file is kept per user under `<area>/imports/<user id>/<token>` until it is
imported, so a second upload never overwrites the first one's preview.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.errors import LuoshiError
from luoshi.web.errors import form_submit

_TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")
EXTENSIONS = ("csv", "xlsx", "xls", "et")


def stored_name(request: HttpRequest, area: str, token: str) -> str:
    """Where the user's uploaded file waits for its import (404 for a token not of our making)."""
    if not _TOKEN.match(token):
        raise Http404
    return f"{area}/imports/{request.user.pk}/{token}"


def staged_import(
    request: HttpRequest,
    *,
    area: str,
    back: Callable[[], HttpResponse],
    preview: Callable[[bytes, str], Any],
    commit: Callable[..., Any],
    template: str,
    context: Mapping[str, Any],
    messages_for: Mapping[str, str],
    saved: Callable[[Any], str],
) -> HttpResponse:
    """One upload page's POST: with a `token`, import the stored file through `commit(data=,
    filename=)` (a refusal is shown, the file kept for another try); without one, read the uploaded
    .xlsx/.csv, `preview(data, filename)` it and render `template` with `parsed`, `token` and
    `filename` added to `context`. `messages_for` gives the "expired" and "wrong_type" messages in
    the page's own words; `saved(value)` the success message. Every other way back is `back()`."""
    token = request.POST.get("token", "")
    if token:
        name = stored_name(request, area, token)
        if not default_storage.exists(name):
            messages.error(request, messages_for["expired"])
            return back()
        with default_storage.open(name, "rb") as fh:
            data = fh.read()
        done = form_submit(request, commit, reload_on_conflict=False, data=data, filename=token)
        if done.saved:
            default_storage.delete(name)
            messages.success(request, saved(done.value))
        return back()
    upload = request.FILES.get("file")
    ext = (upload.name or "").rsplit(".", 1)[-1].lower() if upload else ""
    if upload is None or ext not in EXTENSIONS:
        messages.error(request, messages_for["wrong_type"])
        return back()
    data = upload.read()
    try:
        parsed = preview(data, upload.name or "")
    except LuoshiError as exc:
        messages.error(request, exc.message)
        return back()
    token = f"{uuid.uuid4().hex}.{ext}"
    default_storage.save(stored_name(request, area, token), ContentFile(data))
    return render(request, template, {**context, "parsed": parsed, "token": token, "filename": upload.name})
