"""Key-project services: who may, what is validated, what is audited, nothing written on refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import Entry
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.org.models import Post
from luoshi.projects import services
from luoshi.projects.models import Project, ProjectInvestment, ProjectOwner, ProjectStage, StageChange
from luoshi.work.models import Source, Task

from .factories import make_project

pytestmark = pytest.mark.django_db
D = date


def actions(project: Project) -> list[str]:
    return list(
        Entry.objects.filter(object_type="projects.project", object_id=str(project.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_create_makes_every_stage_and_the_year(p: Any) -> None:
    project = make_project(p, planned={"started": D(2024, 3, 1)})
    stages = dict(ProjectStage.objects.filter(project=project).values_list("stage", "planned"))
    assert len(stages) == 8
    assert stages["started"] == D(2024, 3, 1)
    assert project.years.get().year == 2024
    assert actions(project) == ["projects.project.created"]


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "reporter_b"])
def test_only_the_office_creates(p: Any, who: str) -> None:
    with pytest.raises(NotAllowed):
        services.project_create(actor=getattr(p, who), name="x", code="X1")
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": " "}, "name"),
        ({"code": ""}, "code"),
        ({"category": "nope"}, "category"),
        ({"total_investment": -1}, "total_investment"),
        ({"total_investment": "abc"}, "total_investment"),
        ({"lat": 91, "lng": 120}, "lat"),
        ({"lat": 31, "lng": None}, "lng"),
        ({"planned": {"done": D(2024, 1, 1)}}, "planned"),
        ({"annual_plan": -5}, "annual_plan"),
    ],
)
def test_create_refuses_bad_input(p: Any, kw: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"name": "项目", "code": "C1", "year": 2024, **kw}
    with pytest.raises(InvalidField) as err:
        services.project_create(actor=p.officer, **args)
    assert err.value.field == field
    assert not Project.objects.exists()


def test_update_with_a_stale_version_is_a_conflict(p: Any) -> None:
    project = make_project(p)
    services.project_update(actor=p.officer, project=project, version=1, name="新名称", protected=True)
    with pytest.raises(Conflict):
        services.project_update(actor=p.officer2, project=project, version=1, name="另一个名称")
    project.refresh_from_db()
    assert (project.name, project.protected, project.version) == ("新名称", True, 2)
    with pytest.raises(LuoshiError):
        services.project_update(actor=p.officer, project=project, version=2, code="X")
    assert actions(project) == ["projects.project.created", "projects.project.updated"]


def test_stage_met_moves_the_project_and_keeps_evidence(p: Any) -> None:
    project = make_project(p)
    services.stage_met(
        actor=p.reporter_a, project=project, stage="signed", met=D(2024, 2, 1), note="签约仪式"
    )
    pdf = SimpleUploadedFile("开工令.pdf", b"%PDF-1.4 start", content_type="application/pdf")
    change = services.stage_met(actor=p.head_a, project=project, stage="started", met=D(2024, 4, 1), file=pdf)
    project.refresh_from_db()
    assert (project.stage, project.stage_since) == ("started", D(2024, 4, 1))
    assert change.file_name == "开工令.pdf" and len(change.sha256) == 64
    assert actions(project).count("projects.stage.met") == 2


def test_a_stage_met_before_the_previous_one_is_refused(p: Any) -> None:
    project = make_project(p)
    services.stage_met(actor=p.officer, project=project, stage="started", met=D(2024, 4, 1), note="开工")
    with pytest.raises(InvalidField) as err:
        services.stage_met(actor=p.officer, project=project, stage="producing", met=D(2024, 3, 1), note="x")
    assert err.value.field == "met"
    assert "开工" in err.value.message
    with pytest.raises(InvalidField):
        services.stage_met(actor=p.officer, project=project, stage="signed", met=D(2024, 5, 1), note="x")
    project.refresh_from_db()
    assert project.stage == "started"
    assert StageChange.objects.count() == 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"stage": "nope", "met": D(2024, 1, 1), "note": "x"}, "stage"),
        ({"stage": "signed", "met": D(2999, 1, 1), "note": "x"}, "met"),
        ({"stage": "signed", "met": D(2024, 1, 1), "note": " "}, "note"),
        (
            {
                "stage": "signed",
                "met": D(2024, 1, 1),
                "file": SimpleUploadedFile("a.html", b"<html><script>"),
            },
            "file",
        ),
    ],
)
def test_stage_met_refuses_bad_input(p: Any, kw: dict[str, Any], field: str) -> None:
    project = make_project(p)
    with pytest.raises(InvalidField) as err:
        services.stage_met(actor=p.officer, project=project, **kw)
    assert err.value.field == field
    assert not StageChange.objects.exists()


@pytest.mark.parametrize("who", ["reporter_b", "leader", "auditor"])
def test_other_units_cannot_report(p: Any, who: str) -> None:
    project = make_project(p)
    with pytest.raises(NotAllowed):
        services.stage_met(
            actor=getattr(p, who), project=project, stage="signed", met=D(2024, 1, 1), note="x"
        )
    with pytest.raises(NotAllowed):
        services.investment_report(actor=getattr(p, who), project=project, month=D(2024, 1, 1), amount=1)
    assert not StageChange.objects.exists() and not ProjectInvestment.objects.exists()


def test_investment_report_replaces_the_month_and_refuses_negatives(p: Any) -> None:
    project = make_project(p)
    services.investment_report(actor=p.reporter_a, project=project, month=D(2024, 3, 15), amount="120.5")
    services.investment_report(actor=p.reporter_a, project=project, month=D(2024, 3, 1), amount=130)
    assert list(ProjectInvestment.objects.values_list("month", "amount")) == [
        (D(2024, 3, 1), Decimal("130.00"))
    ]
    with pytest.raises(InvalidField) as err:
        services.investment_report(actor=p.reporter_a, project=project, month=D(2024, 4, 1), amount=-1)
    assert err.value.field == "amount"
    with pytest.raises(InvalidField):
        services.investment_report(actor=p.reporter_a, project=project, month=D(2999, 4, 1), amount=1)
    assert actions(project).count("projects.investment.reported") == 2


def test_owners_are_posts_and_follow_their_holders(p: Any) -> None:
    project = make_project(p)
    post = Post.objects.get(unit=p.unit_a, role="head")
    services.owner_assign(actor=p.officer, project=project, role="manager", post=post)
    services.owner_assign(actor=p.officer, project=project, role="manager", post=post)  # unchanged: no entry
    assert ProjectOwner.objects.get(project=project).post == post
    services.owner_assign(actor=p.officer, project=project, role="manager", post=None)
    assert not ProjectOwner.objects.exists()
    assert actions(project).count("projects.owner.assigned") == 2
    with pytest.raises(InvalidField):
        services.owner_assign(actor=p.officer, project=project, role="boss", post=post)
    with pytest.raises(NotAllowed):
        services.owner_assign(actor=p.head_a, project=project, role="manager", post=post)


def test_a_problem_becomes_a_task_once(p: Any) -> None:
    project = make_project(p)
    plan = p.plan()
    problem = services.problem_add(
        actor=p.reporter_a,
        project=project,
        title="用地指标未落实",
        owner_unit=p.unit_b,
        deadline=D(2024, 9, 30),
    )
    task = services.problem_to_task(actor=p.officer, problem=problem, plan=plan, start=D(2024, 6, 1))
    problem.refresh_from_db()
    assert problem.task == task
    assert (task.lead_unit, task.due, task.source) == (p.unit_b, D(2024, 9, 30), Source.PROJECT)
    assert project.name in task.title
    with pytest.raises(LuoshiError):
        services.problem_to_task(actor=p.officer, problem=problem, plan=plan, start=D(2024, 6, 1))
    assert Task.objects.count() == 1
    assert Entry.objects.filter(action="projects.problem.tasked").count() == 1


def test_problem_to_task_is_for_the_office(p: Any) -> None:
    project = make_project(p)
    problem = services.problem_add(
        actor=p.officer, project=project, title="问题", owner_unit=p.unit_a, deadline=D(2024, 9, 30)
    )
    with pytest.raises(NotAllowed):
        services.problem_to_task(actor=p.head_a, problem=problem, plan=p.plan(), start=D(2024, 6, 1))
    with pytest.raises(InvalidField):
        services.problem_to_task(actor=p.officer, problem=problem, plan=p.plan(), start=D(2024, 10, 1))
    assert not Task.objects.exists()


def test_year_set_and_stage_plan(p: Any) -> None:
    project = make_project(p)
    services.year_set(actor=p.officer, project=project, year=2025, annual_plan=500, name="改名后的项目")
    services.year_set(actor=p.officer, project=project, year=2025, annual_plan=600)
    assert list(project.years.values_list("year", "name", "annual_plan")) == [
        (2024, project.name, Decimal("1000.00")),
        (2025, "改名后的项目", Decimal("600.00")),
    ]
    services.stage_plan_set(actor=p.officer, project=project, planned={"started": D(2024, 5, 1)})
    assert project.stages.get(stage="started").planned == D(2024, 5, 1)
    with pytest.raises(InvalidField):
        services.stage_plan_set(actor=p.officer, project=project, planned={"x": D(2024, 5, 1)})


def test_a_carrying_task_is_never_a_late_reporter(p: Any) -> None:
    """Nobody reports on a project's carrying task (it follows the project's own stages and
    investment): no stored late flag, no late mark (so no reminder and no bulletin line), no period
    owed in its unit's timeliness; an ordinary task of the same unit and plan is late as before."""
    from luoshi.work.models import LateReport, Task
    from luoshi.work.selectors import compute_lights, timeliness
    from luoshi.work.services import mark_late_reports, persist_lights

    plan = p.plan()
    project = make_project(p, plan=plan)
    carrying = Task.objects.get(pk=project.task_id)
    assert carrying.source == "project"
    Task.objects.filter(pk=carrying.pk).update(start=D(2024, 1, 1))  # as old as the ordinary task
    ordinary = p.task(plan)
    # a problem of the project made a task is reported on as any task (source 重点项目 too)
    problem = services.problem_add(
        actor=p.officer, project=project, title="用地未落实", owner_unit=p.unit_a, deadline=D(2024, 9, 1)
    )
    problem_task = services.problem_to_task(actor=p.officer, problem=problem, plan=plan, start=D(2024, 2, 1))
    assert problem_task.source == "project"
    on = D(2024, 6, 30)
    rows = {r.id: r for r in compute_lights(plan_id=plan.pk, on=on)}
    assert rows[ordinary.pk].report_late and not rows[carrying.pk].report_late
    assert rows[problem_task.pk].report_late
    persist_lights(list(rows.values()), on=on)
    assert mark_late_reports(plan_id=plan.pk, on=on) > 0
    marked = set(LateReport.objects.values_list("task_id", flat=True))
    assert ordinary.pk in marked and problem_task.pk in marked and carrying.pk not in marked
    assert not Task.objects.get(pk=carrying.pk).report_late
    assert Task.objects.get(pk=ordinary.pk).report_late
    owed = timeliness(plan.pk, start=D(2024, 1, 1), end=on)[p.unit_a.pk]
    late_marks = LateReport.objects.filter(task__in=[ordinary, problem_task]).count()
    assert owed.periods == late_marks  # only the ordinary and the problem task's periods are owed


def test_a_stage_met_names_a_file_of_its_task_s_report_instead_of_a_new_upload(p: Any) -> None:
    """One fact typed once: the unit's report on the project's task already holds the acceptance file;
    the stage met names it (no new upload, no byte copied), checked to be the task's and the actor's
    to see; another task's file is refused and nothing is stored."""
    from pathlib import Path

    from django.conf import settings

    from luoshi.work.services.reports import report_submit
    from tests.factories import evidence

    project = make_project(p, year=date.today().year)
    services.project_tasks_ensure(actor=p.officer, plan=p.plan(), projects=[project])
    project.refresh_from_db()
    task = Task.objects.get(pk=project.task_id)
    report = report_submit(
        actor=p.reporter_a, task=task, percent=30, narrative="项目已签约", files=evidence("签约合同.pdf")
    )
    mine = report.evidence.get()
    other = report_submit(
        actor=p.reporter_a,
        task=p.task(p.plan(), title="另一任务"),
        percent=5,
        narrative="x",
        files=evidence("别的.pdf"),
    ).evidence.get()
    stored = sorted(f for f in Path(settings.MEDIA_ROOT).rglob("*") if f.is_file())

    with pytest.raises(InvalidField) as err:
        services.stage_met(
            actor=p.reporter_a, project=project, stage="signed", met=D(2024, 2, 1), carried=other.pk
        )
    assert err.value.field == "carried"
    pdf = SimpleUploadedFile("b.pdf", b"%PDF-1.4 b", content_type="application/pdf")
    with pytest.raises(InvalidField):  # an upload and a carried file at once: which is the stage's?
        services.stage_met(
            actor=p.reporter_a, project=project, stage="signed", met=D(2024, 2, 1), file=pdf, carried=mine.pk
        )
    assert not StageChange.objects.exists()

    change = services.stage_met(
        actor=p.reporter_a, project=project, stage="signed", met=D(2024, 2, 1), carried=mine.pk
    )
    assert (change.file.name, change.file_name, change.sha256) == (mine.file.name, mine.name, mine.sha256)
    assert sorted(f for f in Path(settings.MEDIA_ROOT).rglob("*") if f.is_file()) == stored  # nothing copied
    entry = Entry.objects.filter(action="projects.stage.met").latest("id")
    assert entry.data["carried_from"] == mine.pk and entry.data["sha256"] == mine.sha256
