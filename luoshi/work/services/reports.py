"""Progress reports (进度填报): submit or correct, and the unit head's approve or return."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.core.files.uploadedfile import UploadedFile
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from luoshi.audit.services import record
from luoshi.errors import Conflict, ImplausibleReport, InvalidField, LuoshiError, NotAllowed
from luoshi.lib import compiled
from luoshi.notify.services import Message, notify
from luoshi.org.access import context_for
from luoshi.org.models import Unit

from .. import rules, signals
from ..models import Evidence, LockedPeriod, Plan, Report, ReportState, Status, Task
from ._common import _decimal, _reporting_unit, _require_reason, _save_evidence
from .lights import refresh_after_report


def _store_evidence(report: Report, files: Sequence[UploadedFile]) -> list[Evidence]:
    return _save_evidence(files, report=report)


# Why a report's period is refused, by `rules.report_period` code.
PERIOD_ERRORS = {
    rules.PERIOD_NOT_AN_END: _lazy("所属期 %(p)s 不是该任务填报周期（%(c)s）的期末日期。"),
    rules.PERIOD_BEFORE_START: _lazy("所属期 %(p)s 早于任务开始日期 %(s)s 所在的期。"),
    rules.PERIOD_AFTER_DUE: _lazy("所属期 %(p)s 晚于任务完成时限 %(d)s 所在的期。"),
    rules.PERIOD_IN_FUTURE: _lazy("所属期 %(p)s 尚未开始，不能提前填报。"),
}


def _report_period(task: Task, period: date | None, today: date) -> date:
    """The report's period, checked against the task's cadence, dates and today (DESIGN: one of the
    task's periods, not in the future); a refusal names the field `period_end`."""
    cadence = task.effective_cadence
    chosen, problem = rules.report_period(
        cadence=cadence, start=task.start, due=task.due, on=today, period=period
    )
    if problem:
        from ..models import Cadence

        message = PERIOD_ERRORS[problem] % {
            "p": chosen,
            "c": dict(Cadence.choices).get(cadence, cadence),
            "s": task.start,
            "d": task.due,
        }
        raise InvalidField(message, field="period_end")
    return chosen


def _made_on(task: Task, period_end: date, made_on: date | None, today: date) -> date:
    """The day the report was made (填报日期): today, or the date of a paper report back-filled now
    (纸质填报), which must lie in the report's period window (`rules.made_on_window`: from the period's
    first day to its end plus the grace days) and not after the day it is entered."""
    if made_on is None:
        return today
    _made_on_not_future(made_on, today)
    first, last = rules.made_on_window(task.effective_cadence, period_end, grace_days=task.plan.grace_days)
    if not first <= made_on <= last:
        raise InvalidField(
            _("纸质填报日期 %(d)s 不在所属期 %(p)s 的填报时间内（%(a)s 至 %(b)s）。")
            % {"d": made_on, "p": period_end, "a": first, "b": last},
            field="reported_on",
        )
    return made_on


def _made_on_not_future(made_on: date | None, today: date) -> None:
    if made_on is not None and made_on > today:
        raise InvalidField(
            _("纸质填报日期 %(d)s 晚于录入日期 %(t)s。") % {"d": made_on, "t": today}, field="reported_on"
        )


def _correction_unit(actor: Any, task: Task, corrects: Report) -> tuple[Unit, Report]:
    """(the unit the correction is filed for, the report it corrects, locked), or a refusal.

    Only the unit that filed a report corrects it — its reporters and head — or the supervision
    office; a co-unit's clerk cannot correct (and so lock) the lead unit's report, nor the reverse.
    A returned correction is void: the report it named stays in force and may be corrected again.
    """
    ctx = context_for(actor)
    if not ctx.is_officer:
        _reporting_unit(actor, task)  # an outsider learns nothing about the report from the refusal
    original = Report.objects.select_for_update().select_related("unit").get(pk=corrects.pk)
    if original.task_id != task.pk:
        raise LuoshiError(_("更正的填报不属于该任务。"))
    if not ctx.is_officer and original.unit_id not in ctx.reporter_unit_ids | ctx.head_unit_ids:
        raise NotAllowed(
            _("这条填报由%(u)s报送，只有该单位的填报人员、负责人或督查室可以更正。")
            % {"u": original.unit.name}
        )
    if original.state == ReportState.PENDING:
        raise LuoshiError(_("待审核的填报不能更正，请由单位负责人退回后重新填报。"))
    if original.state == ReportState.RETURNED:
        raise LuoshiError(_("已退回的填报无效，不能更正，请重新填报。"))
    live = Report.objects.filter(corrects=original).exclude(state=ReportState.RETURNED).first()
    if live is not None and live.state == ReportState.PENDING:
        raise LuoshiError(_("该填报已有一条更正待单位负责人审核，请等审核后再更正。"))
    if live is not None:
        raise LuoshiError(_("该填报已被更正过，请更正最新的一条。"))
    return original.unit, original


def _previous_figure(task: Task, period_end: date, today: date, corrects: Report | None) -> Decimal | None:
    """The figure of the report this one follows: the effective report known by `today` for this
    period or an earlier one (not the report being corrected)."""
    if corrects is None:
        found = compiled.rows(
            "work.report.previous_figure",
            _previous_one,
            task.pk,
            period_end,
            today,
            using=router.db_for_read(Report),
        )
    else:
        found = list(_previous(task.pk, period_end, today).exclude(pk=corrects.pk)[:1])
    if not found:
        return None
    figure: Decimal | None = found[0][0] if task.has_measure else found[0][1]
    return figure


def _previous(task_id: int, period_end: date, today: date) -> Any:
    """(value, percent) of the effective reports known by `today` for the period or an earlier one,
    the one a new report follows first."""
    qs = Report.objects.effective_by(today).filter(task_id=task_id, period_end__lte=period_end)
    return qs.order_by("-period_end", "-reported_on", "-id").values_list("value", "percent")


def _previous_one(task_id: int, period_end: date, today: date) -> Any:
    return _previous(task_id, period_end, today)[:1]


def _plain(number: Decimal) -> str:
    """803.0000 → 803, 12.5000 → 12.5 (never 8.03E+2)."""
    return f"{number.normalize():f}"


def _warning_message(warnings: list[str], previous: Decimal | None, figure: Decimal) -> str:
    from ..models import WARNING_TEXT

    texts = _("；").join(str(WARNING_TEXT[w]) for w in warnings)
    if previous is None:
        return _("请核实填报数值 %(v)s：%(w)s。确认无误后可仍然提交。") % {"v": _plain(figure), "w": texts}
    return _("请核实填报数值：上期 %(p)s，本期 %(v)s（%(w)s）。确认无误后可仍然提交。") % {
        "p": _plain(previous),
        "v": _plain(figure),
        "w": texts,
    }


class _Figures(NamedTuple):
    """A report's checked figures: percent, cumulative value (a measure's), and its narrative."""

    percent: Decimal | None
    value: Decimal | None
    narrative: str


def _filing_unit(actor: Any, task: Task, corrects: Report | None) -> tuple[Unit, Report | None]:
    """(the unit the report is filed for, the report it corrects, locked), or a refusal."""
    if corrects is not None:
        return _correction_unit(actor, task, corrects)
    return _reporting_unit(actor, task), None


def _require_reportable(task: Task) -> None:
    """Only a task in progress (or claimed) takes reports."""
    if task.status == Status.CLOSED:
        raise LuoshiError(_("任务“%(t)s”已销号，不能再填报进度。") % {"t": task.title[:60]})
    if task.status in (Status.CANCELLED, Status.SUSPENDED, Status.DRAFT):
        raise LuoshiError(_("任务当前状态为“%(s)s”，不能填报。") % {"s": task.get_status_display()})


def _open_period(task: Task, period: date | None, today: date) -> date:
    """The report's period (`_report_period`), refused once its bulletin is out (locked)."""
    period_end = _report_period(task, period, today)
    if compiled.rows(
        "work.report.period_locked", _locked, task.plan_id, period_end, using=router.db_for_read(LockedPeriod)
    ):
        raise LuoshiError(_("%(p)s 所属期的通报已发布，该期已锁定。") % {"p": period_end})
    return period_end


def _locked(plan_id: int, period_end: date) -> Any:
    return LockedPeriod.objects.filter(plan_id=plan_id, period_end=period_end).values_list("pk")[:1]


def _report_figures(
    task: Task, *, percent: Any, value: Any, no_change: bool, narrative: str, today: date
) -> _Figures:
    """The figures as filed, or copied from the last report ("no change"); a measure's percent follows
    from its value. Refused when a figure the task needs is missing or out of range."""
    pct = _decimal(percent, _("完成进度"))
    val = _decimal(value, _("累计完成值"))
    if no_change:
        last = (
            Report.objects.effective_by(today)
            .filter(task=task)
            .order_by("-period_end", "-reported_on", "-id")
            .first()
        )
        if last is None:
            raise LuoshiError(_("还没有上期填报，不能选择“与上期无变化”。"))
        pct, val = last.percent, last.value
        narrative = narrative or _("与上期无变化。")
    if task.has_measure:
        if val is None:
            raise InvalidField(
                _("该任务有量化指标，请填写累计完成值（%(u)s）。") % {"u": task.metric_unit or ""},
                field="value",
            )
        if rules.negative_total(
            value=val, direction=task.direction, baseline=task.baseline, target=task.target
        ):
            raise InvalidField(
                _("累计完成值不能为负数（%(v)s%(u)s）：累计值从零起算，请检查正负号。")
                % {"v": _plain(val), "u": task.metric_unit or ""},
                field="value",
                code="negative_total",
            )
        if pct is None:
            pct = rules.measure_progress(
                val,
                baseline=task.baseline or Decimal(0),
                target=task.target or Decimal(0),
                direction=task.direction,
                cap=Decimal(100),
            )
    elif pct is None:
        raise InvalidField(_("请填写完成进度（0–100）。"), field="percent")
    if pct is not None and not (Decimal(0) <= pct <= Decimal(100)):
        raise InvalidField(_("完成进度须在 0 到 100 之间。"), field="percent")
    return _Figures(pct, val, narrative)


def _figure_warnings(
    task: Task, figures: _Figures, previous: Decimal | None, *, no_change: bool, acknowledged: bool
) -> list[str]:
    """The plausibility warnings (合理性提示) of the filed figure against the previous one; refused
    with `ImplausibleReport` unless the filer acknowledged them."""
    figure = figures.value if task.has_measure else figures.percent
    warnings: list[str] = []
    if figure is not None and not no_change:
        warnings = rules.implausible_change(
            previous=previous,
            current=figure,
            is_measure=task.has_measure,
            direction=task.direction,
            baseline=task.baseline,
            target=task.target,
        )
    if warnings and not acknowledged:
        raise ImplausibleReport(
            _warning_message(warnings, previous, figure),  # type: ignore[arg-type]
            field="value" if task.has_measure else "percent",
            warnings=warnings,
            previous=previous,
        )
    return warnings


def _needs_head(actor: Any, task: Task, unit: Unit, corrects: Report | None) -> bool:
    """Whether the report waits for the unit head's approval."""
    ctx = context_for(actor)
    # A unit's report waits for its head where the plan says so; the office's correction is final.
    by_office = corrects is not None and ctx.is_officer and unit.pk not in ctx.reporter_unit_ids
    return task.plan.head_approval and unit.pk not in ctx.head_unit_ids and not by_office


def _as_stored(number: Decimal | None, places: int) -> Decimal | None:
    """The figure as its column keeps it (rounded half away from zero, as PostgreSQL's numeric
    does), so the saved report is what a read gives back and needs no read."""
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _report_create(
    *,
    actor: Any,
    task: Task,
    unit: Unit,
    period_end: date,
    today: date,
    made_on: date,
    figures: _Figures,
    problems: str,
    next_steps: str,
    no_change: bool,
    corrects: Report | None,
    previous: Decimal | None,
    warnings: list[str],
) -> Report:
    """Save the report: submitted at once, or pending the unit head's approval."""
    needs_head = _needs_head(actor, task, unit, corrects)
    return Report.objects.create(
        task=task,
        unit=unit,
        author=actor,
        period_end=period_end,
        reported_on=made_on,
        filed_on=today,
        known_on=None if needs_head else today,
        percent=_as_stored(figures.percent, 2),
        value=_as_stored(figures.value, 4),
        narrative=figures.narrative,
        problems=problems,
        next_steps=next_steps,
        no_change=no_change,
        corrects=corrects,
        state=ReportState.PENDING if needs_head else ReportState.SUBMITTED,
        approved_by=None if needs_head else actor,
        approved_at=None if needs_head else timezone.now(),
        previous_figure=_as_stored(previous, 4),
        warnings=warnings,
        warnings_acknowledged=bool(warnings),
    )


def _report_audit(actor: Any, report: Report, corrects: Report | None, evidence: Sequence[Evidence]) -> None:
    """The audit entry of a filed report (or of a correction, naming the report it corrects)."""
    warnings, previous = report.warnings, report.previous_figure
    record(
        report,
        "work.report.corrected" if corrects else "work.report.submitted",
        actor=actor,
        before=(
            {"report": corrects.pk, "percent": corrects.percent, "value": corrects.value}
            if corrects
            else None
        ),
        after={
            "task": report.task_id,
            "unit": report.unit_id,
            "percent": report.percent,
            "value": report.value,
            "period_end": report.period_end,
            "reported_on": report.reported_on,
            "filed_on": report.filed_on,
            "known_on": report.known_on,
            "no_change": report.no_change,
            "state": report.state,
            "evidence": [{"name": e.name, "sha256": e.sha256, "size": e.size} for e in evidence],
        },
        data=({"corrects": corrects.pk} if corrects else {})
        | ({"warnings": warnings, "warnings_acknowledged": True, "previous": previous} if warnings else {})
        or None,
    )


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    task: Task,
    percent: Any = None,
    value: Any = None,
    narrative: str = "",
    problems: str = "",
    next_steps: str = "",
    no_change: bool = False,
    period: date | None = None,
    on: date | None = None,
    files: Sequence[UploadedFile] = (),
    corrects: Report | None = None,
    acknowledge_warnings: bool = False,
    made_on: date | None = None,
) -> Report:
    """File a progress report (进度填报) for a task; a correction references the report it corrects.

    `on` is the day it is entered in Luoshi (`filed_on`); `made_on` the day a paper report was made
    (纸质填报日期, stored as `reported_on`), when an office back-fills one: within the period's window
    and not after `on`, else `InvalidField("reported_on")`. Without a named period, the period is
    the one holding `made_on`.

    "No change since last report" copies the last values but is still a dated entry of its own.
    The period must be one of the task's periods and not in the future (`InvalidField`). A figure
    that looks like a mistake (`rules.implausible_change`) is refused with `ImplausibleReport`
    unless `acknowledge_warnings`; then the warnings are kept on the report for the approving head.
    """
    today = on or timezone.localdate()
    task = _task_with_plan_and_unit(task.pk)
    # Who first: an outsider learns nothing about the task's state from the refusal.
    unit, corrects = _filing_unit(actor, task, corrects)
    _require_reportable(task)
    if corrects is not None and period is None:
        period = corrects.period_end
    _made_on_not_future(made_on, today)
    # A paper report without a named period belongs to the period holding the day it was made.
    period_end = _open_period(task, period, made_on if period is None and made_on is not None else today)
    made = _made_on(task, period_end, made_on, today)
    figures = _report_figures(
        task, percent=percent, value=value, no_change=no_change, narrative=narrative, today=today
    )
    previous = _previous_figure(task, period_end, today, corrects)
    warnings = _figure_warnings(
        task, figures, previous, no_change=no_change, acknowledged=acknowledge_warnings
    )
    report = _report_create(
        actor=actor,
        task=task,
        unit=unit,
        period_end=period_end,
        today=today,
        made_on=made,
        figures=figures,
        problems=problems,
        next_steps=next_steps,
        no_change=no_change,
        corrects=corrects,
        previous=previous,
        warnings=warnings,
    )
    evidence = _store_evidence(report, files)
    _report_audit(actor, report, corrects, evidence)
    if report.state == ReportState.SUBMITTED:
        refresh_after_report([(task, today)])
    signals.report_filed(report)
    return report


def _task_row(task_id: int) -> Any:
    """The task's columns, then its plan's, then its lead unit's, in one row."""
    plan, unit = compiled.columns(Plan), compiled.columns(Unit)
    return Task.objects.filter(pk=task_id).values_list(
        *compiled.columns(Task), *(f"plan__{c}" for c in plan), *(f"lead_unit__{c}" for c in unit)
    )


def _task_with_plan_and_unit(task_id: int) -> Task:
    """`Task.objects.select_related("plan", "lead_unit").get(pk=task_id)`, by a statement compiled
    once (it is read on every report filed); `Task.DoesNotExist` when there is none."""
    using = router.db_for_read(Task)
    found = compiled.rows("work.report.task", _task_row, task_id, using=using)
    if not found:
        raise Task.DoesNotExist(f"Task {task_id} does not exist")
    row = found[0]
    cols = [list(compiled.columns(model)) for model in (Task, Plan, Unit)]
    n, m = len(cols[0]), len(cols[1])
    task = Task.from_db(using, cols[0], row[:n])
    task.plan = Plan.from_db(using, cols[1], row[n : n + m])
    task.lead_unit = Unit.from_db(using, cols[2], row[n + m :])
    return task


def _decide_pending(actor: Any, report: Report) -> Report:
    if report.unit_id not in context_for(actor).head_unit_ids:
        raise NotAllowed(_("只有本单位主要负责人可以审核本单位的填报。"))
    current = Report.objects.select_for_update().select_related("task").get(pk=report.pk)
    if current.state != ReportState.PENDING:
        raise Conflict(_("该填报已被处理。"))
    if current.task.status == Status.CLOSED:
        raise LuoshiError(_("任务已销号，只读。"))
    return current


def _move_pending(
    actor: Any, report: Report, current: Report, action: str, data: dict[str, Any], **fields: Any
) -> None:
    """The head's decision on a pending report: `fields` saved only while it is still pending (else
    409), `report` read again, and the move from `current`'s state recorded as `action`."""
    updated = Report.objects.filter(pk=report.pk, state=ReportState.PENDING).update(**fields)
    if updated != 1:
        raise Conflict(_("该填报已被处理。"))
    report.refresh_from_db()
    before, after = {"state": current.state}, {"state": report.state}
    record(report, action, actor=actor, before=before, after=after, data=data)


def _approve(actor: Any, report: Report, on: date | None) -> Report:
    """Approve one pending report without refreshing lights: it becomes known to the office on `on`
    (never before the day it was entered)."""
    current = _decide_pending(actor, report)
    known = max(on or timezone.localdate(), current.filed_on)
    _move_pending(
        actor,
        report,
        current,
        "work.report.approved",
        {"task": report.task_id, "known_on": known},
        state=ReportState.SUBMITTED,
        approved_by=actor,
        approved_at=timezone.now(),
        known_on=known,
    )
    return current


@transaction.atomic
def report_approve(*, actor: Any, report: Report, on: date | None = None) -> Report:
    """The unit head (单位主要负责人) lets a pending report go up; it counts from `on` (today), and the
    task's lights are refreshed as of that day."""
    current = _approve(actor, report, on)
    refresh_after_report([(current.task, report.known_on)])  # type: ignore[list-item]
    signals.report_filed(report)
    return report


@transaction.atomic
def report_approve_many(
    *, actor: Any, reports: Sequence[Report], on: date | None = None
) -> tuple[list[Report], list[tuple[Report, LuoshiError]]]:
    """Approve several pending reports in one transaction (全部审核通过): each on its own savepoint, so
    one refused report leaves the others approved; then each task's lights are refreshed once, so a
    task's followers hear of the net change, not of every step. Returns (approved, refused)."""
    approved: list[Report] = []
    refused: list[tuple[Report, LuoshiError]] = []
    tasks: dict[int, Task] = {}
    for report in reports:
        try:
            with transaction.atomic():
                current = _approve(actor, report, on)
        except LuoshiError as exc:
            refused.append((report, exc))
            continue
        approved.append(report)
        tasks[current.task_id] = current.task
    refresh_after_report(
        (task, max(r.known_on for r in approved if r.task_id == task_id and r.known_on is not None))
        for task_id, task in tasks.items()
    )
    for report in approved:
        signals.report_filed(report)
    return approved, refused


@transaction.atomic
def report_return(*, actor: Any, report: Report, reason: str, on: date | None = None) -> Report:
    """The unit head sends a pending report back to its author with a reason (on `on`, today)."""
    _require_reason(reason)
    current = _decide_pending(actor, report)
    data = {"task": report.task_id, "reason": reason}
    _move_pending(
        actor,
        report,
        current,
        "work.report.returned",
        data,
        state=ReportState.RETURNED,
        return_reason=reason,
        returned_on=on or timezone.localdate(),
    )
    notify(
        [Message(report.author_id, report.task_id, _("填报被退回：") + reason)], rule="work.report.returned"
    )
    return report
