"""The investment completed in a year, stored beside its plan (`ProjectYear.completed`): always the sum
of the year's monthly rows, whatever the order of monthly reports, corrections and list entries, and
read by the board and standings instead of the months (issue 11, the board at province scale)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.errors import InvalidField
from luoshi.projects import selectors, services
from luoshi.projects.models import Project, ProjectInvestment, ProjectYear

from .factories import make_project

pytestmark = pytest.mark.django_db
D = date
MONEY = st.decimals(min_value=0, max_value=10**10, places=2)
REPORT = st.tuples(st.just("report"), st.sampled_from([2023, 2024]), st.integers(1, 12), MONEY)
LIST = st.tuples(st.just("list"), st.sampled_from([2023, 2024, 2025]), st.just(0), MONEY)


def assert_stored_is_the_sum(project: Project) -> None:
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for month, amount in ProjectInvestment.objects.filter(project=project).values_list("month", "amount"):
        sums[month.year] += amount
    stored = dict(ProjectYear.objects.filter(project=project).values_list("year", "completed"))
    assert set(sums) <= set(stored), "a year with a reported month has its row"
    assert {y: stored[y] for y in stored} == {y: sums.get(y, Decimal(0)) for y in stored}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(REPORT, LIST), min_size=1, max_size=10))
def test_the_stored_year_is_always_the_sum_of_its_months(
    p: Any, ops: list[tuple[str, int, int, Any]]
) -> None:
    with transaction.atomic():
        project = make_project(p, year=2024, annual_plan=1000)
        for kind, year, month, amount in ops:
            if kind == "report":
                services.investment_report(
                    actor=p.officer, project=project, month=D(year, month, 9), amount=amount
                )
            else:
                services.year_set(actor=p.officer, project=project, year=year, annual_plan=amount)
            assert_stored_is_the_sum(project)
        transaction.set_rollback(True)


def test_year_rows_kept_by_the_services(p: Any) -> None:
    project = make_project(p, year=2024, annual_plan=1000)
    assert ProjectYear.objects.get(project=project, year=2024).completed == 0
    services.investment_report(actor=p.officer, project=project, month=D(2024, 3, 1), amount="120.50")
    services.investment_report(actor=p.officer, project=project, month=D(2024, 4, 1), amount="10.25")
    services.investment_report(
        actor=p.officer, project=project, month=D(2024, 3, 1), amount="100"
    )  # corrected
    assert ProjectYear.objects.get(project=project, year=2024).completed == Decimal("110.25")
    # a month of a year the project is not listed in: its row, with no plan, under the project's name
    services.investment_report(actor=p.officer, project=project, month=D(2023, 12, 1), amount="7")
    row = ProjectYear.objects.get(project=project, year=2023)
    assert (row.completed, row.annual_plan, row.name) == (Decimal(7), Decimal(0), project.name)
    # listing it afterwards keeps the figure; a new year's entry starts from its months (none)
    entry = services.year_set(actor=p.officer, project=project, year=2023, annual_plan=50, name="旧名")
    assert (entry.completed, entry.annual_plan, entry.name) == (Decimal(7), Decimal(50), "旧名")
    assert services.year_set(actor=p.officer, project=project, year=2025, annual_plan=9).completed == 0
    # a refused report changes nothing
    with pytest.raises(InvalidField):
        services.investment_report(actor=p.officer, project=project, month=D(2024, 5, 1), amount=-1)
    assert_stored_is_the_sum(project)


def test_stored_year_holds_from_the_first_of_this_month() -> None:
    today = timezone.localdate()
    first = today.replace(day=1)
    assert selectors.stored_year_holds(today) and selectors.stored_year_holds(first)
    assert selectors.stored_year_holds(today + timedelta(days=40))  # a meeting ahead: no later month
    assert not selectors.stored_year_holds(first - timedelta(days=1))


def test_this_month_reads_the_stored_figure_an_earlier_day_the_months(p: Any) -> None:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    earlier = this_month - timedelta(days=1)  # the last day of last month
    project = make_project(p, year=today.year, annual_plan=1200)
    services.investment_report(actor=p.officer, project=project, month=this_month, amount=300)
    if earlier.year == today.year:
        services.investment_report(actor=p.officer, project=project, month=earlier, amount=200)
    services.year_set(actor=p.officer, project=project, year=earlier.year, annual_plan=1200)
    before = Decimal(200) if earlier.year == today.year else Decimal(0)
    now = selectors.standings([project], today)[project.pk]
    then = selectors.standings([project], earlier)[project.pk]
    assert now.completed == before + 300 and then.completed == before
    # the stored figure is what the board reads today, the months what it sums for an earlier day
    ProjectYear.objects.filter(project=project, year=today.year).update(completed=1)  # not by a service
    assert selectors.standings([project], today)[project.pk].completed == 1
    assert [u["done"] for u in selectors.board(Project.objects.all(), today).by_unit] == [Decimal(1)]
    assert [u["done"] for u in selectors.board(Project.objects.all(), earlier).by_unit] == [before]
