"""Every write to key projects: create and edit, stages met with evidence, investment, owners (四包一),
problems (问题清单) and the tasks they become. Keyword-only, one transaction each, audited."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed, refuse_unknown_fields
from luoshi.lib.regions import move_region, root_region_id, unit_region_id
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Post, Unit
from luoshi.work.models import Plan, Source, Task

from . import rules
from .models import (
    Boundary,
    Category,
    OwnerRole,
    Project,
    ProjectImport,
    ProjectInvestment,
    ProjectOwner,
    ProjectProblem,
    ProjectStage,
    ProjectYear,
    Stage,
    StageChange,
)

EDITABLE = ("name", "category", "theme", "lat", "lng", "lead_unit", "protected", "total_investment", "task")


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidField(_("不是有效金额：%(v)s") % {"v": value}, field=field) from None
    if not amount.is_finite():
        raise InvalidField(_("不是有效金额：%(v)s") % {"v": value}, field=field)
    if amount < 0:
        raise InvalidField(_("投资额不能为负数。"), field=field)
    return amount


def _check_point(lat: Any, lng: Any) -> tuple[Decimal | None, Decimal | None]:
    if lat in (None, "") and lng in (None, ""):
        return None, None
    if lat in (None, "") or lng in (None, ""):
        raise InvalidField(_("经度和纬度须同时填写。"), field="lat" if lat in (None, "") else "lng")
    try:
        la, lo = Decimal(str(lat)), Decimal(str(lng))
    except (InvalidOperation, ValueError):
        raise InvalidField(_("坐标不是有效数字。"), field="lat") from None
    if not la.is_finite() or not -90 <= la <= 90:
        raise InvalidField(_("纬度须在 -90 到 90 之间。"), field="lat")
    if not lo.is_finite() or not -180 <= lo <= 180:
        raise InvalidField(_("经度须在 -180 到 180 之间。"), field="lng")
    return la.quantize(Decimal("0.000001")), lo.quantize(Decimal("0.000001"))


def _snapshot(project: Project) -> dict[str, Any]:
    return {
        "name": project.name,
        "category": project.category,
        "theme": project.theme,
        "lat": None if project.lat is None else str(project.lat),
        "lng": None if project.lng is None else str(project.lng),
        "lead_unit": project.lead_unit_id,
        "protected": project.protected,
        "total_investment": str(project.total_investment),
        "task": project.task_id,
    }


def _require_editor(actor: Any, project: Project) -> None:
    """The office, or a reporter or head of the project's lead unit."""
    ctx = context_for(actor)
    if ctx.sees_everything:
        return
    if project.lead_unit_id is not None and project.lead_unit_id in (
        ctx.reporter_unit_ids | ctx.head_unit_ids
    ):
        return
    raise NotAllowed(_("只有督查室或项目牵头单位可以填报该项目。"))


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _office_unit(actor: Any) -> Unit | None:
    """The unit the acting officer belongs to (the office), when there is one."""
    ids = sorted(context_for(actor).post_unit_ids)
    return Unit.objects.filter(pk__in=ids).order_by("path").first() if ids else None


def _office_region_id(actor: Any) -> Any:
    """The region of the acting office, else (an officer holding no post) the root region."""
    office = _office_unit(actor)
    return (office.region_id if office is not None else None) or root_region_id()


def _check_version(current: Project, version: int | None) -> None:
    if version is not None and current.version != version:
        raise Conflict(_("该项目已被他人修改，请刷新后再改。"))


@transaction.atomic
def project_create(
    *,
    actor: Any,
    name: str,
    code: str,
    category: str = "",
    theme: str = "",
    lead_unit: Unit | None = None,
    lat: Any = None,
    lng: Any = None,
    protected: bool = False,
    total_investment: Any = 0,
    task: Task | None = None,
    year: int | None = None,
    annual_plan: Any = 0,
    planned: Mapping[str, date] | None = None,
    plan: Plan | None = None,
) -> Project:
    """Create a key project (重点项目) with a row per stage (planned dates from `planned`) and, when
    `year` is given, its entry in that year's list; with `plan`, its carrying task (项目推进任务) in
    that plan (`project_tasks_ensure`), so meetings' agendas can raise it."""
    require_officer(actor)
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise InvalidField(_("项目名称不能为空。"), field="name")
    if not code:
        raise InvalidField(_("项目编号不能为空。"), field="code")
    if category and category not in Category.values:
        raise InvalidField(_("未知的项目类别：%(v)s") % {"v": category}, field="category")
    if Project.objects.filter(code=code).exists():
        raise InvalidField(_("项目编号 %(code)s 已存在。") % {"code": code}, field="code")
    for stage in planned or {}:
        if stage not in Stage.values:
            raise InvalidField(_("未知的项目阶段：%(v)s") % {"v": stage}, field="planned")
    la, lo = _check_point(lat, lng)
    # the lead unit's region (else the task's, `Project.region`); a project led by no unit yet
    # belongs to the creating office's region
    region: Any = None if lead_unit is not None or task is not None else _office_region_id(actor)
    project = Project.objects.create(
        name=name,
        code=code,
        category=category,
        theme=theme.strip(),
        lead_unit=lead_unit,
        lat=la,
        lng=lo,
        protected=protected,
        total_investment=_money(total_investment, "total_investment"),
        task=task,
        region_id=region,
    )
    ProjectStage.objects.bulk_create(
        [
            ProjectStage(
                project=project, stage=s, planned=(planned or {}).get(s), region_id=project.region_id
            )
            for s in rules.STAGES
        ]
    )
    if year is not None:
        ProjectYear.objects.create(
            project=project, year=year, name=name, annual_plan=_money(annual_plan, "annual_plan")
        )
    record(project, "projects.project.created", actor=actor, after={**_snapshot(project), "year": year})
    if plan is not None and task is None:
        if lead_unit is None:
            raise InvalidField(_("生成推进任务需要牵头单位。"), field="lead_unit")
        project_tasks_ensure(actor=actor, plan=plan, projects=[project])
        project.refresh_from_db()
    return project


@transaction.atomic
def project_update(*, actor: Any, project: Project, version: int, **changes: Any) -> Project:
    """Edit a project's fields; `version` is the one the editor saw: someone who saved first wins and
    this edit answers Conflict (409), never a silent overwrite."""
    require_officer(actor)
    refuse_unknown_fields(changes, EDITABLE)
    current = _locked(project)
    if current.version != version:
        raise Conflict(_("该项目已被他人修改，请刷新后再改。"))
    before = _snapshot(current)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise InvalidField(_("项目名称不能为空。"), field="name")
    if changes.get("category") and changes["category"] not in Category.values:
        raise InvalidField(_("未知的项目类别：%(v)s") % {"v": changes["category"]}, field="category")
    if "total_investment" in changes:
        changes["total_investment"] = _money(changes["total_investment"], "total_investment")
    if "lat" in changes or "lng" in changes:
        changes["lat"], changes["lng"] = _check_point(
            changes.get("lat", current.lat), changes.get("lng", current.lng)
        )
    for key, value in changes.items():
        setattr(current, key, value)
    updated = Project.objects.filter(pk=current.pk, version=version).update(
        **{k: getattr(current, k) for k in changes}, version=F("version") + 1
    )
    if not updated:  # pragma: no cover - the row is locked; kept for databases without row locks
        raise Conflict(_("该项目已被他人修改，请刷新后再改。"))
    _follow_lead_unit(current)
    current.refresh_from_db()
    record(current, "projects.project.updated", actor=actor, before=before, after=_snapshot(current))
    return current


def _follow_lead_unit(project: Project) -> None:
    """A project whose lead unit is now another district's goes there with its rows (stages,
    investment, owners, problems …: lib/regions.py); its carrying task stays in its plan."""
    if project.lead_unit_id is None:
        return
    region = unit_region_id(project.lead_unit_id)
    if region is not None and region != project.region_id:
        move_region(project, region)


CARRYING_CODE = "项目"
# New carrying tasks get their lights at once up to this many; more wait for the daily tick.
REFRESH_AT_ONCE = 500


def _carrying_rows(projects: list[Project], plan: Plan, start: date) -> list[Any]:
    from luoshi.work.bulk import NewTask

    return [
        NewTask(
            code=f"{CARRYING_CODE}{p.code}",
            title=p.name,
            lead_unit=p.lead_unit,  # type: ignore[arg-type]
            start=min(max(start, plan.start), plan.due),
            due=plan.due,
            fields={"source": Source.PROJECT, "source_ref": f"project:{p.pk}"},
        )
        for p in projects
    ]


@transaction.atomic
def project_tasks_ensure(
    *, actor: Any, plan: Plan, projects: Any = None, start: date | None = None
) -> list[int]:
    """Give every project without one its carrying task (项目推进任务) in `plan`: the task through
    which the project is followed by the engine and put on dispatch meetings' agendas (agenda items
    point to tasks). One `task_create_many` batch (code 项目<project code>, led by the project's lead
    unit, from `start` (today) to the plan's due date, source 重点项目); projects without a lead unit
    are left out. `projects` (a queryset or list) defaults to every project. Returns the new task ids."""
    from luoshi.work.bulk import task_create_many

    require_officer(actor)
    if not plan.is_active:
        raise InvalidField(_("该计划已停用。"), field="plan")
    scope = (
        Project.objects.all()
        if projects is None
        else Project.objects.filter(pk__in=[getattr(p, "pk", p) for p in projects])
    )
    todo = list(
        scope.select_for_update(of=("self",))
        .filter(task__isnull=True, lead_unit__isnull=False)
        .select_related("lead_unit")
        .order_by("code")
    )
    if not todo:
        return []
    taken = set(
        Task.objects.filter(plan=plan, code__in=[f"{CARRYING_CODE}{p.code}" for p in todo]).values_list(
            "code", flat=True
        )
    )
    if taken:
        raise InvalidField(
            _("计划中已有编号为 %(codes)s 的任务。") % {"codes": "、".join(sorted(taken))}, field="plan"
        )
    rows = _carrying_rows(todo, plan, start or timezone.localdate())
    created = task_create_many(actor=actor, plan=plan, rows=rows, batch=f"projects-{plan.pk}-{todo[0].pk}")
    for project, row in zip(todo, rows, strict=True):
        project.task_id = created.tasks[row.code].pk
    Project.objects.bulk_update(todo, ["task"])
    from luoshi.work.services import task_refresh

    if len(created.ids) <= REFRESH_AT_ONCE:  # a larger batch waits for the tick's plan-wide pass
        for task in Task.objects.filter(pk__in=created.ids).select_related("plan"):
            task_refresh(task=task)
    record(
        plan,
        "projects.project.tasked",
        actor=actor,
        data={"projects": [p.pk for p in todo], "tasks": created.ids},
    )
    return created.ids


def _store_evidence(change: StageChange, file: Any) -> None:
    from luoshi.lib.uploads import UploadRefused, check_files, delete_on_rollback

    try:
        ((f, kind),) = check_files([file], max_bytes=settings.LUOSHI_EVIDENCE_MAX_BYTES)
    except UploadRefused as exc:
        raise InvalidField(str(exc), field="file") from None
    digest = hashlib.sha256()
    for chunk in f.chunks():
        digest.update(chunk)
    f.seek(0)
    change.file_name = (f.name or "file")[:255]
    change.content_type = kind.content_type
    change.sha256 = digest.hexdigest()
    change.file.save((f.name or "file").rsplit("/", 1)[-1][-100:], f, save=False)
    delete_on_rollback(change.file.storage, [change.file.name])


def _carried_source(actor: Any, project: Project, *, file: Any, carried: int | None) -> Any:
    """The evidence of the project's task that a stage met names instead of an upload (None when it
    names none), checked by `work.selectors.carried_evidence`; an upload and a carried file at once
    is refused."""
    if carried is None:
        return None
    if file is not None:
        raise InvalidField(_("请上传一份佐证材料，或沿用关联任务的一份，不要两样都选。"), field="carried")
    from luoshi.work.selectors import carried_evidence

    (source,) = carried_evidence(
        actor,
        [carried],
        tasks=[project.task_id] if project.task_id else [],
        refused=_("所选的佐证材料不是本项目关联任务的填报材料，或你无权查看，未能沿用。"),
    )
    return source


@transaction.atomic
def stage_met(
    *,
    actor: Any,
    project: Project,
    stage: str,
    met: date,
    note: str = "",
    file: Any = None,
    carried: int | None = None,
) -> StageChange:
    """Record a stage as met on `met`, with a note and an optional evidence file; the project's
    current stage follows. A stage met before a previous stage was met is refused (rules.py).

    One fact typed once: instead of uploading a file the unit already handed in with a report on the
    project's task, `carried` names that evidence (`work.Evidence` id, checked on the server to be
    the task's and visible to the actor); the stage change then names the same stored file, no byte
    copied, and the audit entry says where it came from."""
    current = _locked(project)
    _require_editor(actor, current)
    if stage not in Stage.values:
        raise InvalidField(_("未知的项目阶段：%(v)s") % {"v": stage}, field="stage")
    if met > timezone.localdate():
        raise InvalidField(_("完成日期不能晚于今天。"), field="met")
    source = _carried_source(actor, current, file=file, carried=carried)
    if not (note or "").strip() and file is None and source is None:
        raise InvalidField(_("请填写说明或上传佐证材料。"), field="note")
    rows = {s.stage: s for s in ProjectStage.objects.select_for_update().filter(project=current)}
    row = rows.get(stage) or ProjectStage.objects.create(project=current, stage=stage)
    rows[stage] = row
    before = row.met
    dates = [rows[s].met if s in rows and s != stage else None for s in rules.STAGES]
    dates[rules.stage_index(stage)] = met
    bad = rules.stage_order_violation(dates)
    if bad is not None:
        earlier = max(
            (i for i in range(bad) if dates[i] is not None and dates[i] > dates[bad]),  # type: ignore[operator]
            default=bad - 1,
        )
        raise InvalidField(
            _("%(stage)s 的完成日期早于前一阶段 %(prev)s 的完成日期（%(day)s）。")
            % {
                "stage": Stage(rules.STAGES[bad]).label,
                "prev": Stage(rules.STAGES[earlier]).label,
                "day": dates[earlier],
            },
            field="met",
        )
    row.met = met
    row.save(update_fields=["met"])
    change = StageChange(project=current, stage=stage, met=met, note=(note or "").strip(), actor=actor)
    if file is not None:
        _store_evidence(change, file)
    elif source is not None:  # the work app's stored file, named again: content-addressed, not copied
        change.file.name = source.file.name
        change.file_name, change.content_type, change.sha256 = source.name, source.content_type, source.sha256
    change.save()
    at = rules.current_stage(dates)
    current.stage = rules.STAGES[at] if at is not None else ""
    current.stage_since = dates[at] if at is not None else None
    current.version += 1
    current.save(update_fields=["stage", "stage_since", "version"])
    record(
        current,
        "projects.stage.met",
        actor=actor,
        before={"stage": stage, "met": before},
        after={"stage": stage, "met": met},
        data={
            "note": change.note,
            "file": change.file_name,
            "sha256": change.sha256,
            "carried_from": source.pk if source is not None else None,
        },
    )
    return change


@transaction.atomic
def stage_plan_set(
    *, actor: Any, project: Project, planned: Mapping[str, date | None], version: int | None = None
) -> Project:
    """Set the planned dates of stages (倒排工期), by the office; with `version` (the one the editor
    saw), an edit saved meanwhile answers Conflict (409)."""
    require_officer(actor)
    current = _locked(project)
    _check_version(current, version)
    rows = {s.stage: s for s in ProjectStage.objects.select_for_update().filter(project=current)}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for stage, day in planned.items():
        if stage not in Stage.values:
            raise InvalidField(_("未知的项目阶段：%(v)s") % {"v": stage}, field="planned")
        row = rows.get(stage) or ProjectStage(project=current, stage=stage)
        if row.planned != day:
            before[stage], after[stage] = row.planned, day
            row.planned = day
            row.save()
    if after:
        Project.objects.filter(pk=current.pk).update(version=F("version") + 1)
        record(current, "projects.stage.planned", actor=actor, before=before, after=after)
    current.refresh_from_db()
    return current


@transaction.atomic
def investment_report(*, actor: Any, project: Project, month: date, amount: Any) -> ProjectInvestment:
    """Report the investment completed in one month (月度完成投资, 万元); a second report of the same
    month replaces the figure, and the audit keeps both."""
    current = _locked(project)
    _require_editor(actor, current)
    value = _money(amount, "amount")
    first = month.replace(day=1)
    if first > timezone.localdate():
        raise InvalidField(_("不能填报未来月份的投资。"), field="month")
    row = ProjectInvestment.objects.select_for_update().filter(project=current, month=first).first()
    before = None if row is None else str(row.amount)
    if row is None:
        row = ProjectInvestment.objects.create(project=current, month=first, amount=value)
    else:
        row.amount = value
        row.save(update_fields=["amount"])
    _year_completed_store(current, first.year)
    record(
        current,
        "projects.investment.reported",
        actor=actor,
        before={"month": f"{first:%Y-%m}", "amount": before},
        after={"month": f"{first:%Y-%m}", "amount": str(value)},
    )
    return row


def _year_completed_store(project: Project, year: int) -> None:
    """Store the year's completed investment beside its plan (`ProjectYear.completed`): the sum of
    its monthly rows, read again under the project's lock that every writer of those rows holds, and
    added as decimals here (SQLite sums decimals as floats). A year the project was not listed in
    gets its row, with no plan."""
    amounts = ProjectInvestment.objects.filter(
        project=project, month__gte=date(year, 1, 1), month__lte=date(year, 12, 31)
    ).values_list("amount", flat=True)
    total = sum(amounts, Decimal(0))
    if not ProjectYear.objects.filter(project=project, year=year).update(completed=total):
        ProjectYear.objects.create(project=project, year=year, name=project.name, completed=total)


@transaction.atomic
def year_set(*, actor: Any, project: Project, year: int, annual_plan: Any, name: str = "") -> ProjectYear:
    """A project's entry in one year's list: its annual planned investment and its name there."""
    require_officer(actor)
    current = _locked(project)
    if not 1900 <= year <= 2999:
        raise InvalidField(_("年度无效。"), field="year")
    plan = _money(annual_plan, "annual_plan")
    entry, created = ProjectYear.objects.get_or_create(
        project=current, year=year, defaults={"name": name.strip() or current.name, "annual_plan": plan}
    )
    before = None if created else {"annual_plan": str(entry.annual_plan), "name": entry.name}
    if not created:
        entry.annual_plan = plan
        entry.name = name.strip() or entry.name
        entry.save(update_fields=["annual_plan", "name"])
    else:  # months may have been reported before the project was listed for the year
        _year_completed_store(current, year)
        entry.refresh_from_db(fields=["completed"])
    record(
        current,
        "projects.year.set",
        actor=actor,
        before=before,
        after={"year": year, "annual_plan": str(plan), "name": entry.name},
    )
    return entry


@transaction.atomic
def owner_assign(
    *, actor: Any, project: Project, role: str, post: Post | None, version: int | None = None
) -> ProjectOwner | None:
    """Name the post that holds one of the four owner roles (四包一); None clears it. The holder is
    whoever holds the post, so a change of person keeps the project's history. With `version`, an
    edit saved meanwhile answers Conflict (409)."""
    require_officer(actor)
    current = _locked(project)
    _check_version(current, version)
    if role not in OwnerRole.values:
        raise InvalidField(_("未知的四包一职责：%(v)s") % {"v": role}, field="role")
    row = ProjectOwner.objects.select_for_update().filter(project=current, role=role).first()
    before = None if row is None else row.post_id
    if post is None:
        if row is not None:
            row.delete()
        result = None
    elif row is None:
        result = ProjectOwner.objects.create(project=current, role=role, post=post)
    else:
        row.post = post
        row.save(update_fields=["post"])
        result = row
    if before != (post.pk if post else None):
        Project.objects.filter(pk=current.pk).update(version=F("version") + 1)
        record(
            current,
            "projects.owner.assigned",
            actor=actor,
            before={"role": role, "post": before},
            after={"role": role, "post": post.pk if post else None},
        )
    return result


@transaction.atomic
def owners_assign(*, actor: Any, project: Project, posts: Mapping[str, Post | None], version: int) -> Project:
    """Set the four owners (四包一) at once from the edit page: one version check for the whole form,
    then `owner_assign` per role that changed (each audited)."""
    require_officer(actor)
    current = _locked(project)
    _check_version(current, version)
    for role in posts:
        if role not in OwnerRole.values:
            raise InvalidField(_("未知的四包一职责：%(v)s") % {"v": role}, field="role")
    for role, post in posts.items():
        owner_assign(actor=actor, project=current, role=role, post=post)
    current.refresh_from_db()
    return current


@transaction.atomic
def problem_add(
    *, actor: Any, project: Project, title: str, owner_unit: Unit, deadline: date, description: str = ""
) -> ProjectProblem:
    """Add an item to a project's problem list (问题清单), with the unit to solve it and a deadline."""
    current = _locked(project)
    _require_editor(actor, current)
    title = (title or "").strip()
    if not title:
        raise InvalidField(_("问题不能为空。"), field="title")
    problem = ProjectProblem.objects.create(
        project=current,
        title=title[:300],
        description=(description or "").strip(),
        owner_unit=owner_unit,
        deadline=deadline,
        created_by=actor,
    )
    record(
        problem,
        "projects.problem.created",
        actor=actor,
        after={
            "project": current.pk,
            "title": problem.title,
            "owner_unit": owner_unit.pk,
            "deadline": deadline,
        },
    )
    return problem


@transaction.atomic
def problem_to_task(*, actor: Any, problem: ProjectProblem, plan: Plan, start: date | None = None) -> Task:
    """Turn a problem into a task of `plan` (source 重点项目), led by the problem's owner unit and due
    on its deadline, and link it back to the problem."""
    from luoshi.work.services import task_create

    require_officer(actor)
    current = ProjectProblem.objects.select_for_update().select_related("project").get(pk=problem.pk)
    if current.task_id is not None:
        raise LuoshiError(_("该问题已转为任务。"))
    begin = start or timezone.localdate()
    if current.deadline < begin:
        raise InvalidField(_("解决时限已过，请先调整时限。"), field="deadline")
    task = task_create(
        actor=actor,
        plan=plan,
        title=f"{current.project.name}：{current.title}"[:300],
        lead_unit=current.owner_unit,
        start=begin,
        due=current.deadline,
        description=current.description,
        source=Source.PROJECT,
        source_ref=f"project:{current.project_id}/problem:{current.pk}",
    )
    current.task = task
    current.save(update_fields=["task"])
    record(current, "projects.problem.tasked", actor=actor, after={"task": task.pk, "plan": plan.pk})
    return task


PROBLEM_CODE = "项目问题"


@transaction.atomic
def problems_to_tasks(*, actor: Any, problems: Any, plan: Plan, start: date | None = None) -> list[int]:
    """Turn several open problems (问题清单, of one or more projects) into tasks of `plan` in one step:
    one `task_create_many` batch (one audit entry for the batch and one for the step), each task led
    by its problem's owner unit, due on its deadline, source 重点项目, and linked back to its problem.
    All or nothing: a problem already a task, one whose deadline has passed, or an inactive plan
    refuses the whole step and writes nothing. Returns the new task ids, in the problems' order."""
    from luoshi.work.bulk import NewTask, task_create_many

    require_officer(actor)
    ids = [getattr(q, "pk", q) for q in problems]
    if not ids:
        raise InvalidField(_("请选择要转为任务的问题。"), field="problems")
    if not plan.is_active:
        raise InvalidField(_("该计划已停用。"), field="plan")
    todo = list(
        ProjectProblem.objects.select_for_update(of=("self",))
        .select_related("project", "owner_unit")
        .filter(pk__in=ids)
        .order_by("project__code", "deadline", "pk")
    )
    if len(todo) != len(set(ids)):
        raise InvalidField(_("所选问题有的不存在。"), field="problems")
    begin = start or timezone.localdate()
    for q in todo:
        if q.task_id is not None:
            raise InvalidField(_("问题“%(t)s”已转为任务。") % {"t": q.title}, field="problems")
        if q.deadline < begin:
            raise InvalidField(
                _("问题“%(t)s”的解决时限已过，请先调整时限。") % {"t": q.title}, field="problems"
            )
        if q.deadline > plan.due:
            raise InvalidField(
                _("问题“%(t)s”的解决时限晚于计划截止日期。") % {"t": q.title}, field="problems"
            )
    rows = [
        NewTask(
            code=f"{PROBLEM_CODE}{q.pk}",
            title=f"{q.project.name}：{q.title}"[:300],
            lead_unit=q.owner_unit,
            start=min(max(begin, plan.start), q.deadline),
            due=q.deadline,
            fields={
                "description": q.description,
                "source": Source.PROJECT,
                "source_ref": f"project:{q.project_id}/problem:{q.pk}",
            },
        )
        for q in todo
    ]
    taken = set(
        Task.objects.filter(plan=plan, code__in=[r.code for r in rows]).values_list("code", flat=True)
    )
    if taken:
        raise InvalidField(
            _("计划中已有编号为 %(codes)s 的任务。") % {"codes": "、".join(sorted(taken))}, field="plan"
        )
    created = task_create_many(actor=actor, plan=plan, rows=rows, batch=f"problems-{plan.pk}-{todo[0].pk}")
    for q, row in zip(todo, rows, strict=True):
        q.task_id = created.tasks[row.code].pk
    ProjectProblem.objects.bulk_update(todo, ["task"])
    if len(created.ids) <= REFRESH_AT_ONCE:
        from luoshi.work.services import task_refresh

        for task in Task.objects.filter(pk__in=created.ids).select_related("plan"):
            task_refresh(task=task)
    record(
        plan,
        "projects.problems.tasked",
        actor=actor,
        data={"problems": [q.pk for q in todo], "tasks": [q.task_id for q in todo]},
    )
    return [q.task_id for q in todo]  # type: ignore[misc]


@transaction.atomic
def import_store(*, actor: Any, file: Any, year: int | None) -> ProjectImport:
    """Keep an uploaded list for its preview and commit; only a spreadsheet or text file is taken."""
    from luoshi.lib.uploads import delete_on_rollback, extension, sniff

    require_officer(actor)
    ext = extension(file.name or "")
    if file.size is not None and file.size > settings.LUOSHI_UPLOAD_MAX_BYTES:
        raise InvalidField(_("文件超过大小上限。"), field="file")
    kind = sniff(file, file.name or "")
    head = file.read(4096)
    file.seek(0)
    is_book = kind is not None and (ext, kind.key) in (("xlsx", "xlsx"), ("xls", "xls"), ("et", "xls"))
    is_csv = ext == "csv" and kind is None and b"\x00" not in head
    # a web-page table that an office system exported under an Excel name: read, never served
    is_page = ext in ("xls", "et") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"
    if not (is_book or is_csv or is_page):
        raise InvalidField(_("请上传 .xlsx、.xls 或 .csv 文件。"), field="file")
    office = _office_unit(actor)
    region: Any = None if office is not None else root_region_id()
    batch = ProjectImport(
        file_name=(file.name or "list")[:255],
        year=year,
        actor=actor,
        unit=office,
        region_id=region,
    )
    batch.file.save((file.name or "list").rsplit("/", 1)[-1][-100:], file, save=False)
    delete_on_rollback(batch.file.storage, [batch.file.name])
    batch.save()
    return batch


@transaction.atomic
def boundary_set(*, actor: Any, name: str, data: bytes) -> Boundary:
    """Load the district boundary (GeoJSON) the project map draws and imports check points against."""
    import json

    from .geo import parse_boundary

    require_officer(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidField(_("请填写边界名称。"), field="name")
    geojson = parse_boundary(data)
    region = _office_region_id(actor)  # the district whose map it is: the loading office's region
    boundary = Boundary.objects.create(
        name=name[:120],
        geojson=json.dumps(geojson, ensure_ascii=False),
        actor=actor,
        unit_id=region,
        region_id=region,
    )
    record(
        boundary,
        "projects.boundary.set",
        actor=actor,
        data={
            "name": boundary.name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "features": len(geojson["features"]),
        },
    )
    return boundary
