"""Rectification's pages: rounds with their figures, the three lists of a round (tabs, exports), a
problem with its measures, sign-off chain, evidence and reopen."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from luoshi.audit.services import record_read
from luoshi.documents.exporters import csv_response, xlsx_response
from luoshi.errors import LuoshiError
from luoshi.imports.staged import staged_import
from luoshi.lib.charts import chart_table
from luoshi.lib.uploads import download_type, upload_limit
from luoshi.org.access import context_for, require_officer
from luoshi.web.errors import form_submit, raise_for
from luoshi.web.htmx import announce, is_htmx
from luoshi.web.templatetags.web import LIGHT_CLASSES
from luoshi.work import selectors as work_selectors
from luoshi.work.choices import Light
from luoshi.work.models import Status, Task

from . import importer, rules, selectors, services
from .exports import EXPORTERS, STATE_LABELS
from .forms import DecisionForm, ProblemForm, ReopenForm, RoundForm, SignOffForm, UnpublishForm
from .models import (
    Approval,
    Problem,
    ProblemKind,
    Round,
    SignOff,
    SignOffEvidence,
    StageChoice,
    StepChoice,
)

ROWS_PER_PAGE = 100


def _lists() -> list[tuple[str, str]]:
    return [("problems", _("问题清单")), ("tasks", _("任务清单")), ("duties", _("责任清单"))]


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    """The rounds the user sees, each with its summary figures (整改情况)."""
    rounds = list(Round.objects.visible_to(request.user))
    figures = selectors.round_summaries(rounds, user=request.user, today=timezone.localdate())
    rows = [{"round": r, "summary": figures[r.pk]} for r in rounds]
    context = {"rows": rows, "can_create": context_for(request.user).is_officer}
    return render(request, "rectification/round_list.html", context)


def _visible_round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(request.user).select_related("plan"), pk=pk)


def _list_name(request: HttpRequest) -> str:
    name = request.GET.get("list", "problems")
    return name if name in EXPORTERS else "problems"


_PK = 987654321


def _linker(name: str) -> Callable[[int], str]:
    """A detail URL for any pk from one `reverse` (per page, not per row)."""
    prefix, _sep, suffix = reverse(name, args=[_PK]).partition(str(_PK))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _day(d: Any) -> str:
    return d.isoformat() if d is not None else ""


def _problem_rows(problems: Any) -> list[dict[str, Any]]:
    """A page of 问题清单 as plain values: labels looked up once, links built without `reverse`."""
    kinds, stages = dict(ProblemKind.choices), dict(StageChoice.choices)
    problem_url = _linker("rectification:problem")
    return [
        {
            "number": p.number,
            "url": problem_url(p.pk),
            "text": p.text,
            "unit": p.responsible_unit.short_name or p.responsible_unit.name,
            "leader": p.responsible_leader.name if p.responsible_leader_id else "",
            "kind": kinds.get(p.kind, p.kind),
            "deadline": _day(p.deadline),
            "stage": stages.get(p.stage, p.stage),
            "state": p.state,
            "measure_count": p.measure_count,
        }
        for p in problems
    ]


def _task_rows(measures: Any) -> list[dict[str, Any]]:
    """A page of 任务清单 as plain values (one row per measure, from its task)."""
    statuses = dict(Status.choices)
    lights = {code: str(label) for code, label in Light.choices}
    task_url, problem_url = _linker("task_detail"), _linker("rectification:problem")
    rows = []
    for m in measures:
        t = m.task
        rows.append(
            {
                "code": t.code,
                "url": task_url(t.pk),
                "title": t.title,
                "problem_url": problem_url(m.problem_id),
                "problem": _("问题 %(n)s") % {"n": m.problem.number},
                "unit": t.lead_unit.short_name or t.lead_unit.name,
                "leader": t.responsible_leader.name if t.responsible_leader_id else "",
                "due": _day(t.due),
                "status": statuses.get(t.status, t.status),
                "light": t.light,
                "light_label": lights.get(t.light, t.light),
                "light_css": LIGHT_CLASSES.get(t.light, "light-none"),
            }
        )
    return rows


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: figures and a bar chart per unit, and the three lists as tabs over the same data."""
    rnd = _visible_round(request, pk)
    today = timezone.localdate()
    current = _list_name(request)
    context: dict[str, Any] = {"round": rnd, "current": current, "lists": _lists(), "today": today}
    rows: Any
    if current == "problems":
        rows = selectors.problem_list(rnd, user=request.user, today=today)
    elif current == "tasks":
        rows = selectors.task_list(rnd, user=request.user)
    else:
        rows = selectors.responsibility_list(rnd, user=request.user, today=today)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    if current == "problems":
        page.object_list = _problem_rows(page.object_list)
    elif current == "tasks":
        page.object_list = _task_rows(page.object_list)
    context["page"] = page
    context["hx_target"] = "#lists"
    if is_htmx(request):
        return render(request, "rectification/_list.html", context)
    units = selectors.unit_summaries(rnd, user=request.user, today=today)
    context["units"] = units
    context["summary"] = selectors.total(units)
    context["can_import"] = context_for(request.user).is_officer
    context["chart"] = {
        "units": [u["unit"] for u in units],
        "series": [
            {
                "name": _("已完成"),
                "key": "done",
                "data": [u["summary"].done for u in units],
                "color": "#3a9a5b",
            },
            {
                "name": _("整改中"),
                "key": "in_progress",
                "data": [u["summary"].in_progress for u in units],
                "color": "#e0a526",
            },
            {
                "name": _("未完成"),
                "key": "not_done",
                "data": [u["summary"].not_done for u in units],
                "color": "#c9443b",
            },
        ],
        "axis": _("问题数"),
    }
    series = context["chart"]["series"]
    context["units_table"] = chart_table(
        id="table-units",
        caption=_("各责任单位整改情况"),
        columns=[_("责任单位")] + [x["name"] for x in series],
        rows=[[name] + [x["data"][i] for x in series] for i, name in enumerate(context["chart"]["units"])],
        summary=_("各责任单位整改情况：%(n)s 个单位，问题 %(t)s 个，已完成 %(d)s 个。")
        % {"n": len(units), "t": context["summary"].total, "d": context["summary"].done},
    )
    return render(request, "rectification/round_detail.html", context)


@login_required
@require_GET
def round_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """One of the three lists as .xlsx or .csv, exactly as the page shows it to this user."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    rnd = _visible_round(request, pk)
    exporter = EXPORTERS[_list_name(request)](rnd, user=request.user, today=timezone.localdate())
    record_read(request, "audit.data.exported", rnd, what=f"rectification.{_list_name(request)}", fmt=fmt)
    if fmt == "xlsx":
        return xlsx_response(exporter)
    return csv_response(exporter)


def _visible_problem(request: HttpRequest, pk: int) -> Problem:
    qs = Problem.objects.visible_to(request.user).select_related(
        "round", "responsible_unit", "responsible_leader"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem: its measures with their lights, the sign-off chain and its evidence, reopens."""
    problem = _visible_problem(request, pk)
    return render(request, "rectification/problem_detail.html", _problem_context(request, problem))


def _problem_context(request: HttpRequest, problem: Problem) -> dict[str, Any]:
    """What the problem's page shows (and its sign-off section, answered alone to HTMX)."""
    today = timezone.localdate()
    tasks = list(
        Task.objects.filter(pk__in=problem.measures.values("task_id"))
        .select_related("lead_unit")
        .order_by("sort_path")
    )
    signoffs = list(
        problem.signoffs.select_related("submitted_by")
        .prefetch_related(
            Prefetch("approvals", queryset=Approval.objects.select_related("actor")),
            "evidence",
        )
        .order_by("-submitted_at", "-pk")
    )
    pending = next((s for s in signoffs if s.state == "pending"), None)
    has_leader = problem.responsible_leader_id is not None
    chain = rules.chain(has_leader=has_leader)
    step_labels = dict(StepChoice.choices)
    next_step = None
    chain_rows = []
    if pending is not None:
        approved = [a.step for a in pending.approvals.all() if a.approved]
        next_step = rules.next_step(has_leader=has_leader, approved=approved)
        by_step = {a.step: a for a in pending.approvals.all()}
        chain_rows = [{"step": s, "label": step_labels[s], "approval": by_step.get(s)} for s in chain]
    ctx = context_for(request.user)
    can_submit = problem.stage == rules.Stage.OPEN and problem.responsible_unit_id in (
        ctx.reporter_unit_ids | ctx.head_unit_ids
    )
    can_decide = next_step is not None and services.holds_duty(request.user, problem, next_step)
    # One fact typed once: 整改情况 starts from each measure's latest task report, named by its measure.
    reports = work_selectors.latest_reports(request.user, [t.pk for t in tasks]) if can_submit else {}
    sources = [(t, reports[t.pk]) for t in tasks if t.pk in reports]
    note = "\n".join(
        _("%(measure)s：%(text)s") % {"measure": t.title, "text": text}
        for t, r in sources
        if (text := _("；").join(x for x in work_selectors.report_text(r) if x))
    )
    # ...and carries the files each measure's report and completion claim already hold, ticked.
    open_count = sum(1 for t in tasks if t.status not in ("closed", "cancelled"))
    carryable = (
        selectors.carryable_evidence(request.user, [t.pk for t in tasks], reports)
        if can_submit and not open_count
        else []
    )
    titles = {t.pk: t.title for t in tasks}
    for ev in carryable:
        ev.measure = titles.get(ev.task_id, "")
    state = rules.problem_state(stage=problem.stage, deadline=problem.deadline, today=today)
    return {
        "problem": problem,
        "state": state,
        "state_label": str(STATE_LABELS[state.value]),
        "tasks": tasks,
        "open_measures": open_count,
        "signoffs": signoffs,
        "pending": pending,
        "chain": [step_labels[s] for s in chain],
        "chain_rows": chain_rows,
        "next_step": next_step,
        "next_label": step_labels[next_step] if next_step else "",
        "can_submit": can_submit,
        "can_decide": can_decide,
        "can_reopen": ctx.is_officer and problem.stage == rules.Stage.DONE,
        "reopens": list(problem.reopens.select_related("actor")),
        "signoff_form": SignOffForm(initial={"note": note}),
        "report_sources": sources,
        "carryable": carryable,
        "carried_checked": {ev.pk for ev in carryable},
        "reopen_form": ReopenForm(),
    }


def _back_to(problem_id: int) -> HttpResponse:
    return redirect(reverse("rectification:problem", args=[problem_id]))


@login_required
@require_POST
@upload_limit()
def signoff_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """申请销号 with the evidence files. By HTMX the sign-off section comes back in place (and the
    problem's stage, out of band); a plain post goes back to the problem's page with a message."""
    problem = _visible_problem(request, pk)
    form = SignOffForm(request.POST, request.FILES)
    if not is_htmx(request):
        if not form.is_valid():
            messages.error(request, _("请写明整改情况。"))
            return _back_to(problem.pk)
        done = form_submit(
            request,
            services.signoff_submit,
            reload_on_conflict=False,
            actor=request.user,
            problem=problem,
            note=form.cleaned_data["note"],
            files=form.cleaned_data["evidence"],
            carried=form.cleaned_data["carried"],
        )
        if done.saved:
            messages.success(request, _("销号申请已提交。"))
        return _back_to(problem.pk)
    signoff = None
    if form.is_valid():
        try:
            signoff = services.signoff_submit(
                actor=request.user,
                problem=problem,
                note=form.cleaned_data["note"],
                files=form.cleaned_data["evidence"],
                carried=form.cleaned_data["carried"],
            )
        except LuoshiError as exc:
            raise_for(exc)
            form.add_error(_signoff_field(exc), exc.message)
    problem = _visible_problem(request, pk)
    context = _problem_context(request, problem)
    if signoff is None:
        context["signoff_form"] = form
        context["carried_checked"] = set(form.carried_ids())  # the boxes as the unit left them
    section = render(request, "rectification/_signoff.html", context).content.decode()
    if signoff is None:
        invalid = [name for name in form.fields if name in form.errors]
        n = len(invalid) or 1
        message = ngettext("有 %(n)s 处需要修改", "有 %(n)s 处需要修改", n) % {"n": n}
        focus = f"#signoff-{invalid[0]}" if invalid else "#signoff-error"
        return announce(HttpResponse(section), message, focus=focus)
    status = render(request, "rectification/_problem_status.html", {**context, "oob": True}).content.decode()
    return announce(HttpResponse(section + status), _("销号申请已提交。"), focus="#pending-signoff")


def _signoff_field(exc: LuoshiError) -> str | None:
    """The form's field a refused application is about: the note, or the evidence (none attached, or a
    file refused); None for the form as a whole (e.g. the problem is no longer open)."""
    field = getattr(exc, "field", None)
    if field == "files" or exc.code == rules.Refusal.NO_EVIDENCE.value:
        return "evidence"
    return field if field in SignOffForm.base_fields else None


def _decision(request: HttpRequest, pk: int, approve: bool) -> HttpResponse:
    signoff = get_object_or_404(
        SignOff.objects.filter(problem__in=Problem.objects.visible_to(request.user)), pk=pk
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("审核步骤无效。"))
        return _back_to(signoff.problem_id)
    action = services.signoff_approve if approve else services.signoff_reject
    done = form_submit(
        request,
        action,
        reload_on_conflict=False,
        actor=request.user,
        signoff=signoff,
        step=form.cleaned_data["step"],
        note=form.cleaned_data["note"],
    )
    if done.saved:
        messages.success(request, _("已审核通过。") if approve else _("已退回销号申请。"))
    return _back_to(signoff.problem_id)


@login_required
@require_POST
def signoff_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, approve=True)


@login_required
@require_POST
def signoff_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(request, pk, approve=False)


@login_required
@require_POST
def problem_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """回头看: reopen a signed-off problem with the reason, a new deadline and a new measure."""
    problem = _visible_problem(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写重新打开的原因、新的整改时限和整改措施。"))
        return _back_to(problem.pk)
    done = form_submit(
        request,
        services.problem_reopen,
        reload_on_conflict=False,
        actor=request.user,
        problem=problem,
        **form.cleaned_data,
    )
    if done.saved:
        messages.success(request, _("问题已重新打开。"))
    return _back_to(problem.pk)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """A sign-off's evidence file, only for those who see its problem; never via MEDIA_URL."""
    visible = Problem.objects.visible_to(request.user)
    ev = get_object_or_404(SignOffEvidence.objects.filter(signoff__problem__in=visible), pk=pk)
    try:
        fh = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type, inline = download_type(ev.content_type)
    record_read(request, "audit.evidence.downloaded", ev, name=ev.name)
    resp = FileResponse(fh, as_attachment=not inline, filename=ev.name, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


# ---------------------------------------------------------------------------------------------
# Importing a ledger: upload → preview (stored file, nothing written) → import (all or nothing)


@login_required
@require_POST
@upload_limit()
def round_import(request: HttpRequest, pk: int) -> HttpResponse:
    """导入整改台账: the uploaded file is read and previewed with every refusal (row and column);
    the preview's button imports the same stored file, every row or none."""
    require_officer(request.user)
    rnd = _visible_round(request, pk)
    return staged_import(
        request,
        area="rectification",
        back=lambda: redirect(reverse("rectification:round", args=[rnd.pk])),
        preview=lambda data, filename: importer.preview(round=rnd, data=data, filename=filename),
        commit=functools.partial(importer.ledger_import, actor=request.user, round=rnd),
        template="rectification/import_preview.html",
        context={"round": rnd},
        messages_for={
            "expired": _("上传的台账已失效，请重新上传。"),
            "wrong_type": _("请上传 .xlsx 或 .csv 格式的台账。"),
        },
        saved=lambda value: _("已导入 %(n)s 个问题。") % {"n": len(value)},
    )


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """新建检查轮次 (the office)."""
    require_officer(request.user)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form, services.round_create, reload_on_conflict=False, actor=request.user, **form.cleaned_data
        )
        if done.saved:
            messages.success(request, _("已新建检查轮次。"))
            return redirect(reverse("rectification:round", args=[done.value.pk]))
    return render(
        request, "rectification/form.html", {"form": form, "title": _("新建检查轮次"), "round": None}
    )


@login_required
def problem_new(request: HttpRequest, pk: int) -> HttpResponse:
    """新建整改问题 of a round, with its measures as tasks (the office)."""
    require_officer(request.user)
    rnd = _visible_round(request, pk)
    form = ProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lines = [line.strip() for line in data.pop("measures").splitlines() if line.strip()]
        row = services.NewProblem(
            **{k: v for k, v in data.items() if k not in ("money_involved", "money_recovered")},
            measures=[(line, None) for line in lines],
            money_involved=data["money_involved"] or Decimal(0),
            money_recovered=data["money_recovered"] or Decimal(0),
        )
        done = form_submit(
            form, services.problem_create, reload_on_conflict=False, actor=request.user, round=rnd, row=row
        )
        if done.saved:
            messages.success(request, _("已新建整改问题。"))
            return redirect(reverse("rectification:problem", args=[done.value.pk]))
    return render(
        request, "rectification/form.html", {"form": form, "title": _("新建整改问题"), "round": rnd}
    )


@login_required
@require_GET
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's preview of a round's public results: what is published now, or what publishing
    would show as of today (整改结果公开预览)."""
    require_officer(request.user)
    rnd = _visible_round(request, pk)
    published = selectors.published_results(rnd)
    preview = published or selectors.results_snapshot(rnd, today=timezone.localdate())
    history = list(
        rnd.publications.select_related("published_by", "withdrawn_by").order_by("-published_at", "-pk")[:20]
    )
    context = {
        "round": rnd,
        "published": published,
        "results": preview,
        "states": {k: str(v) for k, v in STATE_LABELS.items()},
        "kinds": dict(ProblemKind.choices),
        "history": history,
        "unpublish_form": UnpublishForm(),
    }
    return render(request, "rectification/publication.html", context)


@login_required
@require_POST
def publication_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _visible_round(request, pk)
    if form_submit(request, services.results_publish, actor=request.user, round=rnd).saved:
        messages.success(request, _("整改结果已发布。"))
    return redirect("rectification:publication", pk=rnd.pk)


@login_required
@require_POST
def publication_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _visible_round(request, pk)
    form = UnpublishForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if form_submit(request, services.results_unpublish, actor=request.user, round=rnd, reason=reason).saved:
        messages.success(request, _("整改结果已撤回。"))
    return redirect("rectification:publication", pk=rnd.pk)
