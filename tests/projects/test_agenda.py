"""Key projects on dispatch meetings' agendas: the reasons rule, carrying tasks, the agenda source."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField, NotAllowed
from luoshi.meetings import services as meetings
from luoshi.meetings.models import AgendaItem
from luoshi.projects import agenda, rules, services
from luoshi.projects.models import Project
from luoshi.work.models import Source, Task
from tests.helpers import client_for

from .factories import make_project

D = date
R = rules.DEFAULT_THRESHOLDS


# ---------------------------------------------------------------------------------------------
# The rule


@pytest.mark.parametrize(
    ("light", "expected", "rate", "missed", "stuck", "problems", "reasons"),
    [
        ("green", "50", "50", False, False, 0, ()),
        ("red", "50", "30", False, False, 0, ("investment",)),
        (
            "red",
            "50",
            "35",
            False,
            False,
            0,
            (),
        ),  # 15 points exactly is not beyond red: light says red for another cause
        ("red", "50", "35", True, False, 0, ("stage_missed",)),
        ("red", "50", "10", True, False, 0, ("investment", "stage_missed")),
        ("red", "50", None, True, False, 0, ("stage_missed",)),  # no annual plan: never an investment lag
        ("yellow", "50", "30", True, False, 0, ()),  # investment and stages only explain a red light
        ("done", "100", "0", True, True, 0, ("stuck",)),
        ("green", "50", "50", False, True, 2, ("stuck", "problems")),
        ("green", "50", "150", False, False, 1, ("problems",)),
        ("red", "100", "150", True, True, 3, ("stage_missed", "stuck", "problems")),  # over 100% is capped
    ],
)
def test_attention_reasons(
    light: str,
    expected: str,
    rate: str | None,
    missed: bool,
    stuck: bool,
    problems: int,
    reasons: tuple[str, ...],
) -> None:
    got = rules.attention_reasons(
        light=light,
        expected=Decimal(expected),
        rate=None if rate is None else Decimal(rate),
        stage_missed=missed,
        stuck=stuck,
        open_problems=problems,
    )
    assert got == reasons


@given(
    light=st.sampled_from(["green", "yellow", "red", "overdue", "done", "not_started"]),
    expected=st.decimals(min_value=0, max_value=100, places=2),
    rate=st.none() | st.decimals(min_value=0, max_value=300, places=2),
    missed=st.booleans(),
    stuck=st.booleans(),
    problems=st.integers(min_value=0, max_value=5),
)
def test_attention_reasons_properties(
    light: str, expected: Decimal, rate: Decimal | None, missed: bool, stuck: bool, problems: int
) -> None:
    got = rules.attention_reasons(
        light=light, expected=expected, rate=rate, stage_missed=missed, stuck=stuck, open_problems=problems
    )
    assert list(got) == [r for r in rules.ATTENTION_REASONS if r in got]  # fixed order, each once
    assert ("stuck" in got) == stuck and ("problems" in got) == (problems > 0)
    if light != "red":
        assert "investment" not in got and "stage_missed" not in got
    else:
        assert ("stage_missed" in got) == missed
        lag = None if rate is None else expected - min(rate, Decimal(100))
        assert ("investment" in got) == (lag is not None and lag > R.yellow_max)


# ---------------------------------------------------------------------------------------------
# Carrying tasks


def _plan(p: Any) -> Any:
    today = timezone.localdate()
    return p.plan(year=today.year, start=today - timedelta(days=200), due=today + timedelta(days=200))


@pytest.mark.django_db
def test_carrying_tasks_are_made_once_in_one_batch(p: Any) -> None:
    plan = _plan(p)
    a = make_project(p, name="甲项目")
    b = make_project(p, name="乙项目", unit=p.unit_b)
    loose = make_project(p, name="无牵头单位项目", lead_unit=None)
    with pytest.raises(NotAllowed):
        services.project_tasks_ensure(actor=p.reporter_a, plan=plan)
    made = services.project_tasks_ensure(actor=p.officer, plan=plan)
    assert len(made) == 2
    a.refresh_from_db()
    b.refresh_from_db()
    loose.refresh_from_db()
    assert loose.task_id is None
    task = Task.objects.get(pk=a.task_id)
    assert (task.title, task.lead_unit_id, task.plan_id, task.source) == (
        "甲项目",
        p.unit_a.pk,
        plan.pk,
        Source.PROJECT,
    )
    assert task.code == f"项目{a.code}" and task.start == timezone.localdate() and task.due == plan.due
    assert Task.objects.get(pk=b.task_id).lead_unit_id == p.unit_b.pk
    entry = Entry.objects.filter(action="projects.project.tasked").get()
    assert entry.data["tasks"] == made
    assert Entry.objects.filter(action="work.task.bulk_created").count() == 1
    assert services.project_tasks_ensure(actor=p.officer, plan=plan) == []  # idempotent


@pytest.mark.django_db
def test_project_create_with_a_plan_makes_its_carrying_task(p: Any) -> None:
    plan = _plan(p)
    project = make_project(p, name="新建项目", plan=plan)
    assert Task.objects.get(pk=project.task_id).title == "新建项目"
    with pytest.raises(InvalidField) as e:
        make_project(p, name="无单位", lead_unit=None, plan=plan)
    assert e.value.field == "lead_unit"
    assert not Project.objects.filter(name="无单位").exists()  # nothing half-written


# ---------------------------------------------------------------------------------------------
# The agenda source


def _world(p: Any) -> dict[str, Any]:
    today = timezone.localdate()
    year = today.year
    plan = _plan(p)
    missed = {"started": today - timedelta(days=10)}
    made = {
        "missed": make_project(p, name="节点逾期项目", year=year, annual_plan=0, planned=missed),
        "stuck": make_project(p, name="久滞项目", year=year, annual_plan=0),
        "problem": make_project(p, name="有问题项目", year=year, annual_plan=0),
        "fine": make_project(p, name="正常项目", year=year, annual_plan=0),
        "b_missed": make_project(
            p, name="乙单位逾期项目", unit=p.unit_b, year=year, annual_plan=0, planned=missed
        ),
        "b_named": make_project(
            p, name="乙单位点名项目", unit=p.unit_b, year=year, annual_plan=0, planned=missed
        ),
    }
    services.stage_met(
        actor=p.officer, project=made["stuck"], stage="landed", met=today - timedelta(days=200), note="x"
    )
    services.stage_met(
        actor=p.officer, project=made["fine"], stage="landed", met=today - timedelta(days=5), note="x"
    )
    services.problem_add(
        actor=p.officer,
        project=made["problem"],
        title="用地未落实",
        owner_unit=p.unit_a,
        deadline=today + timedelta(days=30),
    )
    services.project_tasks_ensure(actor=p.officer, plan=plan)
    # made after the carrying tasks: red, in scope, but with no task to be raised by
    made["untasked"] = make_project(p, name="无推进任务项目", year=year, annual_plan=0, planned=missed)
    series = meetings.series_create(
        actor=p.officer,
        name="项目调度会",
        cadence="weekly",
        chair=p.leader.person,
        start_time=time(9),
        units=[p.unit_a],
        projects=[made["b_named"]],
        unit_projects=True,
    )
    starts = timezone.make_aware(datetime.combine(today, time(23, 0)))
    meeting = meetings.meeting_create(actor=p.officer, series=series, starts_at=starts)
    for project in made.values():
        project.refresh_from_db()
    return {"made": made, "series": series, "meeting": meeting, "plan": plan}


@pytest.mark.django_db
def test_agenda_raises_exactly_the_projects_in_scope_that_need_attention(p: Any) -> None:
    w = _world(p)
    made = w["made"]
    meetings.agenda_generate(actor=p.officer, meeting=w["meeting"])
    items = {i.task_id: (i.source, i.reason_list) for i in AgendaItem.objects.filter(meeting=w["meeting"])}
    assert items == {
        made["missed"].task_id: ("projects", ["stage_missed"]),
        made["stuck"].task_id: ("projects", ["stuck"]),
        made["problem"].task_id: ("projects", ["problems"]),
        made["b_named"].task_id: ("projects", ["stage_missed"]),
    }
    item = AgendaItem.objects.get(meeting=w["meeting"], task_id=made["missed"].task_id)
    assert item.light == "red" and item.title == "节点逾期项目" and item.lead_unit_id == p.unit_a.pk
    assert [label for _c, label in item.reason_labels] == ["节点逾期"]


@pytest.mark.django_db
def test_agenda_scope_follows_the_series(p: Any) -> None:
    w = _world(p)
    made, series = w["made"], w["series"]
    # without unit projects, only the named one
    series.unit_projects = False
    series.save()
    assert {c.task_id for c in agenda.candidates(series, timezone.localdate())} == {made["b_named"].task_id}
    # with no unit named, every project of the install
    series.unit_projects = True
    series.save()
    series.units.clear()
    got = {c.task_id for c in agenda.candidates(series, timezone.localdate())}
    assert made["b_missed"].task_id in got and made["fine"].task_id not in got
    # a closed carrying task raises nothing
    Task.objects.filter(pk=made["stuck"].task_id).update(status="closed")
    assert made["stuck"].task_id not in {c.task_id for c in agenda.candidates(series, timezone.localdate())}


@pytest.mark.django_db
def test_agenda_source_runs_in_fixed_queries(p: Any) -> None:
    w = _world(p)
    on = timezone.localdate()
    with CaptureQueriesContext(connection) as first:
        few = agenda.candidates(w["series"], on)
    for i in range(6):
        extra = make_project(
            p,
            name=f"追加逾期项目{i}",
            year=on.year,
            annual_plan=0,
            planned={"started": on - timedelta(days=3)},
        )
        services.problem_add(
            actor=p.officer, project=extra, title="问题", owner_unit=p.unit_a, deadline=on + timedelta(days=9)
        )
    services.project_tasks_ensure(actor=p.officer, plan=w["plan"])
    with CaptureQueriesContext(connection) as second:
        many = agenda.candidates(w["series"], on)
    assert len(many) == len(few) + 7  # the six new ones and the one that had no task
    assert len(first.captured_queries) == len(second.captured_queries)


@pytest.mark.django_db
def test_reason_labels_on_the_page_and_the_api_in_both_languages(p: Any) -> None:
    w = _world(p)
    meetings.agenda_generate(actor=p.officer, meeting=w["meeting"])
    c = client_for(p.officer)
    page = c.get(f"/meetings/{w['meeting'].pk}/").content.decode()
    assert "节点逾期" in page and "久滞不前" in page and "问题未解决" in page
    rows = c.get(f"/api/v1/meetings/{w['meeting'].pk}").json()["agenda"]
    labels = {tuple(r["reasons"]): r["reason_labels"] for r in rows}
    assert labels[("stuck",)] == ["久滞不前"]
    c.cookies["django_language"] = "en"
    page_en = c.get(f"/meetings/{w['meeting'].pk}/").content.decode()
    assert "Stage date missed" in page_en and "Stuck in stage" in page_en and "Open problems" in page_en
    rows = c.get(f"/api/v1/meetings/{w['meeting'].pk}").json()["agenda"]
    assert {tuple(r["reason_labels"]) for r in rows} >= {("Stuck in stage",), ("Open problems",)}
