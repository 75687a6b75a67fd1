"""Persona tests of the office's keeping pages (plans, tasks, units and people): who may open and
post them, what a post changes, the 409 answer to a concurrent edit, and query counts of the lists."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from luoshi.audit.models import Entry
from luoshi.org.models import Membership, Person, PortfolioUnit, Post, Role, Unit
from luoshi.work.models import LockedPeriod, Milestone, Plan, Status, Task, Transition
from tests.factories import make_user
from tests.helpers import PERSONAS, client_for, exact_queries, personas
from tests.work.test_views import World, expect

ALL = [*PERSONAS, "sysadmin"]


@pytest.fixture
def w(p: Any) -> World:
    p.sysadmin = make_user("sysadmin", unit=p.office, role=Role.SYSADMIN, name="系统管理员甲")
    world = World(p)
    world.milestone = Milestone.objects.create(task=world.child, title="完成立项", due=date(2024, 3, 31))
    return world


def work_pages(w: World) -> list[str]:
    return [
        "/work/manage/plans/new/",
        f"/work/manage/plans/{w.plan_a.pk}/",
        f"/work/manage/plans/{w.plan_a.pk}/tasks/new/",
        f"/work/manage/plans/{w.plan_a.pk}/tasks/new/?parent={w.parent.pk}",
        f"/work/manage/tasks/{w.child.pk}/",
        f"/work/manage/tasks/{w.child.pk}/split/",
        f"/work/manage/tasks/{w.child.pk}/milestones/",
        f"/work/manage/tasks/{w.child.pk}/measure/",
    ]


def org_pages(p: Any) -> list[str]:
    return [
        "/org/units/",
        "/org/units/new/",
        f"/org/units/new/?parent={p.unit_a.pk}",
        f"/org/units/{p.unit_a.pk}/",
        "/org/people/",
        "/org/people/?q=jia",
        "/org/people/new/",
        f"/org/people/{p.leader.person.pk}/",
    ]


# Who gets what on a page about plan A / task of unit A: the office edits; people who see the task
# are refused (403); people who may not see it get 404; the anonymous visitor is sent to sign in.
WORK_EXPECT = {
    "officer": 200,
    "reporter_a": 403,
    "head_a": 403,
    "leader": 403,
    "reporter_b": 404,
    "auditor": 404,
    "sysadmin": 404,
    "anonymous": "login",
}
ORG_EXPECT = {who: 403 for who in ALL} | {"officer": 200, "sysadmin": 200, "anonymous": "login"}


@pytest.mark.parametrize("who", ALL)
def test_work_pages_by_persona(p: Any, w: World, who: str) -> None:
    c = client_for(getattr(p, who))
    for url in work_pages(w):
        code = WORK_EXPECT[who]
        if url == "/work/manage/plans/new/" and code == 404:
            code = 403  # no plan to hide: the page itself is refused
        resp = c.get(url)
        expect(resp, code)


@pytest.mark.parametrize("who", ALL)
def test_org_pages_by_persona(p: Any, w: World, who: str) -> None:
    c = client_for(getattr(p, who))
    for url in org_pages(p):
        expect(c.get(url), ORG_EXPECT[who])


def _posts(p: Any, w: World) -> list[tuple[str, dict[str, Any]]]:
    """Every write endpoint with a valid body."""
    return [
        (
            "/work/manage/plans/new/",
            {
                "name": "新计划",
                "year": 2024,
                "start": "2024-01-01",
                "due": "2024-12-31",
                "green_max": 5,
                "yellow_max": 15,
                "progress_cap": 120,
                "cadence": "monthly",
                "grace_days": 3,
                "cascade_days": 2,
            },
        ),
        (f"/work/manage/plans/{w.plan_a.pk}/lock/", {"period_end": "2024-01-31"}),
        (
            f"/work/manage/plans/{w.plan_a.pk}/tasks/new/",
            {
                "title": "新任务",
                "lead_unit": p.unit_a.pk,
                "start": "2024-01-01",
                "due": "2024-12-31",
                "source": "target",
                "weight": 1,
            },
        ),
        (f"/work/manage/tasks/{w.parent.pk}/status/", {"status": "suspended", "reason": "暂缓"}),
        (
            f"/work/manage/tasks/{w.parent.pk}/split/",
            {
                "version": w.parent.version,
                "part-TOTAL_FORMS": 2,
                "part-INITIAL_FORMS": 0,
                "part-0-title": "甲",
                "part-1-title": "乙",
            },
        ),
        (f"/work/manage/tasks/{w.parent.pk}/milestones/", {"new-title": "节点", "new-due": "2024-05-01"}),
        (f"/work/manage/milestones/{w.milestone.pk}/delete/", {}),
        ("/org/units/new/", {"code": "NEW1", "name": "新单位", "category": "department"}),
        ("/org/people/new/", {"name": "新人员"}),
        (f"/org/people/{p.leader.person.pk}/portfolio/", {"units": [p.unit_b.pk]}),
        (f"/org/units/{p.unit_a.pk}/posts/", {"new-title": "副局长", "new-role": "head"}),
    ]


@pytest.mark.parametrize("who", personas(but=["officer"]))
def test_nobody_but_the_office_writes(p: Any, w: World, who: str) -> None:
    c = client_for(getattr(p, who))
    before = Entry.objects.count()
    for url, data in _posts(p, w):
        resp = c.post(url, data)
        if who == "anonymous":
            expect(resp, "login")
        elif url.startswith("/org/") or url == "/work/manage/plans/new/":
            expect(resp, 403)
        else:
            expect(resp, WORK_EXPECT[who])  # 403 where the task is visible, 404 where it is hidden
    assert Entry.objects.count() == before
    assert not Plan.objects.filter(name="新计划").exists() and not Unit.objects.filter(code="NEW1").exists()


def test_sysadmin_keeps_org_but_not_plans(p: Any, w: World) -> None:
    c = client_for(p.sysadmin)
    expect(c.post("/org/people/new/", {"name": "新人员"}), 302)
    assert Person.objects.filter(name="新人员").exists()
    expect(c.post("/work/manage/plans/new/", {"name": "新计划"}), 403)


# ---------------------------------------------------------------------------------------------
# The office at work


def test_officer_creates_and_edits_a_plan_and_locks_a_period(p: Any, w: World) -> None:
    c = client_for(p.officer)
    resp = c.post(
        "/work/manage/plans/new/",
        {
            "name": "大干60天",
            "year": 2024,
            "start": "2024-03-01",
            "due": "2024-04-30",
            "green_max": 4,
            "yellow_max": 12,
            "progress_cap": 110,
            "cadence": "weekly",
            "grace_days": 1,
            "cascade_days": 0,
            "head_approval": "on",
            "is_active": "on",
        },
    )
    plan = Plan.objects.get(name="大干60天")
    assert resp.status_code == 302 and resp["Location"] == f"/work/manage/plans/{plan.pk}/"
    assert plan.cadence == "weekly" and plan.green_max == 4
    page = c.get(f"/work/manage/plans/{plan.pk}/").content.decode()
    assert "锁定填报期" in page and "2024-03-03" in page
    form = c.get(f"/work/manage/plans/{plan.pk}/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {
        "yellow_max": 20,
        "cadence": "monthly",
        "head_approval": "on",
        "is_active": "on",
        "owner_unit": "",
    }
    data["start"], data["due"] = "2024-03-01", "2024-04-30"
    expect(c.post(f"/work/manage/plans/{plan.pk}/", data), 302)
    plan.refresh_from_db()
    assert plan.yellow_max == 20 and plan.cadence == "monthly"
    expect(c.post(f"/work/manage/plans/{plan.pk}/lock/", {"period_end": "2024-03-31"}), 302)
    assert LockedPeriod.objects.filter(plan=plan, period_end=date(2024, 3, 31), locked_by=p.officer).exists()
    assert Entry.objects.filter(action="work.period.locked", object_id=str(plan.pk)).exists()
    assert "2024-03-31" in c.get(f"/work/manage/plans/{plan.pk}/").content.decode()


def test_officer_creates_edits_moves_and_cancels_a_task(p: Any, w: World) -> None:
    c = client_for(p.officer)
    resp = c.post(
        f"/work/manage/plans/{w.plan_a.pk}/tasks/new/",
        {
            "title": "建设智慧园区",
            "code": "2",
            "lead_unit": p.unit_a.pk,
            "co_units": [p.unit_b.pk],
            "start": "2024-02-01",
            "due": "2024-11-30",
            "source": "project",
            "weight": "2",
            "responsible_person": p.reporter_a.person.pk,
        },
    )
    task = Task.objects.get(title="建设智慧园区")
    assert resp["Location"] == f"/work/tasks/{task.pk}/"
    assert list(task.co_units.all()) == [p.unit_b] and task.weight == 2 and task.parent is None
    edit = c.get(f"/work/manage/tasks/{task.pk}/")
    assert f'name="version" value="{task.version}"' in edit.content.decode()
    data = {
        "version": task.version,
        "title": "建设智慧园区一期",
        "code": "1.3",
        "lead_unit": p.unit_b.pk,
        "parent": w.parent.pk,
        "start": "2024-02-01",
        "due": "2024-10-31",
        "source": "project",
        "weight": "2",
    }
    expect(c.post(f"/work/manage/tasks/{task.pk}/", data), 302)
    task.refresh_from_db()
    assert (task.title, task.lead_unit, task.parent, task.due) == (
        "建设智慧园区一期",
        p.unit_b,
        w.parent,
        date(2024, 10, 31),
    )
    assert task.path.startswith(w.parent.path) and task.version == 2
    expect(c.post(f"/work/manage/tasks/{task.pk}/status/", {"status": "cancelled", "reason": ""}), 302)
    assert Task.objects.get(pk=task.pk).status == Status.IN_PROGRESS
    resp = c.post(
        f"/work/manage/tasks/{task.pk}/status/",
        {"status": "cancelled", "reason": "并入其他任务"},
        follow=True,
    )
    assert "已取消" in resp.content.decode()
    assert Transition.objects.get(task=task, to_status=Status.CANCELLED).reason == "并入其他任务"


def test_a_task_created_on_the_page_mid_year_is_not_late_for_the_months_before(p: Any, w: World) -> None:
    """A task the office adds in a plan running for months is assigned that day (下达日期): it owes
    no report for the periods before it existed, so neither it nor its parent shows 迟报."""
    from datetime import timedelta

    from django.utils import timezone

    from luoshi.work.selectors import compute_lights

    today = timezone.localdate()
    plan = p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))
    c = client_for(p.officer)
    for title, code, parent in (("推进物流园建设", "1", ""), ("完成控规编制", "1.1", "parent")):
        c.post(
            f"/work/manage/plans/{plan.pk}/tasks/new/",
            {
                "title": title,
                "code": code,
                "parent": Task.objects.get(code="1", plan=plan).pk if parent else "",
                "lead_unit": p.unit_a.pk,
                "start": plan.start.isoformat(),
                "due": plan.due.isoformat(),
                "source": "target",
                "weight": 1,
            },
        )
    tasks = list(Task.objects.filter(plan=plan))
    assert len(tasks) == 2 and {t.assigned_on for t in tasks} == {today}
    assert not any(r.report_late for r in compute_lights(plan_id=plan.pk, on=today))
    assert not any(t.report_late for t in tasks)


def test_two_officers_editing_a_task_at_once_get_a_conflict(p: Any, w: World) -> None:
    first, second = client_for(p.officer), client_for(p.officer2)
    form = first.get(f"/work/manage/tasks/{w.child.pk}/").context["form"]
    second.get(f"/work/manage/tasks/{w.child.pk}/")
    data = {
        "version": w.child.version,
        "title": "项目开工审批（修改一）",
        "code": "1.1",
        "lead_unit": p.unit_a.pk,
        "parent": w.parent.pk,
        "start": "2024-01-01",
        "due": "2024-12-31",
        "source": "target",
        "weight": "1",
    }
    assert form.initial["version"] == w.child.version
    expect(first.post(f"/work/manage/tasks/{w.child.pk}/", data), 302)
    resp = second.post(f"/work/manage/tasks/{w.child.pk}/", data | {"title": "项目开工审批（修改二）"})
    assert resp.status_code == 409
    html = resp.content.decode()
    assert "保存冲突" in html and "您的修改没有保存" in html
    assert "项目开工审批（修改一）" in html  # the form now shows the stored values
    assert f'name="version" value="{w.child.version + 1}"' in html
    assert Task.objects.get(pk=w.child.pk).title == "项目开工审批（修改一）"


def test_conflicts_on_plan_milestone_unit_and_person_pages(p: Any, w: World) -> None:
    c1, c2 = client_for(p.officer), client_for(p.officer2)
    # plan
    form = c1.get(f"/work/manage/plans/{w.plan_a.pk}/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None} | {
        "head_approval": "on",
        "is_active": "on",
    }
    data["start"], data["due"] = "2024-01-01", "2024-12-31"
    expect(c1.post(f"/work/manage/plans/{w.plan_a.pk}/", data | {"grace_days": 5}), 302)
    resp = c2.post(f"/work/manage/plans/{w.plan_a.pk}/", data | {"grace_days": 7})
    assert resp.status_code == 409 and "保存冲突" in resp.content.decode()
    assert Plan.objects.get(pk=w.plan_a.pk).grace_days == 5
    # milestone
    page = c1.get(f"/work/manage/tasks/{w.child.pk}/milestones/")
    seen = page.context["rows"][0][1].initial["seen"]
    pre = f"m{w.milestone.pk}-"
    body = {pre + "title": "完成立项（一）", pre + "due": "2024-03-31", pre + "seen": seen}
    expect(c1.post(f"/work/manage/milestones/{w.milestone.pk}/", body), 302)
    resp = c2.post(f"/work/manage/milestones/{w.milestone.pk}/", body | {pre + "title": "完成立项（二）"})
    assert resp.status_code == 409 and "保存冲突" in resp.content.decode()
    assert Milestone.objects.get(pk=w.milestone.pk).title == "完成立项（一）"
    # unit
    form = c1.get(f"/org/units/{p.unit_b.pk}/").context["form"]
    body = {k: v for k, v in form.initial.items() if v is not None} | {"is_active": "on"}
    expect(c1.post(f"/org/units/{p.unit_b.pk}/", body | {"short_name": "财政"}), 302)
    resp = c2.post(f"/org/units/{p.unit_b.pk}/", body | {"short_name": "区财政"})
    assert resp.status_code == 409 and "保存冲突" in resp.content.decode()
    assert Unit.objects.get(pk=p.unit_b.pk).short_name == "财政"
    # person
    person = p.reporter_b.person
    form = c1.get(f"/org/people/{person.pk}/").context["form"]
    body = {k: v for k, v in form.initial.items() if v is not None}
    expect(c1.post(f"/org/people/{person.pk}/", body | {"phone": "111"}), 302)
    resp = c2.post(f"/org/people/{person.pk}/", body | {"phone": "222"})
    assert resp.status_code == 409 and Person.objects.get(pk=person.pk).phone == "111"


def test_officer_splits_adds_milestone_and_sets_monthly_plan(p: Any, w: World) -> None:
    c = client_for(p.officer)
    task = w.child
    resp = c.post(
        f"/work/manage/tasks/{task.pk}/split/",
        {
            "version": task.version,
            "part-TOTAL_FORMS": 4,
            "part-INITIAL_FORMS": 0,
            "part-0-title": "审批材料准备",
            "part-0-lead_unit": p.unit_b.pk,
            "part-0-due": "2024-06-30",
            "part-1-title": "报批",
            "part-2-title": "",
            "part-3-title": "",
        },
    )
    expect(resp, 302)
    kids = list(Task.objects.filter(parent=task).order_by("pk"))
    assert [k.title for k in kids] == ["审批材料准备", "报批"] and kids[0].lead_unit == p.unit_b
    stale = c.post(
        f"/work/manage/tasks/{task.pk}/split/",
        {
            "version": task.version,
            "part-TOTAL_FORMS": 2,
            "part-INITIAL_FORMS": 0,
            "part-0-title": "甲",
            "part-1-title": "乙",
        },
    )
    assert stale.status_code == 409 and Task.objects.filter(parent=task).count() == 2
    expect(
        c.post(
            f"/work/manage/tasks/{task.pk}/milestones/",
            {"new-title": "取得批复", "new-due": "2024-09-30", "new-duration_days": "20"},
        ),
        302,
    )
    assert Milestone.objects.filter(task=task, title="取得批复", duration_days=20).exists()
    assert "取得批复" in c.get(f"/work/tasks/{task.pk}/").content.decode()
    measure = kids[1]
    page = c.get(f"/work/manage/tasks/{measure.pk}/measure/").content.decode()
    assert 'name="m_2024-01"' in page and 'name="m_2024-12"' in page
    body = {
        "version": measure.version,
        "metric_name": "审批事项",
        "metric_unit": "项",
        "baseline": "0",
        "target": "12",
        "direction": "higher",
        "m_2024-03": "3",
        "m_2024-06": "6",
        "m_2024-12": "12",
    }
    expect(c.post(f"/work/manage/tasks/{measure.pk}/measure/", body), 302)
    measure.refresh_from_db()
    assert measure.monthly_plan == {"2024-03": "3", "2024-06": "6", "2024-12": "12"}
    page = c.get(f"/work/manage/tasks/{measure.pk}/measure/").content.decode()
    assert 'name="m_2024-06" value="6"' in page
    detail = c.get(f"/work/tasks/{measure.pk}/").content.decode()
    assert "月度计划" in detail and "2024-06: 6" in detail


def test_officer_keeps_units_people_posts_and_portfolios(p: Any, w: World) -> None:
    c = client_for(p.officer)
    expect(
        c.post(
            "/org/units/new/",
            {"code": "JYJ", "name": "区教育局", "category": "department", "parent": p.district.pk, "sort": 3},
        ),
        302,
    )
    unit = Unit.objects.get(code="JYJ")
    assert unit.parent == p.district
    expect(
        c.post(f"/org/units/{unit.pk}/posts/", {"new-title": "局长", "new-role": "head", "new-senior": "on"}),
        302,
    )
    post = Post.objects.get(unit=unit)
    expect(c.post("/org/people/new/", {"name": "李明", "phone": "13900000000"}), 302)
    person = Person.objects.get(name="李明")
    expect(
        c.post(
            f"/org/units/{unit.pk}/holders/", {"post": post.pk, "person": person.pk, "start": "2024-01-01"}
        ),
        302,
    )
    membership = Membership.objects.get(person=person, post=post)
    page = c.get(f"/org/units/{unit.pk}/").content.decode()
    assert "李明" in page and "局长" in page
    assert "区教育局·局长" in c.get("/org/people/?q=liming").content.decode()
    expect(c.post(f"/org/memberships/{membership.pk}/end/", {"end": "2024-06-30"}), 302)
    assert Membership.objects.get(pk=membership.pk).end == date(2024, 6, 30)
    leader = p.leader.person
    resp = c.post(
        f"/org/people/{leader.pk}/portfolio/", {"units": [p.unit_a.pk, unit.pk], "seen": f"{p.unit_a.pk}"}
    )
    expect(resp, 302)
    assert set(PortfolioUnit.objects.filter(leader=leader).values_list("unit_id", flat=True)) == {
        p.unit_a.pk,
        unit.pk,
    }
    expect(
        c.post(
            f"/org/posts/{post.pk}/",
            {f"post{post.pk}-title": "党组书记、局长", f"post{post.pk}-role": "head"},
        ),
        302,
    )
    assert Post.objects.get(pk=post.pk).title == "党组书记、局长"


def test_links_to_keeping_pages_only_for_the_office(p: Any, w: World) -> None:
    for who, shown in (("officer", True), ("leader", False), ("head_a", False)):
        c = client_for(getattr(p, who))
        plans = c.get("/work/plans/").content.decode()
        plan = c.get(f"/work/plans/{w.plan_a.pk}/").content.decode()
        task = c.get(f"/work/tasks/{w.child.pk}/").content.decode()
        assert ("/work/manage/plans/new/" in plans) is shown, who
        assert (f"/work/manage/plans/{w.plan_a.pk}/" in plan) is shown, who
        assert (f"/work/manage/tasks/{w.child.pk}/split/" in task) is shown, who
        assert (f"/work/manage/tasks/{w.child.pk}/status/" in task) is shown, who
        assert ('href="/org/units/"' in plans) is shown, who
    assert 'href="/org/units/"' in client_for(p.sysadmin).get("/work/tasks/").content.decode()


# ---------------------------------------------------------------------------------------------
# query counts


def test_org_lists_and_milestones_cost_the_same_queries_at_30_rows(p: Any, w: World) -> None:
    c = client_for(p.officer)
    urls = [
        "/org/units/",
        "/org/people/",
        "/org/units/{unit}/",
        "/work/manage/tasks/{task}/milestones/",
        "/org/people/{person}/",
    ]
    ids = {"unit": p.unit_a.pk, "task": w.child.pk, "person": p.reporter_a.person.pk}

    def queries(url: str, rows: int) -> int:
        with exact_queries(f"org.pages[officer {url}]@{rows}") as counted:
            expect(c.get(url.format(**ids)), 200)
        return counted.count

    for url in urls:
        c.get(url.format(**ids))
    small = [queries(url, 0) for url in urls]

    for i in range(30):
        unit = Unit.objects.create(
            code=f"Q{i}", name=f"增量单位{i}", category="department", parent=p.district
        )
        post = Post.objects.create(unit=p.unit_a, title=f"岗位{i}", role=Role.REPORTER)
        person = Person.objects.create(name=f"增量人员{i}")
        Membership.objects.create(person=person, post=post, start=date(2020, 1, 1))
        Membership.objects.create(
            person=p.reporter_a.person,
            post=Post.objects.create(unit=unit, title="兼职", role="reporter"),
            start=date(2020, 1, 1),
        )
        Milestone.objects.create(task=w.child, title=f"节点{i}", due=date(2024, 5, 1))
    for url, n in zip(urls, small, strict=True):
        assert n <= 20, (url, n)
        assert queries(url, 30) <= n, url


def test_large_plan_names_the_parent_by_number(p: Any, w: World, monkeypatch: Any) -> None:
    from luoshi.work import forms_manage

    c = client_for(p.officer)
    assert '<select name="parent"' in c.get(f"/work/manage/tasks/{w.child.pk}/").content.decode()
    monkeypatch.setattr(forms_manage, "PARENT_OPTIONS_MAX", 1)
    html = c.get(f"/work/manage/tasks/{w.child.pk}/").content.decode()
    assert 'type="number" name="parent"' in html and f'value="{w.parent.pk}"' in html
    body = {
        "version": w.child.version,
        "title": w.child.title,
        "code": "1.1",
        "lead_unit": p.unit_a.pk,
        "parent": "",
        "start": "2024-01-01",
        "due": "2024-12-31",
        "source": "target",
        "weight": "1",
    }
    expect(c.post(f"/work/manage/tasks/{w.child.pk}/", body), 302)
    assert Task.objects.get(pk=w.child.pk).parent is None
