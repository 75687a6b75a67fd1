"""Claims in the browser: a unit's completion claim waiting for its head (审核), milestones reported
met and confirmed by the office, and what the task page shows of both.

As in `views_flow`: every action works in place with HTMX and without JavaScript; a refused service
call is shown as its message (`luoshi.web.errors`), a missing right is 403, a hidden record 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.errors import LuoshiError
from luoshi.org.access import context_for
from luoshi.web.errors import attempt, to_messages
from luoshi.web.htmx import announce, is_htmx

from .forms_flow import MilestoneClaimForm, NoteForm
from .models import Claim, ClaimKind, ClaimState, Milestone, Report, Status, Task
from .services import (
    milestone_claim,
    milestone_confirm,
    milestone_reject,
    task_claim_approve,
    task_claim_return,
)
from .views_common import back, first_error, posted_reason


def with_open_claims(tasks: list[Task]) -> list[Task]:
    """Attach each task's open completion claim (`task.claim`, with its evidence) in two queries."""
    claims = {
        c.task_id: c
        for c in Claim.objects.filter(
            task__in=[t.pk for t in tasks], kind=ClaimKind.COMPLETION, state__in=[ClaimState.SUBMITTED]
        )
        .prefetch_related("evidence")
        .order_by("id")
    }
    for t in tasks:
        t.claim = claims.get(t.pk)
    return tasks


# ---------------------------------------------------------------------------------------------
# Unit head: completion claims waiting to go up


def pending_claims_for(user: Any) -> Any:
    last = Report.objects.effective().filter(task=OuterRef("task")).order_by("-reported_on", "-id")
    return (
        Claim.objects.filter(
            kind=ClaimKind.COMPLETION,
            state=ClaimState.PENDING,
            unit_id__in=context_for(user).head_unit_ids,
        )
        .select_related("task", "task__plan", "task__lead_unit", "unit", "author")
        .prefetch_related("evidence")
        .annotate(last_value=Subquery(last.values("value")[:1]))
        .order_by("task__plan_id", "task__path", "id")
    )


def _claim_decision(
    request: HttpRequest, claim_id: int, action: Any, *, done: str, **kwargs: Any
) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.visible_to(request.user), pk=claim_id)
    outcome = attempt(action, actor=request.user, claim=claim, **kwargs)
    error = outcome.error
    claim = (
        Claim.objects.select_related("task", "task__plan", "task__lead_unit", "milestone", "unit", "author")
        .prefetch_related("evidence")
        .get(pk=claim.pk)
    )
    message = "" if error else done % {"t": claim.milestone.title if claim.milestone else claim.task.title}
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        return back(
            request, reverse("flow:review" if claim.kind == ClaimKind.MILESTONE else "flow:approvals")
        )
    template = (
        "work/milestone_claim_row.html"
        if claim.kind == ClaimKind.MILESTONE
        else "work/claim_approval_row.html"
    )
    row = f"{'milestone-claim' if claim.kind == ClaimKind.MILESTONE else 'claim-approval'}-{claim.pk}"
    answer = render(request, template, {"claim": claim, "error": error, "message": message})
    return announce(answer, error or message, focus=f"#{row}-{'error' if error else 'result'}")


@login_required
@require_POST
def claim_approve_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _claim_decision(request, claim_id, task_claim_approve, done=_("已审核通过完成申请：%(t)s"))


@login_required
@require_POST
def claim_return_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _claim_decision(
        request, claim_id, task_claim_return, reason=posted_reason(request), done=_("已退回完成申请：%(t)s")
    )


# ---------------------------------------------------------------------------------------------
# Milestones: the unit reports one met, the office confirms it


def milestone_claims_for(user: Any) -> Any:
    return (
        Claim.objects.filter(
            kind=ClaimKind.MILESTONE,
            state=ClaimState.SUBMITTED,
            task__in=Task.objects.visible_to(user),
        )
        .select_related("task", "task__lead_unit", "milestone", "unit", "author")
        .prefetch_related("evidence")
        .order_by("task__plan_id", "task__path", "milestone__sort", "id")
    )


@login_required
@require_POST
def milestone_claim_view(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """The unit reports a milestone met, with its date and evidence (form on the task page)."""
    milestone = get_object_or_404(Milestone.objects.visible_to(request.user), pk=milestone_id)
    form = MilestoneClaimForm(request.POST, request.FILES)
    default = reverse("task_detail", args=[milestone.task_id])
    if not form.is_valid():
        messages.error(request, first_error(form))
        return back(request, default)
    data = form.cleaned_data
    try:
        milestone_claim(
            actor=request.user,
            milestone=milestone,
            met_on=data["met_on"],
            note=data["note"],
            files=data["evidence"],
        )
    except LuoshiError as exc:
        to_messages(request, exc, prefix=milestone.title)
        return back(request, default)
    messages.success(request, _("已报告节点完成，等待督查室确认：%(t)s") % {"t": milestone.title})
    return back(request, default)


@login_required
@require_POST
def milestone_confirm_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _claim_decision(request, claim_id, milestone_confirm, note=note, done=_("已确认节点完成：%(t)s"))


@login_required
@require_POST
def milestone_reject_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _claim_decision(
        request,
        claim_id,
        milestone_reject,
        reason=posted_reason(request),
        done=_("已退回节点完成报告：%(t)s"),
    )


# ---------------------------------------------------------------------------------------------
# The task page's part: claim and milestone forms, open claims, what each visitor may do


def claim_context(user: Any, task: Task, milestones: list[Milestone]) -> dict[str, Any]:
    """What the task page shows of completion claims and milestone claims, and who may act."""
    ctx = context_for(user)
    reporter = Task.objects.reportable_by(user).filter(pk=task.pk).exists()
    claims = list(
        Claim.objects.filter(task=task, state__in=[ClaimState.PENDING, ClaimState.SUBMITTED])
        .select_related("author", "unit", "milestone")
        .prefetch_related("evidence")
        .order_by("id")
    )
    by_milestone = {c.milestone_id: c for c in claims if c.kind == ClaimKind.MILESTONE}
    open_task = task.status in (Status.IN_PROGRESS, Status.CLAIMED)
    for m in milestones:
        m.open_claim = by_milestone.get(m.pk)
        m.can_claim = reporter and open_task and m.met_on is None and m.open_claim is None
    completion = next((c for c in claims if c.kind == ClaimKind.COMPLETION), None)
    open_children = list(
        Task.objects.filter(parent=task)
        .exclude(status__in=[Status.CLOSED, Status.CANCELLED])
        .order_by("sort_path")
        .values_list("code", "title")
    )
    last = Report.objects.effective().filter(task=task).order_by("-reported_on", "-id").first()
    return {
        "completion_claim": completion,
        "last_value": last.value if last is not None else None,
        "open_children": [code or title for code, title in open_children],
        "can_claim": task.status == Status.IN_PROGRESS and reporter and completion is None,
        "can_review": task.status == Status.CLAIMED and ctx.is_officer and task.claimed_by_id != user.pk,
        "can_close_together": ctx.is_officer and open_task and bool(open_children),
        "is_officer": ctx.is_officer,
        "today": timezone.localdate(),
    }
