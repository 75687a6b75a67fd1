"""Every table is classified for sharding by region (docs/scaling.md, lib/regions.py).

A table is either region-scoped — it carries the region key (`region`, a NOT NULL foreign key to the
region's `org.Unit`, derived from its parent) and is distributed by it on Citus — or it is in
`REFERENCE` with the reason it is a reference or global table. `PENDING` names the region-scoped
tables that do not carry the key yet, with the parent the key will come from: each is an expected
failure (strict: keying one turns it into a failure until it leaves the list), so the summary of
every run lists them (`x`) and none passes silently.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import F

from luoshi.lib.regions import RegionKey, region_key
from luoshi.org.models import Unit, UnitCategory
from luoshi.org.services import unit_update
from tests.factories import Personas, claim_task, make_unit

ACCOUNTS = (
    "accounts, sign-in and second-factor state: a person signs in once for every region (global, small)"
)
ORG = (
    "the organisation tree and who holds which post: read by every access check (org.access.context_for) "
    "together with any region's rows; a reference table copied to every node (≈ 300,000 units nationally)"
)
JOBS = "the scheduler's own bookkeeping (tick runs, durable jobs): one per install, tiny"
CATALOGUE = "a fixed catalogue shared by every region (divisions of GB/T 2260, indicators, periods)"

REFERENCE: dict[str, str] = {
    "auth_user": ACCOUNTS,
    "auth_group": ACCOUNTS,
    "auth_permission": ACCOUNTS,
    "auth_group_permissions": ACCOUNTS,
    "auth_user_groups": ACCOUNTS,
    "auth_user_user_permissions": ACCOUNTS,
    "django_session": ACCOUNTS,
    "django_content_type": "Django's model catalogue, the same everywhere",
    "axes_accessattempt": ACCOUNTS,
    "axes_accessattemptexpiration": ACCOUNTS,
    "axes_accessfailurelog": ACCOUNTS,
    "axes_accesslog": ACCOUNTS,
    "otp_static_staticdevice": ACCOUNTS,
    "otp_static_statictoken": ACCOUNTS,
    "otp_totp_totpdevice": ACCOUNTS,
    "identity_credential": ACCOUNTS,
    "org_apitoken": ACCOUNTS,
    "notify_preference": "one account's notification choices (global, per person)",
    "meetings_calendarfeed": "one account's calendar feed token (global, per person)",
    "org_unit": ORG,
    "org_unitalias": ORG,
    "org_person": ORG,
    "org_post": ORG,
    "org_membership": ORG,
    "org_portfoliounit": ORG,
    "jobs_tickrun": JOBS,
    "jobs_job": JOBS,
    "jobs_steprun": JOBS,
    "portal_portalstate": "the public pages' cache generation: one row per install",
    "benchmark_region": CATALOGUE,
    "benchmark_indicator": CATALOGUE,
    "benchmark_period": CATALOGUE,
    "benchmark_value": (
        "published statistics of a division (统计公报: its GDP, revenue … per quarter), the same facts for every"
        " region that compares itself with that division; unique per division, indicator and period install-wide"
        " (≈ 2,800 counties × 30 indicators × 4 quarters a year)"
    ),
    "appeals_open311client": "outside systems registered once for the install (Open311 keys)",
    "alerts_evalcase": "the fixed labelled evaluation set of the report-quality flags (demo and `flags-eval`)",
}

# Region-scoped, not keyed yet: table -> the parent its key will be derived from.
PENDING: dict[str, str] = {}


def _tables() -> dict[str, type[models.Model]]:
    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def _keyed() -> set[str]:
    return {t for t, m in _tables().items() if region_key(m) is not None}


def test_every_table_is_region_keyed_or_a_reasoned_reference_table() -> None:
    tables, keyed = set(_tables()), _keyed()
    unclassified = sorted(tables - keyed - set(REFERENCE) - set(PENDING))
    assert not unclassified, f"neither region-keyed nor in REFERENCE/PENDING: {unclassified}"
    assert not (keyed & set(REFERENCE)), f"keyed, yet listed as reference: {sorted(keyed & set(REFERENCE))}"
    assert not (set(REFERENCE) & set(PENDING))
    gone = sorted((set(REFERENCE) | set(PENDING)) - tables)
    assert not gone, f"listed but no such table: {gone}"
    assert all(reason.strip() for reason in (*REFERENCE.values(), *PENDING.values()))


# Keyed tables whose key has no index of its own, and why.
UNINDEXED = {
    # every read names the meeting (the unique (meeting, task) index), and writing a city-wide
    # agenda's 19,296 lines cost 24 ms more with the index (docs/scaling.md)
    "meetings_agendaitem": "read by meeting, written in bulk",
}


def test_the_region_key_is_a_required_foreign_key_to_the_region_unit() -> None:
    keyed = _keyed()
    assert {"work_plan", "work_task", "work_report", "work_milestone", "work_lightcount"} <= keyed
    assert set(UNINDEXED) <= keyed
    for table in sorted(keyed):
        field = region_key(_tables()[table])
        assert isinstance(field, RegionKey) and field.name == "region", table
        assert not field.null, f"{table}.region must be NOT NULL"
        assert field.related_model._meta.label_lower == "org.unit", table
        assert field.source, f"{table}.region names no parent to derive it from"
        assert field.db_index is (table not in UNINDEXED), table


@pytest.mark.parametrize("table", sorted(PENDING))
def test_region_scoped_table_carries_the_key(table: str) -> None:
    assert table not in _keyed(), f"{table} is keyed now: take it out of PENDING"
    pytest.xfail(f"region-scoped, not keyed yet (key from {PENDING[table]})")


def strays() -> dict[str, int]:
    """keyed table -> how many of its rows lie in another region than their parent (should be none)."""
    out: dict[str, int] = {}
    for table in sorted(_keyed()):
        model = _tables()[table]
        key = region_key(model)
        assert key is not None
        for i, source in enumerate(key.source):
            field = model._meta.get_field(source)
            assert isinstance(field, models.ForeignKey)
            # the key comes from the first source that is set (`region_of_row`)
            first = {f"{earlier}__isnull": True for earlier in key.source[:i]}
            n = (
                model._default_manager.filter(**{f"{source}__isnull": False}, **first)
                .exclude(**{f"{source}__region_id": F("region_id")})
                .count()
            )
            if n:
                out[f"{table}.{source}"] = n
    return out


def test_a_unit_s_region_is_its_nearest_district_and_follows_moves(p: Personas) -> None:
    assert Unit.objects.get(pk=p.district.pk).region_id == p.district.pk
    assert Unit.objects.get(pk=p.unit_a.pk).region_id == p.district.pk
    street = make_unit("城关街道", category=UnitCategory.ZONE, parent=p.district)
    community = make_unit("城关社区", category=UnitCategory.COMMUNITY, parent=street)
    other = make_unit("第二区", category=UnitCategory.DISTRICT, parent=p.district)
    lone = make_unit("独立单位")  # no district above it: its own tree's root
    regions = dict(Unit.objects.values_list("pk", "region_id"))
    assert (regions[community.pk], regions[other.pk], regions[lone.pk]) == (p.district.pk, other.pk, lone.pk)
    unit_update(actor=p.officer, unit=Unit.objects.get(pk=street.pk), parent=other)
    regions = dict(Unit.objects.values_list("pk", "region_id"))
    assert regions[street.pk] == regions[community.pk] == other.pk
    unit_update(actor=p.officer, unit=Unit.objects.get(pk=street.pk), category=UnitCategory.DISTRICT)
    assert Unit.objects.get(pk=community.pk).region_id == street.pk


def test_services_key_every_row_with_its_plan_s_region(p: Personas) -> None:
    from luoshi.work.models import Claim, Evidence, Milestone, Task, TaskUnit, Transition
    from luoshi.work.services import report_submit, task_follow

    other = make_unit("第二区", category=UnitCategory.DISTRICT, parent=p.district)
    mine = p.plan(owner_unit=other)
    theirs = p.plan()
    task = p.task(mine, co_units=[p.unit_b], milestones=[("开工", mine.due)])
    report_submit(actor=p.reporter_a, task=task, percent=10, narrative="进展")
    claim_task(p.reporter_a, task)
    task_follow(actor=p.leader, task=task)
    plain = p.task(theirs)
    assert (mine.region_id, theirs.region_id, plain.region_id) == (other.pk, p.district.pk, p.district.pk)
    rows: list[Any] = [
        Task.objects.get(pk=task.pk),
        *TaskUnit.objects.filter(task=task),
        *Milestone.objects.filter(task=task),
        *task.reports.all(),
        *Claim.objects.filter(task=task),
        *Evidence.objects.filter(claim__task=task),
        *Transition.objects.filter(task=task),
        *task.followers.all(),
    ]
    assert len(rows) >= 7 and {r.region_id for r in rows} == {other.pk}
    assert strays() == {}


def _second_district(p: Personas) -> tuple[Unit, Any, Unit, Any, Any]:
    """A second district with its own office (an officer) and a department (a reporter and a head)."""
    from luoshi.org.models import Role
    from tests.factories import make_user

    other = make_unit("第二区", category=UnitCategory.DISTRICT, parent=p.district)
    office = make_unit("第二区督查室", parent=other)
    unit = make_unit("第二区发改局", parent=other)
    officer = make_user("officer_2", unit=office, role=Role.OFFICER, name="二区督查员")
    reporter = make_user("reporter_2", unit=unit, role=Role.REPORTER, name="二区填报员")
    head = make_user("head_2", unit=unit, role=Role.HEAD, name="二区局长")
    return other, officer, unit, reporter, head


def _rows_of(*models: type[models.Model]) -> list[Any]:
    return [row for m in models for row in m._default_manager.all()]


def test_rectification_and_alerts_key_rows_with_the_office_s_or_the_task_s_region(p: Personas) -> None:
    from datetime import date, timedelta
    from decimal import Decimal

    from luoshi.alerts import flags
    from luoshi.alerts.models import Flag, PlanSettings, Subject, Warning
    from luoshi.alerts.services import flags_raise, plan_settings_save
    from luoshi.lib.bulk import model_rows, write_rows
    from luoshi.rectification import models as rect
    from luoshi.rectification.services import (
        NewProblem,
        problem_create,
        problem_reopen,
        results_publish,
        round_create,
        signoff_approve,
        signoff_submit,
    )
    from luoshi.work.models import Task
    from luoshi.work.services import task_confirm_completion
    from tests.factories import evidence

    other, officer, unit, reporter, head = _second_district(p)
    today = date.today()
    rnd = round_create(
        actor=officer,
        kind="patrol",
        name="二区第一轮巡察",
        body="二区巡察组",
        start=today - timedelta(days=60),
        end=today - timedelta(days=30),
        due=today + timedelta(days=200),
        scope_units=[unit, p.unit_a],
    )
    assert (rnd.plan.owner_unit.parent_id, rnd.plan.region_id, rnd.region_id) == (
        other.pk,
        other.pk,
        other.pk,
    )
    problem = problem_create(
        actor=officer,
        round=rnd,
        row=NewProblem(
            number="1",
            text="问题1：台账不全",
            responsible_unit=unit,
            responsible_leader=None,
            deadline=today + timedelta(days=100),
            measures=[("补齐台账", None)],
        ),
    )
    for task in Task.objects.filter(pk__in=problem.measures.values("task_id")):
        claim_task(reporter, task)
        task_confirm_completion(actor=officer, task=Task.objects.get(pk=task.pk))
    signoff = signoff_submit(actor=reporter, problem=problem, note="已整改", files=evidence())
    signoff_approve(actor=head, signoff=signoff, step="unit_head")
    signoff_approve(actor=officer, signoff=signoff, step="office")
    problem_reopen(
        actor=officer,
        problem=problem,
        reason="回头看",
        deadline=today + timedelta(days=150),
        measure="再整改",
    )
    results_publish(actor=officer, round=rnd)
    mine = _rows_of(
        rect.Round, rect.RoundScopeUnit, rect.Problem, rect.Measure, rect.SignOff, rect.Approval,
        rect.SignOffEvidence, rect.Reopen, rect.Publication,
    )  # fmt: skip
    assert len(mine) >= 12 and {r.region_id for r in mine} == {other.pk}

    plan_settings_save(
        actor=officer, plan=rnd.plan, window_days=30, blue=Decimal(1), yellow=Decimal(2), orange=Decimal(3),
        red=Decimal(4),
    )  # fmt: skip
    theirs = p.task(p.plan(), unit=unit)  # a task of the first district's plan led by the second's unit
    task = Task.objects.filter(plan=rnd.plan).first()
    assert task is not None
    flags_raise(
        [
            flags.Found("phantom", "t:1", unit.pk, task.pk, None),
            flags.Found("phantom", "t:2", unit.pk, theirs.pk, None),
            flags.Found("phantom", "u:1", unit.pk, None, None),
        ],
        on=today,
    )
    # the daily step's COPY path (`warnings_step`): rows name their unit only
    write_rows(Warning, *model_rows(Warning, [
        {"day": today, "subject": Subject.UNIT, "unit_id": u.pk, "level": "blue", "score": Decimal(1)}
        for u in (unit, p.unit_a)
    ], skip_id=True))  # fmt: skip
    assert PlanSettings.objects.get().region_id == other.pk
    assert dict(Flag.objects.values_list("key", "region_id")) == {
        "t:1": other.pk, "t:2": p.district.pk, "u:1": other.pk,
    }  # fmt: skip
    regions = dict(Warning.objects.filter(subject=Subject.UNIT).values_list("unit_id", "region_id"))
    assert (regions[unit.pk], regions[p.unit_a.pk]) == (other.pk, p.district.pk)
    assert strays() == {}


def test_ratings_and_assessment_key_rows_with_the_office_s_region(p: Personas) -> None:
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from luoshi.assessment import models as asm
    from luoshi.assessment import services as assessment
    from luoshi.errors import LuoshiError
    from luoshi.ratings import importer
    from luoshi.ratings import models as rat
    from luoshi.ratings import services as ratings
    from tests.assessment.conftest import scheme_data
    from tests.ratings.conftest import enterprises, full_answers

    other, officer, unit, _reporter, head = _second_district(p)
    now = timezone.now()
    rnd = ratings.round_create(
        actor=officer,
        name="二区亮分评议",
        opens=now - timedelta(days=1),
        closes=now + timedelta(days=10),
        items=["服务态度", "办事效率"],
        rated_units=[unit, p.unit_a],
        minimum_responses=1,
    )
    ratings.panel_create(actor=officer, round=rnd, name="部门组", rated_units=[unit])
    importer.raters_import(actor=officer, round=rnd, data=enterprises(2), filename="名单.xlsx")
    ratings.round_open(actor=officer, round=rnd)
    issued = ratings.tokens_issue(actor=officer, round=rnd)
    ballot = issued[0].ballot
    ratings.ballot_submit(token=issued[0].token, answers=full_answers(ballot))
    with pytest.raises(LuoshiError):
        ratings.ballot_submit(token=issued[0].token, answers=full_answers(ballot))
    assert rnd.office_id is not None and Unit.objects.get(pk=rnd.office_id).parent_id == other.pk
    mine = _rows_of(
        rat.RatingRound, rat.RoundUnit, rat.Item, rat.Rater, rat.Panel, rat.PanelUnit, rat.Ballot, rat.Answer,
        rat.BallotRefusal,
    )  # fmt: skip
    assert len(mine) >= 15 and {r.region_id for r in mine} == {other.pk}
    assert rat.BallotRefusal.objects.exists() and rat.Answer.objects.exists()

    data = scheme_data(name="二区部门考核")
    data.groups[0].unit_ids = [unit.pk]
    scheme = assessment.scheme_create(actor=officer, data=data)
    assessment.event_record(
        actor=officer, unit=unit, kind="assessment.complaint", occurred_on=date(2024, 5, 1), text="投诉核实"
    )
    indicator = asm.Indicator.objects.get(group__scheme=scheme, name="领导评价")
    assessment.score_record(actor=officer, indicator=indicator, unit=unit, score=Decimal(30))
    run = assessment.run_create(actor=officer, scheme=scheme, as_of=date(2024, 12, 31))
    run = assessment.run_publish(
        actor=officer, run=run, appeal_until=timezone.localdate() + timedelta(days=7)
    )
    appeal = assessment.appeal_file(actor=head, run=run, unit=unit, text="投诉不实")
    wrong = asm.RunInput.objects.filter(run=run, kind="assessment.complaint").first()
    assert wrong is not None
    assessment.appeal_decide(actor=officer, appeal=appeal, accept=True, reason="核实", remove=[wrong.pk])
    mine = _rows_of(
        asm.Scheme, asm.Group, asm.GroupUnit, asm.Indicator, asm.DeductionRule, asm.BonusRule, asm.VetoRule,
        asm.Grade, asm.ManualScore, asm.Event, asm.Run, asm.RunInput, asm.Result, asm.Line, asm.Appeal,
    )  # fmt: skip
    assert asm.Run.objects.count() == 2 and asm.Line.objects.exists()
    assert len(mine) >= 20 and {r.region_id for r in mine} == {other.pk}


def test_projects_meetings_and_supervision_key_their_rows_with_their_parent_s_region(p: Personas) -> None:
    """A project led, a series chaired and an item led by a unit of a second district: every row the
    three apps' services write lies in that district's region; rows with no unit above them (a
    project led by no unit yet, a boundary, a refusal naming no meeting) in the actor's region."""
    from datetime import time, timedelta

    from django.utils import timezone

    from luoshi.errors import LuoshiError
    from luoshi.meetings import models as mt
    from luoshi.meetings import services as ms
    from luoshi.org.models import Role
    from luoshi.projects import models as pj
    from luoshi.projects import services as ps
    from luoshi.supervision import models as sv
    from luoshi.supervision import services as ss
    from luoshi.work.models import Status, Task
    from tests.factories import make_user

    other = make_unit("第二区", category=UnitCategory.DISTRICT, parent=p.district)
    bureau = make_unit("第二区发改局", parent=other)
    reporter = make_user("reporter_x", unit=bureau, role=Role.REPORTER)
    chair = make_user("leader_x", unit=other, role=Role.LEADER, senior=True)
    today = timezone.localdate()
    plan = p.plan(
        owner_unit=other, year=today.year, start=today - timedelta(days=100), due=today + timedelta(days=100)
    )
    red = p.task(plan, unit=bureau)
    Task.objects.filter(pk=red.pk).update(light="red", status=Status.IN_PROGRESS)

    project = ps.project_create(
        actor=p.officer, name="第二区项目", code="X1", lead_unit=bureau, year=today.year
    )
    ps.stage_met(actor=p.officer, project=project, stage="signed", met=today, note="已签约")
    ps.investment_report(actor=p.officer, project=project, month=today, amount=10)
    ps.owner_assign(
        actor=p.officer, project=project, role="manager", post=chair.person.memberships.get().post
    )
    ps.problem_add(actor=p.officer, project=project, title="用地", owner_unit=bureau, deadline=today)
    loose = ps.project_create(actor=p.officer, name="未定牵头单位", code="X2")
    boundary = ps.boundary_set(
        actor=p.officer,
        name="边界",
        data=b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": '
        b'{"type": "Polygon", "coordinates": [[[110, 30], [111, 30], [111, 31], [110, 30]]]}}]}',
    )

    series = ms.series_create(
        actor=p.officer,
        name="第二区调度会",
        cadence="weekly",
        chair=chair.person,
        start_time=time(9),
        units=[bureau],
        plans=[plan],
        projects=[project],
    )
    meeting = ms.meeting_create(actor=p.officer, series=series, starts_at=timezone.now() + timedelta(hours=1))
    ms.agenda_generate(actor=p.officer, meeting=meeting)
    ms.token_current(actor=p.officer, meeting=meeting)
    ms.decision_add(
        actor=p.officer,
        meeting=meeting,
        text="加快用地报批",
        owner_unit=bureau,
        deadline=today + timedelta(days=9),
        plan=plan,
    )
    with pytest.raises(LuoshiError):
        ms.checkin_token(actor=reporter, token="no-such-token")

    item = ss.item_create(
        actor=p.officer,
        title="第二区督办",
        source_kind="inspection",
        lead_unit=bureau,
        co_units=[p.unit_b],
        deadline=today + timedelta(days=30),
    )
    notice = ss.notice_issue(actor=p.officer, item=item, level="account")
    ss.response_submit(actor=reporter, notice=notice, text="已推进", stall_reason="用地未批")
    ss.accountability_record(
        actor=p.officer,
        item=item,
        person=reporter.person,
        finding="推进不力",
        outcome="interview",
        decided_on=today,
    )
    ss.escalations_step(today)

    rows: list[Any] = [
        pj.Project.objects.get(pk=project.pk),
        *pj.ProjectYear.objects.filter(project=project),
        *pj.ProjectStage.objects.filter(project=project),
        *pj.StageChange.objects.filter(project=project),
        *pj.ProjectInvestment.objects.filter(project=project),
        *pj.ProjectOwner.objects.filter(project=project),
        *pj.ProjectProblem.objects.filter(project=project),
        mt.MeetingSeries.objects.get(pk=series.pk),
        *mt.SeriesUnit.objects.filter(series=series),
        *mt.SeriesPlan.objects.filter(series=series),
        *mt.SeriesProject.objects.filter(series=series),
        mt.Meeting.objects.get(pk=meeting.pk),
        *mt.AgendaItem.objects.filter(meeting=meeting),
        *mt.Attendance.objects.filter(meeting=meeting),
        *mt.CheckInToken.objects.filter(meeting=meeting),
        *mt.Decision.objects.filter(meeting=meeting),
        *mt.CheckInRefusal.objects.all(),  # names no meeting: the reporter's region
        sv.Item.objects.get(pk=item.pk),
        *sv.ItemCoUnit.objects.filter(item=item),
        *sv.Handoff.objects.filter(item=item),
        *sv.Notice.objects.filter(item=item),
        *sv.Response.objects.filter(notice=notice),
        *sv.Accountability.objects.filter(item=item),
        *sv.RedStreak.objects.filter(task=red),
        *sv.Proposal.objects.filter(task=red),
    ]
    kinds = {type(r).__name__ for r in rows}
    assert len(kinds) >= 22, kinds
    assert {r.region_id for r in rows} == {other.pk}
    assert pj.StageChange.objects.filter(project=project).exists()
    assert (
        mt.AgendaItem.objects.filter(meeting=meeting).exists()
        and sv.RedStreak.objects.filter(task=red).exists()
    )
    # no unit above them: the acting office's region
    assert pj.Project.objects.get(pk=loose.pk).region_id == p.district.pk
    assert pj.Boundary.objects.get(pk=boundary.pk).region_id == p.district.pk


def test_the_office_s_apps_key_every_row_with_its_parent_s_region(
    p: Personas, tmp_path: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Appeals, learning, enterprises, portal, commitments, notify, documents and imports: a row
    takes its parent's region (a second district's unit, course, task…), a row whose parent is not
    set yet the root region, and a re-routed appeal moves with its history."""
    from datetime import date, timedelta

    from django.utils import timezone

    from luoshi.appeals import services as appeals
    from luoshi.appeals.models import Appeal, Pause, Service, Step
    from luoshi.commitments import services as commitments
    from luoshi.commitments.models import CatalogueItem, Commitment, CommitmentVersion, Compliance
    from luoshi.documents.services import bulletin_publish
    from luoshi.enterprises import services as enterprises
    from luoshi.enterprises.models import Problem, RiskFlag, TeamMember, VisitVisitor
    from luoshi.imports.models import ImportBatch
    from luoshi.imports.services import batch_create
    from luoshi.learning import services as learning
    from luoshi.learning.models import Attempt, Course, CoursePost, Material, Question
    from luoshi.notify.models import FollowedLight, Notification, Outbox
    from luoshi.notify.services import Message, light_changes_stage, notify
    from luoshi.org.models import Post, Role
    from luoshi.portal.models import Feedback, Publication, Snapshot
    from luoshi.portal.services import feedback_submit, snapshots_publish
    from luoshi.work.services import task_follow
    from luoshi.work.signals import LightChange
    from tests.factories import make_user

    settings.MEDIA_ROOT = str(tmp_path)
    other = make_unit("第二区", category=UnitCategory.DISTRICT, parent=p.district)
    bureau = make_unit("第二区商务局", parent=other)
    office = make_unit("第二区督查室", parent=other)
    officer = make_user("officer_o", unit=office, role=Role.OFFICER, name="二区督查员")
    reporter = make_user("reporter_o", unit=bureau, role=Role.REPORTER, name="二区填报员")
    root, there = p.district.pk, other.pk
    rows: list[Any] = []

    # appeals: a service of the second district's bureau, an unrouted one (root), re-routing
    svc = appeals.service_create(actor=p.officer, code="biz", name="营商环境", sla_hours=72, unit=bureau)
    loose = appeals.service_create(actor=p.officer, code="misc", name="其他", sla_hours=72)
    intake = {
        "description": "审批材料一次性告知不清楚。",
        "kind": "request",
        "enterprise_name": "甲公司",
        "phone": "13800000000",
    }
    appeal = appeals.appeal_submit(data=appeals.Intake(service=svc, **intake), channel="web")
    appeals.appeal_pause(actor=reporter, appeal=appeal, reason="等待企业补充材料")
    waiting = appeals.appeal_submit(data=appeals.Intake(service=loose, **intake), channel="web")
    assert Service.objects.get(pk=loose.pk).region_id == Appeal.objects.get(pk=waiting.pk).region_id == root
    rows += [Service.objects.get(pk=svc.pk), Appeal.objects.get(pk=appeal.pk)]
    rows += [*Pause.objects.filter(appeal=appeal), *Step.objects.filter(appeal=appeal)]
    appeals.appeal_route(actor=p.officer, appeal=waiting, unit=bureau)
    moved = [Appeal.objects.get(pk=waiting.pk), *Step.objects.filter(appeal=waiting)]
    assert len(moved) >= 3 and {r.region_id for r in moved} == {there}

    # learning: the course belongs to its officer's unit; posts, bank, materials and attempts follow
    course = learning.course_create(
        actor=officer, title="营商环境条例", post_ids=[Post.objects.get(unit=bureau).pk], draw_single=1,
        draw_multiple=0, draw_judge=0,
    )  # fmt: skip
    learning.question_create(
        actor=officer, course=course, kind="single", text="甲", options=["甲", "乙"], answer=[0]
    )
    learning.material_add(actor=officer, course=course, kind="link", title="条例", url="https://example.cn/a")
    learning.attempt_start(actor=reporter, course=course)
    rows += [course, *CoursePost.objects.filter(course=course), *Question.objects.filter(course=course)]
    rows += [*Material.objects.filter(course=course), *Attempt.objects.filter(course=course)]

    # enterprises: the enterprise is its unit's; flags, team, visits and problems follow it
    ent = enterprises.enterprise_create(
        actor=p.officer, name="乙制造公司", credit_code="914403001922038216", industry="制造业", size="small",
        unit=bureau,
    )  # fmt: skip
    enterprises.flag_raise(actor=p.officer, enterprise=ent, kind="funding", note="资金链紧张")
    enterprises.team_set(actor=p.officer, enterprise=ent, members=[(reporter.person, "leader")])
    visit = enterprises.visit_record(
        actor=reporter,
        enterprise=ent,
        visited_on=timezone.localdate(),
        visitors=[reporter.person],
        notes="了解生产情况",
    )
    enterprises.problem_create(
        actor=p.officer,
        enterprise=ent,
        text="协调用地",
        unit=bureau,
        due=timezone.localdate() + timedelta(days=9),
    )
    rows += [ent, *RiskFlag.objects.filter(enterprise=ent), *TeamMember.objects.filter(enterprise=ent)]
    rows += [visit, *VisitVisitor.objects.filter(visit=visit), *Problem.objects.filter(enterprise=ent)]

    # commitments and the portal: the commitment is its unit's, its versions, compliance, publication
    promise = commitments.commitment_create(
        actor=p.officer, unit=bureau, session="互学互比", year=2026, title="建成平台", measure="接入全区",
        deadline=date(2026, 12, 31),
    )  # fmt: skip
    commitments.commitment_update(
        actor=p.officer, commitment=promise, version=1, reason="调整", changes={"title": "建成智慧平台"}
    )
    commitments.compliance_submit(
        actor=reporter, commitment=promise, period="2026Q1", state="on_track", note="招标"
    )
    commitments.catalogue_import(
        actor=p.officer, unit=bureau, kind="power", rows=[commitments.ItemRow("Q1", "许可")]
    )
    pub = Publication.objects.get(kind="commitment", ref=str(promise.pk))
    snapshots_publish(
        actor=p.officer, ids=list(Snapshot.objects.filter(state="pending").values_list("pk", flat=True))
    )
    feedback_submit(publication_id=pub.pk, body="请公开进度", address="10.0.0.1")
    rows += [Commitment.objects.get(pk=promise.pk), *CommitmentVersion.objects.filter(commitment=promise)]
    rows += [*Compliance.objects.filter(commitment=promise), *CatalogueItem.objects.filter(unit=bureau)]
    rows += [pub, *Snapshot.objects.filter(publication=pub), *Feedback.objects.filter(publication=pub)]

    # notify: messages about a task of the second district's plan; followers' staged lights
    plan = p.plan(owner_unit=other)
    task = p.task(plan, unit=bureau)
    task_follow(actor=officer, task=task)
    with django_capture_on_commit_callbacks(execute=True):  # the in-app rows are delivered
        notify([Message(user_id=officer.pk, task_id=task.pk, text="亮灯变化")], rule="test")
        notify([Message(user_id=officer.pk, task_id=None, text="系统通知")], rule="test")
    light_changes_stage([LightChange(task_id=task.pk, old="green", new="red")], on=timezone.localdate())
    rows += [*Outbox.objects.filter(task=task), *FollowedLight.objects.filter(task=task)]
    rows += [*Notification.objects.filter(task=task)]
    assert Notification.objects.filter(task=task).exists()
    assert {r.region_id for r in Outbox.objects.filter(task__isnull=True)} == {root}
    assert {r.region_id for r in Notification.objects.filter(task__isnull=True)} == {root}

    # imports: a batch for the plan
    batch = batch_create(
        actor=p.officer, kind="tasks", data="序号,任务\n".encode(), filename="t.csv", plan=plan
    )
    rows += [ImportBatch.objects.get(pk=batch.pk)]
    # documents: the plan's published bulletin
    rows += [bulletin_publish(actor=p.officer, plan=plan, on=timezone.localdate())]

    mine = ("appeals", "learning", "enterprises", "portal", "commitments", "notify", "documents", "imports")
    keyed = {m for m in apps.get_models() if m._meta.app_label in mine and region_key(m) is not None}
    assert keyed == {type(r) for r in rows} | {Course}, sorted(
        m.__name__ for m in keyed - {type(r) for r in rows}
    )
    assert {r.region_id for r in rows} == {there}, [
        (type(r).__name__, r.pk, r.region_id) for r in rows if r.region_id != there
    ]
    assert strays() == {}


def test_notice_numbers_and_peer_groups_are_each_region_s_own(p: Personas) -> None:
    """Each district's office numbers its own notices from 1 (督〔year〕N号 per region and year) and
    keeps its own peer groups, whose names need only be unique within the region."""
    from datetime import timedelta

    from django.utils import timezone

    from luoshi.benchmark import services as bench
    from luoshi.benchmark.models import GroupMember, PeerGroup, Region
    from luoshi.supervision import services as sv
    from luoshi.supervision.models import Notice, NoticeCounter

    other, officer, unit, _reporter, _head = _second_district(p)
    due = timezone.localdate() + timedelta(days=60)
    ours = sv.item_create(
        actor=p.officer, title="一区事项", source_kind="hotline", lead_unit=p.unit_a, deadline=due
    )
    theirs = sv.item_create(
        actor=officer, title="二区事项", source_kind="hotline", lead_unit=unit, deadline=due
    )
    first = sv.notice_issue(actor=p.officer, item=ours, level="supervise")
    a = sv.notice_issue(actor=officer, item=theirs, level="supervise")
    b = sv.notice_issue(actor=officer, item=theirs, level="bulletin")
    second = sv.notice_issue(actor=p.officer, item=ours, level="bulletin")
    year = timezone.localdate().year
    assert [(n.region_id, n.seq) for n in (first, a, b, second)] == [
        (p.district.pk, 1), (other.pk, 1), (other.pk, 2), (p.district.pk, 2),
    ]  # fmt: skip
    assert a.number == first.number == f"督〔{year}〕1号"
    assert sorted(NoticeCounter.objects.values_list("region_id", "year", "last")) == sorted(
        [(p.district.pk, year, 2), (other.pk, year, 2)]
    )
    assert Notice.objects.count() == 4

    home, peer = (Region.objects.create(code=c, name=n, level="county") for c, n in (("420112", "东西湖区"), ("420113", "汉南区")))  # fmt: skip
    g1 = bench.group_save(actor=p.officer, name="同类城区", home=home, members=[peer])
    g2 = bench.group_save(
        actor=officer, name="同类城区", home=home, members=[peer]
    )  # the same name, another region
    assert (g1.region_id, g2.region_id) == (p.district.pk, other.pk)
    assert sorted(GroupMember.objects.values_list("peergroup_id", "region_id")) == sorted(
        [(g1.pk, p.district.pk), (g1.pk, p.district.pk), (g2.pk, other.pk), (g2.pk, other.pk)]
    )
    assert PeerGroup.objects.get(pk=g2.pk).members.count() == 2
    assert strays() == {}


def test_a_project_or_an_enterprise_moved_to_another_district_takes_its_rows_along(p: Personas) -> None:
    """Changing a project's lead unit, or an enterprise's unit, to a unit of another district moves
    the row and every row keyed from it (stages, investment, owners, problems; flags, visits and their
    visitors) to that district's region (`lib.regions.move_region`); the audit entries stay where
    they were written, and nothing is left astray."""
    from django.utils import timezone

    from luoshi.audit.models import Entry
    from luoshi.enterprises import models as en
    from luoshi.enterprises import services as es
    from luoshi.projects import models as pj
    from luoshi.projects import services as ps

    other, _officer, unit, _reporter, head = _second_district(p)
    today = timezone.localdate()
    project = ps.project_create(
        actor=p.officer, name="跨区项目", code="M1", lead_unit=p.unit_a, year=today.year
    )
    ps.stage_met(actor=p.officer, project=project, stage="signed", met=today, note="已签约")
    ps.investment_report(actor=p.officer, project=project, month=today, amount=10)
    ps.owner_assign(
        actor=p.officer, project=project, role="manager", post=p.leader.person.memberships.first().post
    )
    ps.problem_add(actor=p.officer, project=project, title="用地", owner_unit=p.unit_a, deadline=today)
    ent = es.enterprise_create(
        actor=p.officer,
        name="跨区企业",
        credit_code="914403001922038216",
        industry="制造业",
        size="medium",
        unit=p.unit_a,
    )
    es.flag_raise(actor=p.officer, enterprise=ent, kind="wages", note="拖欠工资两个月")
    es.visit_record(
        actor=p.officer, enterprise=ent, visited_on=today, visitors=[p.head_a.person], notes="走访了解情况"
    )
    project_rows = (pj.ProjectYear, pj.ProjectStage, pj.StageChange, pj.ProjectInvestment, pj.ProjectOwner, pj.ProjectProblem)  # fmt: skip
    ent_rows = (en.RiskFlag, en.Visit, en.VisitVisitor)
    before = {
        (m, r) for m in (*project_rows, *ent_rows) for r in m.objects.values_list("region_id", flat=True)
    }
    assert {r for _m, r in before} == {p.district.pk}
    entries = dict(Entry.objects.values_list("pk", "region"))

    version = pj.Project.objects.get(pk=project.pk).version
    moved = ps.project_update(actor=p.officer, project=project, version=version, lead_unit=unit)
    es.enterprise_update(actor=p.officer, enterprise=ent, unit=unit)

    assert moved.region_id == other.pk and en.Enterprise.objects.get(pk=ent.pk).region_id == other.pk
    for model in (*project_rows, *ent_rows):
        assert set(model.objects.values_list("region_id", flat=True)) == {other.pk}, model
    assert {pk: r for pk, r in Entry.objects.values_list("pk", "region") if pk in entries} == entries
    assert strays() == {}
