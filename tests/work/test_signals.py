"""Domain signals of the task engine (`work.signals`): sent once after commit, never on rollback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from luoshi.jobs import services as jobs
from luoshi.work import signals
from luoshi.work.models import Follow, Plan, Report, Status, Task
from luoshi.work.services import report_approve, report_submit, task_refresh, task_set_status
from tests.factories import Personas

JUNE = date(2024, 6, 20)


class Heard:
    """Every sending of one signal: (sender, payload)."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, dict[str, Any]]] = []

    def __call__(self, sender: Any, **payload: Any) -> None:
        payload.pop("signal")
        self.calls.append((sender, payload))


@pytest.fixture
def heard() -> Iterator[dict[str, Heard]]:
    got = {
        name: Heard()
        for name in ("task_status_changed", "task_light_changed", "report_submitted", "task_overdue")
    }
    for name, receiver in got.items():
        getattr(signals, name).connect(receiver, dispatch_uid=f"test.{name}")
    yield got
    for name in got:
        getattr(signals, name).disconnect(dispatch_uid=f"test.{name}")


@pytest.fixture
def plan(p: Personas) -> Plan:
    return p.plan(head_approval=False)


def test_status_change_is_sent_once_after_commit(
    p: Personas, plan: Plan, heard: dict[str, Heard], django_capture_on_commit_callbacks: Any
) -> None:
    task = p.task(plan, title="建设产业园")
    with django_capture_on_commit_callbacks(execute=True):
        task_set_status(actor=p.officer, task=task, status=Status.SUSPENDED, reason="用地未批")
        assert heard["task_status_changed"].calls == []  # not before the commit
    assert heard["task_status_changed"].calls == [
        (
            Task,
            {
                "task_id": task.pk,
                "plan_id": plan.pk,
                "old": Status.IN_PROGRESS,
                "new": Status.SUSPENDED,
                "action": "work.task.suspended",
                "actor_id": p.officer.pk,
                "reason": "用地未批",
            },
        )
    ]


def test_a_rolled_back_write_sends_nothing(
    p: Personas, plan: Plan, heard: dict[str, Heard], django_capture_on_commit_callbacks: Any
) -> None:
    task = p.task(plan)
    Follow.objects.create(user=p.leader, task=task)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            task_set_status(actor=p.officer, task=task, status=Status.SUSPENDED, reason="用地未批")
            assert Task.objects.get(pk=task.pk).status == Status.SUSPENDED
            raise RuntimeError("rolled back")
    assert callbacks == []
    assert all(h.calls == [] for h in heard.values())
    assert Task.objects.get(pk=task.pk).status == Status.IN_PROGRESS


def test_report_submitted_carries_ids_and_state(
    p: Personas, heard: dict[str, Heard], django_capture_on_commit_callbacks: Any
) -> None:
    plan = p.plan(head_approval=True)
    task = p.task(plan)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_submit(actor=p.reporter_a, task=task, percent=40, on=JUNE)
    assert heard["report_submitted"].calls == [
        (
            Report,
            {
                "report_id": report.pk,
                "task_id": task.pk,
                "unit_id": p.unit_a.pk,
                "author_id": p.reporter_a.pk,
                "state": "pending",
                "period_end": report.period_end,
                "corrects_id": None,
            },
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        report_approve(actor=p.head_a, report=report, on=JUNE)
    assert [payload["state"] for _s, payload in heard["report_submitted"].calls] == ["pending", "submitted"]


def test_light_changes_are_one_signal_per_refresh(
    p: Personas, plan: Plan, heard: dict[str, Heard], django_capture_on_commit_callbacks: Any
) -> None:
    task = p.task(plan)
    stored = Task.objects.get(pk=task.pk).light  # as of the day it was created
    assert stored != "red"
    with django_capture_on_commit_callbacks(execute=True):
        task_refresh(task=task, on=JUNE)  # nothing filed by June: far behind
    [(sender, payload)] = heard["task_light_changed"].calls
    assert sender is Task and payload["on"] == JUNE
    assert payload["changes"] == (signals.LightChange(task.pk, stored, "red"),)
    with django_capture_on_commit_callbacks(execute=True):
        task_refresh(task=task, on=JUNE)  # the same day again: nothing changed, nothing sent
    assert len(heard["task_light_changed"].calls) == 1
    assert heard["task_overdue"].calls == []


def test_the_tick_sends_task_overdue_when_the_due_date_passes(
    p: Personas, plan: Plan, heard: dict[str, Heard], django_capture_on_commit_callbacks: Any
) -> None:
    task = p.task(plan, title="逾期任务")
    done = p.task(plan, title="按时完成")
    report_submit(actor=p.head_a, task=done, percent=100, on=date(2024, 12, 20))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.tick_run(on=date(2024, 12, 30))
    assert heard["task_overdue"].calls == []
    with django_capture_on_commit_callbacks(execute=True):
        jobs.tick_run(on=date(2025, 1, 2))
    assert [payload for _s, payload in heard["task_overdue"].calls] == [
        {"task_id": task.pk, "old": "red", "on": date(2025, 1, 2)},
        {"task_id": done.pk, "old": "green", "on": date(2025, 1, 2)},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        jobs.tick_run(on=date(2025, 1, 3))  # still overdue: not sent again
    assert len(heard["task_overdue"].calls) == 2


def test_a_failing_receiver_neither_breaks_the_write_nor_the_others(
    p: Personas, plan: Plan, heard: dict[str, Heard], django_capture_on_commit_callbacks: Any
) -> None:
    def broken(sender: Any, **payload: Any) -> None:
        raise RuntimeError("receiver down")

    signals.task_status_changed.connect(broken, dispatch_uid="test.broken")
    try:
        task = p.task(plan)
        with django_capture_on_commit_callbacks(execute=True):
            task_set_status(actor=p.officer, task=task, status=Status.SUSPENDED, reason="暂缓")
    finally:
        signals.task_status_changed.disconnect(dispatch_uid="test.broken")
    assert len(heard["task_status_changed"].calls) == 1
    assert Task.objects.get(pk=task.pk).status == Status.SUSPENDED
