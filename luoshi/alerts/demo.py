"""Demo data for early warning and report quality (called from `luoshi.demo.build`, after the other
apps): the labelled evaluation set of reports (`evalset`), its flags raised into the office's queue,
three units that never report, and the warning levels for the last eight weeks (the board's trend),
through the real services; deterministic for a given `today`."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from luoshi.audit.services import record
from luoshi.org.models import Unit, UnitCategory
from luoshi.work.bulk import NewTask, task_create_many
from luoshi.work.models import Evidence, Milestone, Report, ReportState
from luoshi.work.services import plan_create
from luoshi.work.services.lights import figures_refresh, mark_late_reports

from . import evalset, flags, services
from .models import EvalCase

TASKS = 130  # x 4 monthly reports: 520 labelled reports
PERIODS = 4
PHANTOMS = 3
TOPICS = (
    "营商环境优化",
    "重点项目建设",
    "民生实事办理",
    "招商引资",
    "城市更新",
    "乡村振兴",
    "生态环境治理",
    "安全生产",
)


def build(builder: Any) -> None:
    officer = builder.users["ducha1"]
    # The office's settings: the year's plan read over six weeks with low thresholds (a warning should
    # come early), the 60-day campaign over three weeks and stricter still.
    services.plan_settings_save(
        actor=officer,
        plan=builder.annual,
        window_days=42,
        blue=Decimal(1),
        yellow=Decimal("2.5"),
        orange=Decimal(4),
        red=Decimal(6),
    )
    services.plan_settings_save(
        actor=officer,
        plan=builder.campaign,
        window_days=21,
        blue=Decimal(1),
        yellow=Decimal(2),
        orange=Decimal(3),
        red=Decimal(5),
    )
    counts = load(
        today=builder.today, officer=officer, units=builder.units, users=builder.users, seed=builder.year
    )
    builder.counts.update(counts)


def load(
    *, today: date, officer: Any, units: dict[str, Unit], users: dict[str, Any], seed: int
) -> dict[str, int]:
    rng = random.Random(f"alerts:{seed}:{today.isoformat()}")
    departments = sorted(
        (u for u in units.values() if u.category == UnitCategory.DEPARTMENT), key=lambda u: u.code
    )
    periods = evalset.month_ends(today, PERIODS)
    start = periods[0].replace(day=1)
    plan = plan_create(
        actor=officer,
        name=f"{today.year}年填报质量评估样本",
        year=today.year,
        start=start,
        due=max(date(today.year, 12, 31), today + timedelta(days=60)),
        cadence="monthly",
        head_approval=False,
    )
    # Three communities that lead nothing and never reported give the sample its units that never
    # report (从未填报): each now leads two weekly tasks, and reports nothing.
    reported = set(Report.objects.values_list("unit_id", flat=True).distinct())
    phantom_units = sorted(
        (u for u in units.values() if u.category == UnitCategory.COMMUNITY and u.pk not in reported),
        key=lambda u: u.code,
    )[:PHANTOMS]
    tasks: list[dict[str, Any]] = []
    rows: list[NewTask] = []
    for i in range(TASKS):
        unit = departments[i % len(departments)]
        measure = rng.choice(evalset.MEASURES) if rng.random() < 0.35 else None
        tasks.append({"unit": unit.pk, "measure": measure})
        fields: dict[str, Any] = {"assigned_on": start}
        if measure:
            fields.update(
                metric_name=measure[0],
                metric_unit=measure[1],
                baseline=Decimal(measure[2]),
                target=Decimal(measure[3]),
            )
        rows.append(
            NewTask(
                code=str(i + 1),
                title=f"{unit.short_name or unit.name}{rng.choice(TOPICS)}第{i + 1}项",
                lead_unit=unit,
                start=start,
                due=plan.due,
                fields=fields,
            )
        )
    for j, unit in enumerate(phantom_units):
        for k in range(2):
            rows.append(
                NewTask(
                    code=f"{TASKS + 2 * j + k + 1}",
                    title=f"{unit.name}网格化管理台账第{k + 1}项",
                    lead_unit=unit,
                    start=start,
                    due=plan.due,
                    fields={"assigned_on": start, "cadence": "weekly"},
                )
            )
    created = task_create_many(actor=officer, plan=plan, rows=rows, batch="alerts-evalset", title_pinyin=True)
    task_ids = [created.tasks[str(i + 1)].pk for i in range(TASKS)]
    planned = evalset.plan_reports(rng, tasks, periods)
    author_of = _authors(departments, users, officer)
    reports = [
        Report(
            region_id=plan.region_id,
            task_id=task_ids[p.task],
            unit_id=tasks[p.task]["unit"],
            author=author_of.get(tasks[p.task]["unit"], officer),
            period_end=p.period,
            reported_on=min(p.reported_on, today),
            filed_on=min(p.reported_on, today),
            known_on=min(p.reported_on, today),
            percent=p.percent,
            value=p.value,
            narrative=p.narrative,
            state=ReportState.SUBMITTED,
            approved_at=timezone.make_aware(datetime.combine(min(p.reported_on, today), time(17, 0))),
        )
        for p in planned
    ]
    Report.objects.bulk_create(reports, batch_size=1000)
    made = list(Report.objects.filter(task_id__in=task_ids).order_by("pk"))
    # bulk_create gives ids on both databases; the order is the planned order.
    for p, r in zip(planned, made, strict=True):
        if p.evidence:
            body = f"验收材料 {r.task_id} {r.period_end}".encode()
            Evidence.objects.create(
                report=r,
                file=ContentFile(body, name="验收材料.pdf"),
                name="验收材料.pdf",
                size=len(body),
                sha256=hashlib.sha256(body).hexdigest(),
                content_type="application/pdf",
            )
    # The milestones the honest quarter-end steps met (evalset: a real milestone met near the quarter's
    # end), on record as an office would have them.
    Milestone.objects.bulk_create(
        [
            Milestone(
                task_id=task_ids[p.task],
                region_id=plan.region_id,
                title=f"{p.period.month}月底阶段节点",
                due=p.period,
                met_on=min(p.reported_on, today),
            )
            for p in planned
            if p.milestone
        ]
    )
    figures_refresh(set(task_ids))
    mark_late_reports(plan_id=plan.pk, on=today)
    cases = [
        EvalCase(report=r, kinds=list(p.kinds), recipe=p.recipe) for p, r in zip(planned, made, strict=True)
    ]
    cases += [EvalCase(unit=u, kinds=["phantom"], recipe="phantom") for u in phantom_units]
    cases += [
        EvalCase(unit_id=u, kinds=[], recipe="reporting_unit") for u in sorted({t["unit"] for t in tasks})
    ]
    EvalCase.objects.bulk_create(cases)
    record(plan, "alerts.evalset.loaded", actor=officer, data={"reports": len(made), "cases": len(cases)})
    raised = services.flags_raise(flags.find(today, today, report_ids=[r.pk for r in made]), on=today)
    levels = 0
    for back in range(55, -1, -1):
        day = today - timedelta(days=back)
        if back % 7 == 0 or back < 7:
            levels += sum(v for k, v in services.warnings_step(day).items() if k != "slips")
    return {"alerts_eval_reports": len(made), "alerts_flags": raised, "alerts_levels": levels}


def _authors(departments: list[Unit], users: dict[str, Any], fallback: Any) -> dict[int, Any]:
    """unit id -> a reporter of the unit (or the officer when the demo gave it none)."""
    from luoshi.org.models import Membership, Role

    by_person = {
        getattr(u, "person", None) and u.person.pk: u for u in users.values() if hasattr(u, "person")
    }
    out: dict[int, Any] = {}
    for person_id, unit_id in (
        Membership.objects.current()
        .filter(post__role=Role.REPORTER, post__unit__in=departments)
        .values_list("person_id", "post__unit_id")
    ):
        if person_id in by_person and unit_id not in out:
            out[unit_id] = by_person[person_id]
    return out
