"""Commitments pages: the list (units see theirs, the office all), entering and editing a commitment
(office), stating compliance per period (the unit) and reviewing it (office), the 三单 catalogues
and their import (office)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.org.access import context_for, require_officer
from luoshi.web.errors import form_submit
from luoshi.web.htmx import is_htmx
from luoshi.work import selectors as work_selectors

from . import rules, selectors, services
from .forms import (
    CatalogueImportForm,
    CommitmentEditForm,
    CommitmentForm,
    ComplianceForm,
    ComplianceReviewForm,
)
from .importer import read_rows
from .models import CatalogueKind, Commitment, Compliance, ComplianceState

PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def commitment_list(request: HttpRequest) -> HttpResponse:
    """Commitments with their latest compliance; the office enters new ones here."""
    ctx = context_for(request.user)
    form = CommitmentForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        require_officer(request.user)
        if form.is_valid():
            done = form_submit(form, services.commitment_create, actor=request.user, **form.cleaned_data)
            if done.saved:
                messages.success(request, _("承诺事项已录入，审核后公开。"))
                return redirect("commitments:detail", pk=done.value.pk)
    unit_id = request.GET.get("unit", "")
    year = request.GET.get("year", "")
    qs = selectors.commitment_list(
        request.user,
        unit_id=int(unit_id) if unit_id.isdigit() else None,
        year=int(year) if year.isdigit() else None,
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form if ctx.is_officer else None,
        "states": dict(ComplianceState.choices),
        "officer": ctx.is_officer,
    }
    template = "commitments/_rows.html" if is_htmx(request) else "commitments/list.html"
    return render(request, template, context, status=400 if form.is_bound and form.errors else 200)


def _visible(request: HttpRequest, pk: int) -> Commitment:
    return get_object_or_404(
        Commitment.objects.visible_to(request.user).select_related("unit", "task"), pk=pk
    )


@login_required
@require_GET
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = _visible(request, pk)
    ctx = context_for(request.user)
    may_state = ctx.is_officer or c.unit_id in ctx.reporter_unit_ids or c.unit_id in ctx.head_unit_ids
    # One fact typed once: the period's note starts from the linked task's latest report.
    source = work_selectors.latest_report(request.user, c.task_id) if may_state else None
    note = "\n".join(part for part in work_selectors.report_text(source) if part)
    context = {
        "c": c,
        "compliance": c.compliance.select_related("submitted_by", "reviewed_by").order_by("-period"),
        "versions": c.versions.select_related("changed_by"),
        "edit_form": CommitmentEditForm(
            initial={"title": c.title, "measure": c.measure, "deadline": c.deadline, "version": c.version}
        )
        if ctx.is_officer
        else None,
        "compliance_form": ComplianceForm(
            initial={"period": rules.period_of(timezone.localdate()), "note": note}
        )
        if may_state
        else None,
        "report_source": source,
        "review_form": ComplianceReviewForm() if ctx.is_officer else None,
        "states": dict(ComplianceState.choices),
    }
    return render(request, "commitments/detail.html", context)


@login_required
@require_POST
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _visible(request, pk)
    form = CommitmentEditForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        done = form_submit(
            request,
            services.commitment_update,
            reload_on_conflict=False,
            actor=request.user,
            commitment=c,
            version=d["version"],
            reason=d["reason"],
            changes={"title": d["title"], "measure": d["measure"], "deadline": d["deadline"]},
        )
        if done.saved:
            messages.success(request, _("已保存；公众在审核通过前仍看到原版本。"))
    else:
        messages.error(request, _("请检查填写的内容。"))
    return redirect("commitments:detail", pk=pk)


@login_required
@require_POST
def compliance_submit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _visible(request, pk)
    form = ComplianceForm(request.POST)
    if form.is_valid():
        done = form_submit(
            request, services.compliance_submit, actor=request.user, commitment=c, **form.cleaned_data
        )
        if done.saved:
            messages.success(request, _("兑现情况已提交，等待督查室审核。"))
    else:
        messages.error(request, _("请检查填写的内容（期次格式如 2026Q1）。"))
    return redirect("commitments:detail", pk=pk)


@login_required
@require_POST
def compliance_review(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Compliance, pk=pk)
    form = ComplianceReviewForm(request.POST)
    accept = request.POST.get("decision") == "accept"
    if form.is_valid():
        done = form_submit(
            request,
            services.compliance_review,
            reload_on_conflict=False,
            actor=request.user,
            compliance=row,
            accept=accept,
            note=form.cleaned_data["note"],
        )
        if done.saved:
            messages.success(request, _("已认定，已提交公开审核。") if accept else _("已退回。"))
    if request.POST.get("back") == "detail":
        return redirect("commitments:detail", pk=row.commitment_id)
    return redirect("commitments:queue")


@login_required
@require_GET
def compliance_queue(request: HttpRequest) -> HttpResponse:
    """Stated compliance waiting for the office's review, oldest first."""
    require_officer(request.user)
    page = Paginator(selectors.pending_compliance(request.user), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commitments/queue.html",
        {"page": page, "states": dict(ComplianceState.choices), "form": ComplianceReviewForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def catalogues(request: HttpRequest) -> HttpResponse:
    """The units' 三单 items; the office imports a unit's table here (all or nothing)."""
    ctx = context_for(request.user)
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_officer(request.user)
        if form.is_valid():
            d = form.cleaned_data
            done = form_submit(
                form, _import, actor=request.user, unit=d["unit"], kind=d["kind"], upload=d["file"]
            )
            if done.saved:
                messages.success(
                    request,
                    _("已导入：新增 %(created)s，修改 %(updated)s，停用 %(retired)s；审核后公开。")
                    % done.value,
                )
                return redirect("commitments:catalogues")
    unit = request.GET.get("unit", "")
    kind = request.GET.get("kind", "")
    qs = selectors.catalogue_items(
        int(unit) if unit.isdigit() else None, kind if kind in CatalogueKind.values else ""
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "form": form if ctx.is_officer else None,
        "kinds": CatalogueKind.choices,
        "kind": kind,
    }
    return render(
        request, "commitments/catalogues.html", context, status=400 if form.is_bound and form.errors else 200
    )


def _import(*, actor: object, unit: object, kind: str, upload: object) -> dict[str, int]:
    rows = read_rows(upload.read(), upload.name)  # type: ignore[attr-defined]
    return services.catalogue_import(actor=actor, unit=unit, kind=kind, rows=rows)  # type: ignore[arg-type]
