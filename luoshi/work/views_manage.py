"""The supervision office's pages to keep plans and tasks all year (计划、任务维护).

Plans: create, edit thresholds and cadence, lock a reporting period after its bulletin. Tasks:
create, edit and move, split into sub-tasks, milestones, the measure with its monthly plan, and
suspend, resume or cancel with a reason. Views are thin: find what the user may see (hidden is
404), check they may edit (403), call a service; an edit made on a stale copy answers 409 with
the stored values and a message saying what happened.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.org.access import require_officer
from luoshi.web.errors import Submitted, form_submit

from . import rules
from .forms_manage import (
    LockForm,
    MeasureForm,
    MilestoneForm,
    PlanForm,
    SplitFormSet,
    SplitVersionForm,
    StatusForm,
    TaskForm,
)
from .models import LockedPeriod, Milestone, Plan, Task
from .services import (
    period_lock,
    plan_create,
    task_create,
    task_set_status,
    task_update,
)
from .services.manage import (
    measure_update,
    milestone_create,
    milestone_delete,
    milestone_stamp,
    milestone_update,
    plan_stamp,
    plan_update,
    task_months,
    task_split,
)

TASK_FIELDS = [f for f in TaskForm.Meta.fields if f != "co_units"]


def _require_officer(request: HttpRequest) -> None:
    require_officer(request.user)


def _plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    _require_officer(request)
    return plan


def _task(request: HttpRequest, pk: int) -> Task:
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("plan", "lead_unit"), pk=pk)
    if not Task.objects.editable_by(request.user).filter(pk=task.pk).exists():
        raise Forbidden
    return task


def _periods(plan: Plan) -> list[Any]:
    """Reporting periods of the plan that have ended, newest last: the ones a bulletin can close."""
    today = timezone.localdate()
    last = min(plan.due, rules.previous_period_end(plan.cadence, today))
    ends = rules.periods_between(plan.cadence, plan.start, plan.due)
    return [d for d in ends if d <= max(last, plan.start)] or ends[:1]


# ---------------------------------------------------------------------------------------------
# Plans


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "seen"}
        done = form_submit(form, plan_create, reload_on_conflict=False, actor=request.user, **data)
        if done.saved:
            messages.success(request, _("已新建计划“%(n)s”。") % {"n": done.value.name})
            return redirect("manage:plan_edit", pk=done.value.pk)
    return render(request, "work/manage/plan_form.html", {"form": form, "plan": None})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a plan's thresholds and cadence; lock periods whose bulletin is out."""
    plan = _plan(request, pk)
    done = Submitted()
    if request.method == "POST":
        form = PlanForm(request.POST, instance=Plan.objects.get(pk=plan.pk))
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in PlanForm.Meta.fields}
            seen = form.cleaned_data["seen"] or None
            done = form_submit(form, plan_update, actor=request.user, plan=plan, seen=seen, **data)
            if done.saved:
                messages.success(request, _("计划已保存。"))
                return redirect("manage:plan_edit", pk=plan.pk)
            if done.conflict:
                plan.refresh_from_db()
                form = PlanForm(instance=plan, initial={"seen": plan_stamp(plan)})
    else:
        form = PlanForm(instance=plan, initial={"seen": plan_stamp(plan)})
    ctx = {
        "form": form,
        "plan": plan,
        "conflict": done.conflict,
        "lock_form": LockForm(periods=_periods(plan)),
        "locked": list(
            LockedPeriod.objects.visible_to(request.user)
            .filter(plan=plan)
            .select_related("locked_by")
            .order_by("-period_end")
        ),
    }
    return render(request, "work/manage/plan_form.html", ctx, status=done.status)


@login_required
@require_POST
def plan_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock one reporting period of a plan (锁定填报期): no more reports for it."""
    plan = _plan(request, pk)
    form = LockForm(request.POST, periods=_periods(plan))
    if not form.is_valid():
        messages.error(request, _("请选择要锁定的所属期。"))
    else:
        day = form.cleaned_data["period_end"]
        period_lock(actor=request.user, plan=plan, period_end=day)  # refused: 403 (luoshi.web.errors)
        messages.success(request, _("%(d)s 所属期已锁定。") % {"d": day.isoformat()})
    return redirect("manage:plan_edit", pk=plan.pk)


# ---------------------------------------------------------------------------------------------
# Tasks


def _task_values(form: TaskForm) -> dict[str, Any]:
    data = {k: form.cleaned_data.get(k) for k in TASK_FIELDS}
    data["code"] = (data.get("code") or "").strip()
    data["cadence"] = data.get("cadence") or ""
    return data


@login_required
def task_new(request: HttpRequest, plan_pk: int) -> HttpResponse:
    """A new task in a plan; `?parent=<id>` proposes a parent."""
    plan = _plan(request, plan_pk)
    parent = None
    if request.GET.get("parent", "").isdigit():
        parent = Task.objects.filter(plan=plan, pk=int(request.GET["parent"])).first()
    initial: dict[str, Any] = {"start": plan.start, "due": plan.due}
    if parent is not None:
        initial |= {
            "parent": parent.pk,
            "lead_unit": parent.lead_unit_id,
            "start": parent.start,
            "due": parent.due,
        }
    form = TaskForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form_submit(
            form,
            task_create,
            reload_on_conflict=False,
            actor=request.user,
            plan=plan,
            co_units=list(form.cleaned_data.get("co_units") or []),
            # Assigned today (下达日期): never late for the periods before it existed.
            assigned_on=timezone.localdate(),
            **_task_values(form),
        )
        if done.saved:
            messages.success(request, _("已新建任务。"))
            return redirect("task_detail", pk=done.value.pk)
    return render(request, "work/manage/task_form.html", {"form": form, "plan": plan, "task": None})


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a task's fields, or move it under another parent; `version` catches concurrent edits."""
    task = _task(request, pk)
    done = Submitted()
    if request.method == "POST":
        form = TaskForm(request.POST, plan=task.plan, task=task)
        if form.is_valid():
            data = _task_values(form)
            changes = {k: v for k, v in data.items() if getattr(task, k) != v}
            co = list(form.cleaned_data.get("co_units") or [])
            version = form.cleaned_data.get("version") or 0
            done = form_submit(
                form, task_update, actor=request.user, task=task, version=version, co_units=co, **changes
            )
            if done.saved:
                messages.success(request, _("任务已保存。"))
                return redirect("task_detail", pk=task.pk)
            if done.conflict:
                task = Task.objects.select_related("plan", "lead_unit").get(pk=task.pk)
                form = TaskForm(plan=task.plan, task=task, initial={"version": task.version})
    else:
        form = TaskForm(plan=task.plan, task=task, initial={"version": task.version})
    ctx = {"form": form, "plan": task.plan, "task": task, "conflict": done.conflict}
    return render(request, "work/manage/task_form.html", ctx, status=done.status)


@login_required
def task_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Split a task into sub-tasks (拆分), one row per part."""
    task = _task(request, pk)
    done = Submitted()
    formset = SplitFormSet(request.POST or None, prefix="part")
    version_form = SplitVersionForm(request.POST or None, initial={"version": task.version})
    if request.method == "POST" and formset.is_valid() and version_form.is_valid():
        parts = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("title")]
        version = version_form.cleaned_data["version"]
        done = form_submit(
            version_form, task_split, actor=request.user, task=task, version=version, parts=parts
        )
        if done.saved:
            messages.success(request, _("已拆分为 %(n)s 项下级任务。") % {"n": len(done.value)})
            return redirect("task_detail", pk=task.pk)
        if done.conflict:
            task.refresh_from_db()
            version_form = SplitVersionForm(initial={"version": task.version})
    ctx = {"task": task, "formset": formset, "version_form": version_form, "conflict": done.conflict}
    return render(request, "work/manage/task_split.html", ctx, status=done.status)


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspend, resume or cancel a task with a reason (`task_set_status`)."""
    task = _task(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择状态。"))
        return redirect("task_detail", pk=task.pk)
    status, reason = form.cleaned_data["status"], form.cleaned_data["reason"]
    kwargs = {"actor": request.user, "task": task, "status": status, "reason": reason}
    if form_submit(request, task_set_status, reload_on_conflict=False, **kwargs).saved:
        messages.success(request, _("任务状态已变更为“%(s)s”。") % {"s": task.get_status_display()})
    return redirect("task_detail", pk=task.pk)


@login_required
def task_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's milestones (时间节点): the list with an edit form per row, and a form to add one."""
    task = _task(request, pk)
    form = MilestoneForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {"title": d["title"], "due": d["due"], "duration_days": d["duration_days"]}
        if form_submit(
            form, milestone_create, reload_on_conflict=False, actor=request.user, task=task, **fields
        ).saved:
            messages.success(request, _("已添加时间节点。"))
            return redirect("manage:task_milestones", pk=task.pk)
    return _milestones_page(request, task, form)


def _milestones_page(
    request: HttpRequest, task: Task, form: MilestoneForm, *, conflict: str = "", status: int = 200
) -> HttpResponse:
    rows = []
    for m in Milestone.objects.filter(task=task).order_by("sort", "due"):
        row_form = MilestoneForm(
            prefix=f"m{m.pk}",
            initial={
                "title": m.title,
                "due": m.due,
                "duration_days": m.duration_days,
                "met_on": m.met_on,
                "seen": milestone_stamp(m),
            },
        )
        for field in row_form.fields.values():
            # The row's inputs sit in table cells; they belong to the row's form by its id.
            field.widget.attrs["form"] = f"mform-{m.pk}"
        rows.append((m, row_form))
    ctx = {"task": task, "form": form, "rows": rows, "conflict": conflict}
    return render(request, "work/manage/milestones.html", ctx, status=status)


def _milestone(request: HttpRequest, pk: int) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.visible_to(request.user).select_related("task"), pk=pk)
    _task(request, milestone.task_id)
    return milestone


@login_required
@require_POST
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    task = _task(request, milestone.task_id)
    form = MilestoneForm(request.POST, prefix=f"m{milestone.pk}")
    if not form.is_valid():
        messages.error(request, _("时间节点填写有误：%(e)s") % {"e": form.errors.as_text()})
        return redirect("manage:task_milestones", pk=task.pk)
    d = form.cleaned_data
    fields = {k: d[k] for k in ("title", "due", "duration_days", "met_on")}
    done = form_submit(
        request, milestone_update, actor=request.user, milestone=milestone, seen=d["seen"] or None, **fields
    )
    return _milestone_done(request, task, done, _("时间节点已保存。"))


def _milestone_done(request: HttpRequest, task: Task, done: Submitted, saved: str) -> HttpResponse:
    """After a milestone row's action: on a stale copy the list again with 409, else back to it."""
    if done.conflict:
        return _milestones_page(
            request, task, MilestoneForm(prefix="new"), conflict=done.conflict, status=done.status
        )
    if done.saved:
        messages.success(request, saved)
    return redirect("manage:task_milestones", pk=task.pk)


@login_required
@require_POST
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(request, pk)
    task = _task(request, milestone.task_id)
    seen = request.POST.get("seen") or None
    done = form_submit(request, milestone_delete, actor=request.user, milestone=milestone, seen=seen)
    return _milestone_done(request, task, done, _("时间节点已删除。"))


MEASURE_FIELDS = ("version", "metric_name", "metric_unit", "baseline", "target", "direction")


def _measure_initial(task: Task) -> dict[str, Any]:
    initial: dict[str, Any] = {k: getattr(task, k) for k in MEASURE_FIELDS}
    for key, value in (task.monthly_plan or {}).items():
        try:
            first = rules._month_of(key)
        except (ValueError, TypeError):
            continue
        initial[f"m_{first.year:04d}-{first.month:02d}"] = value
    return initial


@login_required
def task_measure(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's measure (量化指标) with its monthly plan (月度计划), shown and edited month by month."""
    task = _task(request, pk)
    months = task_months(task)
    done = Submitted()
    form = MeasureForm(request.POST or None, months=months, initial=_measure_initial(task))
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in MEASURE_FIELDS}
        done = form_submit(
            form, measure_update, actor=request.user, task=task, monthly_plan=form.monthly_plan(), **fields
        )
        if done.saved:
            messages.success(request, _("量化指标和月度计划已保存。"))
            return redirect("task_detail", pk=task.pk)
        if done.conflict:
            task.refresh_from_db()
            form = MeasureForm(months=months, initial=_measure_initial(task))
    ctx = {"task": task, "form": form, "conflict": done.conflict}
    return render(request, "work/manage/measure.html", ctx, status=done.status)
