"""Assessment's pages: schemes (list, detail, new, edit, import from a rules table), the office's
facts (events, assessors' scores), runs (results with charts, publish, exports), a unit's
breakdown, and appeals."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.audit.services import record_read
from luoshi.documents.exporters import xlsx_response
from luoshi.errors import LuoshiError, NotAllowed
from luoshi.imports.staged import EXTENSIONS, stored_name
from luoshi.lib.charts import Cell, cell, chart_table
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Unit
from luoshi.web.errors import form_submit, to_messages

from . import events, exports, importer, selectors, services
from .forms import EventForm, SchemeForm, ScoreForm
from .models import Appeal, AppealState, Event, Indicator, ManualScore, Method, Run, RunState, Scheme

AREA = "assessment"


def _scheme(request: HttpRequest, pk: int) -> Scheme:
    return get_object_or_404(Scheme.objects.visible_to(request.user), pk=pk)


def _run(request: HttpRequest, pk: int) -> Run:
    return get_object_or_404(Run.objects.visible_to(request.user).select_related("scheme"), pk=pk)


def _parse_day(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return default


@login_required
@require_GET
def scheme_list(request: HttpRequest) -> HttpResponse:
    """考核方案: the schemes with their runs."""
    ctx = context_for(request.user)
    return render(
        request,
        "assessment/scheme_list.html",
        {"schemes": selectors.scheme_rows(request.user), "is_officer": ctx.is_officer},
    )


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _scheme(request, pk)
    groups = list(scheme.groups.prefetch_related("units", "indicators__deductions"))
    runs = list(Run.objects.visible_to(request.user).filter(scheme=scheme).order_by("-number"))
    labels = dict(events.kinds())
    return render(
        request,
        "assessment/scheme_detail.html",
        {
            "scheme": scheme,
            "groups": groups,
            "grades": list(scheme.grades.all()),
            "bonuses": list(scheme.bonuses.all()),
            "vetoes": list(scheme.vetoes.all()),
            "runs": runs,
            "kind_labels": labels,
            "is_officer": context_for(request.user).is_officer,
            "today": timezone.localdate(),
        },
    )


@login_required
def scheme_new(request: HttpRequest) -> HttpResponse:
    """新建考核方案 by hand."""
    require_officer(request.user)
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            services.scheme_create,
            reload_on_conflict=False,
            actor=request.user,
            data=form.cleaned_data["data"],
        )
        if done.saved:
            messages.success(request, _("已新建考核方案。"))
            return redirect(reverse("assessment:scheme", args=[done.value.pk]))
    return render(request, "assessment/scheme_form.html", {"form": form, "title": _("新建考核方案")})


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改考核方案; saved against the version read (409 when someone saved first)."""
    scheme = get_object_or_404(Scheme.objects.editable_by(request.user), pk=pk)
    initial = SchemeForm.initial_from(services.scheme_data(scheme), scheme.version)
    form = SchemeForm(request.POST or None, scheme=scheme, initial=initial)
    status = 200
    conflict = ""
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            services.scheme_update,
            actor=request.user,
            scheme=scheme,
            version=form.cleaned_data.get("version") or 0,
            data=form.cleaned_data["data"],
        )
        if done.saved:
            messages.success(request, _("已保存考核方案。"))
            return redirect(reverse("assessment:scheme", args=[scheme.pk]))
        if done.conflict:
            conflict, status = done.conflict, done.status
            scheme.refresh_from_db()
            form = SchemeForm(
                scheme=scheme, initial=SchemeForm.initial_from(services.scheme_data(scheme), scheme.version)
            )
    return render(
        request,
        "assessment/scheme_form.html",
        {"form": form, "title": _("修改考核方案"), "scheme": scheme, "conflict": conflict},
        status=status,
    )


@login_required
def scheme_import(request: HttpRequest) -> HttpResponse:
    """Import a scheme from a rules table: upload, preview (rules read, rules to map by hand), then
    import the mapped scheme all or nothing."""
    require_officer(request.user)
    if request.method != "POST":
        return render(request, "assessment/import.html", {})
    token = request.POST.get("token", "")
    mapping = {k: str(v) for k, v in request.POST.items() if k.startswith("map-")}
    source = request.POST.get("source", "")
    if token:
        name = stored_name(request, AREA, token)
        if not default_storage.exists(name):
            messages.error(request, _("上传的考核细则已失效，请重新上传。"))
            return redirect(reverse("assessment:import"))
        with default_storage.open(name, "rb") as fh:
            data = fh.read()
        filename = request.POST.get("filename", token)
        if request.POST.get("step") == "import":
            done = form_submit(
                request,
                importer.scheme_import,
                reload_on_conflict=False,
                actor=request.user,
                data=data,
                filename=filename,
                source=source,
                mapping=mapping,
            )
            if done.saved:
                default_storage.delete(name)
                messages.success(request, _("已导入考核方案。"))
                return redirect(reverse("assessment:scheme", args=[done.value.pk]))
    else:
        upload = request.FILES.get("file")
        ext = (upload.name or "").rsplit(".", 1)[-1].lower() if upload else ""
        if upload is None or ext not in EXTENSIONS:
            messages.error(request, _("请上传 .xlsx 或 .csv 格式的考核细则。"))
            return redirect(reverse("assessment:import"))
        data = upload.read()
        filename = upload.name or ""
        token = f"{uuid.uuid4().hex}.{ext}"
        default_storage.save(stored_name(request, AREA, token), ContentFile(data))
    try:
        parsed = importer.preview(data, filename, source=source, mapping=mapping)
    except LuoshiError as exc:
        to_messages(request, exc)
        return redirect(reverse("assessment:import"))
    return render(
        request,
        "assessment/import.html",
        {
            "parsed": parsed,
            "token": token,
            "filename": filename,
            "mapping": mapping,
            "kinds": events.kinds(),
            "methods": [(v, label) for v, label in Method.choices if v != Method.DEDUCTION],
        },
    )


@login_required
@require_POST
def run_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute a new version from the facts as of a day."""
    scheme = _scheme(request, pk)
    as_of = _parse_day(request.POST.get("as_of", ""), timezone.localdate())
    done = form_submit(
        request, services.run_create, reload_on_conflict=False, actor=request.user, scheme=scheme, as_of=as_of
    )
    if done.saved:
        messages.success(request, _("已计算 %(v)s。") % {"v": done.value.label})
        return redirect(reverse("assessment:run", args=[done.value.pk]))
    return redirect(reverse("assessment:scheme", args=[scheme.pk]))


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's results by group, with the score distribution, group ranks and movement charts."""
    run = _run(request, pk)
    rows = selectors.results(run)
    previous = selectors.previous_run(run)
    moves = selectors.diff(previous, run)
    changed = [m for m in moves if m.delta]
    ctx = context_for(request.user)
    chart = selectors.charts(run, rows, moves)
    return render(
        request,
        "assessment/run_detail.html",
        {
            "run": run,
            "rows": rows,
            "previous": previous,
            "changed": changed,
            "chart": chart,
            "tables": _chart_tables(run, rows, chart),
            "appeals": selectors.appeals(request.user, run),
            "is_officer": ctx.is_officer,
            "default_until": timezone.localdate() + timedelta(days=7),
            "own_units": sorted(ctx.head_unit_ids | ctx.reporter_unit_ids),
            "window_open": run.state == RunState.PUBLISHED
            and run.appeal_until is not None
            and timezone.localdate() <= run.appeal_until,
        },
    )


def _chart_tables(run: Run, rows: list[Any], chart: dict[str, Any]) -> dict[str, Any]:
    """The results page's three charts as tables; a unit's score links to its breakdown."""
    counts = chart["counts"]
    top = max(range(len(counts)), key=lambda i: counts[i]) if any(counts) else None
    distribution = chart_table(
        id="table-distribution",
        caption=_("得分分布"),
        columns=[_("得分区间"), _("单位数")],
        rows=list(zip(chart["bins"], counts, strict=True)),
        summary=_("得分分布：%(n)s 个单位，最多的区间是 %(bin)s（%(k)s 个）。")
        % {"n": len(rows), "bin": chart["bins"][top], "k": counts[top]}
        if top is not None
        else _("得分分布：暂无数据。"),
    )
    groups = chart_table(
        id="table-groups",
        caption=_("组内排名"),
        columns=[_("考核类别"), _("名次"), _("单位"), _("得分")],
        rows=[
            [
                r.group,
                r.rank,
                Cell(r.unit_name, reverse("assessment:breakdown", args=[run.pk, r.unit_id])),
                cell(float(r.score)),
            ]
            for r in rows
        ],
        summary=_("组内排名：%(g)s 个考核类别，%(n)s 个单位。") % {"g": len(chart["groups"]), "n": len(rows)},
    )
    moved = chart["movement"]
    movement = chart_table(
        id="table-movement",
        caption=_("与上一版本相比"),
        columns=[_("单位"), _("变化")],
        rows=[[u, f"{d:+g}"] for u, d in zip(moved["units"], moved["deltas"], strict=True)],
        summary=_("与上一版本相比：%(n)s 个单位得分有变化。") % {"n": sum(1 for d in moved["deltas"] if d)},
    )
    return {"distribution": distribution, "groups": groups, "movement": movement}


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    until = _parse_day(request.POST.get("appeal_until", ""), timezone.localdate() + timedelta(days=7))
    done = form_submit(
        request,
        services.run_publish,
        reload_on_conflict=False,
        actor=request.user,
        run=run,
        appeal_until=until,
    )
    if done.saved:
        messages.success(request, _("已公布考核结果，申诉截止 %(d)s。") % {"d": until.isoformat()})
    return redirect(reverse("assessment:run", args=[run.pk]))


@login_required
@require_GET
def run_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _run(request, pk)
    record_read(request, "audit.data.exported", run, what="assessment.run", fmt="xlsx")
    return xlsx_response(exports.RunExporter(run))


@login_required
@require_GET
def run_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if run.published_at is None:
        raise Http404
    record_read(request, "audit.data.exported", run, what="assessment.bulletin", fmt="pdf")
    response = HttpResponse(exports.bulletin_pdf(run), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-{run.pk}.pdf"'
    return response


def _may_see_unit(request: HttpRequest, run: Run, unit_id: int) -> bool:
    ctx = context_for(request.user)
    if ctx.is_officer or ctx.is_leader:
        return True
    return run.published_at is not None


@login_required
@require_GET
def breakdown(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    """A unit's breakdown: every line with the fact behind it (link), adding up to the score."""
    run = _run(request, pk)
    if not _may_see_unit(request, run, unit):
        raise Http404
    found = selectors.breakdown(run, unit)
    if found is None:
        raise Http404
    ctx = context_for(request.user)
    can_appeal = (
        unit in (ctx.head_unit_ids | ctx.reporter_unit_ids)
        and run.state == RunState.PUBLISHED
        and run.appeal_until is not None
        and timezone.localdate() <= run.appeal_until
    )
    return render(
        request,
        "assessment/breakdown.html",
        {"run": run, "b": found, "can_appeal": can_appeal, "is_officer": ctx.is_officer},
    )


@login_required
@require_POST
def appeal_new(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    unit = get_object_or_404(Unit, pk=request.POST.get("unit") or 0)
    done = form_submit(
        request, services.appeal_file, reload_on_conflict=False, actor=request.user, run=run, unit=unit,
        text=request.POST.get("text", ""),
    )  # fmt: skip
    if done.saved:
        messages.success(request, _("已提交申诉。"))
        return redirect(reverse("assessment:appeal", args=[done.value.pk]))
    return redirect(reverse("assessment:breakdown", args=[run.pk, unit.pk]))


@login_required
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    return render(request, "assessment/appeal_list.html", {"appeals": selectors.appeals(request.user)})


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal; the office decides it (accept with corrections of the frozen inputs, or reject),
    and an accepted appeal shows the new version's differences."""
    appeal = get_object_or_404(
        Appeal.objects.visible_to(request.user).select_related("run__scheme", "unit", "new_run"), pk=pk
    )
    ctx = context_for(request.user)
    latest = Run.objects.filter(scheme_id=appeal.run.scheme_id).order_by("-number").first()
    assert latest is not None
    if request.method == "POST":
        if not ctx.is_officer:
            raise NotAllowed(_("只有考核办可以处理申诉。"))
        remove = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
        values = {
            int(k.removeprefix("value-")): str(v)
            for k, v in request.POST.items()
            if k.startswith("value-") and k.removeprefix("value-").isdigit() and str(v).strip()
        }
        done = form_submit(
            request,
            services.appeal_decide,
            reload_on_conflict=False,
            actor=request.user,
            appeal=appeal,
            accept=request.POST.get("decision") == "accept",
            reason=request.POST.get("reason", ""),
            remove=remove,
            values=values,
        )
        if done.saved:
            messages.success(request, _("已处理申诉。"))
        return redirect(reverse("assessment:appeal", args=[appeal.pk]))
    inputs = list(latest.inputs.filter(unit=appeal.unit).order_by("indicator", "pk"))
    moves = []
    if appeal.new_run_id:
        assert appeal.new_run is not None
        base = selectors.previous_run(appeal.new_run)
        moves = [m for m in selectors.diff(base, appeal.new_run) if m.delta]
    return render(
        request,
        "assessment/appeal_detail.html",
        {
            "appeal": appeal,
            "latest": latest,
            "inputs": inputs,
            "moves": moves,
            "is_officer": ctx.is_officer,
            "pending": appeal.state == AppealState.PENDING,
        },
    )


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The office's own facts (投诉核实, 表彰, 一票否决情形 …), and a form to record one."""
    require_officer(request.user)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form, services.event_record, reload_on_conflict=False, actor=request.user, **form.cleaned_data
        )
        if done.saved:
            messages.success(request, _("已登记。"))
            return redirect(reverse("assessment:events"))
    rows = list(Event.objects.select_related("unit").order_by("-occurred_on", "-pk")[:500])
    return render(request, "assessment/events.html", {"form": form, "events": rows})


@login_required
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator's scores by named assessors, and the form to score a unit."""
    indicator = get_object_or_404(Indicator.objects.select_related("group__scheme"), pk=pk)
    _scheme(request, indicator.group.scheme_id)
    ctx = context_for(request.user)
    spec, members = services.members_of(indicator.group.scheme)
    unit_ids = [m.unit_id for m in members if m.group == f"g{indicator.group_id}"]
    units = Unit.objects.filter(pk__in=unit_ids).order_by("path")
    form = ScoreForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form, services.score_record, reload_on_conflict=False, actor=request.user, indicator=indicator,
            **form.cleaned_data,
        )  # fmt: skip
        if done.saved:
            messages.success(request, _("已评分。"))
            return redirect(reverse("assessment:scores", args=[indicator.pk]))
    rows = list(
        ManualScore.objects.filter(indicator=indicator)
        .select_related("unit", "assessor")
        .order_by("unit__path", "assessor_id")
    )
    may_score = ctx.is_officer or "assessor" in ctx.roles
    return render(
        request,
        "assessment/scores.html",
        {"indicator": indicator, "rows": rows, "form": form if may_score else None},
    )
