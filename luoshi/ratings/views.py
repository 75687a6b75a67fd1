"""Ratings' pages: the office's rounds (create, import raters, panels, open, issue links, watch the
response rates, remind, close, results and export), and the rater's ballot, reached by its token link
without an account, phone first."""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from luoshi.audit.services import record_read
from luoshi.documents.exporters import xlsx_response
from luoshi.errors import LuoshiError, NotAllowed
from luoshi.imports.staged import staged_import
from luoshi.lib.uploads import upload_limit
from luoshi.org.access import context_for, require_officer
from luoshi.web.errors import form_submit

from . import importer, selectors, services
from .exports import LinksExporter, ResultsExporter
from .forms import PanelForm, RoundForm
from .models import Ballot, RatingRound, RoundState


def _round(request: HttpRequest, pk: int) -> RatingRound:
    require_officer(request.user)
    return get_object_or_404(RatingRound.objects.visible_to(request.user), pk=pk)


def _back(rnd: RatingRound) -> HttpResponse:
    return redirect(reverse("ratings:round", args=[rnd.pk]))


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    """The rating rounds with their response rates (the office)."""
    require_officer(request.user)
    rounds = list(RatingRound.objects.visible_to(request.user))
    rates = selectors.response_rates(rounds)
    rows = [{"round": r, "total": selectors.total(rates[r.pk])} for r in rounds]
    return render(request, "ratings/round_list.html", {"rows": rows})


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """新建评议轮次."""
    require_officer(request.user)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form, services.round_create, reload_on_conflict=False, actor=request.user, **form.service_kwargs()
        )
        if done.saved:
            messages.success(request, _("已新建评议轮次。"))
            return _back(done.value)
    return render(request, "ratings/form.html", {"form": form, "title": _("新建评议轮次")})


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("ratings:ballot", args=["TOKEN"])).removesuffix("TOKEN/")


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: its panels' response rates (an ECharts bar), the raters who have not answered
    (催评名单), and the office's actions."""
    rnd = _round(request, pk)
    panels = selectors.response_rates([rnd])[rnd.pk]
    pending = list(selectors.pending_ballots(rnd)[:500])
    context: dict[str, Any] = {
        "round": rnd,
        "items": list(rnd.items.all()),
        "units": list(rnd.rated_units.order_by("path")),
        "panels": panels,
        "total": selectors.total(panels),
        "pending": pending,
        "pending_more": max(0, selectors.total(panels).pending - len(pending)),
        "panel_form": PanelForm(),
        "chart": {
            "panels": [p.panel for p in panels],
            "answered": [p.answered for p in panels],
            "pending": [p.pending for p in panels],
            "labels": {"answered": _("已评议"), "pending": _("未评议"), "axis": _("评议人数")},
        },
        "now": timezone.now(),
    }
    return render(request, "ratings/round_detail.html", context)


@login_required
@require_POST
def panel_new(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    form = PanelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写评议组名称。"))
        return _back(rnd)
    done = form_submit(
        request,
        services.panel_create,
        reload_on_conflict=False,
        actor=request.user,
        round=rnd,
        **form.cleaned_data,
    )
    if done.saved:
        messages.success(request, _("已新建评议组。"))
    return _back(rnd)


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    if form_submit(
        request, services.round_open, reload_on_conflict=False, actor=request.user, round=rnd
    ).saved:
        messages.success(request, _("评议已开始。"))
    return _back(rnd)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    if form_submit(
        request, services.round_close, reload_on_conflict=False, actor=request.user, round=rnd
    ).saved:
        messages.success(request, _("评议已结束，所有评议链接已失效。"))
    return _back(rnd)


@login_required
@require_POST
def tokens_issue(request: HttpRequest, pk: int) -> HttpResponseBase:
    """发放评议链接 to the unanswered ballots (all of them, or the one named): new links replace the
    old; shown once on a page to copy, or downloaded as .xlsx; raters with an account are notified."""
    rnd = _round(request, pk)
    ballot = request.POST.get("ballot", "")
    ids = [int(ballot)] if ballot.isascii() and ballot.isdigit() and len(ballot) < 19 else None
    link_base = _link_base(request)
    done = form_submit(
        request,
        services.tokens_issue,
        reload_on_conflict=False,
        actor=request.user,
        round=rnd,
        ballot_ids=ids,
        link_base=link_base,
        notify_users=request.POST.get("notify") == "1",
    )
    if not done.saved:
        return _back(rnd)
    issued = done.value
    if request.POST.get("format") == "xlsx":
        record_read(request, "audit.data.exported", rnd, what="ratings.links", fmt="xlsx", links=len(issued))
        return xlsx_response(LinksExporter(rnd, issued, link_base))
    rows = [{"ballot": i.ballot, "link": f"{link_base}{i.token}/"} for i in issued]
    response = render(request, "ratings/links.html", {"round": rnd, "rows": rows})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponseBase:
    """评议结果: per panel and unit, with each item; 样本不足 below the minimum; .xlsx export.

    The office reads every round's results. An assessment breakdown links here for a unit's rating
    score and veto (评议得分, 服务否决), and leaders read every unit's breakdown (everyone once a run is
    published), so beyond the office: leaders read every row of an open or closed round, anyone else
    every row of a closed round and their own units' rows of an open one, refused when it rated none
    of them; a round in preparation is the office's only."""
    ctx = context_for(request.user)
    if ctx.is_officer:
        rnd = _round(request, pk)
        outcome = selectors.round_results(rnd)
    else:
        if not (ctx.is_leader or ctx.scope_unit_ids):  # no business role (the admin duties): nothing
            raise NotAllowed(_("这一轮评议没有您能查看的单位。"))
        rnd = get_object_or_404(RatingRound.objects.exclude(state=RoundState.DRAFT), pk=pk)
        outcome = selectors.round_results(rnd)
        if not ctx.is_leader and rnd.state != RoundState.CLOSED:
            seen = ctx.scope_unit_ids
            outcome = dataclasses.replace(outcome, units=[u for u in outcome.units if u.unit_id in seen])
        if not outcome.units:
            raise NotAllowed(_("这一轮评议没有您能查看的单位。"))
    items = list(rnd.items.values_list("text", flat=True))
    if request.GET.get("format") == "xlsx":
        record_read(request, "audit.data.exported", rnd, what="ratings.results", fmt="xlsx")
        return xlsx_response(ResultsExporter(rnd, outcome, items))
    return render(
        request,
        "ratings/results.html",
        {"round": rnd, "results": outcome, "items": items, "is_officer": ctx.is_officer},
    )


# ---------------------------------------------------------------------------------------------
# Importing raters: upload → preview (stored file, nothing written) → import (all or nothing)


@login_required
@require_POST
@upload_limit()
def raters_import(request: HttpRequest, pk: int) -> HttpResponse:
    """导入评议人名单: preview every row and refusal, then import the same stored file, all or nothing."""
    rnd = _round(request, pk)
    return staged_import(
        request,
        area="ratings",
        back=lambda: _back(rnd),
        preview=lambda data, filename: importer.preview(round=rnd, data=data, filename=filename),
        commit=functools.partial(importer.raters_import, actor=request.user, round=rnd),
        template="ratings/import_preview.html",
        context={"round": rnd},
        messages_for={
            "expired": _("上传的名单已失效，请重新上传。"),
            "wrong_type": _("请上传 .xlsx 或 .csv 格式的名单。"),
        },
        saved=lambda value: _("已导入名单，新增 %(n)s 份评议表。") % {"n": len(value)},
    )


# ---------------------------------------------------------------------------------------------
# The rater's ballot (no account: the token link is the key)

_ANSWER = re.compile(r"^a-(\d{1,18})-(\d{1,18})$")


def _no_leak(response: HttpResponse) -> HttpResponse:
    # The token is in the address: no referrer to other sites (same-origin, not no-referrer, so the
    # form's POST keeps the Origin header Django's CSRF check needs), no copy in a shared cache.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def _ballot_context(ballot: Ballot, chosen: dict[str, str]) -> dict[str, Any]:
    rnd = ballot.round
    items = list(rnd.items.all())
    options = [{"index": i, "label": o.label} for i, o in enumerate(rnd.options)]
    units = [
        {
            "unit": u,
            "rows": [
                {"item": item, "name": f"a-{u.pk}-{item.pk}", "chosen": chosen.get(f"a-{u.pk}-{item.pk}", "")}
                for item in items
            ],
        }
        for u in services.panel_units(ballot.panel)
    ]
    return {"ballot": ballot, "round": rnd, "units": units, "options": options}


@never_cache
def ballot(request: HttpRequest, token: str) -> HttpResponse:
    """A rater's ballot: every rated unit with every item, one tap per rating; submitted once."""
    try:
        found = services.ballot_open(token=token)
    except LuoshiError as exc:
        status = 200 if request.method == "GET" else 400
        return _no_leak(
            render(request, "ratings/ballot_refused.html", {"message": exc.message}, status=status)
        )
    if request.method != "POST":
        return _no_leak(render(request, "ratings/ballot.html", _ballot_context(found, {})))
    chosen = {k: str(v) for k, v in request.POST.items() if _ANSWER.match(k)}
    answers: dict[tuple[int, int], object] = {}
    for key, value in chosen.items():
        m = _ANSWER.match(key)
        assert m is not None
        answers[(int(m.group(1)), int(m.group(2)))] = value
    try:
        services.ballot_submit(token=token, answers=answers)
    except LuoshiError as exc:
        if exc.code in ("incomplete", "out_of_scale"):
            context = {**_ballot_context(found, chosen), "error": exc.message}
            return _no_leak(render(request, "ratings/ballot.html", context, status=400))
        return _no_leak(render(request, "ratings/ballot_refused.html", {"message": exc.message}, status=400))
    return _no_leak(render(request, "ratings/ballot_done.html", {"round": found.round}))
