"""The public side of appeals (no account): file an appeal and get its tracking code, follow it by
the code to the reply, rate the reply or ask to reopen. Nothing here names the staff who handle it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from luoshi.errors import LuoshiError, NotFound
from luoshi.lib import ratelimit
from luoshi.web.errors import form_submit

from . import rules, services
from .forms import IntakeForm, RateForm, ReasonForm, TrackForm
from .models import Appeal, Channel


def _intake(form: IntakeForm) -> services.Intake:
    d = form.cleaned_data
    return services.Intake(
        service=d["service"],
        description=d["description"],
        kind=d["kind"],
        address=d.get("address", ""),
        enterprise_name=d["enterprise_name"],
        contact_name=d["contact_name"],
        phone=d.get("phone", ""),
        email=d.get("email", ""),
    )


def _track_url(code: str) -> str:
    return reverse("appeals_public:track") + "?code=" + code


@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    """提交诉求: the form; on success the tracking page of the new appeal, its code shown large."""
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            services.appeal_submit,
            data=_intake(form),
            channel=Channel.WEB,
            sender=ratelimit.sender_address(request),
        )
        if done.saved:
            return redirect(_track_url(done.value.tracking_code) + "&new=1")
    return render(request, "appeals/public/new.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def appeal_track(request: HttpRequest) -> HttpResponse:
    """查询办理进度: by the tracking code; a wrong code says so without telling more."""
    form = TrackForm(request.GET or None)
    appeal: Appeal | None = None
    error = ""
    if request.GET.get("code"):
        try:
            appeal = services.appeal_by_code(request.GET["code"])
        except NotFound as exc:
            error = exc.message
    context = {
        "form": form,
        "appeal": appeal,
        "error": error,
        "new": request.GET.get("new") == "1",
        "steps": list(appeal.steps.all()) if appeal else [],
        "rate_form": RateForm(),
        "reopen_form": ReasonForm(),
        "can_reopen": bool(
            appeal
            and appeal.status in ("replied", "closed")
            and rules.reopen_allowed(
                replied=appeal.replied_at, now=timezone.now(), window_days=services.REOPEN_WINDOW_DAYS
            )
        ),
    }
    return render(request, "appeals/public/track.html", context, status=404 if error else 200)


@require_POST
def appeal_rate(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", "")
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_rate(
                code=code, satisfaction=form.cleaned_data["satisfaction"], note=form.cleaned_data["note"]
            )
        except LuoshiError as exc:
            from django.contrib import messages

            messages.error(request, exc.message)
    return redirect(_track_url(rules.normalize_code(code)))


@require_POST
def appeal_reopen(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages

    code = request.POST.get("code", "")
    try:
        appeal = services.appeal_by_code(code)
        services.appeal_reopen(appeal=appeal, reason=request.POST.get("reason", ""))
    except NotFound:
        raise
    except LuoshiError as exc:
        messages.error(request, exc.message)
    return redirect(_track_url(rules.normalize_code(code)))
