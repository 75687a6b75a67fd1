"""Creating and editing a project from its pages and the API: fields, stage plan, the four owners;
two editors conflict loudly (409), bad input is refused by field and nothing is written."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.org.models import Post
from luoshi.projects.models import Project, ProjectOwner, ProjectStage
from luoshi.work.models import Task
from tests.helpers import client_for, exact_queries, personas

from .factories import make_project

pytestmark = pytest.mark.django_db
D = date


def _new(**kw: Any) -> dict[str, Any]:
    return {
        "name": "智能制造产业园",
        "code": "ZD-001",
        "category": "industry",
        "total_investment": "12000",
        "year": "2024",
        "annual_plan": "3000",
        **kw,
    }


@pytest.mark.parametrize("who", personas())
def test_create_page_per_persona(p: Any, who: str) -> None:
    c = client_for(getattr(p, who))
    r = c.get("/projects/new/")
    assert r.status_code == {"officer": 200, "anonymous": 302}.get(who, 403)
    r = c.post("/projects/new/", _new(lead_unit=p.unit_a.pk))
    if who == "officer":
        project = Project.objects.get()
        assert r.status_code == 302 and r["Location"] == f"/projects/{project.pk}/edit/"
        assert project.lead_unit_id == p.unit_a.pk and project.years.get().annual_plan == 3000
    else:
        assert not Project.objects.exists()


def test_create_with_a_plan_makes_the_carrying_task(p: Any) -> None:
    today = timezone.localdate()
    plan = p.plan(year=today.year, start=today - timedelta(days=10), due=today + timedelta(days=100))
    r = client_for(p.officer).post("/projects/new/", _new(lead_unit=p.unit_a.pk, plan=plan.pk))
    assert r.status_code == 302
    assert Task.objects.get(pk=Project.objects.get().task_id).plan_id == plan.pk


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"total_investment": "-5"}, "total_investment", "负数"),
        ({"annual_plan": "-1"}, "annual_plan", "负数"),
        ({"lat": "31.2"}, "lng", "同时"),
        ({"category": "nonsense"}, "category", ""),
    ],
)
def test_create_refuses_bad_input_by_field(p: Any, data: dict[str, str], field: str, words: str) -> None:
    r = client_for(p.officer).post("/projects/new/", _new(**data))
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert field in errors and words in " ".join(errors[field])
    assert not Project.objects.exists() and not Entry.objects.filter(action__startswith="projects.").exists()


def test_a_duplicate_code_is_refused_on_its_field(p: Any) -> None:
    make_project(p, code="ZD-001")
    r = client_for(p.officer).post("/projects/new/", _new())
    assert r.status_code == 400 and "已存在" in " ".join(r.context["form"].errors["code"])


def _edit(project: Project, **kw: Any) -> dict[str, Any]:
    return {
        "name": project.name,
        "category": project.category,
        "lead_unit": project.lead_unit_id or "",
        "total_investment": str(project.total_investment),
        "version": project.version,
        **kw,
    }


def test_two_editors_conflict_loudly(p: Any) -> None:
    project = make_project(p, name="旧名称")
    first, second = client_for(p.officer), client_for(p.officer2 if hasattr(p, "officer2") else p.officer)
    seen = _edit(project)  # both opened the page at version 1
    assert first.get(f"/projects/{project.pk}/edit/").status_code == 200
    r = first.post(f"/projects/{project.pk}/edit/", {**seen, "name": "新名称"})
    assert r.status_code == 302
    r = second.post(f"/projects/{project.pk}/edit/", {**seen, "name": "另一个名称", "total_investment": "1"})
    assert r.status_code == 409 and "已被他人修改" in r.content.decode()
    project.refresh_from_db()
    assert (project.name, project.version) == ("新名称", 2)
    assert r.context["form"].initial["version"] == 2  # the page now shows what is there, to edit again
    # the stage plan and the owners forms carry the version too
    r = second.post(f"/projects/{project.pk}/edit/stages/", {"version": 1, "started": "2024-03-01"})
    assert r.status_code == 409
    assert ProjectStage.objects.get(project=project, stage="started").planned is None
    post = Post.objects.filter(unit=p.unit_a).first()
    r = second.post(f"/projects/{project.pk}/edit/owners/", {"version": 1, "manager": post.pk})
    assert r.status_code == 409 and not ProjectOwner.objects.exists()


def test_edit_refuses_bad_input_by_field(p: Any) -> None:
    project = make_project(p)
    c = client_for(p.officer)
    r = c.post(f"/projects/{project.pk}/edit/", _edit(project, total_investment="-1"))
    assert r.status_code == 400 and "负数" in " ".join(r.context["form"].errors["total_investment"])
    r = c.post(f"/projects/{project.pk}/edit/", _edit(project, lat="95", lng="121"))
    assert r.status_code == 400 and "lat" in r.context["form"].errors
    project.refresh_from_db()
    assert project.version == 1 and project.total_investment == 10000


def test_stage_plan_and_owners_from_the_edit_page(p: Any) -> None:
    project = make_project(p)
    c = client_for(p.officer)
    r = c.post(
        f"/projects/{project.pk}/edit/stages/",
        {"version": 1, "signed": "2024-02-01", "started": "2024-05-01"},
    )
    assert r.status_code == 302
    planned = dict(ProjectStage.objects.filter(project=project).values_list("stage", "planned"))
    assert (
        planned["signed"] == D(2024, 2, 1)
        and planned["started"] == D(2024, 5, 1)
        and planned["reached"] is None
    )
    head = Post.objects.get(unit=p.unit_a, role="head")
    r = c.post(
        f"/projects/{project.pk}/edit/owners/", {"version": 2, "manager": head.pk, "local_head": head.pk}
    )
    assert r.status_code == 302
    assert dict(ProjectOwner.objects.values_list("role", "post_id")) == {
        "manager": head.pk,
        "local_head": head.pk,
    }
    assert Entry.objects.filter(action="projects.owner.assigned").count() == 2
    project.refresh_from_db()
    assert project.version == 4  # one step per owner changed
    page = c.get(f"/projects/{project.pk}/").content.decode()
    assert str(head) in page and 'id="project-edit"' in page


@pytest.mark.parametrize("who", personas(but=["officer"]))
def test_only_the_office_edits(p: Any, who: str) -> None:
    project = make_project(p)
    c = client_for(getattr(p, who))
    for url in ("edit/", "edit/stages/", "edit/owners/"):
        r = c.post(f"/projects/{project.pk}/{url}", {"version": 1, "name": "x", "total_investment": "1"})
        assert r.status_code in (302, 403, 404)
    project.refresh_from_db()
    assert project.version == 1 and project.name != "x"


# ---------------------------------------------------------------------------------------------
# API


def test_api_create_edit_plan_owners_and_conflict(p: Any) -> None:
    c = client_for(p.officer)
    r = c.post(
        "/api/v1/projects",
        {"name": "数据中心", "code": "API-1", "lead_unit": p.unit_a.pk, "total_investment": "500"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    pid, version = body["id"], body["version"]
    r = c.patch(
        f"/api/v1/projects/{pid}",
        {"version": version, "name": "数据中心二期"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["name"] == "数据中心二期" and r.json()["version"] == version + 1
    r = c.patch(
        f"/api/v1/projects/{pid}", {"version": version, "name": "迟到的修改"}, content_type="application/json"
    )
    assert r.status_code == 409
    r = c.patch(
        f"/api/v1/projects/{pid}",
        {"version": version + 1, "total_investment": "-3"},
        content_type="application/json",
    )
    assert r.status_code in (400, 422)
    r = c.put(
        f"/api/v1/projects/{pid}/stage-plan",
        {"version": version + 1, "planned": {"signed": "2024-01-10", "nonsense": None}},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "planned"
    r = c.put(
        f"/api/v1/projects/{pid}/stage-plan",
        {"version": version + 1, "planned": {"signed": "2024-01-10"}},
        content_type="application/json",
    )
    assert r.status_code == 200
    head = Post.objects.get(unit=p.unit_a, role="head")
    v = r.json()["version"]
    r = c.put(
        f"/api/v1/projects/{pid}/owners",
        {"version": v, "owners": {"leader": head.pk}},
        content_type="application/json",
    )
    assert r.status_code == 200 and ProjectOwner.objects.get(project_id=pid).post_id == head.pk
    r = c.put(
        f"/api/v1/projects/{pid}/owners",
        {"version": v, "owners": {"leader": None}},
        content_type="application/json",
    )
    assert r.status_code == 409
    r = c.post(
        "/api/v1/projects",
        {"name": "负投资", "code": "API-2", "total_investment": "-1"},
        content_type="application/json",
    )
    assert r.status_code in (400, 422) and not Project.objects.filter(code="API-2").exists()


@pytest.mark.parametrize("who", personas(but=["officer"]))
def test_api_writes_per_persona(p: Any, who: str) -> None:
    project = make_project(p)
    c = client_for(getattr(p, who))
    r = c.post("/api/v1/projects", {"name": "x", "code": "X-1"}, content_type="application/json")
    assert r.status_code == (401 if who == "anonymous" else 403)
    r = c.patch(
        f"/api/v1/projects/{project.pk}", {"version": 1, "name": "x"}, content_type="application/json"
    )
    assert r.status_code in (401, 403, 404)
    project.refresh_from_db()
    assert project.name != "x" and not Project.objects.filter(code="X-1").exists()


# ---------------------------------------------------------------------------------------------
# The 四包一 owner picker: posts of units the editor can see, narrowed by unit or by name


def _choices(response: Any, role: str = "manager") -> set[int]:
    field = response.context["owners_form"].fields[role]
    return {post.pk for post in field.queryset}


def test_owner_picker_lists_the_lead_units_and_leaders_posts_and_narrows(p: Any) -> None:
    project = make_project(p)  # led by unit A
    c = client_for(p.officer)
    head_a = Post.objects.get(unit=p.unit_a, role="head")
    reporter_b = Post.objects.get(unit=p.unit_b, role="reporter")
    leader = Post.objects.get(unit=p.district, role="leader")
    shown = _choices(c.get(f"/projects/{project.pk}/edit/"))
    assert head_a.pk in shown and leader.pk in shown  # the lead unit's posts and the leaders'
    assert reporter_b.pk not in shown  # not every post in the system
    by_unit = _choices(c.get(f"/projects/{project.pk}/edit/", {"owner_unit": p.unit_b.pk}))
    assert reporter_b.pk in by_unit and head_a.pk not in by_unit
    by_name = _choices(c.get(f"/projects/{project.pk}/edit/", {"owner_q": "财政"}))
    assert reporter_b.pk in by_name and head_a.pk not in by_name
    page = c.get(f"/projects/{project.pk}/edit/", {"owner_q": "财政"}).content.decode()
    assert 'id="owner-picker"' in page and str(reporter_b) in page
    # a post found by a narrowing is accepted, and then listed by default as the one named now
    r = c.post(f"/projects/{project.pk}/edit/owners/", {"version": 1, "manager": reporter_b.pk})
    assert r.status_code == 302
    assert ProjectOwner.objects.get(project=project, role="manager").post_id == reporter_b.pk
    assert reporter_b.pk in _choices(c.get(f"/projects/{project.pk}/edit/"), "manager")
    # a bad narrowing is ignored (the default list), not a 500
    assert c.get(f"/projects/{project.pk}/edit/", {"owner_unit": "abc"}).status_code == 200


def test_owner_posts_are_those_of_units_the_editor_can_see(p: Any) -> None:
    from luoshi.projects.forms import OwnersForm, owner_posts

    reporter_b = Post.objects.get(unit=p.unit_b, role="reporter")
    head_a = Post.objects.get(unit=p.unit_a, role="head")
    assert reporter_b.pk in set(owner_posts(p.officer).values_list("pk", flat=True))
    seen_by_a = set(owner_posts(p.head_a).values_list("pk", flat=True))
    assert head_a.pk in seen_by_a and reporter_b.pk not in seen_by_a
    form = OwnersForm({"version": 1, "manager": reporter_b.pk}, user=p.head_a)
    assert not form.is_valid() and "manager" in form.errors
    assert OwnersForm({"version": 1, "manager": head_a.pk}, user=p.head_a).is_valid()


@pytest.mark.parametrize("size", [3, 30])
def test_edit_page_query_count(p: Any, size: int) -> None:
    from tests.factories import make_unit

    for i in range(size):  # units with posts elsewhere in the district: not listed, not counted
        unit = make_unit(f"测试单位{i}", parent=p.district, code=f"T{i:03d}")
        Post.objects.create(unit=unit, title="局长", role="head")
        Post.objects.create(unit=p.unit_a, title=f"科员{i}", role="reporter")
    project = make_project(p)
    c = client_for(p.officer)
    c.get(f"/projects/{project.pk}/edit/")
    with exact_queries(f"projects.edit[officer /projects/{{project}}/edit/]@{size}"):
        response = c.get(f"/projects/{project.pk}/edit/")
    assert len(_choices(response)) == size + 3  # unit A's head, reporter and clerks; the leader
