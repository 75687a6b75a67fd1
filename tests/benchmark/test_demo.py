"""The benchmark demo: the district's peer group with two years of figures, its rank moving up."""

from __future__ import annotations

from datetime import date

from luoshi.benchmark import demo, rules, selectors
from luoshi.benchmark.models import Indicator, PeerGroup, Value
from tests.factories import Personas


def test_demo_group_has_two_years_and_the_district_moves_up(p: Personas) -> None:
    today = date(2026, 6, 1)
    counts = demo.load(today=today, officer=p.officer, district=p.district)
    assert counts["benchmark_regions"] == 3213
    assert counts["benchmark_values"] == Value.objects.count() == 6 * 2 * 8
    group = PeerGroup.objects.get()
    gdp = Indicator.objects.get(code="gdp")
    assert selectors.periods(group, gdp) == [rules.PeriodKey(2024), rules.PeriodKey(2025)]
    result = selectors.ranking(group, gdp, rules.PeriodKey(2025))
    home = result.home
    assert home is not None and home.label == p.district.name
    assert home.movement is not None and home.movement > 0
    assert [r for _p, r, _n in selectors.rank_series(group, gdp)] == [home.previous_rank, home.rank]
    # Deterministic for a given day.
    assert demo.statistics_table(today) == demo.statistics_table(today)


def test_the_demo_restores_the_default_indicators_after_a_flush(p: Personas) -> None:
    Indicator.objects.all().delete()
    demo.load(today=date(2026, 6, 1), officer=p.officer, district=p.district)
    assert Indicator.objects.count() == 10
    assert Value.objects.filter(indicator__code="gdp").count() == 12
