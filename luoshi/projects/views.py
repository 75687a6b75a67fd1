"""Key-project pages: the list with filters, a project's page, and the 七个一批 board."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.errors import NotFound
from luoshi.lib.charts import Cell, chart_table
from luoshi.lib.uploads import upload_limit
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Membership
from luoshi.web.errors import form_submit
from luoshi.web.htmx import is_htmx
from luoshi.work.models import Light

from . import importer, rules, selectors, services
from .filters import ProjectFilter
from .forms import (
    BoundaryForm,
    ImportForm,
    InvestmentForm,
    OwnerPickerForm,
    OwnersForm,
    ProblemForm,
    ProblemsTasksForm,
    ProblemTaskForm,
    ProjectForm,
    StageMetForm,
    StagePlanForm,
)
from .models import (
    Category,
    OwnerRole,
    Project,
    ProjectImport,
    ProjectInvestment,
    ProjectProblem,
    Stage,
    StageChange,
)
from .services import import_store

PAGE_SIZE = 50
LIGHT_COLORS = {
    "green": "#1a7f37",
    "yellow": "#d4a72c",
    "red": "#cf222e",
    "overdue": "#8250df",
    "done": "#57606a",
}


def _today(request: HttpRequest) -> date:
    return timezone.localdate()


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """Key projects the user may see, filtered by stage, category, unit, light, stuck or problems."""
    f = ProjectFilter(request.GET, user=request.user)
    rows = f.rows(_today(request)) if f.is_valid() else []
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": f.form,
        "page": page,
        "query": query.urlencode(),
        "stages": Stage.choices,
        "categories": Category.choices,
        "lights": [(v, label) for v, label in Light.choices if v != Light.NOT_STARTED],
        "units": _lead_units(request.user),
        "chosen_stages": f.cleaned.get("stage", []),
        "chosen_lights": f.cleaned.get("light", []),
        "officer": context_for(request.user).is_officer,
    }
    if is_htmx(request):
        return render(request, "projects/_project_rows.html", context)
    return render(request, "projects/project_list.html", context)


def _lead_units(user: Any) -> list[tuple[int, str]]:
    return list(
        Project.objects.visible_to(user)
        .filter(lead_unit__isnull=False)
        .order_by("lead_unit__path")
        .values_list("lead_unit_id", "lead_unit__name")
        .distinct()
    )


def _visible(request: HttpRequest, pk: int) -> Project:
    project = (
        Project.objects.visible_to(request.user).select_related("lead_unit", "task").filter(pk=pk).first()
    )
    if project is None:
        raise NotFound(_("没有这个项目，或您无权查看。"))
    return project


def _can_edit(user: Any, project: Project) -> bool:
    return Project.objects.editable_by(user).filter(pk=project.pk).exists()


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's page: stage timeline, investment chart, 四包一 owners, problems and history."""
    project = _visible(request, pk)
    on = _today(request)
    standing = selectors.standings([project], on)[project.pk]
    stages = {s.stage: s for s in project.stages.all()}
    current = rules.stage_index(project.stage) if project.stage else -1
    timeline = [
        {
            "stage": s.value,
            "label": s.label,
            "planned": stages[s.value].planned if s.value in stages else None,
            "met": stages[s.value].met if s.value in stages else None,
            "reached": i <= current,
            "late": s.value in stages
            and rules.stage_missed([(stages[s.value].planned, stages[s.value].met)], on),
        }
        for i, s in enumerate(Stage)
    ]
    owners = list(project.owners.select_related("post__unit"))
    holders: dict[int, list[str]] = defaultdict(list)
    for post_id, name in (
        Membership.objects.current(on)
        .filter(post_id__in=[o.post_id for o in owners])
        .values_list("post_id", "person__name")
    ):
        holders[post_id].append(name)
    owner_rows: list[dict[str, Any]] = []
    for role in OwnerRole:
        owner = next((o for o in owners if o.role == role.value), None)
        names = holders.get(owner.post_id, []) if owner else []
        owner_rows.append({"role": role.label, "owner": owner, "holders": names})
    ctx = context_for(request.user)
    editable = _can_edit(request.user, project)
    problems = list(project.problems.select_related("owner_unit", "task"))
    amount, source = selectors.investment_from_task(request.user, project, on) if editable else (None, None)
    context = {
        "project": project,
        "standing": standing,
        "timeline": timeline,
        "owners": owner_rows,
        "problems": problems,
        "changes": StageChange.objects.filter(project=project).select_related("actor")[:50],
        "years": project.years.all(),
        "chart": (chart := _investment_chart(project, on)),
        "investment_table": _investment_table(chart),
        "editable": editable,
        "officer": ctx.is_officer,
        "stage_form": StageMetForm(
            initial={"stage": rules.next_stage(project.stage), "met": on},
            carryable=_carryable(request, project) if editable else (),
        ),
        "investment_form": InvestmentForm(initial={"month": on.strftime("%Y-%m"), "amount": amount}),
        "investment_source": source,
        "problem_form": ProblemForm(initial={"owner_unit": project.lead_unit_id}),
        "task_form": ProblemTaskForm(auto_id=False),  # one per problem row: no repeated id
        "open_problems": any(q.task_id is None for q in problems),
    }
    return render(request, "projects/project_detail.html", context)


def _investment_chart(project: Project, on: date) -> dict[str, Any]:
    """This year's monthly and cumulative completed investment against the plan's straight line."""
    year = on.year
    months = dict(
        ProjectInvestment.objects.filter(project=project, month__year=year).values_list(
            "month__month", "amount"
        )
    )
    plan = project.years.filter(year=year).aggregate(p=Sum("annual_plan"))["p"] or Decimal(0)
    last = on.month
    cumulative, running = [], Decimal(0)
    for m in range(1, 13):
        running += months.get(m, Decimal(0))
        cumulative.append(float(running) if m <= last else None)
    return {
        "year": year,
        "months": [_("%(m)s月") % {"m": m} for m in range(1, 13)],
        "monthly": [float(months.get(m, 0)) for m in range(1, 13)],
        "cumulative": cumulative,
        "expected": [round(float(plan) * m / 12, 2) for m in range(1, 13)],
        "labels": {
            "monthly": _("当月完成"),
            "cumulative": _("累计完成"),
            "expected": _("计划进度"),
            "unit": _("万元"),
        },
    }


def _investment_table(chart: dict[str, Any]) -> Any:
    """A project's investment chart as a table: a row per month up to now (the chart has no links)."""
    labels = chart["labels"]
    rows = [
        [month, monthly, cumulative, expected]
        for month, monthly, cumulative, expected in zip(
            chart["months"], chart["monthly"], chart["cumulative"], chart["expected"], strict=True
        )
        if cumulative is not None
    ]
    done = rows[-1][2] if rows else 0
    plan = chart["expected"][-1] if chart["expected"] else 0
    return chart_table(
        id="table-investment",
        caption=_("%(y)s 年投资") % {"y": chart["year"]} + _("（%(d)s）") % {"d": labels["unit"]},
        columns=[_("月份"), labels["monthly"], labels["cumulative"], labels["expected"]],
        rows=rows,
        summary=_("%(y)s 年投资：累计完成 %(done)s 万元，年度计划 %(plan)s 万元。")
        % {"y": chart["year"], "done": f"{done:,.2f}", "plan": f"{plan:,.2f}"},
    )


def _carryable(request: HttpRequest, project: Project) -> list[Any]:
    """The evidence files of the project's task a stage met may name instead of an upload (one fact
    typed once): its latest report's and completion claim's, as this user sees them."""
    from luoshi.work import selectors as work_selectors

    if project.task_id is None:
        return []
    latest = work_selectors.latest_report(request.user, project.task_id)
    return work_selectors.carryable_evidence(request.user, project.task_id, latest)


def _back_to(project: Project) -> HttpResponse:
    return redirect(reverse("projects:detail", args=[project.pk]))


@upload_limit()
@login_required
@require_POST
def stage_met(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible(request, pk)
    form = StageMetForm(request.POST, request.FILES, carryable=_carryable(request, project))
    if form.is_valid():
        d = form.cleaned_data
        done = form_submit(
            request,
            services.stage_met,
            actor=request.user,
            project=project,
            stage=d["stage"],
            met=d["met"],
            note=d["note"],
            file=d["file"],
            carried=d.get("carried"),
        )
        if done.saved:
            messages.success(request, _("阶段已更新。"))
    else:
        messages.error(request, _("请填写阶段和完成日期。"))
    return _back_to(project)


@login_required
@require_POST
def investment_report(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible(request, pk)
    form = InvestmentForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        done = form_submit(
            request,
            services.investment_report,
            actor=request.user,
            project=project,
            month=d["month"],
            amount=d["amount"],
        )
        if done.saved:
            messages.success(request, _("投资已填报。"))
    else:
        messages.error(request, _("请填写月份和金额。"))
    return _back_to(project)


@login_required
@require_POST
def problem_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible(request, pk)
    form = ProblemForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        done = form_submit(
            request,
            services.problem_add,
            actor=request.user,
            project=project,
            title=d["title"],
            owner_unit=d["owner_unit"],
            deadline=d["deadline"],
        )
        if done.saved:
            messages.success(request, _("问题已登记。"))
    else:
        messages.error(request, _("请填写问题、责任单位和解决时限。"))
    return _back_to(project)


@login_required
@require_POST
def problem_to_task(request: HttpRequest, pk: int, problem_id: int) -> HttpResponse:
    project = _visible(request, pk)
    problem = ProjectProblem.objects.filter(project=project, pk=problem_id).first()
    if problem is None:
        raise NotFound(_("没有这个问题。"))
    form = ProblemTaskForm(request.POST)
    if form.is_valid():
        done = form_submit(
            request,
            services.problem_to_task,
            actor=request.user,
            problem=problem,
            plan=form.cleaned_data["plan"],
        )
        if done.saved:
            messages.success(request, _("问题已转为任务。"))
    else:
        messages.error(request, _("请选择计划。"))
    return _back_to(project)


@login_required
@require_POST
def problems_to_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticked open problems of a project become tasks of one plan in one step."""
    project = _visible(request, pk)
    form = ProblemsTasksForm(request.POST, project=project)
    if form.is_valid():
        done = form_submit(
            request,
            services.problems_to_tasks,
            actor=request.user,
            problems=list(form.cleaned_data["problems"]),
            plan=form.cleaned_data["plan"],
        )
        if done.saved:
            messages.success(request, _("已将 %(n)s 个问题转为任务。") % {"n": len(done.value)})
    else:
        messages.error(request, _("请勾选未转任务的问题并选择计划。"))
    return _back_to(project)


# ---------------------------------------------------------------------------------------------
# Create and edit (the office): the project's fields, its stages' planned dates, its four owners


def _new_values(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in ("version",) and not (k == "annual_plan" and v is None)}


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    """The office creates a key project; with a plan, its carrying task (项目推进任务) too."""
    require_officer(request.user)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form, services.project_create, actor=request.user, **_new_values(form.cleaned_data)
        )
        if done.saved:
            messages.success(request, _("项目已建立。"))
            return redirect("projects:edit", done.value.pk)
    return render(request, "projects/project_new.html", {"form": form}, status=400 if form.errors else 200)


def _edit_forms(request: HttpRequest, project: Project) -> dict[str, Any]:
    stages = {s.stage: s.planned for s in project.stages.all()}
    owners = {o.role: o.post_id for o in project.owners.all()}
    fields = {
        "name": project.name,
        "category": project.category,
        "theme": project.theme,
        "lead_unit": project.lead_unit_id,
        "total_investment": project.total_investment,
        "lat": project.lat,
        "lng": project.lng,
        "protected": project.protected,
        "version": project.version,
    }
    picker = OwnerPickerForm(request.GET or None, user=request.user)
    narrowing = picker.narrowing()
    return {
        "form": ProjectForm(initial=fields, editing=True),
        "stage_form": StagePlanForm(initial={**stages, "version": project.version}),
        "owners_form": OwnersForm(
            initial={**owners, "version": project.version},
            user=request.user,
            project=project,
            unit=narrowing.get("owner_unit"),
            search=narrowing.get("owner_q", ""),
        ),
        "picker": picker,
    }


def _edit_page(request: HttpRequest, project: Project, status: int = 200, **bound: Any) -> HttpResponse:
    project.refresh_from_db()
    context = {"project": project, **_edit_forms(request, project), **bound}
    return render(request, "projects/project_edit.html", context, status=status)


def _edited(request: HttpRequest, project: Project, done: Any, message: str, **bound: Any) -> HttpResponse:
    if done.saved:
        messages.success(request, message)
        return redirect("projects:edit", project.pk)
    if done.conflict:  # someone saved first: say so loudly and show what is there now
        messages.error(request, done.conflict)
        return _edit_page(request, project, status=409)
    return _edit_page(request, project, status=400, **bound)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The office edits a project's fields (the version seen: an edit saved meanwhile is a 409)."""
    project = _visible(request, pk)
    require_officer(request.user)
    if request.method != "POST":
        return _edit_page(request, project)
    form = ProjectForm(request.POST, editing=True)
    if not form.is_valid():
        return _edit_page(request, project, status=400, form=form)
    d = dict(form.cleaned_data)
    version = d.pop("version")
    done = form_submit(
        form, services.project_update, actor=request.user, project=project, version=version, **d
    )
    return _edited(request, project, done, _("项目已保存。"), form=form)


@login_required
@require_POST
def stage_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The office plans the stages' dates (倒排工期)."""
    project = _visible(request, pk)
    require_officer(request.user)
    form = StagePlanForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, project, status=400, stage_form=form)
    done = form_submit(
        form,
        services.stage_plan_set,
        actor=request.user,
        project=project,
        planned=form.planned(),
        version=form.cleaned_data["version"],
    )
    return _edited(request, project, done, _("阶段计划已保存。"), stage_form=form)


@login_required
@require_POST
def owners(request: HttpRequest, pk: int) -> HttpResponse:
    """The office names the four owners' posts (四包一)."""
    project = _visible(request, pk)
    require_officer(request.user)
    form = OwnersForm(request.POST, user=request.user, project=project)
    if not form.is_valid():
        return _edit_page(request, project, status=400, owners_form=form)
    done = form_submit(
        form,
        services.owners_assign,
        actor=request.user,
        project=project,
        posts=form.posts(),
        version=form.cleaned_data["version"],
    )
    return _edited(request, project, done, _("四包一已保存。"), owners_form=form)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The 七个一批 board over the projects the user may see."""
    on = _today(request)
    figures = selectors.board(Project.objects.visible_to(request.user), on)
    list_url = reverse("projects:list")

    def link(key: str, value: Any) -> str:
        return f"{list_url}?{urlencode({key: value})}" if value not in (None, "") else ""

    # Each bar's target is computed once: the chart's click and the data table's link are the same URL.
    chart: dict[str, Any] = {
        "list_url": list_url,
        "stages": [{**s, "url": link("stage", s["stage"])} for s in figures.stages],
        "by_category": [
            {
                **c,
                "plan": float(c["plan"]),
                "done": float(c["done"]),
                "url": link("category", c["category"]) or list_url,
            }
            for c in figures.by_category
        ],
        "by_unit": [
            {
                **u,
                "plan": float(u["plan"]),
                "done": float(u["done"]),
                "url": link("unit", u["unit"]) or list_url,  # the summed rest: the whole list
            }
            for u in figures.by_unit
        ],
        "labels": {
            "projects": _("项目数"),
            "plan": _("年度计划投资"),
            "done": _("累计完成投资"),
            "unit": _("万元"),
        },
    }
    money = _("%(what)s（万元）")
    plan_col, done_col = money % {"what": _("年度计划投资")}, money % {"what": _("累计完成投资")}
    stage_rows = [[Cell(s["label"], s["url"]), Cell(s["count"], s["url"], num=True)] for s in chart["stages"]]
    tables = {
        "stages": chart_table(
            id="table-stages",
            caption=_("各阶段项目数"),
            columns=[_("阶段"), _("项目数")],
            rows=stage_rows,
            summary=_("各阶段项目数：") + _("、").join(f"{s['label']} {s['count']}" for s in chart["stages"]),
        ),
        "category": chart_table(
            id="table-category",
            caption=_("%(year)s 年投资（按类别）") % {"year": on.year},
            columns=[_("类别"), plan_col, done_col],
            rows=[
                [
                    Cell(c["label"], c["url"]),
                    Cell(c["plan"], c["url"], num=True),
                    Cell(c["done"], c["url"], num=True),
                ]
                for c in chart["by_category"]
            ],
            summary=_investment_summary(
                _("%(year)s 年投资（按类别）") % {"year": on.year}, chart["by_category"]
            ),
        ),
        "unit": chart_table(
            id="table-unit",
            caption=_("%(year)s 年投资（按牵头单位）") % {"year": on.year},
            columns=[_("牵头单位"), plan_col, done_col],
            rows=[
                [
                    Cell(u["label"], u["url"]),
                    Cell(u["plan"], u["url"], num=True),
                    Cell(u["done"], u["url"], num=True),
                ]
                for u in chart["by_unit"]
            ],
            summary=_investment_summary(
                _("%(year)s 年投资（按牵头单位）") % {"year": on.year}, chart["by_unit"]
            ),
        ),
    }
    return render(
        request,
        "projects/board.html",
        {"board": figures, "chart": chart, "tables": tables, "on": on, "list_url": list_url, "year": on.year},
    )


def _investment_summary(title: str, rows: list[dict[str, Any]]) -> str:
    """`title`: how many bars, the planned and completed totals (an aria-label for the chart)."""
    plan = sum(r["plan"] for r in rows)
    done = sum(r["done"] for r in rows)
    return _("%(title)s：%(n)s 项，计划 %(plan)s 万元，已完成 %(done)s 万元。") % {
        "title": title,
        "n": len(rows),
        "plan": f"{plan:,.2f}",
        "done": f"{done:,.2f}",
    }


# ---------------------------------------------------------------------------------------------
# Importing a project list (重点项目清单)


@upload_limit()
@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a list (.xlsx/.csv) and a year; the preview comes next."""
    require_officer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            import_store,
            actor=request.user,
            file=form.cleaned_data["file"],
            year=form.cleaned_data["year"],
        )
        if done.saved:
            return redirect(reverse("projects:import_preview", args=[done.value.pk]))
    recent = ProjectImport.objects.select_related("actor")[:10]
    return render(request, "projects/import.html", {"form": form, "recent": recent})


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of an uploaded list: matches (drifted names to confirm), stage moves and problems;
    posting it commits, all or nothing, with the drifted matches ticked."""
    require_officer(request.user)
    batch = ProjectImport.objects.filter(pk=pk).first()
    if batch is None:
        raise NotFound(_("没有这次导入。"))
    data = batch.file.open("rb").read()
    if request.method == "POST" and batch.committed is None:
        accept = [int(n) for n in request.POST.getlist("accept") if n.isdigit()]
        done = form_submit(
            request,
            importer.commit,
            data=data,
            actor=request.user,
            filename=batch.file_name,
            year=batch.year,
            accept=accept,
        )
        if done.saved:
            ProjectImport.objects.filter(pk=batch.pk).update(committed=timezone.now())
            messages.success(request, _("清单已导入。"))
            return redirect(reverse("projects:list"))
        return redirect(reverse("projects:import_preview", args=[batch.pk]))
    if request.method == "POST":
        messages.error(request, _("这份清单已经导入过。"))
        return redirect(reverse("projects:import_preview", args=[batch.pk]))
    result = importer.preview(data, filename=batch.file_name, year=batch.year)
    return render(
        request,
        "projects/import_preview.html",
        {
            "batch": batch,
            "preview": result,
            "counts": result.counts(),
            "stage_labels": dict(Stage.choices),
            "category_labels": dict(Category.choices),
        },
    )


# ---------------------------------------------------------------------------------------------
# 一张图: the project map


@login_required
def project_map(request: HttpRequest) -> HttpResponse:
    """The district map (一张图): the loaded boundary drawn offline, the filtered projects as points
    coloured by stage or light, each clicking through to its project."""
    f = ProjectFilter(request.GET, user=request.user)
    rows = f.rows(_today(request), only=selectors.MAP_FIELDS) if f.is_valid() else []
    loaded = selectors.current_boundary()
    color_by = "light" if request.GET.get("color") == "light" else "stage"
    points = selectors.map_points(rows)
    data = {
        "boundary": loaded.geojson if loaded else None,
        "points": points,
        "color_by": color_by,
        "stages": [{"value": "", "label": _("未进入阶段")}]
        + [{"value": v, "label": str(label)} for v, label in Stage.choices],
        "lights": [{"value": v, "label": str(label)} for v, label in Light.choices],
    }
    context = {
        "form": f.form,
        "map": data,
        # the page's data as json_script writes it, with the boundary's JSON serialised once per
        # boundary (it is the largest part and does not change between requests)
        "map_json": selectors.map_json(data, loaded),
        "boundary_name": loaded.name if loaded else "",
        "map_table": _map_table(data),
        "located": len(points),
        "total": len(rows),
        "color_by": color_by,
        "stages": Stage.choices,
        "categories": Category.choices,
        "chosen_stages": f.cleaned.get("stage", []),
        "officer": context_for(request.user).is_officer,
        "boundary_form": BoundaryForm(),
    }
    return render(request, "projects/map.html", context)


def _map_table(data: dict[str, Any]) -> Any:
    """The map's points as a table: each project links to its page, as a click on its point does."""
    stages = {s["value"]: s["label"] for s in data["stages"]}
    lights = {x["value"]: x["label"] for x in data["lights"]}
    points = data["points"]
    key = "light" if data["color_by"] == "light" else "stage"
    groups = stages if key == "stage" else lights
    counts: dict[str, int] = defaultdict(int)
    for pt in points:
        counts[pt[key] or ""] += 1
    summary = _("重点项目分布图：%(n)s 个项目。") % {"n": len(points)} + _("、").join(
        f"{label} {counts[value]}" for value, label in groups.items() if counts.get(value)
    )
    return chart_table(
        id="table-map",
        caption=_("重点项目分布图"),
        columns=[_("项目名称"), _("阶段"), _("亮灯")],
        rows=[
            [Cell(pt["name"], pt["url"]), stages.get(pt["stage"] or "", "—"), lights.get(pt["light"], "—")]
            for pt in points
        ],
        summary=summary,
    )


@upload_limit()
@login_required
@require_POST
def boundary_upload(request: HttpRequest) -> HttpResponse:
    """Load a district boundary (GeoJSON) for the map, by the office."""
    require_officer(request.user)
    form = BoundaryForm(request.POST, request.FILES)
    if form.is_valid():
        done = form_submit(
            request,
            services.boundary_set,
            actor=request.user,
            name=form.cleaned_data["name"],
            data=form.cleaned_data["file"].read(),
        )
        if done.saved:
            messages.success(request, _("区域边界已导入。"))
    else:
        messages.error(request, _("请填写名称并选择 GeoJSON 文件。"))
    return redirect(reverse("projects:map"))
