"""Stored lights (亮灯): refreshing a task's light and its ancestors' after a write."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from ..models import Follow, Task


def _notify_unit(task: Task, text: str) -> None:
    from ..models import Notification

    users = Follow.objects.filter(task=task).values_list("user_id", flat=True)
    Notification.objects.bulk_create([Notification(user_id=u, task=task, text=text[:300]) for u in users])


def task_refresh(*, task: Task, on: date | None = None) -> None:
    """Recompute the stored light of a task and of its ancestors (not audited: derived data).

    Only the task and its ancestors are recomputed; every other task's stored values (kept fresh by
    the daily tick) stand in for their subtrees, so the cost is the depth, not the plan's size.
    """
    from ..selectors import compute_path_lights, persist_lights

    day = on or timezone.localdate()
    rows = compute_path_lights(task_id=task.pk, on=day)
    persist_lights(rows, on=day)
