"""The key-project part of /api/v1: the project list (the page's filter), one project, the 七个一批
board's figures, a stage met, and problems made tasks in one step. Projects are looked up through `visible_to` (hidden is 404)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.common import ERRORS, Page, caller
from luoshi.api.schemas import Day, FilterErrors, Id, Message, Text, ValidationErrors
from luoshi.errors import InvalidField, NotFound

from . import selectors, services
from .filters import ProjectFilter
from .models import Project, ProjectProblem

router = Router(tags=["projects"])


class ProjectQuery(Schema):
    """Documented here, validated by the shared ProjectFilter (the HTML list uses it too)."""

    q: str | None = Field(None, description="项目名称、编号或历年名称")
    stage: list[str] = Field(
        [], description="可重复：packaged, inviting, signed, landed, started, building, producing, reached"
    )
    category: str | None = Field(None, description="industry, infrastructure, livelihood, reform")
    unit: str | None = Field(None, description="牵头单位 id")
    light: list[str] = Field([], description="可重复：green, yellow, red, done")
    stuck: str | None = Field(None, description="on: 仅卡在阶段超过 90 天的项目")
    protected: str | None = Field(None, description="on: 仅挂牌保护")
    problems: str | None = Field(None, description="on: 仅有未解决问题")


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    category: str
    theme: str
    lead_unit: int | None
    stage: str
    stage_since: date | None
    protected: bool
    total_investment: Decimal
    lat: Decimal | None
    lng: Decimal | None
    light: str
    expected: Decimal
    rate: Decimal | None
    annual_plan: Decimal
    completed: Decimal
    stuck_days: int
    open_problems: int
    version: int = Field(..., description="send it back with an edit: someone who saved first makes it a 409")


class ProjectPage(Schema):
    count: int
    items: list[ProjectOut]


class StageOut(Schema):
    stage: str
    planned: date | None
    met: date | None


class YearOut(Schema):
    year: int
    name: str
    annual_plan: Decimal


class OwnerOut(Schema):
    role: str
    post: int


class ProblemOut(Schema):
    id: int
    title: str
    owner_unit: int
    deadline: date
    task: int | None


class ProjectDetail(ProjectOut):
    stages: list[StageOut]
    years: list[YearOut]
    owners: list[OwnerOut]
    problems: list[ProblemOut]


class StageCount(Schema):
    stage: str
    label: str
    count: int


class Move(Schema):
    id: int
    name: str
    stage: str
    met: date


class Stuck(Schema):
    id: int
    name: str
    stage: str
    days: int


class Money(Schema):
    label: str
    plan: Decimal
    done: Decimal


class CategoryMoney(Money):
    category: str


class UnitMoney(Money):
    unit: int | None


class BoardOut(Schema):
    total: int
    stages: list[StageCount]
    moved_week: list[Move]
    moved_month: list[Move]
    stuck: list[Stuck]
    by_category: list[CategoryMoney]
    by_unit: list[UnitMoney]


class StageMetIn(Schema):
    stage: str = Field(..., max_length=20)
    met: Day
    note: Text = ""
    carried: int | None = Field(
        None, description="an evidence file of the project's task (work evidence id) named as this stage's"
    )


Money14 = Annotated[Decimal, Field(max_digits=14, decimal_places=2, description="万元, not negative")]
Coordinate = Annotated[Decimal, Field(max_digits=9, decimal_places=6)]


class ProjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    code: str = Field(..., min_length=1, max_length=40)
    category: str = Field(
        "", max_length=20, description="industry, infrastructure, livelihood, reform or empty"
    )
    theme: str = Field("", max_length=80)
    lead_unit: Id | None = None
    lat: Coordinate | None = None
    lng: Coordinate | None = None
    protected: bool = False
    total_investment: Money14 = Decimal(0)
    year: int | None = Field(None, ge=1900, le=2999)
    annual_plan: Money14 = Decimal(0)
    plan: Id | None = Field(None, description="the plan of the project's carrying task (项目推进任务)")


class ProjectPatch(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    name: str | None = Field(None, min_length=1, max_length=200)
    category: str | None = Field(None, max_length=20)
    theme: str | None = Field(None, max_length=80)
    lead_unit: Id | None = None
    lat: Coordinate | None = None
    lng: Coordinate | None = None
    protected: bool | None = None
    total_investment: Money14 | None = None


class StagePlanIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    planned: dict[str, Day | None] = Field(..., description="stage → planned date (null clears it)")


class OwnersIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    owners: dict[str, Id | None] = Field(
        ..., description="leader, manager, local_head, department_head → post id (null clears it)"
    )


class ProblemsTasksIn(Schema):
    plan: Id = Field(..., description="the plan (计划) the tasks go into")
    problems: list[Id] = Field(
        ..., min_length=1, max_length=1000, description="ids of open problems (问题清单) the caller may see"
    )


class TasksCreated(Schema):
    count: int
    tasks: list[int]


class StageChangeOut(Schema):
    id: int
    stage: str
    met: date
    note: str
    project_stage: str


def _out(p: Project, s: selectors.Standing) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "category": p.category,
        "theme": p.theme,
        "lead_unit": p.lead_unit_id,
        "stage": p.stage,
        "stage_since": p.stage_since,
        "protected": p.protected,
        "total_investment": p.total_investment,
        "lat": p.lat,
        "lng": p.lng,
        "light": s.light,
        "expected": s.expected,
        "rate": s.rate,
        "annual_plan": s.annual_plan,
        "completed": s.completed,
        "stuck_days": s.stuck_days,
        "open_problems": s.open_problems,
        "version": p.version,
    }


@router.get("/projects", response={200: ProjectPage, 400: FilterErrors, 401: Message, 422: ValidationErrors})
def project_list(request: HttpRequest, filters: Query[ProjectQuery], page: Query[Page]) -> Any:
    """Key projects the caller may see, with their light and investment completion as of today,
    filtered like the project page, paginated by limit/offset."""
    f = ProjectFilter(request.GET, user=caller(request))
    if not f.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in f.form.errors.items()}
        return Status(400, {"detail": _("筛选条件有误。"), "errors": errors})
    rows = f.rows(timezone.localdate())
    return {
        "count": len(rows),
        "items": [_out(p, s) for p, s in rows[page.offset : page.offset + page.limit]],
    }


@router.get("/projects/board", response={200: BoardOut, **ERRORS})
def project_board(request: HttpRequest) -> Any:
    """The 七个一批 board as of today over the projects the caller may see."""
    return selectors.board(Project.objects.visible_to(caller(request)), timezone.localdate())


def _visible(user: Any, project_id: int) -> Project:
    project = Project.objects.visible_to(user).filter(pk=project_id).first()
    if project is None:
        raise NotFound(_("没有这个项目，或您无权查看。"))
    return project


@router.get("/projects/{project_id}", response={200: ProjectDetail, **ERRORS})
def project_detail(request: HttpRequest, project_id: int) -> Any:
    """One project with its stages, yearly entries (former names), 四包一 posts and problems."""
    project = _visible(caller(request), project_id)
    standing = selectors.standings([project], timezone.localdate())[project.pk]
    return {
        **_out(project, standing),
        "stages": list(project.stages.values("stage", "planned", "met")),
        "years": list(project.years.values("year", "name", "annual_plan")),
        "owners": [{"role": r, "post": p} for r, p in project.owners.values_list("role", "post_id")],
        "problems": [
            {"id": i, "title": t, "owner_unit": u, "deadline": d, "task": k}
            for i, t, u, d, k in project.problems.values_list(
                "pk", "title", "owner_unit_id", "deadline", "task_id"
            )
        ],
    }


@router.post("/projects/{project_id}/stages", response={201: StageChangeOut, **ERRORS})
def project_stage_met(request: HttpRequest, project_id: int, payload: StageMetIn) -> Any:
    """Record a stage as met (the office, or the lead unit's reporters and head); a stage met before
    a previous stage, a future date or an unknown stage is a 400 with `field`."""
    user = caller(request)
    project = _visible(user, project_id)
    change = services.stage_met(
        actor=user,
        project=project,
        stage=payload.stage,
        met=payload.met,
        note=payload.note,
        carried=payload.carried,
    )
    project.refresh_from_db()
    return Status(
        201,
        {
            "id": change.pk,
            "stage": change.stage,
            "met": change.met,
            "note": change.note,
            "project_stage": project.stage,
        },
    )


@router.post("/projects/problems/tasks", response={201: TasksCreated, **ERRORS})
def problems_to_tasks(request: HttpRequest, payload: ProblemsTasksIn) -> Any:
    """Turn several open problems into tasks of one plan in one step (the office): all or nothing; a
    problem already a task or past its deadline is a 400 with `field`, an unseen one a 404."""
    from luoshi.work.models import Plan

    user = caller(request)
    visible = ProjectProblem.objects.filter(
        project__in=Project.objects.visible_to(user), pk__in=payload.problems
    )
    if visible.count() != len(set(payload.problems)):
        raise NotFound(_("没有这个问题，或您无权查看。"))
    plan = Plan.objects.filter(pk=payload.plan).first()
    if plan is None:
        raise NotFound(_("没有这个计划。"))
    made = services.problems_to_tasks(actor=user, problems=payload.problems, plan=plan)
    return Status(201, {"count": len(made), "tasks": made})


def _unit(unit_id: int | None) -> Any:
    from luoshi.org.models import Unit

    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise InvalidField(_("没有这个单位。"), field="lead_unit")
    return unit


def _detail(project: Project) -> dict[str, Any]:
    project.refresh_from_db()
    return _out(project, selectors.standings([project], timezone.localdate())[project.pk])


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def project_create(request: HttpRequest, payload: ProjectIn) -> Any:
    """Create a key project (the office); with `plan`, its carrying task in that plan. A negative
    investment, a duplicate code or a half coordinate is a 400 with `field`."""
    from luoshi.work.models import Plan

    data = payload.dict()
    data["lead_unit"] = _unit(data["lead_unit"])
    if data["plan"] is not None:
        data["plan"] = Plan.objects.filter(pk=data["plan"]).first()
        if data["plan"] is None:
            raise InvalidField(_("没有这个计划。"), field="plan")
    project = services.project_create(actor=caller(request), **data)
    return Status(201, _detail(project))


@router.patch("/projects/{project_id}", response={200: ProjectOut, 409: Message, **ERRORS})
def project_update(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    """Edit a project's fields (the office); `version` is the one read: a 409 if someone saved first."""
    user = caller(request)
    project = _visible(user, project_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "lead_unit" in changes:
        changes["lead_unit"] = _unit(changes["lead_unit"])
    return _detail(services.project_update(actor=user, project=project, version=version, **changes))


@router.put("/projects/{project_id}/stage-plan", response={200: ProjectOut, 409: Message, **ERRORS})
def project_stage_plan(request: HttpRequest, project_id: int, payload: StagePlanIn) -> Any:
    """Plan the stages' dates (倒排工期, the office); an unknown stage is a 400, a stale version a 409."""
    user = caller(request)
    project = _visible(user, project_id)
    return _detail(
        services.stage_plan_set(actor=user, project=project, planned=payload.planned, version=payload.version)
    )


@router.put("/projects/{project_id}/owners", response={200: ProjectOut, 409: Message, **ERRORS})
def project_owners(request: HttpRequest, project_id: int, payload: OwnersIn) -> Any:
    """Name the posts of the four owners (四包一, the office); a stale version is a 409."""
    from luoshi.org.models import Post

    user = caller(request)
    project = _visible(user, project_id)
    ids = [i for i in payload.owners.values() if i is not None]
    posts = Post.objects.in_bulk(ids)
    if len(posts) != len(set(ids)):
        raise InvalidField(_("没有这个岗位。"), field="owners")
    chosen = {role: (posts[i] if i is not None else None) for role, i in payload.owners.items()}
    return _detail(services.owners_assign(actor=user, project=project, posts=chosen, version=payload.version))
