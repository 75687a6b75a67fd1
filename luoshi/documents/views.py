"""Document downloads: the "一张表" ledger of any filtered task list, and the weekly bulletin (通报)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from luoshi.lib.limits import MAX_DATE, MIN_DATE
from luoshi.org.access import require_leader
from luoshi.work.filters import TaskFilter
from luoshi.work.models import Plan

from .bulletin import BulletinExporter, build_bulletin, bulletin_context, render_bulletin_pdf
from .exporters import csv_response, xlsx_response
from .ledger import LedgerExporter


def _display_name(user: Any) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_full_name() or user.get_username()


@require_GET
@login_required
def ledger(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """任务台账 of the task list filtered by the query string (the list page's and the API's filter)."""
    f = TaskFilter(request.GET, user=request.user)
    if not f.is_valid():
        return HttpResponseBadRequest(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in f.errors.items()), content_type="text/plain"
        )
    plan_name = ""
    if f.cleaned.get("plan"):
        plan_name = Plan.objects.filter(pk=f.cleaned["plan"]).values_list("name", flat=True).first() or ""
    exporter = LedgerExporter(f.qs, plan_name=plan_name, user_name=_display_name(request.user))
    return xlsx_response(exporter) if fmt == "xlsx" else csv_response(exporter)


def _require_bulletin_reader(user: Any) -> None:
    """Bulletins are for the supervision office and the leaders they report to."""
    require_leader(user, _("只有督查室和领导可以查看通报。"))


@require_GET
@login_required
def bulletin_index(request: HttpRequest) -> HttpResponseBase:
    _require_bulletin_reader(request.user)
    plan = Plan.objects.filter(is_active=True).order_by("-year", "name").first()
    if plan is None:
        return render(request, "documents/bulletin.html", {"plans": [], "b": None})
    return redirect("documents:bulletin", plan_id=plan.pk)


@require_GET
@login_required
def bulletin(request: HttpRequest, plan_id: int) -> HttpResponseBase:
    """The weekly bulletin of a plan as of ?date= (default today): HTML preview, ?format=pdf or xlsx."""
    _require_bulletin_reader(request.user)
    plan = get_object_or_404(Plan, pk=plan_id)
    raw = request.GET.get("date") or ""
    try:
        on = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return HttpResponseBadRequest(
            _("日期格式应为 YYYY-MM-DD。"), content_type="text/plain; charset=utf-8"
        )
    if not MIN_DATE <= on <= MAX_DATE:
        return HttpResponseBadRequest(
            _("日期应在 %(min)s 至 %(max)s 之间。") % {"min": MIN_DATE, "max": MAX_DATE},
            content_type="text/plain; charset=utf-8",
        )
    fmt = request.GET.get("format") or "html"
    if fmt not in ("html", "pdf", "xlsx"):
        return HttpResponseBadRequest(_("格式应为 pdf 或 xlsx。"), content_type="text/plain; charset=utf-8")
    b = build_bulletin(plan=plan, on=on)
    if fmt == "xlsx":
        return xlsx_response(BulletinExporter(b))
    if fmt == "pdf":
        response = HttpResponse(render_bulletin_pdf(b), content_type="application/pdf")
        response["Content-Disposition"] = (
            content_disposition_header(
                request.GET.get("download") == "1", f"bulletin-{plan.pk}-{on:%Y%m%d}.pdf"
            )
            or ""
        )
        return response
    plans = list(Plan.objects.filter(is_active=True).order_by("-year", "name").values_list("id", "name"))
    return render(request, "documents/bulletin.html", {**bulletin_context(b), "plans": plans, "on": on})
