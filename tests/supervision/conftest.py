from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.supervision.models import Item
from luoshi.supervision.services import item_create
from luoshi.work.models import Task
from tests.factories import Personas


def make_item(p: Personas, title: str = "加快推进老旧小区改造", **kw: Any) -> Item:
    today = timezone.localdate()
    values: dict[str, Any] = dict(
        title=title,
        source_kind="instruction",
        instruction_text="请发改局牵头，尽快拿出方案。",
        instruction_leader=p.leader.person,
        instruction_date=today - timedelta(days=2),
        lead_unit=p.unit_a,
        deadline=today + timedelta(days=60),
    )
    values.update(kw)
    return item_create(actor=p.officer, **values)


def set_task(task_id: int, **values: Any) -> None:
    """Arrange a task's computed facts (the engine computes them in use)."""
    Task.objects.filter(pk=task_id).update(**values)


def age_item(item: Item, days: int) -> None:
    """Make the item look held for `days` days (its hand-offs too, for the journey)."""
    Item.objects.filter(pk=item.pk).update(held_since=timezone.now() - timedelta(days=days))


@pytest.fixture
def item(p: Personas) -> Item:
    return make_item(p)
