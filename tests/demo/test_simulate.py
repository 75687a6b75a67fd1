"""`luoshi simulate`: the demo district played forward day by day (issue 20, item 5)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from luoshi.demo.simulate import latest_fact_day, simulate
from luoshi.errors import Conflict
from luoshi.work.models import Plan, Report, Task
from luoshi.work.selectors import compute_lights
from tests.demo.facts import assert_history_ends_on, early_year_asserts

TODAY = date(2026, 1, 5)
START, END = date(2026, 1, 6), date(2026, 2, 8)  # a month, past the first monthly deadline


def _history() -> set[tuple[object, ...]]:
    return set(
        Report.objects.values_list(
            "task__code", "task__plan__name", "period_end", "reported_on", "state", "percent", "value"
        )
    )


def _play() -> tuple[dict[str, object], set[tuple[object, ...]], str]:
    lines: list[str] = []
    summary = simulate(START, END, seed=3, log=lines.append)
    return summary.as_data(), _history(), "\n".join(lines)


@pytest.mark.scenario
@pytest.mark.django_db
def test_a_simulated_month_on_the_demo_district():
    call_command("demo", "--small", "--today", TODAY.isoformat(), stdout=StringIO(), stderr=StringIO())
    early_year_asserts(TODAY)  # the demo as of 5 January (item 5: no fact after --today)
    before = transaction.savepoint()
    first, history, progress = _play()
    assert first["days"] == (END - START).days + 1
    # Reporters filed (some late), heads approved and returned, the tick marked late periods.
    for key in ("reports_filed", "filed_late", "approvals", "returns", "late_marks", "light_changes"):
        assert first[key] > 0, (key, first)
    assert first["filed_late"] < first["reports_filed"] // 4
    assert Report.objects.filter(filed_on__range=(START, END)).count() == first["reports_filed"]
    assert Report.objects.filter(known_on__range=(START, END), filed_on__lt=F("known_on")).exists()
    assert Report.objects.filter(returned_on__range=(START, END)).count() == first["returns"]
    # One progress line per simulated week (and one for the last, partial, week) on the log.
    assert progress.count("simulate: ") == -(-first["days"] // 7)

    # No fact after the last day, nothing outside its plan, the audit chain intact.
    assert_history_ends_on(END)
    assert latest_fact_day() == END
    # The stored lights are those a fresh computation gives for the last day.
    for plan in Plan.objects.all():
        stored = dict(Task.objects.filter(plan=plan).values_list("pk", "light"))
        assert {r.id: r.light for r in compute_lights(plan_id=plan.pk, on=END)} == stored

    # History is only appended: a day already played is refused.
    with pytest.raises(Conflict, match=str(END)):
        simulate(END, END + timedelta(days=3), seed=3)

    # Deterministic: played again from the same demo with the same seed, the same counts and reports.
    transaction.savepoint_rollback(before)
    assert latest_fact_day() == TODAY
    again, history_again, _ = _play()
    assert again == first
    assert history_again == history


@pytest.mark.django_db
def test_command_parses_dates_and_refuses_a_bad_range(p):
    with pytest.raises(CommandError, match="not a date"):
        call_command("simulate", "--from", "2026-13-01", "--to", "2026-12-31")
    with pytest.raises(CommandError, match="早于开始日期"):
        call_command("simulate", "--from", "2026-03-02", "--to", "2026-03-01")
    with pytest.raises(CommandError, match="没有编号为 999 的计划"):
        call_command("simulate", "--from", "2099-03-01", "--to", "2099-03-01", "--plan", "999")
    # A district with a report filed on 10 March: the simulation starts after it.
    plan = p.plan(start=date(2026, 1, 1), due=date(2026, 12, 31))
    task = p.task(plan)
    from luoshi.work.services import report_submit

    report_submit(actor=p.head_a, task=task, percent=10, on=date(2026, 3, 10))
    with pytest.raises(CommandError, match="数据库中已有截至"):
        call_command("simulate", "--from", "2026-03-10", "--to", "2026-03-20")
    out, err = StringIO(), StringIO()
    # Wall-clock facts (the personas, the audit trail) are dated today: start after them.
    first = latest_fact_day() + timedelta(days=1)
    call_command(
        "simulate",
        "--from",
        first.isoformat(),
        "--to",
        (first + timedelta(days=8)).isoformat(),
        "--seed",
        "5",
        stdout=out,
        stderr=err,
    )
    assert "9 days" in out.getvalue() and "seed 5" in out.getvalue()
    assert err.getvalue().count("simulate: ") == 2
