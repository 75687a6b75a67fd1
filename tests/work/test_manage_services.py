"""Services behind the office's keeping pages: plans, task splits, milestones, measures with a
monthly plan, and the organisation — each audited, for the right people only, refusing stale edits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from luoshi.audit.models import Entry
from luoshi.errors import Conflict, LuoshiError, NotAllowed
from luoshi.errors import Conflict as OrgConflict  # org's errors are the shared ones now
from luoshi.errors import LuoshiError as OrgError
from luoshi.errors import NotAllowed as OrgDenied
from luoshi.org.models import Membership, Person, PortfolioUnit, Role, UnitCategory
from luoshi.org.services_manage import (
    holder_end,
    holder_start,
    person_add,
    person_stamp,
    person_update,
    portfolio_change,
    portfolio_stamp,
    post_add,
    post_stamp,
    post_update,
    unit_add,
    unit_edit,
    unit_stamp,
)
from luoshi.work.models import Milestone, Plan, Status, Task
from luoshi.work.services.manage import (
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
from tests.factories import make_user
from tests.helpers import personas


def last(action: str) -> Entry:
    return Entry.objects.filter(action=action).order_by("-seq").first()


# ---------------------------------------------------------------------------------------------
# plans


def test_plan_update_changes_thresholds_and_cadence_and_is_audited(p: Any) -> None:
    plan = p.plan()
    seen = plan_stamp(plan)
    plan_update(
        actor=p.officer,
        plan=plan,
        seen=seen,
        green_max=Decimal(3),
        yellow_max=Decimal(10),
        cadence="quarterly",
    )
    plan = Plan.objects.get(pk=plan.pk)
    assert (plan.green_max, plan.yellow_max, plan.cadence) == (Decimal(3), Decimal(10), "quarterly")
    entry = last("work.plan.updated")
    assert entry.object_id == str(plan.pk) and entry.actor == p.officer
    assert entry.before == {"green_max": "5.00", "yellow_max": "15.00", "cadence": "monthly"}
    assert entry.after == {"green_max": "3", "yellow_max": "10", "cadence": "quarterly"}


def test_plan_update_refuses_a_stale_copy(p: Any) -> None:
    plan = p.plan()
    seen = plan_stamp(plan)
    plan_update(actor=p.officer, plan=plan, seen=seen, grace_days=5)
    with pytest.raises(Conflict):
        plan_update(actor=p.officer2, plan=plan, seen=seen, grace_days=7)
    assert Plan.objects.get(pk=plan.pk).grace_days == 5


@pytest.mark.parametrize("who", personas(but=["reporter_b", "officer", "anonymous"]))
def test_plan_update_is_for_the_office_only(p: Any, who: str) -> None:
    plan = p.plan()
    with pytest.raises(NotAllowed):
        plan_update(actor=getattr(p, who), plan=plan, grace_days=9)
    assert Plan.objects.get(pk=plan.pk).grace_days == 3


def test_plan_update_validates(p: Any) -> None:
    plan = p.plan()
    other = p.plan()
    with pytest.raises(LuoshiError, match="黄灯"):
        plan_update(actor=p.officer, plan=plan, green_max=Decimal(20))
    with pytest.raises(LuoshiError, match="截止日期"):
        plan_update(actor=p.officer, plan=plan, due=date(2023, 1, 1))
    with pytest.raises(LuoshiError, match="同名"):
        plan_update(actor=p.officer, plan=plan, name=other.name)


def test_plan_threshold_change_relights_its_tasks(p: Any) -> None:
    from django.utils import timezone

    from luoshi.work.services import report_submit

    today = timezone.localdate()
    plan = p.plan(
        year=today.year,
        start=date(today.year - 1, 1, 1),
        due=date(today.year + 1, 12, 31),
        head_approval=False,
    )
    task = p.task(plan)
    expected = Decimal(str(round((today - plan.start).days / (plan.due - plan.start).days * 100, 2)))
    report_submit(actor=p.reporter_a, task=task, percent=max(Decimal(0), expected - Decimal(10)))
    task.refresh_from_db()
    assert task.light == "yellow"
    plan_update(actor=p.officer, plan=plan, green_max=Decimal(12), yellow_max=Decimal(20))
    task.refresh_from_db()
    assert task.light == "green"


# ---------------------------------------------------------------------------------------------
# split


def test_task_split_makes_children_and_bumps_version(p: Any) -> None:
    plan = p.plan()
    task = p.task(plan, title="推进产业园建设")
    children = task_split(
        actor=p.officer,
        task=task,
        version=task.version,
        parts=[
            {"title": "一期工程", "lead_unit": p.unit_b, "due": date(2024, 6, 30)},
            {"title": "二期工程"},
            {"title": "  "},
        ],
    )
    assert [c.title for c in children] == ["一期工程", "二期工程"]
    assert [c.lead_unit for c in children] == [p.unit_b, p.unit_a]
    assert children[0].due == date(2024, 6, 30) and children[1].due == task.due
    assert all(c.parent_id == task.pk and c.path.startswith(task.path) for c in children)
    assert task.version == 2 and Task.objects.get(pk=task.pk).version == 2
    entry = last("work.task.split")
    assert entry.object_id == str(task.pk)
    assert [c["title"] for c in entry.after["children"]] == ["一期工程", "二期工程"]


def test_new_tasks_are_lit_at_once_as_the_bulletin_computes_them(p: Any) -> None:
    """A task created (or split off) today gets its stored light at once, not at the next daily
    tick: the dashboard, ledger and API (stored lights) and the bulletin (computed) agree."""
    from datetime import timedelta

    from django.utils import timezone

    from luoshi.work.selectors import compute_lights

    today = timezone.localdate()
    plan = p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=165))
    parent = p.task(plan, title="推进产业园建设")
    child = p.task(plan, parent=parent, title="完成园区投资")
    other = p.task(plan, title="老旧小区改造")
    parts = task_split(
        actor=p.officer, task=other, version=other.version, parts=[{"title": "东片区"}, {"title": "西片区"}]
    )
    assert child.light == "red"
    stored = {t.pk: (t.light, t.light_on) for t in Task.objects.filter(plan=plan)}
    computed = {r.id: (r.light, today) for r in compute_lights(plan_id=plan.pk, on=today)}
    assert stored == computed
    assert {stored[t.pk][0] for t in (parent, child, *parts)} == {"red"}


def test_task_split_refuses_stale_version_and_single_part(p: Any) -> None:
    plan = p.plan()
    task = p.task(plan)
    with pytest.raises(LuoshiError, match="两项"):
        task_split(actor=p.officer, task=task, version=1, parts=[{"title": "唯一"}])
    with pytest.raises(Conflict):
        task_split(actor=p.officer, task=task, version=0, parts=[{"title": "甲"}, {"title": "乙"}])
    with pytest.raises(NotAllowed):
        task_split(actor=p.head_a, task=task, version=1, parts=[{"title": "甲"}, {"title": "乙"}])
    assert not Task.objects.filter(parent=task).exists()


# ---------------------------------------------------------------------------------------------
# milestones


def test_milestone_create_update_delete_are_audited(p: Any) -> None:
    plan = p.plan()
    task = p.task(plan)
    m = milestone_create(
        actor=p.officer, task=task, title="完成立项", due=date(2024, 3, 31), duration_days=30
    )
    assert last("work.milestone.created").data == {"task": task.pk}
    seen = milestone_stamp(m)
    milestone_update(actor=p.officer, milestone=m, seen=seen, title="完成立项审批", due=date(2024, 4, 30))
    m.refresh_from_db()
    assert (m.title, m.due) == ("完成立项审批", date(2024, 4, 30))
    entry = last("work.milestone.updated")
    assert entry.before == {"title": "完成立项", "due": "2024-03-31"}
    with pytest.raises(Conflict):
        milestone_update(actor=p.officer2, milestone=m, seen=seen, title="旧副本")
    with pytest.raises(Conflict):
        milestone_delete(actor=p.officer2, milestone=m, seen=seen)
    milestone_delete(actor=p.officer, milestone=m, seen=milestone_stamp(m))
    assert not Milestone.objects.filter(pk=m.pk).exists()
    assert last("work.milestone.deleted").before["title"] == "完成立项审批"


def test_milestones_are_for_the_office_and_not_on_closed_tasks(p: Any) -> None:
    from luoshi.work.services import task_confirm_completion
    from tests.factories import claim_task

    plan = p.plan()
    task = p.task(plan)
    with pytest.raises(NotAllowed):
        milestone_create(actor=p.reporter_a, task=task, title="节点", due=date(2024, 5, 1))
    with pytest.raises(LuoshiError, match="名称"):
        milestone_create(actor=p.officer, task=task, title=" ", due=date(2024, 5, 1))
    claim_task(p.reporter_a, task)
    task_confirm_completion(actor=p.officer, task=task)
    with pytest.raises(LuoshiError, match="销号"):
        milestone_create(actor=p.officer, task=task, title="节点", due=date(2024, 5, 1))


def test_passed_unmet_milestone_turns_task_red(p: Any) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    plan = p.plan(year=today.year, start=date(today.year - 1, 1, 1), due=date(today.year + 1, 12, 31))
    task = p.task(plan)
    milestone_create(actor=p.officer, task=task, title="已过期节点", due=date(today.year - 1, 2, 1))
    task.refresh_from_db()
    assert task.light == "red"


# ---------------------------------------------------------------------------------------------
# measure and monthly plan


def test_task_months() -> None:
    task = Task(start=date(2024, 11, 15), due=date(2025, 2, 1))
    assert task_months(task) == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_measure_update_stores_monthly_plan_through_task_update(p: Any) -> None:
    plan = p.plan()
    task = p.task(plan)
    measure_update(
        actor=p.officer,
        task=task,
        version=task.version,
        metric_name="固定资产投资",
        metric_unit="亿元",
        baseline=0,
        target=120,
        direction="higher",
        monthly_plan={"2024-3": Decimal(30), "2024-06": "60", "2024-09": None, "2024-12": "120"},
    )
    task = Task.objects.get(pk=task.pk)
    assert task.has_measure and task.target == Decimal(120)
    assert task.monthly_plan == {"2024-03": "30", "2024-06": "60", "2024-12": "120"}
    assert task.version == 2
    entry = last("work.task.updated")
    assert entry.after["monthly_plan"] == task.monthly_plan


def test_measure_update_refuses_bad_input_and_stale_version(p: Any) -> None:
    plan = p.plan()
    task = p.task(plan, start=date(2024, 1, 1), due=date(2024, 6, 30))
    base = dict(metric_name="指标", metric_unit="个", direction="higher")
    with pytest.raises(LuoshiError, match="不在"):
        measure_update(
            actor=p.officer, task=task, version=1, baseline=0, target=10, monthly_plan={"2024-08": 5}, **base
        )
    with pytest.raises(LuoshiError, match="同时"):
        measure_update(
            actor=p.officer, task=task, version=1, baseline=0, target=None, monthly_plan={}, **base
        )
    with pytest.raises(LuoshiError, match="基数和目标值"):
        measure_update(
            actor=p.officer,
            task=task,
            version=1,
            baseline=None,
            target=None,
            monthly_plan={"2024-02": 1},
            **base,
        )
    with pytest.raises(Conflict):
        measure_update(actor=p.officer, task=task, version=9, baseline=0, target=10, monthly_plan={}, **base)
    with pytest.raises(NotAllowed):
        measure_update(actor=p.head_a, task=task, version=1, baseline=0, target=10, monthly_plan={}, **base)
    assert Task.objects.get(pk=task.pk).target is None


# ---------------------------------------------------------------------------------------------
# organisation


@pytest.fixture
def sysadmin(p: Any) -> Any:
    return make_user("sysadmin", unit=p.office, role=Role.SYSADMIN, name="系统管理员甲")


def test_units_people_posts_and_holders_through_the_services(p: Any, sysadmin: Any) -> None:
    unit = unit_add(
        actor=p.officer, code="JYJ", name="区教育局", category=UnitCategory.DEPARTMENT, parent=p.district
    )
    assert unit.path == f"{p.district.path}{unit.pk}/"
    person = person_add(actor=sysadmin, name="李局长", phone="13800000000")
    post = post_add(actor=p.officer, unit=unit, title="局长", role=Role.HEAD, senior=True)
    m = holder_start(actor=p.officer, person=person, post=post, start=date(2024, 1, 1))
    assert Membership.objects.current(date(2024, 2, 1)).filter(person=person, post=post).exists()
    holder_end(actor=p.officer, membership=m, end=date(2024, 6, 30))
    with pytest.raises(OrgConflict):
        holder_end(actor=p.officer, membership=m, end=date(2024, 7, 1))
    actions = list(Entry.objects.order_by("seq", "id").values_list("action", flat=True))[-5:]
    assert actions == [
        "org.unit.created",
        "org.person.created",
        "org.post.created",
        "org.membership.started",
        "org.membership.ended",
    ]


@pytest.mark.parametrize("who", personas(but=["reporter_b", "officer", "anonymous"]))
def test_organisation_is_kept_by_office_and_sysadmin_only(p: Any, who: str) -> None:
    actor = getattr(p, who)
    with pytest.raises(OrgDenied):
        unit_add(actor=actor, code="X1", name="某单位", category=UnitCategory.OTHER)
    with pytest.raises(OrgDenied):
        person_add(actor=actor, name="某人")
    with pytest.raises(OrgDenied):
        unit_edit(actor=actor, unit=p.unit_a, name="改名")
    with pytest.raises(OrgDenied):
        portfolio_change(actor=actor, leader=p.leader.person, units=[p.unit_b])
    assert PortfolioUnit.objects.filter(leader=p.leader.person).count() == 1


def test_admin_posts_are_handed_out_by_the_sysadmin_only(p: Any, sysadmin: Any) -> None:
    with pytest.raises(OrgDenied):
        post_add(actor=p.officer, unit=p.office, title="安全管理员", role=Role.SECADMIN)
    post = post_add(actor=sysadmin, unit=p.office, title="安全管理员", role=Role.SECADMIN)
    person = person_add(actor=p.officer, name="赵安全")
    with pytest.raises(OrgDenied):
        holder_start(actor=p.officer, person=person, post=post, start=date(2024, 1, 1))
    holder_start(actor=sysadmin, person=person, post=post, start=date(2024, 1, 1))


def test_org_edits_refuse_stale_copies(p: Any) -> None:
    seen = unit_stamp(p.unit_a)
    unit_edit(actor=p.officer, unit=p.unit_a, seen=seen, short_name="发改")
    with pytest.raises(OrgConflict):
        unit_edit(actor=p.officer2, unit=p.unit_a, seen=seen, name="区发改委")
    person = p.reporter_a.person
    seen = person_stamp(person)
    person_update(actor=p.officer, person=person, seen=seen, phone="123")
    with pytest.raises(OrgConflict):
        person_update(actor=p.officer2, person=person, seen=seen, phone="456")
    assert Person.objects.get(pk=person.pk).phone == "123"
    post = person.memberships.get().post
    seen = post_stamp(post)
    post_update(actor=p.officer, post=post, seen=seen, title="联络员")
    with pytest.raises(OrgConflict):
        post_update(actor=p.officer2, post=post, seen=seen, title="填报员")
    seen = portfolio_stamp(p.leader.person)
    portfolio_change(actor=p.officer, leader=p.leader.person, units=[p.unit_a, p.unit_b], seen=seen)
    with pytest.raises(OrgConflict):
        portfolio_change(actor=p.officer2, leader=p.leader.person, units=[], seen=seen)
    assert PortfolioUnit.objects.filter(leader=p.leader.person).count() == 2
    assert last("org.person.updated").after == {"phone": "*23"}  # the trail keeps phones masked
    assert last("org.post.updated").before == {"title": str(Role.REPORTER.label)}


def test_unit_edit_moves_subtree_and_refuses_a_cycle(p: Any) -> None:
    street = unit_add(
        actor=p.officer, code="JD1", name="某街道", category=UnitCategory.ZONE, parent=p.district
    )
    community = unit_add(
        actor=p.officer, code="SQ1", name="某社区", category=UnitCategory.COMMUNITY, parent=street
    )
    with pytest.raises(OrgError):
        unit_edit(actor=p.officer, unit=street, parent=community)
    unit_edit(actor=p.officer, unit=street, parent=p.unit_a)
    community.refresh_from_db()
    assert community.path.startswith(p.unit_a.path) and community.depth == 3


def test_cancelling_from_status_service_needs_reason(p: Any) -> None:
    from luoshi.work.services import task_set_status

    plan = p.plan()
    task = p.task(plan)
    with pytest.raises(LuoshiError):
        task_set_status(actor=p.officer, task=task, status=Status.CANCELLED, reason="")
