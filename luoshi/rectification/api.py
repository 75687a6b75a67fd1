"""The rectification router of the JSON API: rounds with their figures, problems (paginated), and
the sign-off actions (apply with evidence, approve or return a step, reopen after re-inspection)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Id

from . import rules, selectors, services
from .models import Problem, Round, SignOff, StepChoice

router = Router(tags=["rectification"])

MAX_ID = 2**31 - 1


class SummaryOut(Schema):
    total: int
    done: int = Field(..., description="signed off by the inspection office (已销号)")
    in_progress: int = Field(..., description="not signed off, deadline not passed (整改中)")
    not_done: int = Field(..., description="not signed off, deadline passed (未完成)")
    rate: Decimal = Field(..., description="done over total in percent, two decimals")
    money_involved: Decimal = Field(..., description="money involved, 万元")
    money_recovered: Decimal = Field(..., description="money recovered, 万元")


def _summary(s: rules.Summary) -> dict[str, Any]:
    return {
        "total": s.total,
        "done": s.done,
        "in_progress": s.in_progress,
        "not_done": s.not_done,
        "rate": s.rate,
        "money_involved": s.money_involved,
        "money_recovered": s.money_recovered,
    }


class RoundOut(Schema):
    id: int
    kind: str = Field(..., description="patrol (巡察), audit (审计) or inspection (督察)")
    name: str
    body: str = Field(..., description="the inspecting body (检查机关)")
    start: date
    end: date
    feedback: date | None
    plan_id: int = Field(..., description="the plan holding the round's measures (tasks)")
    summary: SummaryOut


class RoundPage(Schema):
    count: int
    items: list[RoundOut]


class UnitSummaryOut(Schema):
    unit_id: int
    unit: str
    summary: SummaryOut


class ProblemOut(Schema):
    id: int
    round_id: int
    number: str
    text: str
    category: str
    responsible_unit_id: int
    responsible_leader_id: int | None
    deadline: date
    kind: str = Field(..., description="immediate (立行立改) or long_term (长期整改)")
    mechanism: str = Field(..., description="the lasting mechanism (长效机制) of a long-term problem")
    stage: str = Field(..., description="open, unit_head, leader, office (waiting for that step) or done")
    state: str = Field(..., description="done, in_progress or not_done as of today")
    money_involved: Decimal
    money_recovered: Decimal
    measure_count: int


class ProblemPage(Schema):
    count: int
    items: list[ProblemOut]


class ApprovalOut(Schema):
    step: str
    actor: str
    approved: bool
    note: str
    at: Any


class SignOffOut(Schema):
    id: int
    problem_id: int
    state: str = Field(..., description="pending, approved or rejected")
    note: str
    submitted_by: str
    next_step: str | None = Field(..., description="the step whose turn it is, while pending")
    evidence: list[str]
    carried_from: list[int | None] = Field(
        ...,
        description="per file of `evidence`, in order: the measure's evidence file (work evidence id) it "
        "was carried from (沿用) without a new upload, or null for a file uploaded with the sign-off",
    )
    approvals: list[ApprovalOut]


class ProblemDetail(ProblemOut):
    measures: list[int] = Field(..., description="ids of the measures' tasks")
    signoffs: list[SignOffOut]


class ProblemQuery(Schema):
    state: str | None = Field(None, pattern="^(done|in_progress|not_done)$")
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="only this responsible unit's problems")


class DecisionIn(Schema):
    step: StepChoice = Field(..., description="the step the caller decides: unit_head, leader or office")
    note: str = Field("", max_length=1000, description="remark; the reason, required to return")


class ReopenIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
    deadline: date
    measure: str = Field(..., min_length=1, max_length=300, description="the new measure's title")


def _round_out(rnd: Round, summary: rules.Summary) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "kind": rnd.kind,
        "name": rnd.name,
        "body": rnd.body,
        "start": rnd.start,
        "end": rnd.end,
        "feedback": rnd.feedback,
        "plan_id": rnd.plan_id,
        "summary": _summary(summary),
    }


@router.get("/rectification/rounds", response={200: RoundPage, **ERRORS})
def round_list(request: HttpRequest, page: Query[Page]) -> Any:
    """Inspection and audit rounds the caller sees, newest first, with their summary figures."""
    user = caller(request)
    qs = Round.objects.visible_to(user).order_by("-start", "-id")
    count = qs.count()
    rounds = list(qs[page.offset : page.offset + page.limit])
    figures = selectors.round_summaries(rounds, user=user, today=timezone.localdate())
    return {"count": count, "items": [_round_out(r, figures[r.pk]) for r in rounds]}


def _round(request: HttpRequest, round_id: int) -> Round:
    return get_object_or_404(Round.objects.visible_to(caller(request)), pk=round_id)


@router.get("/rectification/rounds/{round_id}/summary", response={200: list[UnitSummaryOut], **ERRORS})
def round_summary(request: HttpRequest, round_id: int) -> Any:
    """The figures of a round per responsible unit (over the problems the caller sees)."""
    rnd = _round(request, round_id)
    units = selectors.unit_summaries(rnd, user=caller(request), today=timezone.localdate())
    return [{"unit_id": u["unit_id"], "unit": u["unit"], "summary": _summary(u["summary"])} for u in units]


@router.get("/rectification/rounds/{round_id}/problems", response={200: ProblemPage, **ERRORS})
def problem_list(request: HttpRequest, round_id: int, params: Query[ProblemQuery], page: Query[Page]) -> Any:
    """问题清单: a round's problems in the natural order of their numbers."""
    rnd = _round(request, round_id)
    qs = selectors.problem_list(rnd, user=caller(request), today=timezone.localdate())
    if params.state:
        qs = qs.filter(**{"state": params.state})
    if params.unit:
        qs = qs.filter(responsible_unit_id=params.unit)
    return paginate(qs, page)


def _signoff_out(s: SignOff, problem: Problem) -> dict[str, Any]:
    approvals = list(s.approvals.all())
    approved = [a.step for a in approvals if a.approved]
    pending = s.state == "pending"
    step = rules.next_step(has_leader=problem.responsible_leader_id is not None, approved=approved)
    return {
        "id": s.pk,
        "problem_id": s.problem_id,
        "state": s.state,
        "note": s.note,
        "submitted_by": s.submitted_by.get_username(),
        "next_step": step.value if pending and step else None,
        "evidence": [e.name for e in s.evidence.all()],
        "carried_from": [e.source_id for e in s.evidence.all()],
        "approvals": [
            {
                "step": a.step,
                "actor": a.actor.get_username(),
                "approved": a.approved,
                "note": a.note,
                "at": a.at,
            }
            for a in approvals
        ],
    }


def _problem_detail(user: Any, problem_id: int) -> dict[str, Any]:
    today = timezone.localdate()
    qs = Problem.objects.visible_to(user).select_related("round")
    problem = get_object_or_404(qs, pk=problem_id)
    signoffs = (
        problem.signoffs.select_related("submitted_by")
        .prefetch_related("approvals__actor", "evidence")
        .order_by("-submitted_at", "-id")
    )
    measures = list(problem.measures.order_by("task__sort_path").values_list("task_id", flat=True))
    return {
        **{f: getattr(problem, f) for f in ProblemOut.model_fields if hasattr(problem, f)},
        "state": rules.problem_state(stage=problem.stage, deadline=problem.deadline, today=today).value,
        "measure_count": len(measures),
        "measures": measures,
        "signoffs": [_signoff_out(s, problem) for s in signoffs],
    }


@router.get("/rectification/problems/{problem_id}", response={200: ProblemDetail, **ERRORS})
def problem_detail(request: HttpRequest, problem_id: int) -> Any:
    """One problem with its measures (task ids) and its sign-off applications, newest first."""
    return _problem_detail(caller(request), problem_id)


@router.post("/rectification/problems/{problem_id}/signoffs", response={201: SignOffOut, **ERRORS})
def signoff_add(
    request: HttpRequest,
    problem_id: int,
    note: Form[str] = "",
    carried: Form[list[Id]] = None,  # type: ignore[assignment]
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Apply to sign a problem off (multipart form): `note` on what was done, evidence `files` to
    upload, and `carried`: ids of the measures' own evidence files (their tasks' reports' and claims',
    as `/tasks/{task_id}/reports` lists them) to attach without uploading them again; each must be
    evidence of this problem's measures that the caller sees, else 400 and nothing is stored.

    The responsible unit's reporter or head only; every measure must be closed or cancelled."""
    user = caller(request)
    problem = get_object_or_404(Problem.objects.visible_to(user), pk=problem_id)
    signoff = services.signoff_submit(
        actor=user, problem=problem, note=note, files=files or [], carried=carried or []
    )
    return Status(201, _signoff_out(signoff, problem))


def _decide(request: HttpRequest, signoff_id: int, payload: DecisionIn, approve: bool) -> Any:
    user = caller(request)
    visible = Problem.objects.visible_to(user)
    signoff = get_object_or_404(
        SignOff.objects.filter(problem__in=visible).select_related("problem"), pk=signoff_id
    )
    action = services.signoff_approve if approve else services.signoff_reject
    action(actor=user, signoff=signoff, step=payload.step.value, note=payload.note)
    signoff.refresh_from_db()
    return _signoff_out(signoff, Problem.objects.get(pk=signoff.problem_id))


@router.post("/rectification/signoffs/{signoff_id}/approve", response={200: SignOffOut, **ERRORS})
def signoff_approve(request: HttpRequest, signoff_id: int, payload: DecisionIn) -> Any:
    """Approve the step whose turn it is (unit head → lead leader → inspection office); out of order,
    by the applicant, or without evidence is a 400, without the step's duty a 403."""
    return _decide(request, signoff_id, payload, approve=True)


@router.post("/rectification/signoffs/{signoff_id}/reject", response={200: SignOffOut, **ERRORS})
def signoff_reject(request: HttpRequest, signoff_id: int, payload: DecisionIn) -> Any:
    """Return a sign-off at the step whose turn it is, with the reason (`note`); the problem is open again."""
    return _decide(request, signoff_id, payload, approve=False)


@router.post("/rectification/problems/{problem_id}/reopen", response={200: ProblemDetail, **ERRORS})
def problem_reopen(request: HttpRequest, problem_id: int, payload: ReopenIn) -> Any:
    """Reopen a signed-off problem after re-inspection (回头看), with a new deadline and measure (office only)."""
    user = caller(request)
    problem = get_object_or_404(Problem.objects.visible_to(user), pk=problem_id)
    services.problem_reopen(actor=user, problem=problem, **payload.dict())
    return _problem_detail(user, problem_id)
