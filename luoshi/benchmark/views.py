"""Benchmark pages: the peer groups (officers and leaders), importing a statistics table with preview
(the office), the district's own figures, and a group's ranking per indicator and period with its
charts (the group's bar, the district's rank over periods) and its .xlsx export."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.audit.services import record_read
from luoshi.documents.exporters import xlsx_response
from luoshi.imports.staged import staged_import
from luoshi.lib.charts import chart_table
from luoshi.lib.uploads import upload_limit
from luoshi.org.access import require_leader, require_officer
from luoshi.web.errors import form_submit

from . import importer, rules, selectors, services
from .exports import RankingExporter
from .forms import GroupForm, ImportForm, OwnValueForm
from .models import Indicator, PeerGroup, Region

_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


def period_param(key: rules.PeriodKey) -> str:
    return str(key.year) if key.quarter == 4 else f"{key.year}Q{key.quarter}"


def _parse_period_param(text: str) -> rules.PeriodKey | None:
    m = _PERIOD.match(text or "")
    return rules.PeriodKey(int(m.group(1)), int(m.group(2) or 4)) if m else None


def _index(request: HttpRequest, **forms: Any) -> HttpResponse:
    ctx = require_leader(request.user)
    groups = list(
        PeerGroup.objects.visible_to(request.user).select_related("home", "home__unit", "benchmark")
    )
    context: dict[str, Any] = {
        "groups": groups,
        "is_officer": ctx.is_officer,
        "import_form": forms.get("import_form") or ImportForm(),
        "group_form": forms.get("group_form") or GroupForm(),
        "own_form": forms.get("own_form") or OwnValueForm(),
        "homes": list(
            Region.objects.visible_to(request.user).filter(unit__isnull=False).select_related("unit")
        ),
        "regions": Region.objects.visible_to(request.user).count(),
    }
    return render(request, "benchmark/index.html", context, status=400 if any(forms.values()) else 200)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """对标: the peer groups, and the office's forms (import, new group, own figures)."""
    return _index(request)


@login_required
@require_POST
def group_new(request: HttpRequest) -> HttpResponse:
    require_officer(request.user)
    form = GroupForm(request.POST)
    if form.is_valid():
        done = form_submit(
            form, services.group_save, reload_on_conflict=False, actor=request.user, **form.cleaned_data
        )
        if done.saved:
            messages.success(request, _("已保存对标组。"))
            return redirect(reverse("benchmark:ranking", args=[done.value.pk]))
    return _index(request, group_form=form)


@login_required
@require_POST
def own_value(request: HttpRequest) -> HttpResponse:
    """填报本区指标值: the district's own figure (from its statistics office or its measures)."""
    require_officer(request.user)
    form = OwnValueForm(request.POST)
    home = Region.objects.filter(unit__isnull=False).order_by("pk").first()
    if home is None:
        form.add_error(None, _("还没有对应本区的行政区划：请先在对标组中设定本区。"))
    elif form.is_valid():
        done = form_submit(
            form,
            services.own_value_set,
            reload_on_conflict=False,
            actor=request.user,
            region=home,
            **form.cleaned_data,
        )
        if done.saved:
            messages.success(request, _("已保存本区指标值。"))
            return redirect(reverse("benchmark:index"))
    return _index(request, own_form=form)


@login_required
@require_POST
@upload_limit()
def stats_import(request: HttpRequest) -> HttpResponse:
    """导入统计数据: preview every row and refusal, then import the same stored file, all or nothing."""
    require_officer(request.user)
    form = ImportForm(request.POST)
    if not form.is_valid():
        return _index(request, import_form=form)
    options = {"period": form.cleaned_data["period"], "within": form.cleaned_data["within"]}
    return staged_import(
        request,
        area="benchmark",
        back=lambda: redirect(reverse("benchmark:index")),
        preview=lambda data, filename: importer.preview(data=data, filename=filename, **options),
        # The stored file is named by its token; the values keep the name the office uploaded.
        commit=lambda data, filename: importer.stats_import(
            actor=request.user,
            data=data,
            filename=request.POST.get("source_name", "")[:200] or filename,
            **options,
        ),
        template="benchmark/import_preview.html",
        context={"form_data": request.POST},
        messages_for={
            "expired": _("上传的统计表已失效，请重新上传。"),
            "wrong_type": _("请上传 .xlsx 或 .csv 格式的统计表。"),
        },
        saved=lambda value: (
            _("已导入统计数据：新增 %(c)s 个、更新 %(u)s 个指标值（%(p)s）。")
            % {"c": value.created, "u": value.updated, "p": "、".join(value.periods)}
        ),
    )


@login_required
@require_GET
def ranking(request: HttpRequest, pk: int) -> HttpResponseBase:
    """对标排名: the group's table for one indicator and period (rank, movement since the same period
    a year before, gap to the leader and to the 标杆), a bar of the group with the district
    highlighted, a line of the district's rank over periods; ?format=xlsx exports the table."""
    require_leader(request.user)
    group = get_object_or_404(
        PeerGroup.objects.visible_to(request.user).select_related("home", "home__unit", "benchmark"), pk=pk
    )
    indicators = list(Indicator.objects.visible_to(request.user))
    code = request.GET.get("indicator", "")
    indicator = next((i for i in indicators if i.code == code), None)
    if code and indicator is None:
        raise Http404
    if indicator is None:
        with_values = set(
            group.members.filter(values__isnull=False)
            .values_list("values__indicator_id", flat=True)
            .distinct()
        )
        indicator = next(
            (i for i in indicators if i.pk in with_values), indicators[0] if indicators else None
        )
    if indicator is None:
        raise Http404
    available = selectors.periods(group, indicator)
    period = _parse_period_param(request.GET.get("period", ""))
    if request.GET.get("period") and period is None:
        raise Http404
    if period is None:
        period = available[-1] if available else None
    if period is None:
        result = None
        series: list[Any] = []
    else:
        result = selectors.ranking(group, indicator, period)
        series = selectors.rank_series(group, indicator, period.quarter)
    if request.GET.get("format") == "xlsx":
        if result is None:
            raise Http404
        record_read(request, "audit.data.exported", group, what="benchmark.ranking", fmt="xlsx")
        return xlsx_response(RankingExporter(result))
    labels = {
        "value": indicator.heading,
        "rank": _("本区排名"),
        "home": _("本区"),
        "benchmark": _("标杆"),
        "others": _("对标地区"),
    }
    context = {
        "group": group,
        "indicators": indicators,
        "indicator": indicator,
        "periods": [{"key": p, "param": period_param(p), "label": p.label()} for p in available],
        "period": period,
        "period_param": period_param(period) if period else "",
        "result": result,
        "chart": (chart := selectors.chart(result, series, labels) if result is not None else None),
        "tables": _chart_tables(chart) if chart is not None else None,
    }
    return render(request, "benchmark/ranking.html", context)


def _chart_tables(chart: dict[str, Any]) -> dict[str, Any]:
    """The ranking page's two charts as tables (the charts have no links)."""
    labels = chart["labels"]
    names = chart["names"]
    rows = []
    for name, value, home, mark in zip(
        names, chart["values"], chart["home"], chart["benchmark"], strict=True
    ):
        note = labels["home"] if home else (labels["benchmark"] if mark else "")
        rows.append([name + _("（%(d)s）") % {"d": note} if note else name, value])
    home_at = next((i for i, h in enumerate(chart["home"]) if h), None)
    group = chart_table(
        id="table-group",
        caption=_("对标地区指标值"),
        columns=[_("地区"), labels["value"]],
        rows=rows,
        summary=_("对标地区指标值：%(n)s 个地区，本区第 %(r)s。") % {"n": len(names), "r": home_at + 1}
        if home_at is not None
        else _("对标地区指标值：%(n)s 个地区。") % {"n": len(names)},
    )
    ranks = [r for r in chart["ranks"] if r is not None]
    rank = chart_table(
        id="table-rank",
        caption=_("本区排名变化"),
        columns=[_("统计期"), labels["rank"], _("参与排名地区数")],
        rows=list(zip(chart["periods"], chart["ranks"], chart["sizes"], strict=True)),
        summary=_("本区排名变化：%(n)s 个统计期，最近一期第 %(r)s。")
        % {"n": len(chart["periods"]), "r": ranks[-1]}
        if ranks
        else _("本区排名变化：暂无数据。"),
    )
    return {"group": group, "rank": rank}
