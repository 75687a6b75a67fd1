"""Stored lights: the cheap path refresh (task + ancestors) agrees with the whole-plan batch engine.

Property: after any sequence of reports, approvals and status changes, every task's stored light
and progress equal what `compute_lights` gives for the whole plan on that day — given that the
daily tick has stored the plan for that day, as it does in production.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from luoshi.errors import InvalidField
from luoshi.org.models import Role
from luoshi.work import rules
from luoshi.work.models import Report, Status, Task
from luoshi.work.selectors import compute_lights, compute_path_lights
from luoshi.work.services import (
    report_approve,
    report_submit,
    task_close_with_children,
    task_confirm_completion,
    task_refresh,
    task_reopen,
    task_set_status,
)
from luoshi.work.services.lights import persist_lights, refresh_deferred
from tests.factories import claim_task, make_user
from tests.helpers import exact_queries

pytestmark = pytest.mark.django_db

STORED = ("light", "actual_pct", "expected_pct", "slack_days", "report_late", "last_report_on")
PROPERTY = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # Each example builds a plan in the database: no shrinking (slow); a failure prints its example.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def build_tree(p, plan) -> list[Task]:  # type: ignore[no-untyped-def]
    """A three-level tree with uneven weights, a measure with a monthly plan, a milestone, a late
    starter, an early finisher and a co-unit, so every rule has something to do."""
    s, d = plan.start, plan.due
    span = (d - s).days
    root = p.task(plan, title="总目标", code="1")
    goals = [
        p.task(plan, parent=root, title="目标一", weight=Decimal(2), code="1.1"),
        p.task(plan, parent=root, title="目标二", weight=Decimal(1), code="1.2"),
        p.task(plan, parent=root, title="目标三", weight=Decimal("0.5"), code="1.3", unit=p.unit_b),
    ]
    leaves = [
        p.task(plan, parent=goals[0], title="岗位任务1", weight=Decimal(3), code="1.1.1"),
        p.task(
            plan,
            parent=goals[0],
            title="新增就业",
            code="1.1.2",
            metric_name="新增就业",
            metric_unit="人",
            baseline=Decimal(0),
            target=Decimal(1200),
            monthly_plan={f"{s.year}-{m:02d}": 100 * m for m in range(1, 13)},
        ),
        p.task(
            plan,
            parent=goals[1],
            title="晚开工",
            code="1.2.1",
            start=s + timedelta(days=span // 2),
            milestones=[("开工", s + timedelta(days=span // 2 + 20))],
        ),
        p.task(plan, parent=goals[1], title="早完成", code="1.2.2", due=s + timedelta(days=span // 3)),
        p.task(plan, parent=goals[2], title="配合任务", code="1.3.1", unit=p.unit_b, co_units=[p.unit_a]),
        p.task(plan, parent=goals[2], title="财政任务", code="1.3.2", unit=p.unit_b, weight=Decimal(0)),
    ]
    p.task(plan, title="独立任务", code="2", milestones=[("验收", s + timedelta(days=span // 4))])
    return [root, *goals, *leaves]


def tick(plan, day: date) -> None:  # type: ignore[no-untyped-def]
    persist_lights(compute_lights(plan_id=plan.pk, on=day), on=day)


def assert_stored_equals_recomputed(plan, day: date) -> None:  # type: ignore[no-untyped-def]
    expected = {
        r.id: (r.light, r.actual, r.expected, r.slack, r.report_late, r.last_report_on)
        for r in compute_lights(plan_id=plan.pk, on=day)
    }
    stored = {t[0]: tuple(t[1:]) for t in Task.objects.filter(plan=plan).values_list("id", *STORED)}
    assert stored == expected


def head_b(p) -> Any:  # type: ignore[no-untyped-def]
    """The head of unit B, made once per test (hypothesis runs many examples on one database)."""
    if not hasattr(p, "head_b"):
        p.head_b = make_user("head_b", unit=p.unit_b, role=Role.HEAD, name="乙局长")
    return p.head_b


def reporter_for(p, task: Task, head: bool) -> Any:  # type: ignore[no-untyped-def]
    if task.lead_unit_id == p.unit_b.pk:
        return head_b(p) if head else p.reporter_b
    return p.head_a if head else p.reporter_a


def head_for(p, report: Any) -> Any:  # type: ignore[no-untyped-def]
    return head_b(p) if report.unit_id == p.unit_b.pk else p.head_a


@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=9),  # which task
            st.integers(min_value=0, max_value=100),  # percent (or a share of a measure's target)
            st.integers(min_value=0, max_value=40),  # days since the previous step
            st.booleans(),  # filed by the head (goes up at once) or by a reporter (needs approval)
        ),
        min_size=1,
        max_size=12,
    )
)
@PROPERTY
def test_stored_lights_equal_whole_plan_recompute_after_random_reports(p, steps):
    plan = p.plan()
    tasks = build_tree(p, plan)
    day = date(2024, 2, 1)
    tick(plan, day)
    for index, pct, gap, by_head in steps:
        if gap:
            day += timedelta(days=gap)
            tick(plan, day)  # the daily tick: every stored value is as of `day`
        task = Task.objects.get(pk=tasks[index].pk)
        actor = reporter_for(p, task, by_head)
        figure = {"value": Decimal(12) * pct} if task.has_measure else {"percent": pct}
        if rules.period_end(task.effective_cadence, day) < rules.period_end(
            task.effective_cadence, task.start
        ):
            # No period of the task has begun yet: nothing to report for.
            with pytest.raises(InvalidField):
                report_submit(actor=actor, task=task, on=day, **figure)
            continue
        report = report_submit(actor=actor, task=task, on=day, acknowledge_warnings=True, **figure)
        if report.state == "pending":
            assert_stored_equals_recomputed(plan, day)  # a pending report changes nothing yet
            report_approve(actor=head_for(p, report), report=report, on=day)
        assert_stored_equals_recomputed(plan, day)


@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=9),
            st.sampled_from(["report", "close", "reopen", "suspend", "resume", "cancel"]),
            st.integers(min_value=0, max_value=100),
        ),
        min_size=1,
        max_size=10,
    )
)
@PROPERTY
def test_stored_lights_equal_recompute_through_status_changes(p, steps):
    """Status services refresh as of today, so this plan runs around today's date."""
    today = timezone.localdate()
    plan = p.plan(start=today - timedelta(days=200), due=today + timedelta(days=165), year=today.year)
    tasks = build_tree(p, plan)
    tick(plan, today)
    for index, action, pct in steps:
        task = Task.objects.get(pk=tasks[index].pk)
        if action == "report" and task.status == Status.IN_PROGRESS:
            actor = reporter_for(p, task, head=True)
            # Random figures drop and jump: the filer has seen the plausibility warning and confirms.
            if task.has_measure:
                report_submit(actor=actor, task=task, value=Decimal(12) * pct, acknowledge_warnings=True)
            else:
                report_submit(actor=actor, task=task, percent=pct, acknowledge_warnings=True)
        elif action == "close" and task.status == Status.IN_PROGRESS:
            if task.children.exclude(status__in=[Status.CLOSED, Status.CANCELLED]).exists():
                # a parent over open subtasks: only the office closes them together, with a reason
                task_close_with_children(actor=p.officer, task=task, reason="整体验收")
            else:
                final = Decimal(12) * pct if task.has_measure else None  # the claim's final value
                claim_task(actor=reporter_for(p, task, head=True), task=task, value=final)
                task_confirm_completion(actor=p.officer, task=task)
        elif action == "reopen" and task.status == Status.CLOSED:
            task_reopen(actor=p.officer, task=task, reason="复查")
        elif action == "suspend" and task.status == Status.IN_PROGRESS:
            task_set_status(actor=p.officer, task=task, status=Status.SUSPENDED, reason="暂停")
        elif action == "resume" and task.status == Status.SUSPENDED:
            task_set_status(actor=p.officer, task=task, status=Status.IN_PROGRESS, reason="")
        elif action == "cancel" and task.status in (Status.IN_PROGRESS, Status.SUSPENDED):
            task_set_status(actor=p.officer, task=task, status=Status.CANCELLED, reason="取消")
        assert_stored_equals_recomputed(plan, today)


def test_path_lights_equal_batch_rows(p):
    plan = p.plan()
    tasks = build_tree(p, plan)
    day = date(2024, 7, 15)
    report_submit(actor=p.head_a, task=tasks[4], percent=80, on=date(2024, 7, 1))
    report_submit(actor=p.reporter_b, task=tasks[8], percent=10, on=date(2024, 7, 2))
    tick(plan, day)
    batch = {r.id: r for r in compute_lights(plan_id=plan.pk, on=day)}
    for leaf in tasks:
        path = compute_path_lights(task_id=leaf.pk, on=day)
        assert path[0].id == leaf.pk and path[-1].id == tasks[0].pk  # leaf first, root last
        for row in path:
            assert row == batch[row.id]


def test_refresh_cost_does_not_grow_with_the_plan(p):
    plan = p.plan()
    tasks = build_tree(p, plan)
    leaf = tasks[4]
    report_submit(actor=p.head_a, task=leaf, percent=50, on=date(2024, 6, 1))

    def count_queries(name: str, on: date) -> int:
        with exact_queries(name) as counted:
            task_refresh(task=leaf, on=on)
        return counted.count

    small = count_queries("work.task_refresh[leaf]@small", date(2024, 6, 2))
    # Ten times more siblings and cousins: the refresh of one leaf costs the same.
    for i in range(30):
        p.task(plan, parent=tasks[1 + i % 3], title=f"加塞{i}")
    tick(plan, date(2024, 6, 3))
    assert count_queries("work.task_refresh[leaf]@large", date(2024, 6, 2)) == small
    assert count_queries("work.task_refresh[leaf]@large-next-day", date(2024, 6, 3)) <= 12


@pytest.mark.django_db
def test_correcting_an_older_period_does_not_override_newer_progress(p):
    """October 70%, November 80%, then October corrected to 72%: progress stays 80% (November)."""
    from datetime import date as _date
    from decimal import Decimal as _D

    from luoshi.work.models import Plan as _Plan
    from luoshi.work.selectors import compute_lights as _compute
    from luoshi.work.services import report_submit as _submit

    plan = p.plan(name="纠错计划", start=_date(2024, 1, 1), due=_date(2024, 12, 31), head_approval=False)
    assert isinstance(plan, _Plan)
    task = p.task(plan, title="更正测试任务")
    october = _submit(actor=p.reporter_a, task=task, percent=70, on=_date(2024, 10, 31))
    _submit(actor=p.reporter_a, task=task, percent=80, on=_date(2024, 11, 27))
    _submit(actor=p.reporter_a, task=task, percent=72, on=_date(2024, 11, 28), corrects=october)
    row = next(r for r in _compute(plan_id=plan.pk, on=_date(2024, 11, 30)) if r.id == task.pk)
    assert row.actual == _D("80.00")
    assert row.last_report_on == _date(2024, 11, 28)
    # As of before November's report, the correction of October is what counts.
    row = next(r for r in _compute(plan_id=plan.pk, on=_date(2024, 11, 26)) if r.id == task.pk)
    assert row.actual == _D("70.00")


def test_refresh_deferred_leaves_stored_lights_until_the_plan_is_recomputed(p):
    """The demo's loader replays months of reports inside `refresh_deferred`: the reports are stored
    as always, the stored lights stay as they were until the whole plan is recomputed."""
    plan = p.plan()
    tasks = build_tree(p, plan)
    day = date(2024, 7, 15)
    tick(plan, day)
    leaf = tasks[4]
    before = Task.objects.values_list("light", "actual_pct").get(pk=leaf.pk)
    with refresh_deferred():
        report_submit(actor=p.head_a, task=leaf, percent=90, on=day)
        assert Task.objects.values_list("light", "actual_pct").get(pk=leaf.pk) == before
    assert Report.objects.filter(task=leaf, percent=90).exists()
    task_refresh(task=leaf, on=day)  # outside the block: refreshed again
    assert Task.objects.get(pk=leaf.pk).actual_pct == 90
    tick(plan, day)
    assert_stored_equals_recomputed(plan, day)
