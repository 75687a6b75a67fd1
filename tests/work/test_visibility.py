"""Who sees, reports on and edits what: the persona table for tasks and reports.

Personas (tests/factories.Personas): reporter A, head of A, reporter B, the leader whose portfolio
holds A, a supervision officer, and the anonymous visitor.
"""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.org.models import Role, UnitCategory
from luoshi.work.models import Report, Status, Task
from luoshi.work.services import report_submit
from tests.factories import make_unit, make_user
from tests.helpers import TABLE

pytestmark = pytest.mark.django_db

SUBJECTS = ["task_a", "task_b", "co_task", "public_task"]

# persona -> subjects it may see / report on / edit
VISIBLE = {
    "reporter_a": {"task_a", "co_task", "public_task"},
    "head_a": {"task_a", "co_task", "public_task"},
    "reporter_b": {"task_b", "co_task", "public_task"},
    "leader": {"task_a", "co_task", "public_task"},
    "officer": {"task_a", "task_b", "co_task", "public_task"},
    "anonymous": {"public_task"},
}
REPORTABLE = {
    "reporter_a": {"task_a", "co_task"},
    "head_a": {"task_a", "co_task"},
    "reporter_b": {"task_b", "co_task", "public_task"},
    "leader": set(),
    "officer": set(),
    "anonymous": set(),
}
EDITABLE = {
    "reporter_a": set(),
    "head_a": set(),
    "reporter_b": set(),
    "leader": set(),
    "officer": {"task_a", "task_b", "co_task", "public_task"},
    "anonymous": set(),
}
# A report of unit A waiting for its head: seen inside unit A only, not upward.
SEES_PENDING_A = {"reporter_a", "head_a"}
# The same report once approved: everyone who sees task A.
SEES_SUBMITTED_A = {"reporter_a", "head_a", "leader", "officer"}


@pytest.fixture
def world(p):  # type: ignore[no-untyped-def]
    plan = p.plan()
    tasks = {
        "task_a": p.task(plan, unit=p.unit_a, title="发改局任务"),
        "task_b": p.task(plan, unit=p.unit_b, title="财政局任务"),
        "co_task": p.task(plan, unit=p.unit_b, co_units=[p.unit_a], title="财政局牵头发改局配合"),
        "public_task": p.task(plan, unit=p.unit_b, is_public=True, title="公开承诺事项"),
    }
    pending = report_submit(actor=p.reporter_a, task=tasks["task_a"], percent=30, on=date(2024, 6, 15))
    submitted = report_submit(actor=p.head_a, task=tasks["task_a"], percent=25, on=date(2024, 6, 10))
    return plan, tasks, pending, submitted


def user_of(p, persona: str):  # type: ignore[no-untyped-def]
    return getattr(p, persona)


@pytest.mark.parametrize("persona", TABLE)
def test_task_visibility_table(p, world, persona):
    _, tasks, _, _ = world
    user = user_of(p, persona)
    ids = {name: t.pk for name, t in tasks.items()}
    for queryset, expected in (
        (Task.objects.visible_to(user), VISIBLE[persona]),
        (Task.objects.reportable_by(user), REPORTABLE[persona]),
        (Task.objects.editable_by(user), EDITABLE[persona]),
    ):
        got = {name for name, pk in ids.items() if queryset.filter(pk=pk).exists()}
        assert got == expected, (persona, queryset.query)


@pytest.mark.parametrize("persona", TABLE)
def test_report_visibility_table(p, world, persona):
    _, _, pending, submitted = world
    user = user_of(p, persona)
    visible = set(Report.objects.visible_to(user).values_list("pk", flat=True))
    assert (pending.pk in visible) == (persona in SEES_PENDING_A)
    assert (submitted.pk in visible) == (persona in SEES_SUBMITTED_A)


def test_public_tasks_show_only_once_under_way(p):
    plan = p.plan()
    draft = p.task(plan, unit=p.unit_b, is_public=True, status=Status.DRAFT)
    running = p.task(plan, unit=p.unit_b, is_public=True)
    for user in (None, p.reporter_a):
        visible = set(Task.objects.visible_to(user).values_list("pk", flat=True))
        assert running.pk in visible and draft.pk not in visible


def test_named_responsible_person_sees_the_task(p):
    plan = p.plan()
    task = p.task(plan, unit=p.unit_b, responsible_person=p.reporter_a.person)
    assert Task.objects.visible_to(p.reporter_a).filter(pk=task.pk).exists()
    assert not Task.objects.reportable_by(p.reporter_a).filter(pk=task.pk).exists()


def test_leader_sees_portfolio_not_the_whole_district(p):
    """The leader's post sits in the district unit; their view is their portfolio (分管), not every unit."""
    plan = p.plan()
    a = p.task(plan, unit=p.unit_a)
    b = p.task(plan, unit=p.unit_b)
    visible = set(Task.objects.visible_to(p.leader).values_list("pk", flat=True))
    assert a.pk in visible and b.pk not in visible


def test_street_reporter_sees_its_communities_tasks(p):
    street = make_unit("东湖街道", category=UnitCategory.ZONE, parent=p.district, code="DH")
    community = make_unit("东湖社区", category=UnitCategory.COMMUNITY, parent=street, code="DH01")
    other_community = make_unit("西湖社区", category=UnitCategory.COMMUNITY, parent=p.district, code="XH01")
    street_reporter = make_user("street_reporter", unit=street, role=Role.REPORTER)
    community_reporter = make_user("community_reporter", unit=community, role=Role.REPORTER)
    community_head = make_user("community_head", unit=community, role=Role.HEAD)
    plan = p.plan()
    street_task = p.task(plan, unit=street)
    community_task = p.task(plan, unit=community)
    elsewhere = p.task(plan, unit=other_community)

    seen = set(Task.objects.visible_to(street_reporter).values_list("pk", flat=True))
    assert {street_task.pk, community_task.pk} <= seen and elsewhere.pk not in seen
    # Seeing is not reporting: the community reports for itself.
    assert set(Task.objects.reportable_by(street_reporter).values_list("pk", flat=True)) == {street_task.pk}
    below = set(Task.objects.visible_to(community_reporter).values_list("pk", flat=True))
    assert community_task.pk in below and street_task.pk not in below

    # A community's pending report stays in the community until its head approves it.
    pending = report_submit(actor=community_reporter, task=community_task, percent=10, on=date(2024, 6, 1))
    assert Report.objects.visible_to(community_head).filter(pk=pending.pk).exists()
    assert not Report.objects.visible_to(street_reporter).filter(pk=pending.pk).exists()


def test_returned_report_stays_with_its_author_and_unit(p):
    from luoshi.work.services import report_return

    plan = p.plan()
    task = p.task(plan, unit=p.unit_a)
    report = report_submit(actor=p.reporter_a, task=task, percent=10, on=date(2024, 6, 1))
    report_return(actor=p.head_a, report=report, reason="重填")
    for user, sees in ((p.reporter_a, True), (p.head_a, True), (p.leader, False), (p.officer, False)):
        assert Report.objects.visible_to(user).filter(pk=report.pk).exists() is sees
