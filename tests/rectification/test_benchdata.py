"""The rectification bench data at its tiny scale: one round per region with its problems, their
measures as tasks of the round's plan, and the three lists readable as the bench reads them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Count

from luoshi.benchdata.rectification import PROBLEMS_PER_REGION
from luoshi.rectification import selectors
from luoshi.rectification.models import Measure, Problem, Round
from luoshi.work.models import Task

pytestmark = pytest.mark.django_db


def test_tiny_bench_data_has_a_round_with_problems_and_measures() -> None:
    out = io.StringIO()
    call_command("bench_data", "--scale", "tiny", "--today", "2026-06-30", "--no-lights", stdout=out)
    assert "rect. problems" in out.getvalue()
    rnd = Round.objects.get()
    n = PROBLEMS_PER_REGION["tiny"]
    assert Problem.objects.filter(round=rnd).count() == n
    measures = Measure.objects.filter(problem__round=rnd)
    assert n <= measures.count() <= 2 * n
    # Every measure is a task of the round's plan pointing back at its problem.
    tasks = Task.objects.filter(pk__in=measures.values("task_id"))
    assert set(tasks.values_list("plan_id", flat=True)) == {rnd.plan_id}
    for m in measures.select_related("task"):
        assert (
            m.task.source_ref == f"rectification:{m.problem_id}"
            and m.task.lead_unit_id == m.problem.responsible_unit_id
        )
    stages = dict(Problem.objects.values_list("stage").annotate(n=Count("pk")))
    assert {"done", "open"} <= set(stages)
    assert not Problem.objects.filter(responsible_leader__isnull=True, stage="leader").exists()
    today = date(2026, 6, 30)
    units = selectors.unit_summaries(rnd, user=None, today=today)  # nobody: sees nothing
    assert units == []
    snapshot = selectors.results_snapshot(rnd, today=today)
    assert snapshot["totals"]["total"] == n
    # New rows after the bench data get fresh ids (sequences moved past the explicit ones).
    assert Round.objects.order_by("-pk").first().pk == rnd.pk  # type: ignore[union-attr]
