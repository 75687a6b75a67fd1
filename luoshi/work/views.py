"""Task pages everyone uses within what they may see: plans as trees, the task list, a task's page.

Every read starts from `Task.objects.visible_to(user)`: a hidden task is a 404. Lists are
set-based (aggregates for light counts and facets), so a page costs the same queries at 3 rows
as at 300. HTMX requests get the partial, other requests the full page, from the same view.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.audit.selectors import entries_for
from luoshi.audit.services import record_read
from luoshi.errors import NotAllowed
from luoshi.lib.uploads import download_type
from luoshi.org.access import context_for
from luoshi.org.models import Unit
from luoshi.web.htmx import announce, is_htmx

from . import paths, services
from .filters import SORTS, TaskFilter
from .forms import FollowForm, PlanNodeForm
from .models import Evidence, Follow, Light, Plan, Report, ReportState, Status, Task, TaskUnit
from .views_flow import claim_context

TASKS_PER_PAGE = 30
# Worst first: the order light counts and facets are shown in.
LIGHT_ORDER = [Light.OVERDUE, Light.RED, Light.YELLOW, Light.GREEN, Light.NOT_STARTED, Light.DONE]


def _light_counts(rows: Any) -> list[dict[str, Any]]:
    """[(light, n)] from {light: n}, worst first, only lights that occur."""
    return [{"light": lt, "n": rows[lt]} for lt in LIGHT_ORDER if rows.get(lt)]


def _counts_by(qs: QuerySet[Task], key: str) -> dict[Any, dict[str, int]]:
    """{key value: {light: n}} in one aggregate query."""
    out: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in qs.order_by().values(key, "light").annotate(n=Count("pk")):
        out[row[key]][row["light"]] = row["n"]
    return out


# ---------------------------------------------------------------------------------------------
# Plans


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(Plan.objects.visible_to(request.user))
    counts = _counts_by(Task.objects.visible_to(request.user).counted(), "plan_id")
    for plan in plans:
        plan.light_counts = _light_counts(counts.get(plan.pk, {}))
        plan.task_total = sum(counts.get(plan.pk, {}).values())
    return render(request, "work/plan_list.html", {"plans": plans})


def _annotate_nodes(nodes: list[Task], visible: QuerySet[Task]) -> None:
    """Attach to each node the light counts of its visible children (one aggregate query)."""
    counts = _counts_by(visible.filter(parent_id__in=[n.pk for n in nodes]), "parent_id")
    for n in nodes:
        c = counts.get(n.pk, {})
        n.child_counts = _light_counts(c)
        n.child_total = sum(c.values())


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan tree (计划树). `?parent=<id>` opens one node: its children only, as a partial for HTMX."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    visible = Task.objects.visible_to(request.user).filter(plan=plan)
    form = PlanNodeForm(request.GET)
    parent_id = form.cleaned_data.get("parent") if form.is_valid() else None
    if request.GET.get("parent") and parent_id is None:
        raise Http404
    parent = None
    nodes_qs = visible.select_related("lead_unit", "responsible_person").order_by("sort_path")
    if parent_id:
        parent = get_object_or_404(visible.select_related("lead_unit"), pk=parent_id)
        nodes_qs = nodes_qs.filter(parent_id=parent.pk)
    else:
        # Top level: roots, plus visible tasks whose parent the user may not see.
        nodes_qs = nodes_qs.filter(Q(parent__isnull=True) | ~Q(parent_id__in=visible.values("pk")))
    nodes = list(nodes_qs)
    _annotate_nodes(nodes, visible)
    ctx: dict[str, Any] = {"plan": plan, "nodes": nodes, "parent": parent}
    if is_htmx(request):
        return render(request, "work/_plan_nodes.html", ctx)
    if parent is not None:
        ids = paths.ancestor_ids(parent.path)
        ctx["ancestors"] = list(visible.filter(pk__in=ids).order_by("depth")) if ids else []
        _annotate_nodes([parent], visible)
    ctx["plan_counts"] = _light_counts(_counts_by(visible.counted(), "plan_id").get(plan.pk, {}))
    return render(request, "work/plan_detail.html", ctx)


# ---------------------------------------------------------------------------------------------
# Tasks


def _facet(qs: QuerySet[Task], field: str, choices: Any, selected: list[str]) -> list[dict[str, Any]]:
    counts = dict(qs.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))
    return _facet_rows(counts, choices, selected)


def _facet_rows(counts: dict[str, int], choices: Any, selected: list[str]) -> list[dict[str, Any]]:
    return [
        {"value": value, "label": label, "n": counts.get(value, 0), "checked": value in selected}
        for value, label in choices
    ]


# A unit <select> longer than this is no use to anyone (a province has 10,000 units): past it, the
# list offers the top levels, whose filter includes their whole subtree.
UNIT_OPTIONS_MAX = 300


def _unit_options(visible: QuerySet[Task], selected: Any) -> list[Unit]:
    fields = ("pk", "name", "path", "depth")
    units = list(
        Unit.objects.filter(pk__in=visible.order_by().values("lead_unit_id"))
        .only(*fields)
        .order_by("path")[: UNIT_OPTIONS_MAX + 1]
    )
    if len(units) > UNIT_OPTIONS_MAX:
        units = list(Unit.objects.filter(depth__lte=1).only(*fields).order_by("path")[:UNIT_OPTIONS_MAX])
    if selected and all(u.pk != selected for u in units):
        units += list(Unit.objects.filter(pk=selected).only(*fields))
    return units


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks with filters, sorting and search (Chinese, pinyin or initials), facets and pagination."""
    f = TaskFilter(request.GET, user=request.user)
    f.is_valid()
    c = f.cleaned

    def rows(qs: Any) -> Any:
        return qs.select_related(
            "plan", "lead_unit", "responsible_leader", "responsible_person"
        ).prefetch_related(
            Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit").order_by("unit__path"))
        )

    # A search ranks every match: the page is chosen by id alone, then its rows read with their joins.
    by_id = bool(c.get("q"))
    paginator = Paginator(f.qs.values_list("pk", flat=True) if by_id else rows(f.qs), TASKS_PER_PAGE)
    light_order = [(lt.value, lt.label) for lt in LIGHT_ORDER]
    if not c.get("light") and not c.get("status"):
        # Neither facet is filtered: one scan grouped by (light, status) gives both facets and the
        # page count, instead of three scans of the same rows.
        by_light: dict[str, int] = defaultdict(int)
        by_status: dict[str, int] = defaultdict(int)
        for light, status, n in (
            f.filter_queryset(f.base).values_list("light", "status").annotate(n=Count("pk"))
        ):
            by_light[light] += n
            by_status[status] += n
        paginator.count = sum(by_light.values())  # a cached_property, set ahead
        facets = {
            "light": _facet_rows(by_light, light_order, []),
            "status": _facet_rows(by_status, Status.choices, []),
        }
    else:
        facets = {
            "light": _facet(f.without("light"), "light", light_order, c.get("light") or []),
            "status": _facet(f.without("status"), "status", Status.choices, c.get("status") or []),
        }
    page = paginator.get_page(request.GET.get("page"))
    if by_id:
        ids = list(page.object_list)
        found = {t.pk: t for t in rows(Task.objects.filter(pk__in=ids))}
        page.object_list = [found[pk] for pk in ids if pk in found]
    export_query = request.GET.copy()
    export_query.pop("page", None)
    ctx = {
        "filter": f,
        "form": f.form,
        "page": page,
        "facets": facets,
        "sort": c.get("sort") or "code",
        "sorts": SORTS,
        "export_query": export_query.urlencode(),
        "hx_target": "#results",
    }
    if is_htmx(request):
        return render(request, "work/_task_rows.html", ctx | {"oob": True})
    visible = Task.objects.visible_to(request.user)
    ctx["plans"] = list(Plan.objects.visible_to(request.user).only("pk", "name"))
    ctx["units"] = _unit_options(visible, c.get("unit"))
    return render(request, "work/task_list.html", ctx)


def _visible_task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(request.user), pk=pk)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's page: fields, light, milestones, children, report timeline, evidence, history."""
    user = request.user
    assert user.is_authenticated  # @login_required
    visible = Task.objects.visible_to(user)
    task = get_object_or_404(
        visible.select_related("plan", "parent", "lead_unit", "responsible_leader", "responsible_person"),
        pk=pk,
    )
    ids = paths.ancestor_ids(task.path)
    ancestors = list(visible.filter(pk__in=ids).order_by("depth")) if ids else []
    children = list(visible.filter(parent=task).select_related("lead_unit").order_by("sort_path"))
    _annotate_nodes([task], visible)
    task.slack_behind = -task.slack_days if task.slack_days is not None and task.slack_days < 0 else None
    reports = list(
        Report.objects.visible_to(user)
        .filter(task=task)
        .select_related("author", "unit", "approved_by", "corrects")
        .prefetch_related("evidence")
        .order_by("-reported_on", "-id")
    )
    # Only a correction in force supersedes: a pending one may yet be returned, a returned one is void.
    corrected = {r.corrects_id: r for r in reports if r.corrects_id and r.state == ReportState.SUBMITTED}
    for r in reports:
        r.corrected_by_entry = corrected.get(r.pk)
    history = entries_for(task, user)
    milestones = list(task.milestones.all())
    ctx = {
        "task": task,
        "ancestors": ancestors,
        "co_units": list(task.co_units.order_by("path")),
        "milestones": milestones,
        "children": children,
        "reports": reports,
        "transitions": list(task.transitions.select_related("actor")),
        "history": history,
        "following": Follow.objects.filter(user=user, task=task).exists(),
        "ReportState": ReportState,
        "can_reopen": task.status == Status.CLOSED and context_for(user).is_officer,
    }
    ctx.update(claim_context(user, task, milestones))
    return render(request, "work/task_detail.html", ctx)


@login_required
@require_POST
def task_follow_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow or unfollow (关注) a visible task."""
    task = _visible_task(request, pk)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    follow = form.cleaned_data["follow"]
    try:
        services.task_follow(actor=request.user, task=task, follow=follow)
    except NotAllowed:
        raise Http404  # the task is hidden from the user: following it is not refused, it is not there
    said = _("已关注该任务。") if follow else _("已取消关注。")
    if is_htmx(request):
        button = render(request, "work/_follow.html", {"task": task, "following": follow})
        return announce(button, said, focus="#follow-button")
    messages.success(request, said)
    return redirect("task_detail", pk=task.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence file (佐证材料) only to those who may see its report; never via MEDIA_URL."""
    ev = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    try:
        fh = ev.file.open("rb")
    except FileNotFoundError:
        raise Http404
    # The type checked at upload, never one the browser declared; only images and PDF open inline.
    content_type, inline = download_type(ev.content_type)
    record_read(request, "audit.evidence.downloaded", ev, name=ev.name)
    resp = FileResponse(fh, as_attachment=not inline, filename=ev.name, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
