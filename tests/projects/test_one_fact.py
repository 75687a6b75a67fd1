"""One fact typed once (一个事实只填一次): a project whose task measures its investment cumulatively in
万元 gets the month's investment worked out from that task's reports; the clerk does not type it again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from luoshi.projects import rules
from luoshi.projects.services import investment_report
from luoshi.work.services.reports import report_approve, report_submit
from tests.helpers import client_for

from .factories import make_project

MONEY = st.decimals(min_value=0, max_value=10**8, places=2)


def test_month_investment_table() -> None:
    assert rules.month_investment(Decimal(1000), Decimal(1600)) == Decimal("600.00")
    assert rules.month_investment(Decimal(0), Decimal(0)) == Decimal("0.00")
    assert rules.month_investment(Decimal(1600), Decimal(1000)) is None  # fell: never a negative month
    assert rules.month_investment(None, Decimal(10)) is None
    assert rules.month_investment(Decimal(10), None) is None


@given(MONEY, MONEY)
def test_month_investment_adds_back_up(before: Decimal, after: Decimal) -> None:
    amount = rules.month_investment(before, after)
    assert (amount is None) == (after < before)
    if amount is not None:
        assert amount >= 0 and before + amount == after


def _linked(p: Any, unit: str = "万元") -> Any:
    today = timezone.localdate()
    plan = p.plan(start=today - timedelta(days=200), due=today + timedelta(days=165), year=today.year)
    task = p.task(plan, title="项目投资", metric_name="完成投资", metric_unit=unit, baseline=0, target=5000)
    return make_project(p, year=today.year, task=task), task


def _page(p: Any, project: Any) -> str:
    return client_for(p.reporter_a).get(f"/projects/{project.pk}/").content.decode()


@pytest.mark.django_db
def test_the_months_investment_comes_from_the_task_report(p: Any) -> None:
    project, task = _linked(p)
    today = timezone.localdate()
    earlier = today.replace(day=1) - timedelta(days=1)
    report_approve(
        actor=p.head_a, report=report_submit(actor=p.reporter_a, task=task, value=1000, period=earlier)
    )
    assert 'id="investment-source"' not in _page(p, project)  # nothing reported for this month yet
    report_approve(actor=p.head_a, report=report_submit(actor=p.reporter_a, task=task, value=1600))
    page = _page(p, project)
    assert 'id="investment-source"' in page and 'name="amount" value="600.00"' in page
    # Submitted as shown, the one fact is in both modules.
    investment_report(actor=p.reporter_a, project=project, month=today, amount="600.00")
    assert project.investments.get().amount == Decimal("600.00")


@pytest.mark.django_db
def test_a_task_measured_in_other_units_prefills_nothing(p: Any) -> None:
    project, task = _linked(p, unit="个")
    report_approve(actor=p.head_a, report=report_submit(actor=p.reporter_a, task=task, value=3))
    assert 'id="investment-source"' not in _page(p, project)
