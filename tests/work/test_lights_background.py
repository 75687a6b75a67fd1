"""Lights stored after the filer's commit (LUOSHI_LIGHTS_IN_BACKGROUND, production's default).

A filed report queues its task (`StaleTask`) in its own transaction; one refresher at a time stores
the known figures and the lights of every queued task and of their ancestors at once
(`refresh_stale`, through `compute_paths_lights`), so what is stored afterwards is what the
synchronous refresh stores: the plan's lights recomputed from scratch.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.work.models import StaleTask, Task
from luoshi.work.periodic import tick_plans
from luoshi.work.selectors import compute_lights, compute_paths_lights
from luoshi.work.services import lights, report_submit
from luoshi.work.services.lights import refresh_deferred, refresh_stale
from luoshi.work.tasks import refresh_stale_lights
from tests.work.test_selectors import assert_stored_equals_recomputed, build_tree, reporter_for, tick

DAY = date(2024, 7, 15)


def _two_plans(p: Any) -> tuple[Any, list[Task], Any, list[Task]]:
    plan, other = p.plan(), p.plan()
    tasks, others = build_tree(p, plan), build_tree(p, other)
    tick(plan, DAY)
    tick(other, DAY)
    return plan, tasks, other, others


@pytest.mark.django_db
def test_many_paths_at_once_equal_the_plans_recomputed_from_scratch(p: Any) -> None:
    """Two leaves under one goal and a leaf of another plan get reports whose lights are not stored
    (the demo loader's deferral): computing their paths together rolls each shared ancestor up from
    both recomputed children, and every row equals the plan's rows computed from scratch."""
    plan, tasks, other, others = _two_plans(p)
    siblings = [tasks[6], tasks[7]]  # 晚开工 and 早完成, under 目标二
    assert siblings[0].parent_id == siblings[1].parent_id
    other_leaf = others[4]
    with refresh_deferred():
        report_submit(actor=p.head_a, task=siblings[0], percent=90, on=DAY, acknowledge_warnings=True)
        report_submit(actor=p.head_a, task=siblings[1], percent=5, on=DAY, acknowledge_warnings=True)
        report_submit(actor=p.head_a, task=other_leaf, percent=70, on=DAY, acknowledge_warnings=True)
    chosen = [siblings[0].pk, siblings[1].pk, other_leaf.pk]
    rows = compute_paths_lights(task_ids=chosen, on=DAY)
    scratch = {r.id: r for pl in (plan, other) for r in compute_lights(plan_id=pl.pk, on=DAY)}
    on_paths = {
        i for t in Task.objects.filter(pk__in=chosen) for i in map(int, t.path.strip("/").split("/")[1:])
    }
    assert sorted(r.id for r in rows) == sorted(on_paths)  # every task on the paths, once
    assert [r.depth for r in rows] == sorted((r.depth for r in rows), reverse=True)  # deepest first
    for row in rows:
        assert row == scratch[row.id]
    # The shared goal really moved: its stored roll-up was stale before.
    goal = Task.objects.get(pk=siblings[0].parent_id)
    assert scratch[goal.pk].actual != goal.actual_pct


@pytest.mark.django_db
def test_a_filed_report_queues_its_task_and_the_refresher_stores_what_a_refresh_would(
    p: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.LUOSHI_LIGHTS_IN_BACKGROUND = True
    plan, tasks, other, others = _two_plans(p)
    leaf = next(t for t in tasks if not t.children.exists() and not t.has_measure)
    before = Task.objects.values_list("known_percent", "actual_pct").get(pk=leaf.pk)
    report_submit(actor=p.head_a, task=leaf, percent=64, on=DAY, acknowledge_warnings=True)
    # Queued with the report, nothing stored yet.
    assert list(StaleTask.objects.values_list("task_id", "on", "region_id")) == [
        (leaf.pk, DAY, leaf.region_id)
    ]
    assert Task.objects.values_list("known_percent", "actual_pct").get(pk=leaf.pk) == before
    # The worker's minute step (what a stopped web process left queued) stores them.
    assert refresh_stale_lights.call_local() == 1
    assert not StaleTask.objects.exists()
    assert Task.objects.get(pk=leaf.pk).known_percent == Decimal(64)
    assert_stored_equals_recomputed(plan, DAY)
    assert_stored_equals_recomputed(other, DAY)
    assert refresh_stale() == 0  # nothing left


@pytest.mark.django_db
def test_the_refresher_costs_the_same_queries_for_one_report_or_many(p: Any, settings: Any) -> None:
    settings.LUOSHI_LIGHTS_IN_BACKGROUND = True
    plan, tasks, other, others = _two_plans(p)
    plain = [t for t in tasks + others if not t.children.exists() and not t.has_measure]

    def cost(filed: list[Task], pct: int) -> int:
        for task in filed:
            filer = reporter_for(p, task, head=True)
            report_submit(actor=filer, task=task, percent=pct, on=DAY, acknowledge_warnings=True)
        with CaptureQueriesContext(connection) as ctx:
            assert refresh_stale() == len(filed)
        return len(ctx.captured_queries)

    one = cost(plain[:1], 30)
    many = cost(plain, 40)
    assert len(plain) >= 4 and many == one
    assert_stored_equals_recomputed(plan, DAY)
    assert_stored_equals_recomputed(other, DAY)


@pytest.mark.django_db
def test_the_daily_tick_refreshes_the_queue_first(p: Any, settings: Any) -> None:
    settings.LUOSHI_LIGHTS_IN_BACKGROUND = True
    plan, tasks, _other, _others = _two_plans(p)
    leaf = next(t for t in tasks if not t.children.exists() and not t.has_measure)
    report_submit(actor=p.head_a, task=leaf, percent=64, on=DAY, acknowledge_warnings=True)
    tick_plans(DAY, threads=1)
    assert not StaleTask.objects.exists()
    assert Task.objects.get(pk=leaf.pk).known_percent == Decimal(64)
    assert_stored_equals_recomputed(plan, DAY)


@pytest.mark.postgres  # the thread's own connection beside the test's: not SQLite's shared memory
@pytest.mark.django_db(transaction=True)
def test_the_background_thread_stores_the_lights_after_the_filers_commit(p: Any, settings: Any) -> None:
    """With the setting on, a commit wakes the process's refresher thread, which empties the queue
    and leaves the stored lights equal to the plan's recomputed from scratch."""
    settings.LUOSHI_LIGHTS_IN_BACKGROUND = True
    plan, tasks, _other, _others = _two_plans(p)
    plain = [
        t for t in tasks if not t.children.exists() and not t.has_measure and t.lead_unit_id == p.unit_a.pk
    ]
    woken: list[int] = []
    real_wake = lights._wake_refresher

    def wake() -> None:
        woken.append(1)
        real_wake()

    try:
        lights._wake_refresher = wake  # type: ignore[assignment]
        for i, task in enumerate(plain):
            report_submit(actor=p.head_a, task=task, percent=20 + i, on=DAY, acknowledge_warnings=True)
        deadline = time.monotonic() + 10
        while StaleTask.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        lights._wake_refresher = real_wake  # type: ignore[assignment]
        lights._refresher.stop()
    assert len(woken) == len(plain)  # one wake per filer's commit
    assert not StaleTask.objects.exists()
    assert_stored_equals_recomputed(plan, DAY)
