"""The JSON API at /api/v1: units, plans, tasks, reports, lights, rollups and personal tokens.

Endpoints stay thin: they look records up through `visible_to(user)` (hidden is 404), call a
service or a selector, and shape the answer with the schemas. Service errors map to HTTP in one
handler: ServiceError 400, PermissionDenied 403, Conflict 409.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, NinjaAPI, Path, Query, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile

from luoshi.lib.limits import MAX_ID, MAX_OFFSET, MAX_SEARCH
from luoshi.org.models import ApiToken, Person, Unit
from luoshi.org.services import OrgError, token_create, token_revoke
from luoshi.work.filters import TaskFilter
from luoshi.work.models import Claim, ClaimKind, ClaimState, Milestone, Report, Task
from luoshi.work.services import (
    Conflict,
    ImplausibleReport,
    InvalidField,
    PermissionDenied,
    ServiceError,
    milestone_claim,
    milestone_confirm,
    milestone_reject,
    report_submit,
    task_claim_approve,
    task_claim_completion,
    task_claim_return,
    task_close_with_children,
    task_confirm_completion,
    task_create,
    task_reject_completion,
    task_update,
)

from . import queries
from .auth import SessionAuth, TokenAuth
from .docs import OfflineSwagger
from .schemas import (
    ClaimDecisionIn,
    ClaimOut,
    Day,
    FilterErrors,
    Message,
    PeriodRollup,
    PlanLights,
    PlanOut,
    PlanPage,
    PlanRollup,
    ReasonIn,
    ReportIn,
    ReportOut,
    ReportPage,
    ReportRefused,
    TaskCreateIn,
    TaskDetail,
    TaskPage,
    TaskPatchIn,
    TokenCreated,
    TokenIn,
    TokenOut,
    UnitOut,
    UnitPage,
    ValidationErrors,
)

MAX_LIMIT = 500

api = NinjaAPI(
    title="Luoshi API",
    version="1",
    # Lazy, so the schema is in the reader's language; ninja only ever turns it into a string.
    description=gettext_lazy(  # type: ignore[arg-type]
        "落实平台接口。认证：请求头 `Authorization: Bearer <令牌>`，或浏览器登录会话（修改类请求需 CSRF 令牌）。"
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs=OfflineSwagger(),
)

# 400 also answers a request holding a NUL character (luoshi.web.badinput); 422 any input that does
# not match the schema: a wrong type, a number, date or length out of range.
ERRORS: dict[int, Any] = {400: Message, 401: Message, 403: Message, 404: Message, 422: ValidationErrors}


def _where(loc: Any) -> str:
    parts = [
        str(p) for p in loc if p not in ("body", "payload", "query", "path", "filters", "params", "page")
    ]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with a readable summary (`detail`) and every refused input (`errors`)."""
    errors = [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    summary = "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in errors[:5])
    detail = _("请求参数有误：%(errors)s") % {"errors": summary}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """Refused use cases: 403 for permission, 409 for a concurrent change, 400 for the rest."""
    if isinstance(exc, Conflict):
        status = 409
    elif isinstance(exc, PermissionDenied):
        status = 403
    else:
        status = 400
    body: dict[str, Any] = {"detail": str(exc)}
    if isinstance(exc, InvalidField):
        body["field"] = exc.field
    if isinstance(exc, ImplausibleReport):
        # Send again with `acknowledge_warnings: true` to file the figure anyway.
        body["warnings"] = exc.warnings
        body["previous"] = None if exc.previous is None else float(exc.previous)
    return api.create_response(request, body, status=status)


@api.exception_handler(OrgError)
def org_error(request: HttpRequest, exc: OrgError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


class Page(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _page(qs: Any, page: Page) -> dict[str, Any]:
    return {"count": qs.count(), "items": list(qs[page.offset : page.offset + page.limit])}


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _lookup(qs: Any, pk: int | None, label: str) -> Any:
    """A record named by id in a request body; an unknown id is a 400 with the field named."""
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ServiceError(_("%(label)s 不存在：%(id)s") % {"label": label, "id": pk})
    return obj


def _units(ids: list[int]) -> list[Unit]:
    units = list(Unit.objects.filter(pk__in=ids))
    missing = set(ids) - {u.pk for u in units}
    if missing:
        raise ServiceError(_("单位不存在：%(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))})
    return units


# ----------------------------------------------------------------------------------------------
# Units


class UnitQuery(Schema):
    category: str | None = Field(None, max_length=20)
    parent: int | None = Field(None, ge=1, le=MAX_ID)
    q: str = Field("", max_length=MAX_SEARCH, description="名称、简称、别名、拼音或首字母")


@api.get("/units", response={200: UnitPage, **ERRORS}, tags=["units"])
def unit_list(request: HttpRequest, filters: Query[UnitQuery], page: Query[Page]) -> Any:
    """Units of the organisation tree, filtered by category, parent and text (incl. pinyin)."""
    qs = Unit.objects.visible_to(_user(request))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    for term in filters.q.lower().split():
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(short_name__icontains=term)
            | Q(aliases__icontains=term)
            | Q(code__iexact=term)
            | Q(pinyin__contains=term)
            | Q(initials__contains=term)
        )
    return _page(qs.order_by("path"), page)


@api.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, tags=["units"])
def unit_detail(request: HttpRequest, unit_id: int) -> Any:
    return get_object_or_404(Unit.objects.visible_to(_user(request)), pk=unit_id)


# ----------------------------------------------------------------------------------------------
# Plans, lights and rollups


@api.get("/plans", response={200: PlanPage, **ERRORS}, tags=["plans"])
def plan_list(request: HttpRequest, page: Query[Page]) -> Any:
    """Plans holding at least one task the caller may see (all plans for the supervision office)."""
    return _page(queries.plans_visible_to(_user(request)).order_by("-year", "name", "id"), page)


@api.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, tags=["plans"])
def plan_detail(request: HttpRequest, plan_id: int) -> Any:
    return get_object_or_404(queries.plans_visible_to(_user(request)), pk=plan_id)


class LightsQuery(Schema):
    on: Day | None = Field(
        None, alias="date", description="YYYY-MM-DD (1900-01-01 … 2999-12-31), default today"
    )


class RollupQuery(Schema):
    depth: int | None = Field(
        None, ge=0, le=1000, description="only tasks at this depth of the tree (0 = top)"
    )


class PeriodPath(Schema):
    plan_id: int
    period_end: Day


@api.get("/plans/{plan_id}/lights", response={200: PlanLights, **ERRORS}, tags=["plans"])
def plan_lights(request: HttpRequest, plan_id: int, params: Query[LightsQuery]) -> Any:
    """Lights of the plan's visible tasks as of `date` (default today), computed by the light engine."""
    user = _user(request)
    plan = get_object_or_404(queries.plans_visible_to(user), pk=plan_id)
    day = params.on or timezone.localdate()
    rows, counts = queries.plan_lights(user, plan, day)
    return {"plan_id": plan.pk, "date": day, "counts": counts, "items": rows}


@api.get("/plans/{plan_id}/rollup", response={200: PlanRollup, **ERRORS}, tags=["plans"])
def plan_rollup(request: HttpRequest, plan_id: int, params: Query[RollupQuery]) -> Any:
    """Stored lights rolled up per lead unit (with weighted mean progress) and per tree depth."""
    user = _user(request)
    plan = get_object_or_404(queries.plans_visible_to(user), pk=plan_id)
    return queries.plan_rollup(user, plan, depth=params.depth)


@api.get("/plans/{plan_id}/periods/{period_end}", response={200: PeriodRollup, **ERRORS}, tags=["plans"])
def plan_period(request: HttpRequest, path: Path[PeriodPath]) -> Any:
    """One reporting period (its end date, e.g. 2026-10-31): per lead unit, open tasks, how many
    reported, how many were late, and the mean reported percent."""
    user = _user(request)
    plan = get_object_or_404(queries.plans_visible_to(user), pk=path.plan_id)
    return queries.period_rollup(user, plan, path.period_end)


# ----------------------------------------------------------------------------------------------
# Tasks


class TaskQuery(Schema):
    """Documented here, validated by the shared TaskFilter (the HTML list and the export use it too)."""

    plan: str | None = None
    unit: str | None = Field(None, description="单位（含下级单位），牵头或配合")
    leader: str | None = None
    person: str | None = None
    parent: str | None = None
    light: list[str] = Field([], description="可重复：not_started, green, yellow, red, overdue, done")
    status: list[str] = Field(
        [], description="可重复：draft, in_progress, claimed, closed, suspended, cancelled"
    )
    due_from: str | None = Field(None, description="YYYY-MM-DD")
    due_to: str | None = Field(None, description="YYYY-MM-DD")
    q: str | None = Field(None, description="任务名称、编号、牵头单位；支持拼音和首字母")
    open: str | None = Field(None, description="true: 仅未销号")
    sort: str | None = Field(None, description="due, -due, light, actual, -actual, lag, slack, title, code")


def _task_rows(qs: Any) -> Any:
    return qs.select_related("lead_unit", "responsible_leader", "responsible_person")


def _visible_task(user: Any, task_id: int) -> Task:
    return get_object_or_404(Task.objects.visible_to(user), pk=task_id)


def _task_detail(user: Any, task_id: int) -> Task:
    qs = _task_rows(Task.objects.visible_to(user)).prefetch_related("milestones", "co_units")
    task: Task = get_object_or_404(qs, pk=task_id)
    children = Task.objects.visible_to(user).filter(parent_id=task.pk).values("light").annotate(n=Count("id"))
    task.children_lights = {row["light"]: row["n"] for row in children}  # type: ignore[attr-defined]
    return task


@api.get(
    "/tasks", response={200: TaskPage, 400: FilterErrors, 401: Message, 422: ValidationErrors}, tags=["tasks"]
)
def task_list(request: HttpRequest, filters: Query[TaskQuery], page: Query[Page]) -> Any:
    """Tasks the caller may see, filtered by the shared TaskFilter, paginated by limit/offset."""
    f = TaskFilter(request.GET, user=_user(request))
    if not f.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in f.errors.items()}
        return Status(400, {"detail": _("筛选条件有误。"), "errors": errors})
    return _page(_task_rows(f.qs), page)


@api.get("/tasks/{task_id}", response={200: TaskDetail, **ERRORS}, tags=["tasks"])
def task_detail(request: HttpRequest, task_id: int) -> Any:
    """One task with milestones, co-units and how many of its children have each light."""
    return _task_detail(_user(request), task_id)


@api.post("/tasks", response={201: TaskDetail, **ERRORS}, tags=["tasks"])
def task_add(request: HttpRequest, payload: TaskCreateIn) -> Any:
    """Create a task (supervision office only)."""
    user = _user(request)
    data = payload.dict()
    plan = _lookup(queries.plans_visible_to(user), data.pop("plan"), _("计划"))
    fields: dict[str, Any] = {
        "lead_unit": _lookup(Unit.objects.all(), data.pop("lead_unit"), _("牵头单位")),
        "parent": _lookup(Task.objects.visible_to(user), data.pop("parent"), _("上级任务")),
        "responsible_leader": _lookup(Person.objects.all(), data.pop("responsible_leader"), _("责任领导")),
        "responsible_person": _lookup(Person.objects.all(), data.pop("responsible_person"), _("责任人")),
        "co_units": _units(data.pop("co_units")),
        "milestones": [(m["title"], m["due"]) for m in data.pop("milestones")],
        "monthly_plan": {k: str(v) for k, v in data.pop("monthly_plan").items()},
        "assigned_on": data.pop("assigned_on") or timezone.localdate(),
    }
    task = task_create(actor=user, plan=plan, **data, **fields)
    return Status(201, _task_detail(user, task.pk))


def _task_changes(user: Any, payload: TaskPatchIn) -> tuple[int, dict[str, Any], list[Unit] | None]:
    """(version, field changes with ids resolved to records, co-units or None) from a PATCH body."""
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    lookups = {
        "lead_unit": (Unit.objects.all(), _("牵头单位")),
        "parent": (Task.objects.visible_to(user), _("上级任务")),
        "responsible_leader": (Person.objects.all(), _("责任领导")),
        "responsible_person": (Person.objects.all(), _("责任人")),
    }
    for name, (qs, label) in lookups.items():
        if name in changes:
            changes[name] = _lookup(qs, changes[name], label)
    for name in (
        "title",
        "lead_unit",
        "start",
        "due",
        "weight",
        "source",
        "direction",
        "is_public",
        "cadence",
    ):
        if name in changes and changes[name] is None:
            label = getattr(Task._meta.get_field(name), "verbose_name", name)
            raise ServiceError(_("%(f)s 不能为空。") % {"f": label})
    for name in ("description", "source_ref", "deadline_text", "metric_name", "metric_unit", "code"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "monthly_plan" in changes:
        changes["monthly_plan"] = {k: str(v) for k, v in (changes["monthly_plan"] or {}).items()}
    co_units = _units(changes.pop("co_units") or []) if "co_units" in changes else None
    return version, changes, co_units


@api.patch("/tasks/{task_id}", response={200: TaskDetail, 409: Message, **ERRORS}, tags=["tasks"])
def task_change(request: HttpRequest, task_id: int, payload: TaskPatchIn) -> Any:
    """Change the fields sent; `version` must be the task's current version, or the answer is 409."""
    user = _user(request)
    task = _visible_task(user, task_id)
    if not Task.objects.editable_by(user).filter(pk=task.pk).exists():
        raise PermissionDenied(_("您可以查看该任务，但不能修改。"))
    version, changes, co_units = _task_changes(user, payload)
    task_update(actor=user, task=task, version=version, co_units=co_units, **changes)
    return _task_detail(user, task.pk)


# ----------------------------------------------------------------------------------------------
# Reports


@api.get("/tasks/{task_id}/reports", response={200: ReportPage, **ERRORS}, tags=["reports"])
def report_list(request: HttpRequest, task_id: int, page: Query[Page]) -> Any:
    """The task's reports the caller may see, newest first (pending ones only inside the unit)."""
    user = _user(request)
    task = _visible_task(user, task_id)
    qs = Report.objects.visible_to(user).filter(task=task).prefetch_related("evidence")
    return _page(qs.order_by("-reported_on", "-id"), page)


@api.post(
    "/tasks/{task_id}/reports", response={201: ReportOut, **ERRORS, 400: ReportRefused}, tags=["reports"]
)
def report_add(request: HttpRequest, task_id: int, payload: ReportIn) -> Any:
    """File a progress report; `corrects` names the report this one corrects.

    `period_end` must be one of the task's period ends (or its due date), of a period begun by
    today; a refusal is a 400 with `field`. A figure that looks like a mistake (a cumulative value
    that drops, a tenfold change, far beyond target) is a 400 with `warnings` and `previous`: send
    it again with `acknowledge_warnings: true` to file it anyway."""
    user = _user(request)
    task = _visible_task(user, task_id)
    corrects = _lookup(Report.objects.visible_to(user).filter(task=task), payload.corrects, _("被更正的填报"))
    report = report_submit(
        actor=user,
        task=task,
        percent=payload.percent,
        value=payload.value,
        narrative=payload.narrative,
        problems=payload.problems,
        next_steps=payload.next_steps,
        no_change=payload.no_change,
        period=payload.period_end,
        corrects=corrects,
        acknowledge_warnings=payload.acknowledge_warnings,
    )
    return Status(201, Report.objects.prefetch_related("evidence").get(pk=report.pk))


# ----------------------------------------------------------------------------------------------
# Completion claims (完成申请) and milestone claims (节点完成)


def _visible_claims(user: Any) -> Any:
    return Claim.objects.visible_to(user).prefetch_related("evidence")


def _claim_out(claim: Claim) -> Claim:
    return Claim.objects.prefetch_related("evidence").get(pk=claim.pk)


@api.get("/tasks/{task_id}/claims", response={200: list[ClaimOut], **ERRORS}, tags=["claims"])
def claim_list(request: HttpRequest, task_id: int) -> Any:
    """The task's completion and milestone claims the caller may see, newest first."""
    user = _user(request)
    task = _visible_task(user, task_id)
    return list(_visible_claims(user).filter(task=task).order_by("-created", "-id"))


@api.post("/tasks/{task_id}/claim", response={201: ClaimOut, **ERRORS}, tags=["claims"])
def claim_add(
    request: HttpRequest,
    task_id: int,
    note: Form[str] = "",
    value: Form[Decimal | None] = None,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Claim completion (multipart form): `note`, for a measure the final `value`, evidence `files`.

    Goes to the unit head first where the plan needs head approval, then to the office."""
    user = _user(request)
    task = _visible_task(user, task_id)
    task_claim_completion(actor=user, task=task, note=note, value=value, files=files or [])
    claim = Claim.objects.filter(task=task, kind=ClaimKind.COMPLETION, author=user).order_by("-id").first()
    return Status(201, _claim_out(claim))


@api.post("/milestones/{milestone_id}/claim", response={201: ClaimOut, **ERRORS}, tags=["claims"])
def milestone_claim_add(
    request: HttpRequest,
    milestone_id: int,
    met_on: Form[date],
    note: Form[str] = "",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Report a milestone met on `met_on` with evidence `files` (multipart form), for the office to confirm."""
    user = _user(request)
    milestone = get_object_or_404(
        Milestone.objects.filter(task__in=Task.objects.visible_to(user)), pk=milestone_id
    )
    claim = milestone_claim(actor=user, milestone=milestone, met_on=met_on, note=note, files=files or [])
    return Status(201, _claim_out(claim))


def _claim(user: Any, claim_id: int) -> Claim:
    return get_object_or_404(_visible_claims(user).select_related("task"), pk=claim_id)


@api.post("/claims/{claim_id}/approve", response={200: ClaimOut, 409: Message, **ERRORS}, tags=["claims"])
def claim_approve(request: HttpRequest, claim_id: int) -> Any:
    """The unit head lets a completion claim go up to the office."""
    user = _user(request)
    return _claim_out(task_claim_approve(actor=user, claim=_claim(user, claim_id)))


@api.post("/claims/{claim_id}/return", response={200: ClaimOut, 409: Message, **ERRORS}, tags=["claims"])
def claim_return(request: HttpRequest, claim_id: int, payload: ReasonIn) -> Any:
    """The unit head sends a completion claim back, with a reason."""
    user = _user(request)
    return _claim_out(task_claim_return(actor=user, claim=_claim(user, claim_id), reason=payload.reason))


def _submitted(claim: Claim) -> None:
    if claim.state != ClaimState.SUBMITTED:
        raise Conflict(
            _("该申请已被处理。") if claim.state != ClaimState.PENDING else _("该申请尚待单位负责人审核。")
        )


@api.post("/claims/{claim_id}/confirm", response={200: ClaimOut, 409: Message, **ERRORS}, tags=["claims"])
def claim_confirm(request: HttpRequest, claim_id: int, payload: ClaimDecisionIn) -> Any:
    """The office confirms a claim: a completion closes the task (销号), a milestone is met."""
    user = _user(request)
    claim = _claim(user, claim_id)
    if claim.kind == ClaimKind.MILESTONE:
        return _claim_out(milestone_confirm(actor=user, claim=claim, note=payload.note))
    _submitted(claim)
    task_confirm_completion(actor=user, task=claim.task, note=payload.note)
    return _claim_out(claim)


@api.post("/claims/{claim_id}/reject", response={200: ClaimOut, 409: Message, **ERRORS}, tags=["claims"])
def claim_reject(request: HttpRequest, claim_id: int, payload: ReasonIn) -> Any:
    """The office sends a claim back with a reason."""
    user = _user(request)
    claim = _claim(user, claim_id)
    if claim.kind == ClaimKind.MILESTONE:
        return _claim_out(milestone_reject(actor=user, claim=claim, reason=payload.reason))
    _submitted(claim)
    task_reject_completion(actor=user, task=claim.task, reason=payload.reason)
    return _claim_out(claim)


@api.post(
    "/tasks/{task_id}/close-together", response={200: TaskDetail, 409: Message, **ERRORS}, tags=["claims"]
)
def task_close_together(request: HttpRequest, task_id: int, payload: ReasonIn) -> Any:
    """The office closes a task together with its open subtasks (一并销号), with a reason."""
    user = _user(request)
    task_close_with_children(actor=user, task=_visible_task(user, task_id), reason=payload.reason)
    return _task_detail(user, task_id)


# ----------------------------------------------------------------------------------------------
# Tokens


@api.get("/tokens", response={200: list[TokenOut], **ERRORS}, tags=["tokens"])
def token_list(request: HttpRequest) -> Any:
    """The caller's own API tokens (never their values)."""
    return ApiToken.objects.filter(user=_user(request)).order_by("-created", "-id")


@api.post("/tokens", response={201: TokenCreated, **ERRORS}, tags=["tokens"])
def token_add(request: HttpRequest, payload: TokenIn) -> Any:
    """Issue a token for the caller; its value is shown in this answer only."""
    user = _user(request)
    token, raw = token_create(actor=user, user=user, name=payload.name)
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created": token.created,
            "revoked": token.revoked,
            "token": raw,
        },
    )


@api.delete("/tokens/{token_id}", response={204: None, **ERRORS}, tags=["tokens"])
def token_remove(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of the caller's own tokens."""
    user = _user(request)
    token = get_object_or_404(ApiToken.objects.filter(user=user), pk=token_id)
    if token.revoked is None:
        token_revoke(actor=user, token=token)
    return Status(204, None)
