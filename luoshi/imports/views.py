"""Import pages (officers only): upload → preview with every problem → commit → result."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.lib.uploads import upload_limit
from luoshi.org.access import context_for
from luoshi.org.models import Role, UnitCategory
from luoshi.work.services import ServiceError

from .common import problem_text
from .forms import UploadForm
from .models import BatchState, ImportBatch, ImportKind
from .services import batch_commit, batch_create
from .task_import import year_reason

PREVIEW_ROWS = 500


def _officer(request: HttpRequest) -> None:
    if not context_for(request.user).is_officer:
        raise PermissionDenied


@login_required
@upload_limit()
def upload(request: HttpRequest) -> HttpResponse:
    _officer(request)
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": ImportKind.TASKS})
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            batch = batch_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                data=f.read(),
                filename=f.name,
                plan=form.cleaned_data.get("plan"),
                plan_name=form.cleaned_data.get("plan_name") or "",
                year=form.cleaned_data.get("year"),
            )
        except ServiceError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:batch", pk=batch.pk)
    recent = ImportBatch.objects.select_related("plan", "created_by")[:20]
    return render(request, "imports/upload.html", {"form": form, "recent": recent})


def _preview_context(batch: ImportBatch) -> dict[str, Any]:
    preview = batch.preview or {}
    # Stored as a code and its parameters: shown in the reader's language.
    problems = [p | {"text": problem_text(p)} for p in preview.get("problems", [])]
    by_row: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in problems:
        by_row[p["row"]].append(p)
    error_rows = {p["row"] for p in problems if p["level"] == "error"}
    rows = preview.get("rows", [])
    categories = dict(UnitCategory.choices)
    roles = dict(Role.choices)
    return {
        "preview": preview,
        "counts": preview.get("counts", {}),
        "problems": problems,
        "error_rows": error_rows,
        "rows": rows[:PREVIEW_ROWS],
        "rows_hidden": max(0, len(rows) - PREVIEW_ROWS),
        "units": [
            u | {"category_label": categories.get(u["category"], u["category"])}
            for u in preview.get("units", [])[:PREVIEW_ROWS]
        ],
        "people": [
            x | {"role_label": roles.get(x["role"], x["role"])}
            for x in preview.get("people", [])[:PREVIEW_ROWS]
        ],
        "has_errors": any(p["level"] == "error" for p in problems),
        "year_reason": year_reason(preview) if preview.get("year") else "",
    }


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    batch = get_object_or_404(ImportBatch.objects.select_related("plan"), pk=pk)
    if batch.state == BatchState.PARSING:
        return render(request, "imports/progress.html", {"batch": batch})
    return render(request, "imports/preview.html", {"batch": batch, **_preview_context(batch)})


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by HTMX every second while a large file is parsed; redirects to the preview when done."""
    _officer(request)
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.state != BatchState.PARSING:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("imports:batch", args=[batch.pk])
        return response
    return render(request, "imports/_progress.html", {"batch": batch})


@login_required
@require_POST
def batch_commit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        batch = batch_commit(actor=request.user, batch=batch)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("imports:batch", pk=batch.pk)
    if batch.state == BatchState.COMMITTED:
        messages.success(request, _("导入完成。"))
    else:
        messages.error(request, _("文件有错误，未写入任何数据。"))
    return redirect("imports:batch", pk=batch.pk)
