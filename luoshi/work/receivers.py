"""The task engine's own reactions to its domain signals: a plan whose stored figures changed is
marked so (`Plan.figures_version`), which retires its cached roll-up and dashboard fragments."""

from __future__ import annotations

from typing import Any

from . import signals


def on_figures_changed(sender: Any, *, plan_ids: tuple[int, ...] = (), **kwargs: Any) -> None:
    from .services.lights import plan_figures_changed

    plan_figures_changed(plan_ids=plan_ids)


def on_status_changed(sender: Any, *, plan_id: int, **kwargs: Any) -> None:
    from .services.lights import plan_figures_changed

    plan_figures_changed(plan_ids=[plan_id])


def connect() -> None:
    signals.task_light_changed.connect(on_figures_changed, dispatch_uid="work.figures_changed")
    signals.task_status_changed.connect(on_status_changed, dispatch_uid="work.figures_status_changed")
