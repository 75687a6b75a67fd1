"""The work part of /api/v1: plans with their lights and rollups, tasks, reports, completion and
milestone claims.

Endpoints stay thin: they look records up through `visible_to(user)` (hidden is 404), call a
service or a selector, and shape the answer with the schemas.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from luoshi.api.common import ERRORS, Page, caller, lookup, paginate, paginate_estimated
from luoshi.api.schemas import (
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
    PlanTimeliness,
    ReasonIn,
    ReportIn,
    ReportOut,
    ReportPage,
    ReportRefused,
    TaskCreateIn,
    TaskDetail,
    TaskPage,
    TaskPatchIn,
    ValidationErrors,
)
from luoshi.errors import Conflict, LuoshiError, NotAllowed
from luoshi.org.access import context_for
from luoshi.org.models import Person, Unit
from luoshi.work import selectors_plan
from luoshi.work.filters import TaskFilter
from luoshi.work.models import Claim, ClaimKind, ClaimState, Milestone, Plan, Report, Task
from luoshi.work.services import (
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

router = Router(tags=["work"])


def _units(ids: list[int]) -> list[Unit]:
    units = list(Unit.objects.filter(pk__in=ids))
    missing = set(ids) - {u.pk for u in units}
    if missing:
        raise LuoshiError(_("单位不存在：%(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))})
    return units


# ----------------------------------------------------------------------------------------------
# Plans, lights and rollups


@router.get("/plans", response={200: PlanPage, **ERRORS})
def plan_list(request: HttpRequest, page: Query[Page]) -> Any:
    """Plans holding at least one task the caller may see (all plans for the supervision office)."""
    return paginate(Plan.objects.visible_to(caller(request)).order_by("-year", "name", "id"), page)


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS})
def plan_detail(request: HttpRequest, plan_id: int) -> Any:
    return get_object_or_404(Plan.objects.visible_to(caller(request)), pk=plan_id)


class LightsQuery(Schema):
    on: Day | None = Field(
        None, alias="date", description="YYYY-MM-DD (1900-01-01 … 2999-12-31), default today"
    )


class RollupQuery(Schema):
    depth: int | None = Field(
        None, ge=0, le=1000, description="only tasks at this depth of the tree (0 = top)"
    )


class TimelinessQuery(Schema):
    start: Day | None = Field(
        None, description="first deadline counted, YYYY-MM-DD; default the plan's start"
    )
    end: Day | None = Field(None, description="last deadline counted, YYYY-MM-DD; default today")


class PeriodPath(Schema):
    plan_id: int
    period_end: Day


@router.get("/plans/{plan_id}/lights", response={200: PlanLights, **ERRORS})
def plan_lights(request: HttpRequest, plan_id: int, params: Query[LightsQuery]) -> Any:
    """Lights of the plan's visible tasks as of `date` (default today), computed by the light engine."""
    user = caller(request)
    plan = get_object_or_404(Plan.objects.visible_to(user), pk=plan_id)
    day = params.on or timezone.localdate()
    rows, counts = selectors_plan.plan_lights(user, plan, day)
    return {"plan_id": plan.pk, "date": day, "counts": counts, "items": rows}


@router.get("/plans/{plan_id}/rollup", response={200: PlanRollup, **ERRORS})
def plan_rollup(request: HttpRequest, plan_id: int, params: Query[RollupQuery]) -> Any:
    """Stored lights rolled up per lead unit (with weighted mean progress) and per tree depth."""
    user = caller(request)
    plan = get_object_or_404(Plan.objects.visible_to(user), pk=plan_id)
    return selectors_plan.plan_rollup(user, plan, depth=params.depth)


@router.get("/plans/{plan_id}/periods/{period_end}", response={200: PeriodRollup, **ERRORS})
def plan_period(request: HttpRequest, path: Path[PeriodPath]) -> Any:
    """One reporting period (its end date, e.g. 2026-10-31): per lead unit, open tasks, how many
    reported, how many were late, and the mean reported percent."""
    user = caller(request)
    plan = get_object_or_404(Plan.objects.visible_to(user), pk=path.plan_id)
    return selectors_plan.period_rollup(user, plan, path.period_end)


@router.get("/plans/{plan_id}/timeliness", response={200: PlanTimeliness, **ERRORS})
def plan_timeliness(request: HttpRequest, plan_id: int, params: Query[TimelinessQuery]) -> Any:
    """Reporting timeliness (报送及时性) per lead unit for the reports due from `start` to `end`: reports
    owed, not filed by the deadline (迟报（填报）), filed in time but approved after it (迟审（审核）),
    and counted late under the plan's `late_approval_counts` — the figures assessment reads."""
    user = caller(request)
    plan = get_object_or_404(Plan.objects.visible_to(user), pk=plan_id)
    start = params.start or plan.start
    end = params.end or timezone.localdate()
    return selectors_plan.plan_timeliness(user, plan, start=start, end=end)


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


def _task_for_filing(user: Any, task_id: int) -> Task:
    """The task a report is filed for. Its own unit's reporters and heads see it, so for them one
    plain query stands in for the visibility query; anyone else gets `_visible_task`'s 404 or the
    task (and the service's refusal when they may not file)."""
    ctx = context_for(user)
    mine = ctx.reporter_unit_ids | ctx.head_unit_ids
    task = Task.objects.filter(pk=task_id, lead_unit_id__in=mine).first() if mine else None
    return task if task is not None else _visible_task(user, task_id)


def _filed(user: Any, task_id: int, **kwargs: Any) -> Report:
    """`report_submit` on the task named by id. The service reads the task and refuses whoever may
    not file before anything else, so no read of our own comes first; a refusal or a task that does
    not exist becomes `_visible_task`'s 404 for whoever cannot see the task, as a read would."""
    try:
        return report_submit(actor=user, task=Task(pk=task_id), **kwargs)
    except (Task.DoesNotExist, NotAllowed):
        _visible_task(user, task_id)
        raise


def _task_detail(user: Any, task_id: int) -> Task:
    qs = _task_rows(Task.objects.visible_to(user)).prefetch_related("milestones", "co_units")
    task: Task = get_object_or_404(qs, pk=task_id)
    children = Task.objects.visible_to(user).filter(parent_id=task.pk).values("light").annotate(n=Count("id"))
    task.children_lights = {row["light"]: row["n"] for row in children}  # type: ignore[attr-defined]
    return task


@router.get("/tasks", response={200: TaskPage, 400: FilterErrors, 401: Message, 422: ValidationErrors})
def task_list(request: HttpRequest, filters: Query[TaskQuery], page: Query[Page]) -> Any:
    """Tasks the caller may see, filtered by the shared TaskFilter, paginated by limit/offset."""
    f = TaskFilter(request.GET, user=caller(request))
    if not f.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in f.errors.items()}
        return Status(400, {"detail": _("筛选条件有误。"), "errors": errors})
    if f.cleaned.get("q"):  # the matches ranked by id alone, then the page's rows with their joins
        return paginate_estimated(f.qs, page, rows=lambda ids: _task_rows(Task.objects.filter(pk__in=ids)))
    return paginate_estimated(_task_rows(f.qs), page)


@router.get("/tasks/{task_id}", response={200: TaskDetail, **ERRORS})
def task_detail(request: HttpRequest, task_id: int) -> Any:
    """One task with milestones, co-units and how many of its children have each light."""
    return _task_detail(caller(request), task_id)


@router.post("/tasks", response={201: TaskDetail, **ERRORS})
def task_add(request: HttpRequest, payload: TaskCreateIn) -> Any:
    """Create a task (supervision office only)."""
    user = caller(request)
    data = payload.dict()
    plan = lookup(Plan.objects.visible_to(user), data.pop("plan"), _("计划"))
    fields: dict[str, Any] = {
        "lead_unit": lookup(Unit.objects.all(), data.pop("lead_unit"), _("牵头单位")),
        "parent": lookup(Task.objects.visible_to(user), data.pop("parent"), _("上级任务")),
        "responsible_leader": lookup(Person.objects.all(), data.pop("responsible_leader"), _("责任领导")),
        "responsible_person": lookup(Person.objects.all(), data.pop("responsible_person"), _("责任人")),
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
            changes[name] = lookup(qs, changes[name], label)
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
            raise LuoshiError(_("%(f)s 不能为空。") % {"f": label})
    for name in ("description", "source_ref", "deadline_text", "metric_name", "metric_unit", "code"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "monthly_plan" in changes:
        changes["monthly_plan"] = {k: str(v) for k, v in (changes["monthly_plan"] or {}).items()}
    co_units = _units(changes.pop("co_units") or []) if "co_units" in changes else None
    return version, changes, co_units


@router.patch("/tasks/{task_id}", response={200: TaskDetail, 409: Message, **ERRORS})
def task_change(request: HttpRequest, task_id: int, payload: TaskPatchIn) -> Any:
    """Change the fields sent; `version` must be the task's current version, or the answer is 409."""
    user = caller(request)
    task = _visible_task(user, task_id)
    if not Task.objects.editable_by(user).filter(pk=task.pk).exists():
        raise NotAllowed(_("您可以查看该任务，但不能修改。"))
    version, changes, co_units = _task_changes(user, payload)
    task_update(actor=user, task=task, version=version, co_units=co_units, **changes)
    return _task_detail(user, task.pk)


# ----------------------------------------------------------------------------------------------
# Reports


@router.get("/tasks/{task_id}/reports", response={200: ReportPage, **ERRORS})
def report_list(request: HttpRequest, task_id: int, page: Query[Page]) -> Any:
    """The task's reports the caller may see, newest first (pending ones only inside the unit)."""
    user = caller(request)
    task = _visible_task(user, task_id)
    qs = Report.objects.visible_to(user).filter(task=task).prefetch_related("evidence")
    return paginate(qs.order_by("-reported_on", "-id"), page)


@router.post("/tasks/{task_id}/reports", response={201: ReportOut, **ERRORS, 400: ReportRefused})
def report_add(request: HttpRequest, task_id: int, payload: ReportIn) -> Any:
    """File a progress report; `corrects` names the report this one corrects.

    `period_end` must be one of the task's period ends (or its due date), of a period begun by
    today; a refusal is a 400 with `field`. `reported_on` back-fills a paper report with the day it
    was made (in the period, not in the future; else a 400 with `field: reported_on`). A figure that looks like a mistake (a cumulative value
    that drops, a tenfold change, far beyond target) is a 400 with `warnings` and `previous`: send
    it again with `acknowledge_warnings: true` to file it anyway."""
    user = caller(request)
    fields: dict[str, Any] = dict(
        percent=payload.percent,
        value=payload.value,
        narrative=payload.narrative,
        problems=payload.problems,
        next_steps=payload.next_steps,
        no_change=payload.no_change,
        period=payload.period_end,
        acknowledge_warnings=payload.acknowledge_warnings,
        made_on=payload.reported_on,
    )
    if payload.corrects is None:
        report = _filed(user, task_id, **fields)
    else:
        task = _task_for_filing(user, task_id)
        corrects = lookup(
            Report.objects.visible_to(user).filter(task=task), payload.corrects, _("被更正的填报")
        )
        report = report_submit(actor=user, task=task, corrects=corrects, **fields)
    # The saved report as stored (its figures rounded as the columns keep them), with no files: a
    # JSON report carries none, so nothing needs reading back.
    report._prefetched_objects_cache = {"evidence": report.evidence.none()}  # type: ignore[attr-defined]
    return Status(201, report)


# ----------------------------------------------------------------------------------------------
# Completion claims (完成申请) and milestone claims (节点完成)


def _visible_claims(user: Any) -> Any:
    return Claim.objects.visible_to(user).prefetch_related("evidence")


def _claim_out(claim: Claim) -> Claim:
    return Claim.objects.prefetch_related("evidence").get(pk=claim.pk)


@router.get("/tasks/{task_id}/claims", response={200: list[ClaimOut], **ERRORS})
def claim_list(request: HttpRequest, task_id: int) -> Any:
    """The task's completion and milestone claims the caller may see, newest first."""
    user = caller(request)
    task = _visible_task(user, task_id)
    return list(_visible_claims(user).filter(task=task).order_by("-created", "-id"))


@router.post("/tasks/{task_id}/claim", response={201: ClaimOut, **ERRORS})
def claim_add(
    request: HttpRequest,
    task_id: int,
    note: Form[str] = "",
    value: Form[Decimal | None] = None,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Claim completion (multipart form): `note`, for a measure the final `value`, evidence `files`.

    Goes to the unit head first where the plan needs head approval, then to the office."""
    user = caller(request)
    task = _visible_task(user, task_id)
    task_claim_completion(actor=user, task=task, note=note, value=value, files=files or [])
    claim = Claim.objects.filter(task=task, kind=ClaimKind.COMPLETION, author=user).latest("id")
    return Status(201, _claim_out(claim))


@router.post("/milestones/{milestone_id}/claim", response={201: ClaimOut, **ERRORS})
def milestone_claim_add(
    request: HttpRequest,
    milestone_id: int,
    met_on: Form[date],
    note: Form[str] = "",
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Report a milestone met on `met_on` with evidence `files` (multipart form), for the office to confirm."""
    user = caller(request)
    milestone = get_object_or_404(Milestone.objects.visible_to(user), pk=milestone_id)
    claim = milestone_claim(actor=user, milestone=milestone, met_on=met_on, note=note, files=files or [])
    return Status(201, _claim_out(claim))


def _claim(user: Any, claim_id: int) -> Claim:
    claim: Claim = get_object_or_404(_visible_claims(user).select_related("task"), pk=claim_id)
    return claim


@router.post("/claims/{claim_id}/approve", response={200: ClaimOut, 409: Message, **ERRORS})
def claim_approve(request: HttpRequest, claim_id: int) -> Any:
    """The unit head lets a completion claim go up to the office."""
    user = caller(request)
    return _claim_out(task_claim_approve(actor=user, claim=_claim(user, claim_id)))


@router.post("/claims/{claim_id}/return", response={200: ClaimOut, 409: Message, **ERRORS})
def claim_return(request: HttpRequest, claim_id: int, payload: ReasonIn) -> Any:
    """The unit head sends a completion claim back, with a reason."""
    user = caller(request)
    return _claim_out(task_claim_return(actor=user, claim=_claim(user, claim_id), reason=payload.reason))


def _submitted(claim: Claim) -> None:
    if claim.state != ClaimState.SUBMITTED:
        raise Conflict(
            _("该申请已被处理。") if claim.state != ClaimState.PENDING else _("该申请尚待单位负责人审核。")
        )


def _decide_claim(
    request: HttpRequest, claim_id: int, on_milestone: Any, on_completion: Any, **kwargs: Any
) -> Any:
    """The office decides a claim: a milestone's by its own service, a completion's through its task."""
    user = caller(request)
    claim = _claim(user, claim_id)
    if claim.kind == ClaimKind.MILESTONE:
        return _claim_out(on_milestone(actor=user, claim=claim, **kwargs))
    _submitted(claim)
    on_completion(actor=user, task=claim.task, **kwargs)
    return _claim_out(claim)


@router.post("/claims/{claim_id}/confirm", response={200: ClaimOut, 409: Message, **ERRORS})
def claim_confirm(request: HttpRequest, claim_id: int, payload: ClaimDecisionIn) -> Any:
    """The office confirms a claim: a completion closes the task (销号), a milestone is met."""
    return _decide_claim(request, claim_id, milestone_confirm, task_confirm_completion, note=payload.note)


@router.post("/claims/{claim_id}/reject", response={200: ClaimOut, 409: Message, **ERRORS})
def claim_reject(request: HttpRequest, claim_id: int, payload: ReasonIn) -> Any:
    """The office sends a claim back with a reason."""
    return _decide_claim(request, claim_id, milestone_reject, task_reject_completion, reason=payload.reason)


@router.post("/tasks/{task_id}/close-together", response={200: TaskDetail, 409: Message, **ERRORS})
def task_close_together(request: HttpRequest, task_id: int, payload: ReasonIn) -> Any:
    """The office closes a task together with its open subtasks (一并销号), with a reason."""
    user = caller(request)
    task_close_with_children(actor=user, task=_visible_task(user, task_id), reason=payload.reason)
    return _task_detail(user, task_id)
