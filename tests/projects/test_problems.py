"""Problems (问题清单) turned into tasks in bulk: one step, one batch, all or nothing, audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField, NotAllowed
from luoshi.projects import services
from luoshi.projects.models import ProjectProblem
from luoshi.work.models import Source, Task
from tests.helpers import client_for, personas

from .factories import make_project

pytestmark = pytest.mark.django_db


def _world(p: Any) -> dict[str, Any]:
    today = timezone.localdate()
    plan = p.plan(year=today.year, start=today - timedelta(days=100), due=today + timedelta(days=200))
    a = make_project(p, name="甲项目")
    b = make_project(p, name="乙项目", unit=p.unit_b)
    problems = [
        services.problem_add(
            actor=p.officer,
            project=a,
            title="用地未落实",
            owner_unit=p.unit_b,
            deadline=today + timedelta(days=30),
        ),
        services.problem_add(
            actor=p.officer,
            project=a,
            title="资金缺口",
            owner_unit=p.unit_a,
            deadline=today + timedelta(days=60),
        ),
        services.problem_add(
            actor=p.officer,
            project=b,
            title="拆迁滞后",
            owner_unit=p.unit_b,
            deadline=today + timedelta(days=45),
        ),
    ]
    return {"plan": plan, "a": a, "b": b, "problems": problems, "today": today}


def test_problems_become_tasks_in_one_step(p: Any) -> None:
    w = _world(p)
    made = services.problems_to_tasks(actor=p.officer, problems=w["problems"], plan=w["plan"])
    assert len(made) == 3
    rows = {q.title: q for q in ProjectProblem.objects.select_related("task")}
    land = rows["用地未落实"].task
    assert land is not None and land.title == "甲项目：用地未落实"
    assert (land.lead_unit_id, land.due, land.start, land.source, land.plan_id) == (
        p.unit_b.pk,
        w["today"] + timedelta(days=30),
        w["today"],
        Source.PROJECT,
        w["plan"].pk,
    )
    assert rows["拆迁滞后"].task.source_ref == f"project:{w['b'].pk}/problem:{rows['拆迁滞后'].pk}"  # type: ignore[union-attr]
    assert Entry.objects.filter(action="work.task.bulk_created").count() == 1
    entry = Entry.objects.get(action="projects.problems.tasked")
    assert sorted(entry.data["tasks"]) == sorted(made) and entry.actor_id == p.officer.pk
    # the owner unit's people now see the task in their list
    assert client_for(p.reporter_b).get(f"/work/tasks/{land.pk}/").status_code == 200


def test_all_or_nothing(p: Any) -> None:
    w = _world(p)
    first, second, third = w["problems"]
    services.problems_to_tasks(actor=p.officer, problems=[first], plan=w["plan"])
    before = Task.objects.count()
    with pytest.raises(InvalidField) as e:
        services.problems_to_tasks(actor=p.officer, problems=[second, first, third], plan=w["plan"])
    assert e.value.field == "problems" and "用地未落实" in str(e.value)
    ProjectProblem.objects.filter(pk=third.pk).update(deadline=w["today"] - timedelta(days=1))
    with pytest.raises(InvalidField, match="解决时限已过"):
        services.problems_to_tasks(actor=p.officer, problems=[second, third], plan=w["plan"])
    ProjectProblem.objects.filter(pk=third.pk).update(deadline=w["plan"].due + timedelta(days=1))
    with pytest.raises(InvalidField, match="晚于计划截止日期"):
        services.problems_to_tasks(actor=p.officer, problems=[second, third], plan=w["plan"])
    with pytest.raises(InvalidField):
        services.problems_to_tasks(actor=p.officer, problems=[], plan=w["plan"])
    with pytest.raises(InvalidField):
        services.problems_to_tasks(actor=p.officer, problems=[second.pk, 999999], plan=w["plan"])
    with pytest.raises(NotAllowed):
        services.problems_to_tasks(actor=p.reporter_a, problems=[second], plan=w["plan"])
    assert Task.objects.count() == before
    assert ProjectProblem.objects.filter(task__isnull=True).count() == 2
    assert Entry.objects.filter(action="projects.problems.tasked").count() == 1


@pytest.mark.parametrize("who", personas())
def test_page_per_persona(p: Any, who: str) -> None:
    w = _world(p)
    first, second, _third = w["problems"]
    c = client_for(getattr(p, who))
    page = c.get(f"/projects/{w['a'].pk}/")
    if who == "officer":
        assert 'id="problems-tasks-form"' in page.content.decode()
    elif page.status_code == 200:
        assert 'id="problems-tasks-form"' not in page.content.decode()
    r = c.post(
        f"/projects/{w['a'].pk}/problems/tasks/", {"problems": [first.pk, second.pk], "plan": w["plan"].pk}
    )
    tasked = ProjectProblem.objects.filter(task__isnull=False).count()
    if who == "officer":
        assert r.status_code == 302 and tasked == 2
    else:
        assert r.status_code in (302, 403, 404) and tasked == 0


def test_page_refuses_a_problem_of_another_project(p: Any) -> None:
    w = _world(p)
    c = client_for(p.officer)
    r = c.post(
        f"/projects/{w['a'].pk}/problems/tasks/", {"problems": [w["problems"][2].pk], "plan": w["plan"].pk}
    )
    assert r.status_code == 302 and not ProjectProblem.objects.filter(task__isnull=False).exists()


@pytest.mark.parametrize("who", personas())
def test_api_per_persona(p: Any, who: str) -> None:
    w = _world(p)
    ids = [q.pk for q in w["problems"]]
    r = client_for(getattr(p, who)).post(
        "/api/v1/projects/problems/tasks",
        {"plan": w["plan"].pk, "problems": ids},
        content_type="application/json",
    )
    if who == "officer":
        assert r.status_code == 201 and r.json()["count"] == 3
    elif who == "anonymous":
        assert r.status_code == 401
    else:
        assert r.status_code in (403, 404)
        assert not ProjectProblem.objects.filter(task__isnull=False).exists()


def test_api_refusal_names_the_field(p: Any) -> None:
    w = _world(p)
    c = client_for(p.officer)
    ids = [q.pk for q in w["problems"]]
    assert (
        c.post(
            "/api/v1/projects/problems/tasks",
            {"plan": w["plan"].pk, "problems": ids[:1]},
            content_type="application/json",
        ).status_code
        == 201
    )
    r = c.post(
        "/api/v1/projects/problems/tasks",
        {"plan": w["plan"].pk, "problems": ids},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "problems"
    r = c.post(
        "/api/v1/projects/problems/tasks",
        {"plan": 999999, "problems": ids[1:]},
        content_type="application/json",
    )
    assert r.status_code == 404
