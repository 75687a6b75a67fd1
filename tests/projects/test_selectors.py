"""Set-based reads: standings, the agenda's projects needing attention, and the board."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.projects import selectors, services
from luoshi.projects.models import Project
from tests.helpers import client_for

from .factories import make_project

pytestmark = pytest.mark.django_db
D = date
ON = D(2024, 7, 1)  # 49.86% of the year gone


def build(p: Any) -> dict[str, Project]:
    on_track = make_project(p, name="正常项目")
    services.investment_report(actor=p.officer, project=on_track, month=D(2024, 6, 1), amount=500)
    services.stage_met(actor=p.officer, project=on_track, stage="building", met=D(2024, 6, 20), note="x")
    lagging = make_project(p, name="投资滞后项目")
    services.investment_report(actor=p.officer, project=lagging, month=D(2024, 6, 1), amount=100)
    services.stage_met(actor=p.officer, project=lagging, stage="building", met=D(2024, 6, 28), note="x")
    late_stage = make_project(p, name="阶段逾期项目", unit=p.unit_b, planned={"started": D(2024, 5, 1)})
    services.investment_report(actor=p.officer, project=late_stage, month=D(2024, 6, 1), amount=600)
    services.stage_met(actor=p.officer, project=late_stage, stage="signed", met=D(2024, 6, 25), note="x")
    stuck = make_project(p, name="卡住项目", category="livelihood")
    services.investment_report(actor=p.officer, project=stuck, month=D(2024, 5, 1), amount=700)
    services.stage_met(actor=p.officer, project=stuck, stage="landed", met=D(2024, 1, 5), note="x")
    problem = make_project(p, name="有问题项目", annual_plan=0)
    services.problem_add(
        actor=p.officer, project=problem, title="拆迁", owner_unit=p.unit_a, deadline=D(2024, 9, 1)
    )
    services.stage_met(actor=p.officer, project=problem, stage="started", met=D(2024, 6, 30), note="x")
    return {
        "on_track": on_track,
        "lagging": lagging,
        "late_stage": late_stage,
        "stuck": stuck,
        "problem": problem,
    }


@pytest.fixture(params=["stored", "summed"])
def year_figures(request: Any, monkeypatch: Any) -> str:
    """Both ways to the year's completed investment give the same figures: as stored beside the plan
    (`ProjectYear.completed`, read when no month after `on` can have been reported) and summed from
    the monthly rows (for a day before this month)."""
    monkeypatch.setattr(selectors, "stored_year_holds", lambda on: request.param == "stored")
    return str(request.param)


def test_standings(p: Any, year_figures: str) -> None:
    made = build(p)
    figures = selectors.standings(Project.objects.all(), ON)
    assert figures[made["on_track"].pk].light == "green"
    assert figures[made["on_track"].pk].rate == Decimal("50.00")
    assert figures[made["lagging"].pk].light == "red"
    assert figures[made["late_stage"].pk].light == "red" and figures[made["late_stage"].pk].stage_missed
    assert figures[made["stuck"].pk].stuck and figures[made["stuck"].pk].stuck_days == 178
    assert figures[made["problem"].pk].open_problems == 1
    assert figures[made["problem"].pk].rate is None


def test_projects_needing_attention_gives_reasons_in_fixed_queries(p: Any, year_figures: str) -> None:
    made = build(p)
    with CaptureQueriesContext(connection) as few:
        listed = selectors.projects_needing_attention([made["lagging"].pk], ON)
    with CaptureQueriesContext(connection) as many:
        listed = selectors.projects_needing_attention(Project.objects.all(), ON)
    assert len(few.captured_queries) == len(many.captured_queries) == (4 if year_figures == "stored" else 5)
    reasons = {a.project.name: a.reasons for a in listed}
    assert reasons == {
        "投资滞后项目": ["investment"],
        "阶段逾期项目": ["stage_missed"],
        "卡住项目": ["stuck"],
        "有问题项目": ["problems"],
    }
    assert selectors.projects_needing_attention([], ON) == []
    assert [
        a.project.name
        for a in selectors.projects_needing_attention([made["stuck"].pk], ON, stuck_threshold=200)
    ] == []


def test_a_problem_stops_counting_once_its_task_is_closed(p: Any) -> None:
    made = build(p)
    problem = made["problem"].problems.get()
    task = services.problem_to_task(actor=p.officer, problem=problem, plan=p.plan(), start=D(2024, 6, 1))
    assert selectors.standings([made["problem"]], ON)[made["problem"].pk].open_problems == 1
    from luoshi.work.models import Status, Task

    Task.objects.filter(pk=task.pk).update(status=Status.CLOSED)  # as closing it would leave it
    assert selectors.standings([made["problem"]], ON)[made["problem"].pk].open_problems == 0


def test_board(p: Any, year_figures: str) -> None:
    build(p)
    with CaptureQueriesContext(connection) as ctx:
        board = selectors.board(Project.objects.all(), ON)
    assert len(ctx.captured_queries) == 5
    counts = {s["stage"]: s["count"] for s in board.stages}
    assert counts == {
        "packaged": 0, "inviting": 0, "signed": 1, "landed": 1,
        "started": 1, "building": 2, "producing": 0, "reached": 0,
    }  # fmt: skip
    assert board.total == 5
    assert [m["name"] for m in board.moved_week] == []  # 2024-07-01 is a Monday: nothing yet
    assert {m["name"] for m in board.moved_month} == set()
    june = selectors.board(Project.objects.all(), D(2024, 6, 30))
    assert [m["name"] for m in june.moved_week] == ["有问题项目", "投资滞后项目", "阶段逾期项目"]
    assert len(june.moved_month) == 4
    assert [s["name"] for s in board.stuck] == ["卡住项目"]
    cats = {c["category"]: (c["plan"], c["done"]) for c in board.by_category}
    assert cats == {"industry": (Decimal(3000), Decimal(1200)), "livelihood": (Decimal(1000), Decimal(700))}
    units = {u["label"]: (u["plan"], u["done"]) for u in board.by_unit}
    assert units == {
        "区发展和改革局": (Decimal(3000), Decimal(1300)),
        "区财政局": (Decimal(1000), Decimal(600)),
    }
    # a narrowed scope sums only its projects (unit B's one project: plan 1000, 600 done by July)
    only_b = selectors.board(Project.objects.filter(lead_unit=p.unit_b), ON)
    assert [(u["label"], u["plan"], u["done"]) for u in only_b.by_unit] == [
        ("区财政局", Decimal(1000), Decimal(600))
    ]
    assert [(c["category"], c["plan"], c["done"]) for c in only_b.by_category] == [
        ("industry", Decimal(1000), Decimal(600))
    ]
    empty = selectors.board(Project.objects.none(), ON)
    assert (empty.total, empty.by_unit, empty.by_category) == (0, [], [])


def test_the_board_names_its_first_units_and_sums_the_rest(
    p: Any, year_figures: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province has thousands of lead units: the board names the ones with the most planned
    investment and sums the others in one row, the totals unchanged; the page links that row to the
    whole list."""
    build(p)
    whole = selectors.board(Project.objects.all(), ON).by_unit
    monkeypatch.setattr(selectors, "BOARD_UNITS", 1)
    capped = selectors.board(Project.objects.all(), ON).by_unit
    assert [u["label"] for u in capped] == ["区发展和改革局", "其他 1 个牵头单位"]
    assert capped[1]["unit"] is None and (capped[1]["plan"], capped[1]["done"]) == (
        Decimal(1000),
        Decimal(600),
    )
    assert sum(u["plan"] for u in capped) == sum(u["plan"] for u in whole)
    monkeypatch.setattr("luoshi.projects.views._today", lambda request: ON)
    page = client_for(p.officer).get("/projects/board/")
    assert page.status_code == 200 and "其他 1 个牵头单位" in page.content.decode()


DAY = st.one_of(st.none(), st.dates(min_value=D(2024, 1, 1), max_value=D(2024, 12, 31)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(DAY, DAY), min_size=8, max_size=8), st.dates(D(2024, 1, 1), D(2024, 12, 31)))
def test_standings_read_only_the_stages_that_count(
    p: Any, stages: list[tuple[D | None, D | None]], on: D
) -> None:
    """Standings skip the stage rows that cannot change them; what they give equals the rules applied
    to all eight rows."""
    from django.db import transaction

    from luoshi.projects import rules
    from luoshi.projects.models import ProjectStage

    with transaction.atomic():
        project = make_project(p)
        for stage, (planned, met) in zip(rules.STAGES, stages, strict=True):
            ProjectStage.objects.filter(project=project, stage=stage).update(planned=planned, met=met)
        s = selectors.standings([project], on)[project.pk]
        finished = stages[-1][1] is not None and stages[-1][1] <= on
        naive = rules.project_light(
            on=on,
            year=2024,
            annual_plan=Decimal(1000),
            completed=Decimal(0),
            stages=stages,
            finished=finished,
        )
        assert (s.light, s.stage_missed) == (naive.light, rules.stage_missed(stages, on))
        transaction.set_rollback(True)
