"""The labelled evaluation set's generator (`alerts.evalset`): the label is the recipe, never the
flagging code's opinion, and each recipe makes what its docstring says."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from luoshi.alerts import evalset

PERIODS = evalset.month_ends(date(2026, 12, 1), 4)  # August to November: September is a quarter's end


@pytest.fixture(scope="module")
def planned() -> list[evalset.Planned]:
    rng = random.Random(2026)
    tasks = [{"unit": i % 40, "measure": evalset.MEASURES[i % 3] if i % 3 == 0 else None} for i in range(300)]
    return evalset.plan_reports(rng, tasks, PERIODS)


def test_the_label_is_the_recipe(planned: list[evalset.Planned]) -> None:
    for p in planned:
        assert p.kinds == ((evalset.RECIPE_KIND[p.recipe],) if p.recipe in evalset.RECIPE_KIND else ())
    assert {p.recipe for p in planned} == set(evalset.RECIPES)


def test_a_jump_is_a_sprint_with_nothing_behind_it(planned: list[evalset.Planned]) -> None:
    jumps = [p for p in planned if p.recipe == "jump"]
    assert jumps
    for p in jumps:
        assert p.percent is not None and p.percent <= Decimal(95)
        assert not p.evidence and not p.milestone and evalset.quarter_end(p.period)


def test_milestones_come_with_the_quarter_end_steps(planned: list[evalset.Planned]) -> None:
    met = [p for p in planned if p.milestone]
    assert met and all(evalset.quarter_end(p.period) for p in met)
    assert not any(p.recipe in ("jump", "drop") for p in met)


def test_reworded_copies_are_reordered_and_reworded() -> None:
    rng = random.Random(3)
    source = "9月6日在新沟镇召开现场推进会，涉及129户；长青街道签订框架协议76件，《实施方案》已印发。"
    for _ in range(20):
        copy = evalset.reword(rng, source)
        assert copy != source
        # The sentences change places: 长青街道's comes first (one character each, so that a small
        # edit's inserted character cannot split them).
        assert copy.index("长") < copy.index("镇")
        assert any(b in copy for a, b in evalset.SYNONYMS if a in source)
    # A one-sentence text keeps its place but still gets a synonym.
    assert evalset.reword(random.Random(1), "在新沟镇召开现场推进会。") != "在新沟镇召开现场推进会。"
