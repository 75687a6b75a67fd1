"""Project pages per persona: who sees which projects, who may report, query counts at two sizes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luoshi.projects import services
from luoshi.projects.models import Project, ProjectInvestment, ProjectProblem, StageChange
from luoshi.work.models import Task
from tests.helpers import client_for, exact_queries, personas

from .factories import make_project

pytestmark = pytest.mark.django_db
D = date

# Who sees a project led by unit A: the office, unit A's people, and the leader over A.
SEES_A = {"reporter_a", "head_a", "leader", "officer"}
EDITS_A = {"reporter_a", "head_a", "officer"}


@pytest.mark.parametrize("who", personas())
def test_list_shows_what_each_persona_may_see(p: Any, who: str) -> None:
    make_project(p, name="甲单位项目")
    make_project(p, name="乙单位项目", unit=p.unit_b)
    response = client_for(getattr(p, who)).get("/projects/")
    if who == "anonymous":
        assert response.status_code == 302
        return
    text = response.content.decode()
    assert ("甲单位项目" in text) is (who in SEES_A)
    assert ("乙单位项目" in text) is (who in {"reporter_b", "officer"})


@pytest.mark.parametrize("who", personas())
def test_detail_hidden_is_404(p: Any, who: str) -> None:
    project = make_project(p)
    response = client_for(getattr(p, who)).get(f"/projects/{project.pk}/")
    if who == "anonymous":
        assert response.status_code == 302
    elif who in SEES_A:
        assert response.status_code == 200
        assert project.name in response.content.decode()
        assert ('id="stage-form"' in response.content.decode()) is (who in EDITS_A)
    else:
        assert response.status_code == 404


def test_list_filters(p: Any) -> None:
    a = make_project(p, name="在建项目")
    services.stage_met(actor=p.officer, project=a, stage="building", met=D(2024, 3, 1), note="x")
    make_project(p, name="民生项目", category="livelihood", protected=True)
    c = client_for(p.officer)
    assert "民生项目" not in c.get("/projects/?stage=building").content.decode()
    assert "在建项目" in c.get("/projects/?stage=building").content.decode()
    assert "在建项目" not in c.get("/projects/?category=livelihood").content.decode()
    assert "在建项目" not in c.get("/projects/?protected=on").content.decode()
    assert "在建项目" in c.get("/projects/?stuck=on").content.decode()  # since 2024-03
    assert "民生项目" not in c.get(f"/projects/?unit={p.unit_b.pk}").content.decode()
    partial = c.get("/projects/?q=民生", headers={"HX-Request": "true"}).content.decode()
    assert "民生项目" in partial and "<html" not in partial
    assert c.get("/projects/?unit=abc").status_code == 200  # a bad filter is a message, not a 500


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count(p: Any, size: int) -> None:
    for _i in range(size):
        make_project(p)
    c = client_for(p.officer)
    c.get("/projects/")
    with exact_queries(f"projects.list[officer /projects/]@{size}"):
        response = c.get("/projects/")
    assert response.content.decode().count("/projects/") >= size


@pytest.mark.parametrize("size", [3, 30])
def test_board_query_count(p: Any, size: int) -> None:
    for i in range(size):
        project = make_project(p, category=["industry", "livelihood"][i % 2])
        services.stage_met(actor=p.officer, project=project, stage="signed", met=D(2024, 1, 1), note="x")
    c = client_for(p.leader)
    c.get("/projects/board/")
    with exact_queries(f"projects.board[leader /projects/board/]@{size}"):
        response = c.get("/projects/board/")
    assert response.status_code == 200
    assert 'id="board-data"' in response.content.decode()


@pytest.mark.parametrize("who", personas(but=["anonymous"]))
def test_reporting_from_the_page(p: Any, who: str) -> None:
    project = make_project(p)
    c = client_for(getattr(p, who))
    today = timezone.localdate()
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = c.post(
        f"/projects/{project.pk}/stage/", {"stage": "signed", "met": today.isoformat(), "file": pdf}
    )
    c.post(f"/projects/{project.pk}/investment/", {"month": today.strftime("%Y-%m"), "amount": "12.5"})
    c.post(
        f"/projects/{project.pk}/problems/",
        {"title": "缺电", "owner_unit": p.unit_a.pk, "deadline": today.isoformat()},
    )
    if who not in SEES_A:
        assert response.status_code == 404
    else:
        assert response.status_code in (302, 403)
    saved = who in EDITS_A
    assert StageChange.objects.exists() is saved
    assert ProjectInvestment.objects.exists() is saved
    assert ProjectProblem.objects.exists() is saved


def test_refused_stage_shows_the_message(p: Any) -> None:
    project = make_project(p)
    services.stage_met(actor=p.officer, project=project, stage="started", met=D(2024, 4, 1), note="x")
    c = client_for(p.officer)
    response = c.post(
        f"/projects/{project.pk}/stage/",
        {"stage": "producing", "met": "2024-03-01", "note": "x"},
        follow=True,
    )
    assert "早于前一阶段" in response.content.decode()
    assert StageChange.objects.count() == 1


def test_problem_to_task_from_the_page(p: Any) -> None:
    project = make_project(p)
    plan = p.plan(start=D(2024, 1, 1), due=D(2999, 12, 31))
    problem = services.problem_add(
        actor=p.officer, project=project, title="缺电", owner_unit=p.unit_b, deadline=D(2999, 1, 1)
    )
    assert (
        client_for(p.head_a)
        .post(f"/projects/{project.pk}/problems/{problem.pk}/task/", {"plan": plan.pk})
        .status_code
        == 403
    )
    c = client_for(p.officer)
    c.post(f"/projects/{project.pk}/problems/{problem.pk}/task/", {"plan": plan.pk})
    problem.refresh_from_db()
    assert problem.task is not None and Task.objects.count() == 1
    page = c.get(f"/projects/{project.pk}/").content.decode()
    assert f"/work/tasks/{problem.task.pk}/" in page
    other = make_project(p)
    assert c.post(f"/projects/{other.pk}/problems/{problem.pk}/task/", {"plan": plan.pk}).status_code == 404


def test_board_counts_visible_projects_only(p: Any) -> None:
    a = make_project(p)
    services.stage_met(actor=p.officer, project=a, stage="signed", met=D(2024, 1, 1), note="x")
    b = make_project(p, unit=p.unit_b)
    services.stage_met(actor=p.officer, project=b, stage="signed", met=D(2024, 1, 1), note="x")
    office = client_for(p.officer).get("/projects/board/").context["board"]
    leader = client_for(p.leader).get("/projects/board/").context["board"]
    assert office.total == 2 and leader.total == 1
    assert Project.objects.count() == 2


def test_the_stage_form_offers_the_stage_after_the_project_s(p: Any) -> None:
    """Not always the first stage: a project under construction registers 投产 next."""
    project = make_project(p, year=date.today().year)
    c = client_for(p.officer)
    assert '<option value="packaged" selected>' in c.get(f"/projects/{project.pk}/").content.decode()
    services.stage_met(actor=p.officer, project=project, stage="packaged", met=date.today(), note="已包装")
    assert '<option value="inviting" selected>' in c.get(f"/projects/{project.pk}/").content.decode()


def test_stage_form_offers_the_task_s_report_files_and_carries_one(p: Any) -> None:
    """The stage form lists the files of the latest report on the project's task; choosing one
    records the stage with that stored file, with no new upload."""
    from luoshi.work.services.reports import report_submit
    from tests.factories import evidence

    project = make_project(p, year=date.today().year)
    services.project_tasks_ensure(actor=p.officer, plan=p.plan(), projects=[project])
    project.refresh_from_db()
    report = report_submit(
        actor=p.reporter_a,
        task=Task.objects.get(pk=project.task_id),
        percent=30,
        narrative="项目已签约",
        files=evidence("签约合同.pdf"),
    )
    mine = report.evidence.get()
    c = client_for(p.reporter_a)
    page = c.get(f"/projects/{project.pk}/").content.decode()
    assert 'name="carried"' in page and f'<option value="{mine.pk}">签约合同.pdf</option>' in page
    today = timezone.localdate()
    response = c.post(
        f"/projects/{project.pk}/stage/", {"stage": "signed", "met": today.isoformat(), "carried": mine.pk}
    )
    assert response.status_code == 302
    change = StageChange.objects.get()
    assert (change.file.name, change.sha256) == (mine.file.name, mine.sha256)
    # a project whose task has no files shows no such choice
    other = make_project(p)
    assert 'name="carried"' not in c.get(f"/projects/{other.pk}/").content.decode()
