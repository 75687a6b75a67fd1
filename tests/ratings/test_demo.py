"""The ratings demo: a quarterly round of 50 enterprises rating departments, most answered."""

from __future__ import annotations

from datetime import date

from luoshi.ratings import demo, selectors
from luoshi.ratings.models import Ballot, RatingRound
from tests.factories import Personas


def test_demo_round_has_fifty_enterprises_most_answered(p: Personas) -> None:
    counts = demo.load(today=date.today(), officer=p.officer, departments=[p.unit_a, p.unit_b])
    rnd = RatingRound.objects.get()
    assert rnd.state == "open" and rnd.kind == "quarterly"
    assert counts["rating_ballots"] == Ballot.objects.count() == 50
    assert 35 <= counts["rating_answered"] < 50
    assert Ballot.objects.filter(submitted_at__isnull=False).count() == counts["rating_answered"]
    results = selectors.round_results(rnd)
    assert {u.unit_id for u in results.units} == {p.unit_a.pk, p.unit_b.pk}
    assert all(u.ballots == counts["rating_answered"] and u.score is not None for u in results.units)
