"""Pages of enterprise watch: the watch list, an enterprise with its flags, team, visits and
problems (each action for whom it is), and the office's registration form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Person
from luoshi.web.errors import attempt, form_submit
from luoshi.web.htmx import is_htmx

from . import selectors, services
from .forms import (
    CloseFlagForm,
    EnterpriseEditForm,
    EnterpriseForm,
    FlagForm,
    ProblemForm,
    TeamForm,
    VisitForm,
)
from .models import Enterprise, RiskFlag, RiskKind, StatusChoice, TeamRole

ROWS_PER_PAGE = 50


def _visible(request: HttpRequest, pk: int) -> Enterprise:
    return get_object_or_404(Enterprise.objects.visible_to(request.user).select_related("unit"), pk=pk)


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("enterprises:detail", args=[pk]))


@login_required
@require_GET
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """企业服务: the watch list (watched first) with filters."""
    ctx = context_for(request.user)
    if not (ctx.is_officer or ctx.scope_unit_ids or ctx.person_id):
        require_officer(request.user)
    f = {k: request.GET.get(k, "")[:100] for k in ("status", "kind", "q")}
    page = Paginator(selectors.enterprise_rows(request.user, **f), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {
        "page": page,
        "f": f,
        "statuses": StatusChoice.choices,
        "kinds": RiskKind.choices,
        "is_officer": ctx.is_officer,
        "hx_target": "#enterprises",
    }
    if is_htmx(request):
        return render(request, "enterprises/_rows.html", context)
    context["figures"] = selectors.figures(request.user)
    return render(request, "enterprises/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_new(request: HttpRequest) -> HttpResponse:
    require_officer(request.user)
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(form, services.enterprise_create, actor=request.user, **form.cleaned_data)
        if done.saved:
            return _back(done.value.pk)
    return render(request, "enterprises/form.html", {"form": form}, status=400 if form.errors else 200)


def _edit_initial(ent: Enterprise) -> dict[str, Any]:
    fields = ("name", "industry", "size", "address", "contact", "phone")
    return {k: getattr(ent, k) for k in fields} | {"unit": ent.unit_id, "seen": services.fingerprint(ent)}


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The office edits an enterprise's details; only the fields changed are saved and audited. An
    edit saved by someone else meanwhile is refused (409) and the form shows what is stored now."""
    ent = _visible(request, pk)
    require_officer(request.user)
    if request.method != "POST":
        form = EnterpriseEditForm(initial=_edit_initial(ent))
        return render(request, "enterprises/form.html", {"form": form, "ent": ent})
    form = EnterpriseEditForm(request.POST)
    if form.is_valid():
        d = dict(form.cleaned_data)
        seen = d.pop("seen")
        now = _edit_initial(ent)
        changed = {k: v for k, v in d.items() if (v.pk if k == "unit" else v) != now[k]}
        done = form_submit(
            form, services.enterprise_update, actor=request.user, enterprise=ent, seen=seen, **changed
        )
        if done.saved:
            messages.success(request, _("企业信息已保存。") if changed else _("没有改动。"))
            return _back(ent.pk)
        if done.conflict:  # someone saved first: say so loudly and show what is there now
            messages.error(request, done.conflict)
            ent = _visible(request, pk)
            form = EnterpriseEditForm(initial=_edit_initial(ent))
            return render(request, "enterprises/form.html", {"form": form, "ent": ent}, status=409)
    return render(request, "enterprises/form.html", {"form": form, "ent": ent}, status=400)


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ent = _visible(request, pk)
    ctx = context_for(request.user)
    team = list(ent.team.select_related("person", "post__unit"))
    steward = (
        ctx.is_officer
        or ent.unit_id in (ctx.reporter_unit_ids | ctx.head_unit_ids)
        or any(m.person_id == ctx.person_id for m in team)
    )
    today = timezone.localdate()
    people = Person.objects.filter(pk__in=[m.person_id for m in team]) if team else Person.objects.all()
    context = {
        "ent": ent,
        "flags": list(ent.flags.all()),
        "team": team,
        "visits": list(ent.visits.prefetch_related("visitors")),
        "problems": list(ent.problems.select_related("task")),
        "is_officer": ctx.is_officer,
        "steward": steward,
        "flag_form": FlagForm(initial={"raised_on": today}, auto_id="flag_%s"),
        "close_form": CloseFlagForm(initial={"closed_on": today}),
        "visit_form": VisitForm(initial={"visited_on": today}, people=people, auto_id="visit_%s"),
        "problem_form": ProblemForm(
            initial={"unit": ent.unit_id, "due": services.default_due(today)}, auto_id="problem_%s"
        ),
        "team_form": TeamForm(
            initial={
                "leader": next((m.person_id for m in team if m.role == TeamRole.LEADER), None),
                "members": [m.person_id for m in team if m.role == TeamRole.MEMBER],
                "bank": [m.person_id for m in team if m.role == TeamRole.BANK],
            },
            auto_id="team_%s",
        ),
    }
    return render(request, "enterprises/detail.html", context)


def _done(request: HttpRequest, outcome: Any) -> None:
    if outcome.error:
        messages.error(request, outcome.error)
    else:
        messages.success(request, _("已保存。"))


def _form_error(request: HttpRequest, form: Any) -> None:
    messages.error(
        request,
        "; ".join(
            f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
            for k, v in form.errors.items()
        ),
    )


@login_required
@require_POST
def flag_raise(request: HttpRequest, pk: int) -> HttpResponse:
    ent = _visible(request, pk)
    form = FlagForm(request.POST)
    if form.is_valid():
        _done(request, attempt(services.flag_raise, actor=request.user, enterprise=ent, **form.cleaned_data))
    else:
        _form_error(request, form)
    return _back(pk)


@login_required
@require_POST
def flag_close(request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
    ent = _visible(request, pk)
    flag = get_object_or_404(RiskFlag, pk=flag_pk, enterprise=ent)
    form = CloseFlagForm(request.POST)
    if form.is_valid():
        _done(request, attempt(services.flag_close, actor=request.user, flag=flag, **form.cleaned_data))
    else:
        _form_error(request, form)
    return _back(pk)


@login_required
@require_POST
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    ent = _visible(request, pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        _done(
            request, attempt(services.visit_record, actor=request.user, enterprise=ent, **form.cleaned_data)
        )
    else:
        _form_error(request, form)
    return _back(pk)


@login_required
@require_POST
def problem_new(request: HttpRequest, pk: int) -> HttpResponse:
    ent = _visible(request, pk)
    form = ProblemForm(request.POST)
    if form.is_valid():
        _done(
            request, attempt(services.problem_create, actor=request.user, enterprise=ent, **form.cleaned_data)
        )
    else:
        _form_error(request, form)
    return _back(pk)


@login_required
@require_POST
def team_set(request: HttpRequest, pk: int) -> HttpResponse:
    ent = _visible(request, pk)
    form = TeamForm(request.POST)
    if form.is_valid():
        _done(
            request,
            attempt(services.team_set, actor=request.user, enterprise=ent, members=form.members_list()),
        )
    else:
        _form_error(request, form)
    return _back(pk)
