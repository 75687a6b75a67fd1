"""Pages: the warning board (预警看板) with click-through to a level's reasons, the flags queue for the
office (填报质量提示), and the timeliness and burden page (报送及时性与填报负担)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.errors import NotAllowed
from luoshi.lib.charts import Cell, chart_table
from luoshi.org.access import context_for, require_officer
from luoshi.web.errors import form_submit
from luoshi.web.htmx import is_htmx

from . import rules, selectors, services
from .models import Flag, FlagKind, FlagState, Level, SlipKind, Subject, Warning

ROWS_PER_PAGE = 50
LEVEL_COLOURS = {
    rules.BLUE: "#2f6cc0",
    rules.YELLOW: "#e0b000",
    rules.ORANGE: "#b4531a",
    rules.RED: "#c9443b",
}


def _counts(counts: dict[str, int], kinds: dict[str, Any]) -> str:
    """ "迟报×2，亮黄灯×1": slips per kind, most first, in the page's language."""
    sep = "，" if (get_language() or "zh").startswith("zh") else ", "
    return sep.join(
        f"{kinds.get(k, k)}×{n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def _require_board(user: Any) -> None:
    ctx = context_for(user)
    if not (ctx.is_officer or ctx.is_leader):
        raise NotAllowed(_("预警看板供区领导和督查考核人员查看"))


def _day(request: HttpRequest, default: date | None) -> date | None:
    raw = request.GET.get("day", "")[:10]
    try:
        day = date.fromisoformat(raw) if raw else default
    except ValueError:
        return default
    return day if day is None or 2000 <= day.year <= 2100 else default


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The day's warning levels by unit (or person), worst first, with the trend and who is newly warned."""
    _require_board(request.user)
    subject = request.GET.get("subject", Subject.UNIT)
    if subject not in Subject.values:
        subject = Subject.UNIT
    level = request.GET.get("level", "")
    if level not in Level.values:
        level = ""
    day = _day(request, selectors.latest_day(request.user))
    context: dict[str, Any] = {
        "day": day,
        "subject": subject,
        "level": level,
        "subjects": Subject.choices,
        "levels": [(v, lbl) for v, lbl in Level.choices if v != rules.NONE],
        "hx_target": "#warnings",
        "is_officer": context_for(request.user).is_officer,
    }
    if day is not None:
        page = Paginator(
            selectors.board(request.user, day, subject=subject, level=level), ROWS_PER_PAGE
        ).get_page(request.GET.get("page"))
        context["page"] = page
        kinds = dict(SlipKind.choices)
        for w in page:
            w.count_text = _counts(w.counts, kinds)  # type: ignore[attr-defined]
        if is_htmx(request):
            return render(request, "alerts/_warning_rows.html", context)
        counts = selectors.level_counts(request.user, day, subject)
        trend = selectors.trend(request.user, day, subject=subject)
        top = list(selectors.board(request.user, day, subject=subject)[:20])
        context.update(
            counts=[(v, lbl, counts[v]) for v, lbl in context["levels"]],
            newly=selectors.newly_warned(request.user, day, subject),
            chart={
                "labels": {str(v): str(lbl) for v, lbl in context["levels"]},
                "colours": LEVEL_COLOURS,
                "units": [w.person.name if w.person is not None else w.unit.name for w in top],
                "scores": [float(w.score) for w in top],
                "levels": [w.level for w in top],
                "links": [reverse("alerts:warning", args=[w.pk]) for w in top],
                "trend": trend,
                "score_label": _("预警分值"),
            },
        )
        context["tables"] = _chart_tables(context["chart"])
    elif is_htmx(request):
        return render(request, "alerts/_warning_rows.html", context)
    return render(request, "alerts/board.html", context)


def _chart_tables(chart: dict[str, Any]) -> dict[str, Any]:
    """The board's two charts as tables: each unit's score links to its reasons, as its bar does."""
    labels = chart["labels"]
    levels = chart["levels"]
    worst = chart["units"][0] if chart["units"] else ""
    scores = chart_table(
        id="table-levels",
        caption=_("各单位预警分值"),
        columns=[_("对象"), _("预警等级"), chart["score_label"]],
        rows=[
            [Cell(name, url), labels.get(level, level), Cell(score, url, num=True)]
            for name, level, score, url in zip(
                chart["units"], levels, chart["scores"], chart["links"], strict=True
            )
        ],
        summary=_("各单位预警分值：前 %(n)s 个，分值最高的是%(who)s（%(s)s）。")
        % {"n": len(levels), "who": worst, "s": chart["scores"][0]}
        if levels
        else _("各单位预警分值：暂无数据。"),
    )
    trend = chart["trend"]
    keys = [k for k in labels if k in trend["series"]]
    last = {labels[k]: trend["series"][k][-1] for k in keys} if trend["dates"] else {}
    trend_table = chart_table(
        id="table-trend",
        caption=_("预警趋势"),
        columns=[_("日期")] + [labels[k] for k in keys],
        rows=[[d] + [trend["series"][k][i] for k in keys] for i, d in enumerate(trend["dates"])],
        summary=_("预警趋势：%(n)s 天；最近一天") % {"n": len(trend["dates"])}
        + _("、").join(f"{label} {n}" for label, n in last.items())
        if last
        else _("预警趋势：暂无数据。"),
    )
    return {"levels": scores, "trend": trend_table}


@login_required
@require_GET
def warning(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's (or person's) level on a day and the reasons behind it, with its recent history."""
    _require_board(request.user)
    w = get_object_or_404(Warning.objects.visible_to(request.user).select_related("unit", "person"), pk=pk)
    kinds = dict(SlipKind.choices)
    levels = dict(Level.choices)
    reasons = [{**r, "label": kinds.get(r["kind"], r["kind"])} for r in w.reasons]
    return render(
        request,
        "alerts/warning.html",
        {
            "w": w,
            "reasons": reasons,
            "history": [(d, lvl, levels.get(lvl, lvl), s) for d, lvl, s in selectors.history(w)],
            "is_officer": context_for(request.user).is_officer,
            "count_text": _counts(w.counts, kinds),
            "settings": rules.DEFAULT,
        },
    )


@login_required
@require_GET
def flag_list(request: HttpRequest) -> HttpResponse:
    """The office's queue of report quality flags: look, or dismiss with a note."""
    require_officer(request.user)
    state = request.GET.get("state", FlagState.OPEN)
    if state not in FlagState.values and state != "all":
        state = FlagState.OPEN
    kind = request.GET.get("kind", "")
    if kind not in FlagKind.values:
        kind = ""
    rows = selectors.flag_queue(request.user, state="" if state == "all" else state, kind=kind)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for f in page:
        f.reason_text = services.reason_text(f.kind, f.detail)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "state": state,
        "kind": kind,
        "states": FlagState.choices,
        "kinds": FlagKind.choices,
        "counts": selectors.flag_counts(request.user),
        "hx_target": "#flags",
        "is_officer": True,
    }
    if is_htmx(request):
        return render(request, "alerts/_flag_rows.html", context)
    return render(request, "alerts/flags.html", context)


class DecideForm(forms.Form):
    state = forms.ChoiceField(
        choices=[(FlagState.LOOKED, FlagState.LOOKED.label), (FlagState.DISMISSED, FlagState.DISMISSED.label)]
    )
    note = forms.CharField(required=False, max_length=2000)


@login_required
@require_POST
def flag_decide(request: HttpRequest, pk: int) -> HttpResponseBase:
    require_officer(request.user)
    flag = get_object_or_404(Flag.objects.visible_to(request.user), pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("处理结果无效"))
    else:
        done = form_submit(
            request,
            services.flag_decide,
            reload_on_conflict=False,
            actor=request.user,
            flag=flag,
            state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
        )
        if done.saved:
            messages.success(request, _("已处理该提示。"))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/alerts/flags/") else reverse("alerts:flags"))


@login_required
@require_GET
def timeliness(request: HttpRequest) -> HttpResponse:
    """Per unit: reports on time, mean delay, share returned, fields typed per week, duplicate entries."""
    ctx = context_for(request.user)
    if not (ctx.is_officer or ctx.scope_unit_ids):
        raise NotAllowed(_("没有可查看的单位"))
    today = timezone.localdate()
    end = _day(request, today) or today
    weeks = request.GET.get("weeks", "8")
    n_weeks = int(weeks) if weeks.isdigit() and 1 <= int(weeks) <= 52 else 8
    start = end - timedelta(days=7 * n_weeks - 1)
    rows = selectors.timeliness(request.user, start=start, end=end)
    return render(
        request,
        "alerts/timeliness.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "weeks": n_weeks,
            "is_officer": ctx.is_officer,
            # a unit's own figures: the warning board is the office's and leaders' (no link to a 403)
            "sees_board": ctx.is_officer or ctx.is_leader,
        },
    )


class SettingsForm(forms.Form):
    """A plan's warning settings: window, the four thresholds and a weight per kind of slip."""

    window_days = forms.IntegerField(label=gettext_lazy("统计窗口（天）"), min_value=1, max_value=366)
    blue = forms.DecimalField(label=gettext_lazy("蓝色预警分值"), max_digits=6, decimal_places=2, min_value=0)
    yellow = forms.DecimalField(
        label=gettext_lazy("黄色预警分值"), max_digits=6, decimal_places=2, min_value=0
    )
    orange = forms.DecimalField(
        label=gettext_lazy("橙色预警分值"), max_digits=6, decimal_places=2, min_value=0
    )
    red = forms.DecimalField(label=gettext_lazy("红色预警分值"), max_digits=6, decimal_places=2, min_value=0)
    seen = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in SlipKind.choices:
            self.fields[f"w_{kind}"] = forms.DecimalField(
                label=_("权重：%(kind)s") % {"kind": label}, max_digits=6, decimal_places=2, min_value=0
            )

    @staticmethod
    def initial_of(settings: rules.Settings) -> dict[str, Any]:
        return {
            "window_days": settings.window_days,
            "blue": settings.blue,
            "yellow": settings.yellow,
            "orange": settings.orange,
            "red": settings.red,
            "seen": services.settings_fingerprint(settings),
            **{f"w_{kind}": settings.weight(kind) for kind in SlipKind.values},
        }


@login_required
def plan_settings(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The office sets a plan's warning window, thresholds and weights (预警参数); settings saved by
    someone else meanwhile are refused (409) and the form shows what is stored now."""
    from luoshi.work.models import Plan

    require_officer(request.user)
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=plan_id)
    plans = list(Plan.objects.visible_to(request.user).only("pk", "name").order_by("-year", "name"))

    def page(form: SettingsForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "plan": plan, "plans": plans, "is_officer": True, "defaults": rules.DEFAULT}
        return render(request, "alerts/settings.html", context, status=status)

    if request.method != "POST":
        return page(SettingsForm(initial=SettingsForm.initial_of(services.settings_of(plan))))
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return page(form, status=400)
    d = form.cleaned_data
    done = form_submit(
        form,
        services.plan_settings_save,
        actor=request.user,
        plan=plan,
        seen=d["seen"],
        window_days=d["window_days"],
        blue=d["blue"],
        yellow=d["yellow"],
        orange=d["orange"],
        red=d["red"],
        weights={kind: d[f"w_{kind}"] for kind in SlipKind.values},
    )
    if done.saved:
        messages.success(request, _("预警参数已保存，下一次每日计算起生效。"))
        return redirect(reverse("alerts:plan_settings", args=[plan.pk]))
    if done.conflict:  # someone saved first: say so loudly and show what is stored now
        messages.error(request, done.conflict)
        return page(SettingsForm(initial=SettingsForm.initial_of(services.settings_of(plan))), status=409)
    return page(form, status=400)


@login_required
@require_GET
def settings_home(request: HttpRequest) -> HttpResponse:
    """预警参数 from the menu (the settings of the newest plan the officer sees) or from the page's
    plan switcher (`?plan=<id>`)."""
    from luoshi.work.models import Plan

    require_officer(request.user)
    plans = Plan.objects.visible_to(request.user)
    chosen = request.GET.get("plan", "")
    if chosen.isdigit() and len(chosen) < 19:
        plans = plans.filter(pk=int(chosen))
    plan = plans.order_by("-year", "-pk").first()
    if plan is None:
        messages.info(request, _("还没有计划。"))
        return redirect(reverse("alerts:board"))
    return redirect(reverse("alerts:plan_settings", args=[plan.pk]))
