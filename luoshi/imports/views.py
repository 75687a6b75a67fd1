"""Import pages (officers only): upload → preview with every problem → commit → result."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.errors import LuoshiError
from luoshi.lib.uploads import upload_limit
from luoshi.org.access import require_officer
from luoshi.org.models import Role, Unit, UnitCategory
from luoshi.web.errors import form_submit, to_messages
from luoshi.web.htmx import announce, is_htmx

from .common import problem_text
from .forms import UploadForm
from .models import BatchState, ImportBatch, ImportKind
from .services import alias_scope, batch_choose_lead, batch_commit, batch_create, batch_map_name
from .task_import import year_reason

PREVIEW_ROWS = 500


def _officer(request: HttpRequest) -> None:
    require_officer(request.user, _("只有督查室人员可以导入。"))


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
        except LuoshiError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:batch", pk=batch.pk)
    recent = ImportBatch.objects.visible_to(request.user).select_related("plan", "created_by")[:20]
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
        **_choice_context(batch, rows),
    }


NAME_STATUS = {
    "unknown": gettext_lazy("找不到"),
    "fuzzy": gettext_lazy("相近，待确认"),
    "ambiguous": gettext_lazy("重名"),
    "alias": gettext_lazy("已对应"),
}


def _choice_context(batch: ImportBatch, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The names the office maps to units and the rows it gives a lead, with the units to choose from."""
    if batch.kind != ImportKind.TASKS or batch.state in (BatchState.COMMITTED, BatchState.PARSING):
        return {"names": [], "lead_rows": [], "choosing": False}
    from .matching import UnitMatcher

    names = (batch.preview or {}).get("names", [])
    chosen = {int(k): v for k, v in (batch.lead_choices or {}).items()}
    lead_rows = [
        r | {"chosen": chosen.get(r["row"])}
        for r in rows
        if r["row"] in chosen or not (r["is_section"] or r["lead_id"] or r["lead_name"])
    ]
    if not names and not lead_rows:
        return {"names": [], "lead_rows": [], "choosing": False}
    plan = batch.plan
    owner = plan.owner_unit_id if plan is not None else None
    matcher = UnitMatcher.from_db(owner_id=owner)
    units = [{"id": u.id, "name": u.name} for u in matcher.in_scope()]
    region, home = alias_scope(plan), matcher.region()
    if region is None and home is not None:
        region = Unit.objects.get(pk=home.id)
    parents = [region] if region is not None else list(Unit.objects.filter(parent=None, is_active=True))
    return {
        "choosing": True,
        "names": [
            n
            | {
                "status_label": NAME_STATUS.get(n["status"], n["status"]),
                "suggested": _suggested(matcher, n.get("suggestion_ids", [])),
            }
            for n in names
        ],
        "open_names": sum(1 for n in names if n["status"] != "alias"),
        "open_leads": sum(1 for r in lead_rows if not r["chosen"]),
        "lead_rows": lead_rows,
        "choice_units": units,
        "create_parents": parents,
    }


def _suggested(matcher: Any, ids: list[int]) -> list[dict[str, Any]]:
    """Suggested units (found anywhere the owner's scope reaches), with the parent beside a repeated name."""
    found = [matcher.units[i] for i in ids if i in matcher.units]
    names = [u.name for u in found]
    out = []
    for u in found:
        label = u.name
        parent = matcher.units.get(u.parent_id)
        if names.count(u.name) > 1 and parent is not None:
            label = f"{u.name} · {parent.name}"
        out.append({"id": u.id, "name": label})
    return out


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("plan"), pk=pk)
    if batch.state == BatchState.PARSING:
        return render(request, "imports/progress.html", {"batch": batch})
    return render(request, "imports/preview.html", {"batch": batch, **_preview_context(batch)})


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by HTMX every second while a large file is parsed; redirects to the preview when done."""
    _officer(request)
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
    if batch.state != BatchState.PARSING:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("imports:batch", args=[batch.pk])
        return response
    return render(request, "imports/_progress.html", {"batch": batch})


def _css_string(text: str) -> str:
    """`text` inside a double-quoted CSS string (an attribute selector's value)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _render_preview(
    request: HttpRequest, batch: ImportBatch, *, focus: str = "", said: str = ""
) -> HttpResponse:
    """The preview again; an HTMX answer names where focus goes back to (the choice just made) and what
    the live region says (the message of this request, else `said`)."""
    if is_htmx(request) and batch.state == BatchState.PARSING:  # a large file is read again by the worker
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("imports:batch", args=[batch.pk])
        return response
    if is_htmx(request):
        # This request's messages (a refusal): the partial shows them, the live region says them.
        notes = [str(m) for m in messages.get_messages(request)]
        body = render(
            request,
            "imports/_preview_body.html",
            {"batch": batch, "partial": True, **_preview_context(batch)},
        )
        return announce(body, " ".join(notes) or said, focus=focus)
    return redirect("imports:batch", pk=batch.pk)


@login_required
@require_POST
def batch_map_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The office maps one unit name of the table to a unit (or a new unit); the preview is read again."""
    _officer(request)
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("plan"), pk=pk)
    choice = request.POST.get("choice", "")
    kind, _sep, value = choice.partition(":")
    target = Unit.objects.get(pk=int(value)) if value.isdigit() and kind in ("unit", "new") else None
    written = request.POST.get("written", "")
    focus = f"#import-names tr[data-written={_css_string(written)}] select"
    if target is None:
        messages.error(request, _("请选择对应的单位，或选择新建单位。"))
        return _render_preview(request, batch, focus=focus)
    return _preview_after(
        request,
        batch,
        batch_map_name,
        written=written,
        unit=target if kind == "unit" else None,
        create_under=target if kind == "new" else None,
        focus=focus,
        said=_("已选择“%(w)s”对应的单位。") % {"w": written},
    )


def _preview_after(
    request: HttpRequest, batch: ImportBatch, action: Any, *, focus: str, said: str, **kwargs: Any
) -> HttpResponse:
    """Run a service on the batch; the preview again, read from its answer (a refusal as a message)."""
    done = form_submit(request, action, reload_on_conflict=False, actor=request.user, batch=batch, **kwargs)
    return _render_preview(request, done.value if done.saved else batch, focus=focus, said=said)


@login_required
@require_POST
def batch_lead_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The office chooses the lead unit of a row that names none; the preview is read again."""
    _officer(request)
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("plan"), pk=pk)
    row, value = request.POST.get("row", ""), request.POST.get("unit", "")
    unit = Unit.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if not row.isdigit():
        messages.error(request, _("请选择行。"))
        return _render_preview(request, batch)
    focus = f'#import-leads tr[data-row="{int(row)}"] select'
    said = _("已选择第 %(r)s 行的牵头单位。") % {"r": int(row)}
    return _preview_after(request, batch, batch_choose_lead, row=int(row), unit=unit, focus=focus, said=said)


@login_required
@require_POST
def batch_commit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
    try:
        batch = batch_commit(actor=request.user, batch=batch)
    except LuoshiError as exc:
        to_messages(request, exc)
        return redirect("imports:batch", pk=batch.pk)
    if batch.state == BatchState.COMMITTED:
        messages.success(request, _("导入完成。"))
    else:
        messages.error(request, _("文件有错误，未写入任何数据。"))
    return redirect("imports:batch", pk=batch.pk)
