"""The reporting flow in the browser: a unit's clerk files (本期待填报), the unit head approves
(审核), the supervision office reviews completion claims and closes tasks out (销号).

Every action works in place with HTMX (the response is the row that replaces the one acted on)
and without JavaScript (post, then redirect back with a message). Views are thin: they find
what the user may see, call a service and render; a refused service call is shown as its
message in the row, a missing right is 403, a task the user may not see is 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from luoshi.errors import ImplausibleReport, LuoshiError, NotAllowed
from luoshi.lib.uploads import upload_limit
from luoshi.org.access import context_for, require_head, require_officer, require_reporter
from luoshi.web.errors import attempt, raise_for
from luoshi.web.htmx import announce, is_htmx

from . import rules
from .forms_flow import ClaimForm, NoteForm, ReasonForm, ReportFillForm
from .models import Report, ReportState, Status, Task, Transition
from .services import (
    report_approve,
    report_approve_many,
    report_return,
    report_submit,
    task_claim_completion,
    task_close_with_children,
    task_confirm_completion,
    task_reject_completion,
    task_reopen,
)
from .services.lights import refresh_before_showing
from .views_claims import (
    claim_approve_view,
    claim_context,
    claim_return_view,
    milestone_claim_view,
    milestone_claims_for,
    milestone_confirm_view,
    milestone_reject_view,
    pending_claims_for,
    with_open_claims,
)
from .views_common import back, first_error, my_units, posted_reason

# The claim views live in views_claims; named here too, so the flow's urls find every action in one place.
__all__ = [
    "claim_approve_view",
    "claim_context",
    "claim_return_view",
    "milestone_claim_view",
    "milestone_confirm_view",
    "milestone_reject_view",
]

FILED_STATES = (ReportState.PENDING, ReportState.SUBMITTED)
CLOSED_SHOWN = 20
# The row a failed task action answers with, by where the action was taken.
ERROR_ROWS = {
    "claim": "work/review_row.html",
    "closed": "work/review_closed_row.html",
    "task": "work/review_message.html",
}
# Their ids, before the task's id (the message in each is "<id>-error").
ERROR_ROW_IDS = {"claim": "claim-", "closed": "closed-", "task": "task-action-"}


# ---------------------------------------------------------------------------------------------
# 本期待填报 (the clerk's queue)


@dataclass
class FillRow:
    task: Task
    period: date
    form: ReportFillForm = field(default_factory=ReportFillForm)
    error: str = ""
    redo: Report | None = None
    # A plausibility warning (合理性提示) the filer must confirm before the report is filed.
    warning: str = ""
    # The input the error (or the warning) is about, marked aria-invalid and focused; "" for the row.
    error_field: str = ""
    warning_field: str = ""
    # Inputs inside the fold-out (进展情况 …), opened when one of them is refused.
    folded_fields: tuple[str, ...] = ("narrative", "problems", "next_steps", "evidence", "reported_on")

    @property
    def dom_id(self) -> str:
        return f"redo-{self.redo.pk}" if self.redo is not None else f"fill-{self.task.pk}"

    def announcement(self) -> tuple[str, str]:
        """(what the live region says, the selector focus moves to) for this row sent back unfiled."""
        if self.warning:
            field = (
                f"#{self.dom_id}-{self.warning_field}" if self.warning_field else f"#{self.dom_id}-warning"
            )
            return _("未提交：请核实数值，修改后再填报，或确认无误仍然提交。"), field
        field = f"#{self.dom_id}-{self.error_field}" if self.error_field else f"#{self.dom_id}-error"
        return ngettext("有 %(n)s 处需要修改", "有 %(n)s 处需要修改", 1) % {"n": 1}, field


def _fill_tasks(user: Any) -> Any:
    """In-progress tasks the user reports for, with their last effective report annotated."""
    last = Report.objects.effective().filter(task=OuterRef("pk")).order_by("-reported_on", "-id")
    return (
        Task.objects.reportable_by(user)
        .filter(status=Status.IN_PROGRESS, plan__is_active=True)
        .select_related("plan", "lead_unit")
        .annotate(
            last_percent=Subquery(last.values("percent")[:1]),
            last_value=Subquery(last.values("value")[:1]),
            last_on=Subquery(last.values("reported_on")[:1]),
        )
        .order_by("plan_id", "sort_path")
    )


def _fill_queue(user: Any, today: date) -> tuple[list[FillRow], list[FillRow]]:
    """(tasks whose current period has no report yet, returned reports still to redo)."""
    tasks = [t for t in _fill_tasks(user) if t.start <= rules.period_end(t.effective_cadence, today)]
    by_id = {t.pk: t for t in tasks}
    periods = {t.pk: rules.period_end(t.effective_cadence, today) for t in tasks}
    scope = Task.objects.reportable_by(user).filter(status=Status.IN_PROGRESS).values("pk")
    filed = set(
        Report.objects.filter(
            task__in=scope, state__in=FILED_STATES, period_end__in=set(periods.values())
        ).values_list("task_id", "period_end")
    )
    later = Report.objects.filter(
        task=OuterRef("task"), period_end=OuterRef("period_end"), pk__gt=OuterRef("pk")
    )
    returned = (
        Report.objects.filter(state=ReportState.RETURNED, unit_id__in=my_units(user), task__in=scope)
        .exclude(Exists(later.filter(state__in=[*FILED_STATES, ReportState.RETURNED])))
        .order_by("period_end", "id")
    )
    redo: list[FillRow] = []
    for report in returned:
        task = by_id.get(report.task_id)
        if task is not None:
            redo.append(FillRow(task=task, period=report.period_end, redo=report, form=_redo_form(report)))
    redo_keys = {(r.task.pk, r.period) for r in redo}
    todo = [
        FillRow(task=t, period=periods[t.pk])
        for t in tasks
        if (t.pk, periods[t.pk]) not in filed and (t.pk, periods[t.pk]) not in redo_keys
    ]
    return todo, redo


def _redo_form(report: Report) -> ReportFillForm:
    return ReportFillForm(
        initial={
            "percent": report.percent,
            "value": report.value,
            "narrative": report.narrative,
            "problems": report.problems,
            "next_steps": report.next_steps,
            "redo": report.pk,
        }
    )


@login_required
@require_GET
def fill(request: HttpRequest) -> HttpResponse:
    """本期待填报: every task of the user's units still to report this period, fileable in place."""
    require_reporter(request.user)
    return _fill_page(request, timezone.localdate())


def _fill_page(request: HttpRequest, today: date, warned: FillRow | None = None) -> HttpResponse:
    """The queue; `warned` replaces its task's row (a figure awaiting the filer's confirmation)."""
    todo, redo = _fill_queue(request.user, today)
    if warned is not None:
        rows = redo if warned.redo is not None else todo
        at = next((i for i, row in enumerate(rows) if row.dom_id == warned.dom_id), None)
        if at is None:
            rows.insert(0, warned)  # e.g. a second report in a period already filed
        else:
            rows[at] = warned
    context = {"todo": todo, "redo": redo, "today": today}
    template = "work/fill_list.html" if is_htmx(request) else "work/fill.html"
    return render(request, template, context)


def _reportable_task(request: HttpRequest, task_id: int) -> Task:
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=task_id)
    if not Task.objects.reportable_by(request.user).filter(pk=task.pk).exists():
        raise NotAllowed(_("您不是该任务牵头或配合单位的填报人员，不能填报。"))
    return task


@login_required
@require_POST
@upload_limit()
def fill_submit(request: HttpRequest, task_id: int) -> HttpResponse:
    """File one report (or "no change") for one task; the row comes back as "已填报" or with the error."""
    task = _reportable_task(request, task_id)
    form = ReportFillForm(request.POST, request.FILES)
    today = timezone.localdate()
    redo: Report | None = None
    redo_id = request.POST.get("redo", "")
    if redo_id:
        # Redoing a returned report files it again for that report's period.
        returned = Report.objects.filter(
            task=task, state=ReportState.RETURNED, unit_id__in=my_units(request.user)
        )
        redo = get_object_or_404(returned, pk=int(redo_id) if redo_id.isdigit() else 0)
    error = warning = field = ""
    report: Report | None = None
    if not form.is_valid():
        error, field = first_error(form), next(iter(form.errors), "")
    else:
        data = form.cleaned_data
        try:
            report = report_submit(
                actor=request.user,
                task=task,
                percent=data["percent"],
                value=data["value"],
                narrative=data["narrative"],
                problems=data["problems"],
                next_steps=data["next_steps"],
                no_change=data["no_change"],
                period=redo.period_end if redo is not None else None,
                on=today,
                files=data["evidence"],
                # Redoing a returned correction corrects the same report again.
                corrects=redo.corrects if redo is not None and redo.corrects_id else None,
                acknowledge_warnings=data["acknowledge_warnings"],
                made_on=data["reported_on"],
            )
        except ImplausibleReport as exc:
            warning, field = exc.message, exc.field
        except LuoshiError as exc:
            raise_for(exc)
            error, field = exc.message, getattr(exc, "field", "")

    def unfiled_row() -> FillRow:
        annotated = _fill_tasks(request.user).filter(pk=task.pk).first() or task
        period = redo.period_end if redo is not None else rules.period_end(task.effective_cadence, today)
        row = FillRow(task=annotated, period=period, form=form, error=error, redo=redo, warning=warning)
        # Only an input the row shows can carry the message; any other is the row's (e.g. "__all__").
        shown = {"value" if annotated.has_measure else "percent", *row.folded_fields}
        if field in shown:
            if warning:
                row.warning_field = field
            else:
                row.error_field = field
        return row

    if not is_htmx(request) and warning:
        # Without JavaScript: the queue page with this row asking for the confirmation.
        return _fill_page(request, today, unfiled_row())
    if not is_htmx(request):
        if error:
            messages.error(request, f"{task.title}：{error}")
        else:
            messages.success(request, _("已填报：%(t)s") % {"t": task.title})
        return back(request, reverse("flow:fill"))
    if report is not None:
        refresh_before_showing()  # the row shows the task's light and progress with the report
        task.refresh_from_db()
        done = render(request, "work/fill_done.html", {"task": task, "report": report, "redo": redo})
        row_id = f"redo-{redo.pk}" if redo is not None else f"fill-{task.pk}"
        return announce(done, _filed_message(task, report), focus=f"#{row_id}-result")
    row = unfiled_row()
    message, focus = row.announcement()
    return announce(render(request, "work/fill_row.html", {"row": row}), message, focus=focus)


def _filed_message(task: Task, report: Report) -> str:
    """What the live region says once a report is filed: the task, its period, where it went."""
    state = _("待单位审核") if report.state == ReportState.PENDING else _("已报送")
    return _("已填报：%(t)s，所属期 %(p)s，%(s)s") % {
        "t": task.title,
        "p": report.period_end.isoformat(),
        "s": state,
    }


# ---------------------------------------------------------------------------------------------
# Unit head: approval queue (审核)


def _pending_for(user: Any) -> Any:
    return (
        Report.objects.filter(state=ReportState.PENDING, unit_id__in=context_for(user).head_unit_ids)
        .select_related("task", "task__plan", "task__lead_unit", "unit", "author")
        .prefetch_related("evidence")
        .order_by("unit_id", "task__plan_id", "task__sort_path", "id")
    )


def _approval_context(user: Any, **extra: Any) -> dict[str, Any]:
    reports = list(_pending_for(user))
    return {
        "reports": reports,
        "flagged": sum(1 for r in reports if r.warnings),
        "claims": list(pending_claims_for(user)),
        **extra,
    }


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """The head's queue: the unit's reports waiting to go up."""
    require_head(request.user, message=_("只有单位主要负责人可以审核填报。"))
    context = _approval_context(request.user)
    template = "work/approval_list.html" if is_htmx(request) else "work/approvals.html"
    return render(request, template, context)


def _visible_report(request: HttpRequest, report_id: int) -> Report:
    qs = Report.objects.visible_to(request.user).select_related("task", "task__plan", "unit", "author")
    return get_object_or_404(qs, pk=report_id)


def _approval_refused(request: HttpRequest, report: Report, error: str) -> HttpResponse:
    """A refused approval: the message on the queue page, or the row again with it (HTMX)."""
    if not is_htmx(request):
        messages.error(request, error)
        return back(request, reverse("flow:approvals"))
    report = _pending_for(request.user).filter(pk=report.pk).first() or report
    row = render(request, "work/approval_row.html", {"report": report, "error": error})
    return announce(row, error, focus=f"#approval-{report.pk}-error")


@login_required
@require_POST
def approval_approve(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _visible_report(request, report_id)
    return _approval_decided(request, report, report_approve, done=_("已审核通过：%(t)s"), approved=True)


def _approval_decided(
    request: HttpRequest, report: Report, action: Any, *, done: str, approved: bool, **kwargs: Any
) -> HttpResponse:
    """The head's decision on a pending report: its row again (HTMX), or back to the list."""
    outcome = attempt(action, actor=request.user, report=report, **kwargs)
    if outcome.error:
        return _approval_refused(request, report, outcome.error)
    report = outcome.value
    if not is_htmx(request):
        messages.success(request, done % {"t": report.task.title})
        return back(request, reverse("flow:approvals"))
    if approved:
        report.task.refresh_from_db()
    row = render(request, "work/approval_done.html", {"report": report, "approved": approved})
    return announce(row, done % {"t": report.task.title}, focus=f"#approval-{report.pk}-result")


@login_required
@require_POST
def approval_return(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _visible_report(request, report_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _approval_refused(request, report, _("退回须填写理由。"))
    reason, done = form.cleaned_data["reason"], _("已退回：%(t)s")
    return _approval_decided(request, report, report_return, reason=reason, done=done, approved=False)


@login_required
@require_POST
def approval_approve_all(request: HttpRequest) -> HttpResponse:
    """Approve, in one action, the pending reports the head saw on the page (their ids are posted)."""
    require_head(request.user, message=_("只有单位主要负责人可以审核填报。"))
    ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()]
    # A report filed over a plausibility warning is approved only on its own, after a look at it.
    pending = list(_pending_for(request.user).filter(pk__in=ids).exclude(warnings_acknowledged=True))
    approved, refused = report_approve_many(actor=request.user, reports=pending)
    done = len(approved)
    errors = [f"{report.task.title}：{exc.message}" for report, exc in refused]
    summary = _("已审核通过 %(n)s 条。") % {"n": done}
    if not is_htmx(request):
        messages.success(request, summary)
        for error in errors:
            messages.error(request, error)
        return back(request, reverse("flow:approvals"))
    context = _approval_context(request.user, summary=summary, errors=errors)
    said = " ".join([summary, *errors])
    return announce(render(request, "work/approval_list.html", context), said, focus="#approval-summary")


# ---------------------------------------------------------------------------------------------
# Supervision office: completion claims, closing out (销号) and reopening


def _claims_for(user: Any) -> Any:
    note = Transition.objects.filter(task=OuterRef("pk"), to_status=Status.CLAIMED).order_by("-at", "-id")
    last = Report.objects.effective().filter(task=OuterRef("pk")).order_by("-reported_on", "-id")
    return (
        Task.objects.visible_to(user)
        .filter(status=Status.CLAIMED)
        .select_related("plan", "lead_unit", "claimed_by")
        .annotate(
            claim_note=Subquery(note.values("reason")[:1]),
            claimed_at=Subquery(note.values("at")[:1]),
            last_value=Subquery(last.values("value")[:1]),
            last_percent=Subquery(last.values("percent")[:1]),
        )
        .order_by("plan_id", "sort_path")
    )


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The office's queue: completion claims to confirm (销号) or reject; recently closed tasks to reopen."""
    require_officer(request.user, _("只有督查室人员可以审核完成申请。"))
    closed = (
        Task.objects.visible_to(request.user)
        .filter(status=Status.CLOSED)
        .select_related("plan", "lead_unit")
        .order_by("-updated", "-pk")[:CLOSED_SHOWN]
    )
    context = {
        "claims": with_open_claims(list(_claims_for(request.user))),
        "closed": list(closed),
        "milestone_claims": list(milestone_claims_for(request.user)),
    }
    return render(request, "work/review.html", context)


def _visible_task(request: HttpRequest, task_id: int) -> Task:
    return get_object_or_404(
        Task.objects.visible_to(request.user).select_related("plan", "lead_unit"), pk=task_id
    )


def _task_action(
    request: HttpRequest, task: Task, action: Any, *, done: str, default: str, row: str, **kwargs: Any
) -> HttpResponse:
    """Run a task status service; answer with the row that replaces the acted-on one, or redirect."""
    outcome = attempt(action, actor=request.user, task=task, **kwargs)
    error = outcome.error
    task = outcome.value or task
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done % {"t": task.title})
        return back(request, default)
    if error:
        if row == "claim":
            task = _claims_for(request.user).filter(pk=task.pk).first() or task
            with_open_claims([task])
        refused = render(request, ERROR_ROWS[row], {"task": task, "error": error})
        return announce(refused, error, focus=f"#{ERROR_ROW_IDS[row]}{task.pk}-error")
    task.refresh_from_db()
    message = done % {"t": task.title}
    row_done = render(request, "work/review_done.html", {"task": task, "message": message})
    return announce(row_done, message, focus=f"#task-done-{task.pk}-result")


def _review_action(
    request: HttpRequest, task_id: int, action: Any, *, done: str, row: str, **kwargs: Any
) -> HttpResponse:
    """An action on the review page (督查室确认): its row again, or back to the review page."""
    task = _visible_task(request, task_id)
    return _task_action(request, task, action, done=done, default=reverse("flow:review"), row=row, **kwargs)


@login_required
@require_POST
def review_confirm(request: HttpRequest, task_id: int) -> HttpResponse:
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    done = _("已确认完成并销号：%(t)s")
    return _review_action(request, task_id, task_confirm_completion, note=note, done=done, row="claim")


@login_required
@require_POST
def review_reject(request: HttpRequest, task_id: int) -> HttpResponse:
    reason, done = posted_reason(request), _("已退回完成申请：%(t)s")
    return _review_action(request, task_id, task_reject_completion, reason=reason, done=done, row="claim")


@login_required
@require_POST
def task_reopen_view(request: HttpRequest, task_id: int) -> HttpResponse:
    reason, done = posted_reason(request), _("已重新打开：%(t)s")
    return _review_action(request, task_id, task_reopen, reason=reason, done=done, row="closed")


@login_required
@require_POST
def task_claim_view(request: HttpRequest, task_id: int) -> HttpResponse:
    """The unit claims completion with a note, the measure's final value and evidence files."""
    task = _visible_task(request, task_id)
    form = ClaimForm(request.POST, request.FILES)
    if not form.is_valid():
        error = first_error(form)
        if not is_htmx(request):
            messages.error(request, error)
            return back(request, reverse("flow:fill"))
        refused = render(request, ERROR_ROWS["task"], {"task": task, "error": error})
        return announce(refused, error, focus=f"#task-action-{task.pk}-error")
    data = form.cleaned_data
    head_needed = task.plan.head_approval and not (
        {task.lead_unit_id} & context_for(request.user).head_unit_ids
    )
    return _task_action(
        request,
        task,
        task_claim_completion,
        note=data["note"],
        value=data["value"],
        files=data["evidence"],
        done=_("已申请完成，等待单位负责人审核：%(t)s")
        if head_needed
        else _("已申请完成，等待督查室确认：%(t)s"),
        default=reverse("flow:fill"),
        row="task",
    )


@login_required
@require_POST
def task_close_together_view(request: HttpRequest, task_id: int) -> HttpResponse:
    """The office closes a task with its open subtasks (一并销号), with a reason."""
    task = _visible_task(request, task_id)
    return _task_action(
        request,
        task,
        task_close_with_children,
        reason=posted_reason(request),
        done=_("已连同下级任务一并销号：%(t)s"),
        default=reverse("task_detail", args=[task.pk]),
        row="task",
    )
