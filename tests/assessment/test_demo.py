"""The assessment demo: a year's scheme for the departments with ratings, deductions, scores, an
award and a veto, computed and published."""

from __future__ import annotations

from datetime import date

from luoshi.assessment import demo, services
from luoshi.assessment.models import Result, Run, RunInput, RunState
from luoshi.ratings import demo as ratings_demo
from tests.factories import Personas


def test_demo_scheme_is_computed_and_published(p: Personas) -> None:
    today = date.today()
    plan = p.plan(year=today.year, start=date(today.year, 1, 1), due=date(today.year, 12, 31))
    p.task(plan, unit=p.unit_a, due=today)
    ratings_demo.load(today=today, officer=p.officer, departments=[p.unit_a, p.unit_b], raters=30)
    counts = demo.load(
        today=today,
        officer=p.officer,
        assessors=[p.officer, p.officer2],
        departments=[p.unit_a, p.unit_b],
        plan_ids=[plan.pk],
    )
    run = Run.objects.get()
    assert run.state == RunState.PUBLISHED and counts["assessment_results"] == Result.objects.count() == 3
    kinds = set(RunInput.objects.filter(run=run).values_list("kind", flat=True))
    assert {"manual", "ratings.score", "work.task", "assessment.veto", "assessment.award"} <= kinds
    assert Result.objects.get(run=run, unit=p.unit_b).veto
    assert {r.unit_id: r.score for r in services.recompute(run)} == {
        r.unit_id: r.score for r in Result.objects.filter(run=run)
    }
