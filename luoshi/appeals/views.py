"""Staff pages of enterprise appeals: the list with its figures, an appeal with the actions the
user's duty allows (route, pause/resume with a reason, reply, close, reopen, verify a complaint),
and the office's phone intake."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.org.access import context_for, require_officer
from luoshi.web.errors import attempt, form_submit
from luoshi.web.htmx import is_htmx

from . import rules, selectors, services
from .forms import ClientForm, IntakeForm, ReasonForm, ReplyForm, RouteForm, ServiceForm, VerifyForm
from .models import Appeal, Channel, Kind, Open311Client, Service, StatusChoice
from .views_public import _intake

ROWS_PER_PAGE = 50


def _visible(request: HttpRequest, pk: int) -> Appeal:
    qs = Appeal.objects.visible_to(request.user).select_related("service", "unit", "replied_by")
    return get_object_or_404(qs, pk=pk)


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("appeals:detail", args=[pk]))


@login_required
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    """企业诉求 the user sees, with the figures and filters."""
    ctx = context_for(request.user)
    if not (ctx.is_officer or ctx.scope_unit_ids):
        require_officer(request.user)
    f = {k: request.GET.get(k, "")[:100] for k in ("status", "sla", "kind", "q")}
    rows = selectors.appeal_rows(request.user, **f)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "f": f,
        "statuses": StatusChoice.choices,
        "kinds": Kind.choices,
        "is_officer": ctx.is_officer,
        "now": timezone.now(),
        "hx_target": "#appeals",
    }
    if is_htmx(request):
        return render(request, "appeals/_rows.html", context)
    context["figures"] = selectors.figures(request.user)
    return render(request, "appeals/list.html", context)


@login_required
@require_GET
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _visible(request, pk)
    ctx = context_for(request.user)
    handler = ctx.is_officer or appeal.unit_id in (ctx.reporter_unit_ids | ctx.head_unit_ids)
    now = timezone.now()
    due = appeal.due_at
    if appeal.paused_since is not None:
        due = rules.deadline(
            received=appeal.received_at,
            sla_hours=appeal.sla_hours,
            pauses=[(p.started_at, p.ended_at) for p in appeal.pauses.all()],
            now=now,
        )
    context = {
        "appeal": appeal,
        "pauses": list(appeal.pauses.select_related("by").all()),
        "steps": list(appeal.steps.all()),
        "is_officer": ctx.is_officer,
        "handler": handler,
        "sla": rules.sla_state(
            due=due, now=now, replied=appeal.replied_at, paused=appeal.paused_since is not None
        ),
        "due": due,
        "route_form": RouteForm(initial={"unit": appeal.unit_id}),
        "reason_form": ReasonForm(),
        "reply_form": ReplyForm(),
        "verify_form": VerifyForm(),
    }
    return render(request, "appeals/detail.html", context)


def _act(request: HttpRequest, pk: int, action: Any, **kwargs: Any) -> HttpResponse:
    appeal = _visible(request, pk)
    outcome = attempt(action, appeal=appeal, **kwargs)
    if outcome.error:
        messages.error(request, outcome.error)
    else:
        messages.success(request, _("已保存。"))
    return _back(pk)


@login_required
@require_POST
def appeal_route(request: HttpRequest, pk: int) -> HttpResponse:
    form = RouteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择承办单位。"))
        return _back(pk)
    return _act(request, pk, services.appeal_route, actor=request.user, unit=form.cleaned_data["unit"])


@login_required
@require_POST
def appeal_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.appeal_pause, actor=request.user, reason=request.POST.get("reason", ""))


@login_required
@require_POST
def appeal_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.appeal_resume, actor=request.user)


@login_required
@require_POST
def appeal_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.appeal_reply, actor=request.user, reply=request.POST.get("reply", ""))


@login_required
@require_POST
def appeal_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.appeal_close, actor=request.user)


@login_required
@require_POST
def appeal_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, services.appeal_reopen, actor=request.user, reason=request.POST.get("reason", "")
    )


@login_required
@require_POST
def appeal_verify(request: HttpRequest, pk: int) -> HttpResponse:
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核查结论并写明核查说明。"))
        return _back(pk)
    return _act(
        request,
        pk,
        services.appeal_verify,
        actor=request.user,
        verified=form.cleaned_data["verified"],
        note=form.cleaned_data["note"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_phone(request: HttpRequest) -> HttpResponse:
    """电话受理: the office files an appeal taken on the phone and reads the code back."""
    require_officer(request.user)
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form, services.appeal_submit, data=_intake(form), channel=Channel.PHONE, actor=request.user
        )
        if done.saved:
            messages.success(request, _("已受理，查询码：%(code)s") % {"code": done.value.tracking_code})
            return _back(done.value.pk)
    return render(request, "appeals/phone.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def service_list(request: HttpRequest) -> HttpResponse:
    """诉求类别与接入系统 (the office): the services with their unit and reply hours, a form for a new
    one, and the Open311 clients (a new client's key is shown once)."""
    require_officer(request.user)
    form = ServiceForm(request.POST or None, auto_id="service_%s")
    if request.method == "POST" and form.is_valid():
        done = form_submit(form, services.service_create, actor=request.user, **form.cleaned_data)
        if done.saved:
            messages.success(request, _("已保存。"))
            return redirect(reverse("appeals:services"))
    context = {
        "services": Service.objects.select_related("unit").annotate(n=Count("appeals")),
        "clients": Open311Client.objects.all(),
        "form": form,
        "client_form": ClientForm(auto_id="client_%s"),
    }
    return render(request, "appeals/services.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def client_new(request: HttpRequest) -> HttpResponse:
    require_officer(request.user)
    outcome = attempt(services.client_create, actor=request.user, name=request.POST.get("name", ""))
    if outcome.error:
        messages.error(request, outcome.error)
    else:
        client, key = outcome.value
        messages.success(
            request,
            _("已创建接入系统“%(name)s”，api_key：%(key)s（只显示这一次）")
            % {"name": client.name, "key": key},
        )
    return redirect(reverse("appeals:services"))
