"""`luoshi demo`: a deterministic demo district where every light, queue and late report shows."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import RequestFactory

from luoshi.audit.models import Entry
from luoshi.audit.services import verify_chain
from luoshi.demo import data
from luoshi.org.models import ADMIN_DUTIES, Membership, PortfolioUnit, Role, Unit, UnitCategory
from luoshi.org.services import unit_create
from luoshi.work.models import (
    LateReport,
    LightCount,
    Milestone,
    Plan,
    Report,
    ReportState,
    Status,
    Task,
    Transition,
)
from luoshi.work.selectors import compute_lights
from tests.demo.facts import assert_history_ends_on

TODAY = "2026-09-15"
ALL_LIGHTS = {"not_started", "green", "yellow", "red", "overdue", "done"}


def _load(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _snapshot() -> set[tuple[str, str, str, str, str, str]]:
    return {
        (plan, code, title, light, str(actual), status)
        for plan, code, title, light, actual, status in Task.objects.values_list(
            "plan__name", "code", "title", "light", "actual_pct", "status"
        )
    }


def assert_key_projects(count: int, today: date) -> None:
    """The demo's key projects (luoshi/projects/demo.py): across the stages, some red, stuck or with
    open problems for a dispatch meeting, four owners each."""
    from luoshi.projects.models import Project, ProjectOwner
    from luoshi.projects.selectors import projects_needing_attention

    assert Project.objects.count() == count
    assert Project.objects.values("stage").distinct().count() >= min(8, count // 2)
    reasons = {r for a in projects_needing_attention(Project.objects.all(), today) for r in a.reasons}
    assert reasons == {"investment", "stage_missed", "stuck", "problems"}
    # each is followed through its carrying task, by which the deputy's meeting raises those of his units
    assert not Project.objects.filter(task__isnull=True).exists()
    from luoshi.meetings.models import AgendaItem

    assert AgendaItem.objects.filter(source="projects", meeting__state="planned").exists()
    assert ProjectOwner.objects.count() == 4 * count
    # The map has its outline, and every project's point lies inside it.
    from luoshi.projects import rules as project_rules
    from luoshi.projects.geo import polygons
    from luoshi.projects.selectors import current_boundary

    boundary = current_boundary()
    assert boundary is not None
    shape = polygons(boundary[1])
    points = list(Project.objects.values_list("lng", "lat"))
    assert len(points) == count and all(
        project_rules.in_polygons(float(x), float(y), shape) for x, y in points
    )


@pytest.mark.django_db
def test_small_demo_shows_every_light_queue_and_role():
    out = _load("--small", "--today", TODAY)
    assert "demo district loaded as of 2026-09-15" in out
    today = date.fromisoformat(TODAY)

    # Organisation: zones/streets, departments, resident units, communities; the office; people in posts.
    cats = Counter(Unit.objects.values_list("category", flat=True))
    assert cats[UnitCategory.ZONE] == 8
    assert 60 <= cats[UnitCategory.DEPARTMENT] <= 80
    assert cats[UnitCategory.RESIDENT] == 12
    assert cats[UnitCategory.COMMUNITY] >= 15
    assert Unit.objects.filter(code="FGJ", short_name="区发改局").exists()
    reporting = Unit.objects.exclude(code__in=[data.DISTRICT.code, data.GOVERNMENT.code])
    current = Membership.objects.current(today)
    for role in (Role.REPORTER, Role.HEAD):
        covered = set(current.filter(post__role=role).values_list("post__unit_id", flat=True))
        assert covered >= set(reporting.values_list("pk", flat=True)), role
    assert current.filter(post__role=Role.LEADER).count() == 7
    assert current.filter(post__role=Role.OFFICER).count() >= 2
    assert current.filter(post__role=Role.ASSESSOR).count() >= 1
    admins = dict(
        current.filter(post__role__in=ADMIN_DUTIES).values_list("post__role", "person__user__username")
    )
    assert set(admins) == set(ADMIN_DUTIES) and len(set(admins.values())) == 3
    assert PortfolioUnit.objects.filter(leader__user__username="changwu", unit__code="FGJ").exists()
    # axes, which counts failed sign-ins, needs the request the sign-in came with.
    sign_in = RequestFactory().post("/login/")
    assert authenticate(sign_in, username="fgj_tb", password=data.DEMO_PASSWORD) is not None
    assert authenticate(sign_in, username="quzhang", password=data.DEMO_PASSWORD) is not None
    assert_key_projects(14, today)
    User = get_user_model()
    changwu, fgj_tb, quzhang = (User.objects.get(username=u) for u in ("changwu", "fgj_tb", "quzhang"))
    everything = Task.objects.count()
    assert Task.objects.visible_to(quzhang).count() == everything
    assert 0 < Task.objects.visible_to(changwu).count() < everything
    assert Task.objects.visible_to(changwu).filter(lead_unit__code="FGJ").exists()
    assert 0 < Task.objects.reportable_by(fgj_tb).count() < everything

    # Plans: the year's targets (monthly) and the 60-day campaign (weekly) ending after today.
    annual = Plan.objects.get(name="2026年度目标任务")
    campaign = (
        Plan.objects.exclude(pk=annual.pk)
        .exclude(name__endswith="巡察整改")
        .exclude(name__endswith="督办事项")
        .exclude(name__endswith="企业服务问题清单")
        .exclude(name__endswith="填报质量评估样本")
        .get()
    )  # not the round's, supervision's, the enterprises' problems' nor the report quality sample's
    assert (annual.cadence, campaign.cadence) == ("monthly", "weekly")
    assert (campaign.due - campaign.start).days == 59 and campaign.due > today
    tasks = Task.objects.filter(plan=annual)
    assert tasks.count() >= 100
    assert set(tasks.values_list("depth", flat=True)) == {0, 1, 2}
    assert tasks.filter(target__isnull=False, direction="lower").exists()
    assert tasks.exclude(monthly_plan={}).count() >= 5
    assert tasks.filter(is_public=True).count() >= 3
    assert Milestone.objects.filter(task__plan=annual).count() >= 4
    assert Task.objects.filter(task_units__isnull=False).distinct().count() >= 20

    # Every light appears, in each plan's leaves and overall.
    assert set(Task.objects.values_list("light", flat=True)) == ALL_LIGHTS
    assert set(tasks.values_list("light", flat=True)) == ALL_LIGHTS
    lights = Counter(Task.objects.values_list("light", flat=True))
    assert lights["green"] > lights["yellow"] > 0  # most green, a band of yellow

    # The stories: late, rejected, claimed, pending, returned, corrected, no-change.
    assert LateReport.objects.exists() and Task.objects.filter(report_late=True).exists()
    assert Transition.objects.filter(from_status=Status.CLAIMED, to_status=Status.IN_PROGRESS).exists()
    assert Transition.objects.filter(to_status=Status.CLOSED).exclude(reason="").exists()
    assert Task.objects.filter(status=Status.CLAIMED).exists()
    assert Report.objects.filter(state=ReportState.PENDING).exists()
    assert Report.objects.filter(state=ReportState.RETURNED).exclude(return_reason="").exists()
    assert Report.objects.filter(corrects__isnull=False).exists()
    assert Report.objects.filter(no_change=True).exists()
    assert not Report.objects.filter(reported_on__gt=today).exists()
    # Issue 20: approvals, claims, transitions, audit entries carry the replayed day (not the wall
    # clock); nothing is dated after today and no task lies outside its plan.
    assert_history_ends_on(today)
    assert Report.objects.filter(evidence__isnull=False).exists()

    # Stored lights agree with the engine; the trend chart has history; the audit trail is real.
    for plan in (annual, campaign):
        stored = dict(Task.objects.filter(plan=plan).values_list("pk", "light"))
        assert {r.id: r.light for r in compute_lights(plan_id=plan.pk, on=today)} == stored
    assert LightCount.objects.filter(plan=annual).values("day").distinct().count() >= 4
    actions = dict(Entry.objects.values_list("action").annotate(n=Count("id")))
    for code in (
        "work.report.submitted",
        "work.report.approved",
        "work.report.returned",
        "work.report.corrected",
        "work.task.completion_rejected",
        "work.task.completion_confirmed",
        "work.milestone.met",
    ):
        assert actions.get(code, 0) >= 1, code
    assert verify_chain() is None

    # --if-empty leaves a loaded database alone; --logins prints who to try.
    before = Task.objects.count()
    assert "nothing loaded" in _load("--if-empty")
    assert Task.objects.count() == before
    logins = _load("--logins")
    for username in ("fgj_tb", "fgj_fz", "ducha1", "quzhang", "audit"):
        assert username in logins
    assert data.DEMO_PASSWORD in logins


@pytest.mark.scenario
@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic():
    """Two loads into two emptied databases give the same tasks, lights and actuals."""
    _load("--small", "--today", TODAY)
    first = _snapshot()
    first_reports = Report.objects.count()
    call_command("flush", "--no-input", verbosity=0)
    assert not Task.objects.exists()
    assert not get_user_model().objects.exists()
    _load("--small", "--today", TODAY)
    assert _snapshot() == first
    assert Report.objects.count() == first_reports
    assert verify_chain() is None


@pytest.mark.django_db
def test_demo_refuses_to_load_over_an_existing_district():
    unit_create(actor=None, code=data.DISTRICT.code, name=data.DISTRICT.name, category=UnitCategory.DISTRICT)
    with pytest.raises(CommandError, match="演示区已存在"):
        _load("--small", "--today", TODAY)
    assert not Plan.objects.exists()


@pytest.mark.scenario
@pytest.mark.django_db
def test_full_demo_district(capsys):
    t0 = time.perf_counter()
    _load("--today", "2026-11-23")
    elapsed = time.perf_counter() - t0
    annual = Plan.objects.get(name="2026年度目标任务")
    assert 270 + 40 <= Task.objects.filter(plan=annual).count() <= 340 + 40  # and 40 projects' carrying tasks
    assert 60 <= Unit.objects.filter(category=UnitCategory.DEPARTMENT).count() <= 80
    assert set(Task.objects.filter(plan=annual).values_list("light", flat=True)) == ALL_LIGHTS
    assert Report.objects.filter(task__plan=annual).count() > 2000
    assert verify_chain() is None
    assert_key_projects(40, date(2026, 11, 23))
    with capsys.disabled():
        print(f"\n[full demo load: {elapsed:.1f} s]")
