"""Document downloads: the "一张表" ledger of any filtered task list, and the weekly bulletin (通报)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.audit.services import record_read
from luoshi.lib.limits import MAX_DATE, MIN_DATE
from luoshi.org.access import is_officer, require_leader
from luoshi.web.errors import form_submit
from luoshi.work.filters import TaskFilter
from luoshi.work.models import Plan

from .bulletin import BulletinExporter, build_bulletin, bulletin_context, render_bulletin_pdf, thaw
from .exporters import csv_response, xlsx_response
from .ledger import LedgerExporter
from .models import PublishedBulletin
from .services import bulletin_publish


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
    record_read(
        request, "audit.data.exported", what="work.ledger", fmt=fmt, filters=request.GET.urlencode()[:500]
    )
    return xlsx_response(exporter) if fmt == "xlsx" else csv_response(exporter)


def _require_bulletin_reader(user: Any) -> None:
    """Bulletins are for the supervision office and the leaders they report to."""
    require_leader(user, _("只有督查室和领导可以查看通报。"))


def _active_plans() -> list[tuple[int, str]]:
    return list(Plan.objects.filter(is_active=True).order_by("-year", "name").values_list("id", "name"))


@require_GET
@login_required
def bulletin_index(request: HttpRequest) -> HttpResponseBase:
    """The active plans, each with its published bulletins (newest first) and a link to the preview."""
    _require_bulletin_reader(request.user)
    plans = _active_plans()
    published: dict[int, list[PublishedBulletin]] = {pid: [] for pid, _name in plans}
    for pb in (
        PublishedBulletin.objects.visible_to(request.user)
        .filter(plan_id__in=list(published))
        .select_related("published_by")
        .defer("figures")
        .order_by("plan_id", "-on")
    ):
        published[pb.plan_id].append(pb)
    rows = [(pid, name, published[pid]) for pid, name in plans]
    return render(request, "documents/bulletin_index.html", {"rows": rows, "today": timezone.localdate()})


def _bulletin_date(request: HttpRequest) -> date | HttpResponse:
    raw = request.GET.get("date") or request.POST.get("date") or ""
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
    return on


def _pdf_response(request: HttpRequest, data: bytes, plan: Plan, on: date) -> HttpResponse:
    record_read(request, "audit.data.exported", plan, what="documents.bulletin", fmt="pdf", on=on)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(request.GET.get("download") == "1", f"bulletin-{plan.pk}-{on:%Y%m%d}.pdf")
        or ""
    )
    return response


@require_GET
@login_required
def bulletin(request: HttpRequest, plan_id: int) -> HttpResponseBase:
    """The weekly bulletin of a plan as of ?date= (default today): HTML preview, ?format=pdf or xlsx.

    A published bulletin is shown from its frozen figures and its PDF is the one issued; otherwise
    the bulletin is computed now, with a publish button for the office."""
    _require_bulletin_reader(request.user)
    plan = get_object_or_404(Plan, pk=plan_id)
    on = _bulletin_date(request)
    if isinstance(on, HttpResponse):
        return on
    fmt = request.GET.get("format") or "html"
    if fmt not in ("html", "pdf", "xlsx"):
        return HttpResponseBadRequest(_("格式应为 pdf 或 xlsx。"), content_type="text/plain; charset=utf-8")
    return _bulletin_page(request, plan, on, fmt)


def _bulletin_page(
    request: HttpRequest, plan: Plan, on: date, fmt: str = "html", status: int = 200
) -> HttpResponseBase:
    published = (
        PublishedBulletin.objects.visible_to(request.user)
        .filter(plan_id=plan.pk, on=on)
        .select_related("published_by")
        .first()
    )
    if published is not None:
        b = thaw(plan, published.figures)
        if fmt == "pdf":
            with published.pdf.open("rb") as fh:
                return _pdf_response(request, fh.read(), plan, on)
    else:
        b = build_bulletin(plan=plan, on=on)
        if fmt == "pdf":
            return _pdf_response(request, render_bulletin_pdf(b), plan, on)
    if fmt == "xlsx":
        record_read(request, "audit.data.exported", plan, what="documents.bulletin", fmt="xlsx", on=on)
        return xlsx_response(BulletinExporter(b))
    ctx = {
        **bulletin_context(b),
        "plans": _active_plans(),
        "on": on,
        "published": published,
        "publisher": (published.published_by.get_full_name() or published.published_by.get_username())
        if published
        else "",
        "can_publish": published is None and is_officer(request.user),
    }
    return render(request, "documents/bulletin.html", ctx, status=status)


@require_POST
@login_required
def bulletin_publish_view(request: HttpRequest, plan_id: int) -> HttpResponseBase:
    """Publish the bulletin of the posted date (督查室 only; the page asks for confirmation first).
    Published already for that day: the published bulletin again, with the message, status 409."""
    plan = get_object_or_404(Plan, pk=plan_id)
    on = _bulletin_date(request)
    if isinstance(on, HttpResponse):
        return on
    done = form_submit(request, bulletin_publish, actor=request.user, plan=plan, on=on)
    if done.conflict:
        messages.error(request, done.conflict)
        return _bulletin_page(request, plan, on, status=done.status)
    if done.saved:
        messages.success(
            request, _("已发布第%(n)s期通报（截至 %(date)s）。") % {"n": done.value.number, "date": on}
        )
    return redirect(f"{reverse('documents:bulletin', args=[plan.pk])}?date={on:%Y-%m-%d}")
