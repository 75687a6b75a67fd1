"""The registry of the daily tick's steps (`jobs.periodic`): order, recording, resuming."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from luoshi.audit.models import Entry
from luoshi.jobs import periodic
from luoshi.jobs import services as jobs
from luoshi.jobs.models import StepRun, StepState
from luoshi.work import periodic as work_periodic
from luoshi.work.models import LightCount, Plan
from luoshi.work.services import report_submit
from tests.factories import Personas

DAY = date(2024, 7, 1)


class Steps:
    """Fake steps that log their calls; `fail` names the steps that raise."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(periodic, "_STEPS", {})
        self.calls: list[str] = []
        self.fail: set[str] = set()

    def add(self, name: str, order: int) -> None:
        def run(day: date) -> dict[str, Any]:
            self.calls.append(name)
            if name in self.fail:
                raise RuntimeError(f"{name} broke")
            return {"step": name, "day": day.isoformat()}

        periodic.register(name, order=order, run=run)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Steps:
    return Steps(monkeypatch)


def test_the_apps_register_their_steps_in_order() -> None:
    assert [s.name for s in periodic.steps()] == [
        "work.plans",
        "supervision.escalations",
        "meetings.agendas",
        "learning.expire",
        "portal.sync",
        "appeals.close_unrated",
        "enterprises.visit_due",
        "notify.reminders",
        "supervision.notice_reminders",
        "alerts.levels",
        "alerts.flags",
        "notify.outbox",
    ]


def test_steps_run_by_order_then_name(fake: Steps, db: None) -> None:
    fake.add("c.last", 30)
    fake.add("a.first", 10)
    fake.add("b.second", 20)
    fake.add("a.also_second", 20)
    assert [s.name for s in periodic.steps()] == ["a.first", "a.also_second", "b.second", "c.last"]
    summaries = periodic.run_steps(DAY)
    assert fake.calls == ["a.first", "a.also_second", "b.second", "c.last"]
    assert summaries["b.second"] == {"step": "b.second", "day": "2024-07-01"}


def test_each_run_is_recorded(fake: Steps, db: None) -> None:
    fake.add("a.first", 10)
    periodic.run_steps(DAY)
    run = StepRun.objects.get(day=DAY, step="a.first")
    assert run.state == StepState.FINISHED and run.error == ""
    assert run.finished is not None and run.started <= run.finished
    assert run.summary == {"step": "a.first", "day": "2024-07-01"}


def test_a_run_resumes_at_the_step_that_raised(fake: Steps, db: None) -> None:
    fake.add("a.first", 10)
    fake.add("b.second", 20)
    fake.add("c.third", 30)
    fake.fail = {"b.second"}
    with pytest.raises(RuntimeError, match="b.second broke"):
        periodic.run_steps(DAY)
    assert fake.calls == ["a.first", "b.second"]
    states = dict(StepRun.objects.filter(day=DAY).values_list("step", "state"))
    assert states == {"a.first": "finished", "b.second": "failed"}
    assert "b.second broke" in StepRun.objects.get(step="b.second").error
    fake.fail = set()
    fake.calls.clear()
    summaries = periodic.run_steps(DAY)
    assert fake.calls == ["b.second", "c.third"]  # a.first finished before: skipped
    assert summaries["a.first"] == {"step": "a.first", "day": "2024-07-01"}  # its recorded summary
    assert set(StepRun.objects.filter(day=DAY).values_list("state", flat=True)) == {"finished"}
    # Every step finished: running the day again runs them all again (they are idempotent).
    fake.calls.clear()
    periodic.run_steps(DAY)
    assert fake.calls == ["a.first", "b.second", "c.third"]


def test_a_step_whose_worker_died_is_run_again(fake: Steps, db: None) -> None:
    from django.utils import timezone

    fake.add("a.first", 10)
    fake.add("b.second", 20)
    StepRun.objects.create(day=DAY, step="a.first", state=StepState.FINISHED, started=timezone.now())
    StepRun.objects.create(day=DAY, step="b.second", state=StepState.RUNNING, started=timezone.now())
    periodic.run_steps(DAY)
    assert fake.calls == ["b.second"]
    assert StepRun.objects.get(step="b.second").state == StepState.FINISHED


def test_the_tick_resumes_without_redoing_the_plans(p: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tick whose outbox step raised resumes there: the plans are not ticked again, and the day's
    audit entry counts what their step changed in the first run."""
    plan: Plan = p.plan(head_approval=False)
    task = p.task(plan)
    report_submit(actor=p.head_a, task=task, percent=20, on=date(2024, 6, 20))

    def broken(day: date) -> dict[str, Any]:
        raise RuntimeError("outbox down")

    monkeypatch.setitem(periodic._STEPS, "notify.outbox", periodic.Step("notify.outbox", 900, broken))
    with pytest.raises(RuntimeError, match="outbox down"):
        jobs.tick_run(on=DAY)
    assert LightCount.objects.filter(plan=plan, day=DAY).exists()  # the plans' step committed
    assert not Entry.objects.filter(action="jobs.tick.ran").exists()
    first = StepRun.objects.get(day=DAY, step="work.plans").summary
    monkeypatch.undo()

    def not_again(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the plans were ticked again")

    monkeypatch.setattr(work_periodic, "tick_plans", not_again)
    result = jobs.tick_run(on=DAY)
    assert (result.plans, result.lights_changed, result.late_reports) == (
        first["plans"],
        first["lights_changed"],
        first["late_reports"],
    )
    entry = Entry.objects.get(action="jobs.tick.ran")
    assert entry.data["light_counts_changed"] == first["light_counts_changed"] > 0
    assert StepRun.objects.get(day=DAY, step="notify.outbox").state == StepState.FINISHED
