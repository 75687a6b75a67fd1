"""The SQL form of the rules (selectors) agrees with the pure rules, row by row and in sum."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from luoshi.rectification import rules, selectors
from luoshi.rectification.models import Problem, Round
from tests.factories import Personas

from .test_views import _many


def test_states_and_figures_equal_the_pure_rules(p: Personas, rnd: Round) -> None:
    problems = _many(p, rnd, 24)
    today = timezone.localdate()
    stages = list(rules.Stage)
    for i, problem in enumerate(problems):
        # every stage against a deadline before, on and after today (derived data set directly)
        deadline = today + timedelta(days=(i % 3) - 1)
        Problem.objects.filter(pk=problem.pk).update(
            stage=stages[i % len(stages)], deadline=deadline, money_recovered=Decimal(i) / 4
        )
    listed = list(selectors.problem_list(rnd, user=p.officer, today=today))
    for row in listed:
        assert row.state == rules.problem_state(stage=row.stage, deadline=row.deadline, today=today)  # type: ignore[attr-defined]
    expected = rules.summarise(
        [rules.Row(x.stage, x.deadline, x.money_involved, x.money_recovered) for x in listed], today=today
    )
    assert selectors.round_summaries([rnd], user=p.officer, today=today)[rnd.pk] == expected
    units = selectors.unit_summaries(rnd, user=p.officer, today=today)
    assert selectors.total(units) == expected
    for u in units:
        mine = [x for x in listed if x.responsible_unit_id == u["unit_id"]]
        assert u["summary"] == rules.summarise(
            [rules.Row(x.stage, x.deadline, x.money_involved, x.money_recovered) for x in mine], today=today
        )
    duties = selectors.responsibility_list(rnd, user=p.officer, today=today)
    assert sum(d["summary"].total for d in duties) == expected.total
    assert {
        s for s in (rules.problem_state(stage=x.stage, deadline=x.deadline, today=today) for x in listed)
    } == set(rules.State)


def test_a_reporter_counts_only_their_units_problems(p: Personas, rnd: Round) -> None:
    _many(p, rnd, 6)
    today = timezone.localdate()
    mine = selectors.round_summaries([rnd], user=p.reporter_a, today=today)[rnd.pk]
    assert mine.total == 3 and mine.money_involved == Decimal(1 + 3 + 5)
