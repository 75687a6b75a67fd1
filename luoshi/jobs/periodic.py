"""The registry of the daily tick's steps (每日巡检的步骤), as pretix's periodic signal.

Each app registers its daily steps from its `AppConfig.ready`: a dotted name, an order and an
idempotent function of the day that returns a JSON summary (counts). The tick (`jobs.services`)
runs them in order under its lease and records each step's run as a `StepRun`:

- a run that finished every step is complete; running the day again runs every step again (each
  is idempotent, so a second run changes only what changed meanwhile);
- a run cut short — a step raised, or the worker died inside one — is resumed: the next run skips
  the steps it finished (their recorded summaries count for the day) and runs the others again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

log = logging.getLogger(__name__)

Summary = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """A daily step: `run(day)` must be safe to run again for the same day."""

    name: str
    order: int
    run: Callable[[date], Summary]


_STEPS: dict[str, Step] = {}


def register(name: str, *, order: int, run: Callable[[date], Summary]) -> Step:
    """Register (or replace) the step `name`; steps run by `order`, then name."""
    step = Step(name=name, order=order, run=run)
    _STEPS[name] = step
    return step


def steps() -> list[Step]:
    """The registered steps in the order the tick runs them."""
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


def tick_threads() -> int:
    """How many threads a step may use at once: half of a step's work is waiting on PostgreSQL,
    so two threads keep both the database and Python busy. SQLite has one writer: always 1 there."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1  # other connections would not see the caller's uncommitted writes
    return max(1, int(getattr(settings, "LUOSHI_TICK_THREADS", 2)))


def run_steps(day: date) -> dict[str, Summary]:
    """Run the day's steps in order, recording each; returns every step's summary by name.

    A step that raises is recorded as failed and the exception propagates: later steps wait for the
    next run, which resumes at the failed step."""
    from .models import StepRun, StepState

    todo = steps()
    previous = {r.step: r for r in StepRun.objects.filter(day=day)}
    resume = not all(s.name in previous and previous[s.name].state == StepState.FINISHED for s in todo)
    summaries: dict[str, Summary] = {}
    for step in todo:
        done = previous.get(step.name)
        if resume and done is not None and done.state == StepState.FINISHED:
            log.info("tick %s: step %s finished in an earlier run; skipped", day, step.name)
            summaries[step.name] = done.summary
            continue
        StepRun.objects.update_or_create(
            day=day,
            step=step.name,
            defaults={
                "state": StepState.RUNNING,
                "started": timezone.now(),
                "finished": None,
                "summary": {},
                "error": "",
            },
        )
        try:
            summary = step.run(day)
        except Exception as exc:
            StepRun.objects.filter(day=day, step=step.name).update(
                state=StepState.FAILED, finished=timezone.now(), error=repr(exc)[:2000]
            )
            raise
        StepRun.objects.filter(day=day, step=step.name).update(
            state=StepState.FINISHED, finished=timezone.now(), summary=summary
        )
        summaries[step.name] = summary
    return summaries
