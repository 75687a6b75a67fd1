"""The rectification demo: a round with problems in every state, through the real services."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from luoshi.rectification import rules
from luoshi.rectification.demo import DemoUnit, load
from luoshi.rectification.models import Problem, Reopen, SignOff
from tests.factories import Personas, make_user


def test_demo_round_has_every_state(p: Personas) -> None:
    head_b = make_user("head_b", unit=p.unit_b, role="head", name="乙局长")
    units = [
        DemoUnit(unit=p.unit_a, clerk=p.reporter_a, head=p.head_a, leader=p.leader),
        DemoUnit(unit=p.unit_b, clerk=p.reporter_b, head=head_b, leader=p.leader),
    ]
    today = timezone.localdate()
    counts = load(today=today, units=units, officer=p.officer, count=16)
    assert counts == {"rectification_problems": 16}
    stages = Counter(Problem.objects.values_list("stage", flat=True))
    assert set(stages) == set(rules.Stage)
    states = Counter(
        rules.problem_state(stage=s, deadline=d, today=today)
        for s, d in Problem.objects.values_list("stage", "deadline")
    )
    assert set(states) == set(rules.State)
    assert SignOff.objects.filter(state="rejected").exists()
    assert Reopen.objects.count() == 2
    assert Problem.objects.filter(kind="long_term").exclude(mechanism="").exists()
