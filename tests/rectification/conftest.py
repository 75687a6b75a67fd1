from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from luoshi.rectification.models import Problem, Round
from luoshi.rectification.services import NewProblem, problem_create, round_create
from tests.factories import Personas


def make_round(p: Personas, name: str = "区委第二轮巡察") -> Round:
    return round_create(
        actor=p.officer,
        kind="patrol",
        name=name,
        body="区委第二巡察组",
        start=date(2024, 3, 1),
        end=date(2024, 4, 30),
        feedback=date(2024, 5, 10),
        due=date(2024, 12, 31),
        scope_units=[p.unit_a, p.unit_b],
    )


def make_problem(p: Personas, rnd: Round, number: str = "1", **kw: Any) -> Problem:
    values: dict[str, Any] = dict(
        number=number,
        text=f"问题{number}：财务报销审核不严",
        responsible_unit=p.unit_a,
        responsible_leader=p.leader.person,
        deadline=date(2024, 8, 31),
        measures=[(f"整改措施{number}", None)],
    )
    values.update(kw)
    return problem_create(actor=p.officer, round=rnd, row=NewProblem(**values))


@pytest.fixture
def rnd(p: Personas) -> Round:
    return make_round(p)


@pytest.fixture
def problem(p: Personas, rnd: Round) -> Problem:
    return make_problem(p, rnd)


def close_measures(p: Personas, problem: Problem) -> None:
    """Finish every measure of the problem the way units do: claim, then the office confirms."""
    from luoshi.work.models import Task
    from luoshi.work.services import task_confirm_completion
    from tests.factories import claim_task

    for task in Task.objects.filter(pk__in=problem.measures.values("task_id")):
        claim_task(p.reporter_a, task)
        task_confirm_completion(actor=p.officer, task=Task.objects.get(pk=task.pk))
