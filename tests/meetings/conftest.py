from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.meetings.models import Meeting, MeetingSeries
from luoshi.meetings.services import meeting_create, series_create
from luoshi.org.models import Person, Post
from luoshi.work.models import Task
from tests.factories import Personas


@dataclass
class World:
    p: Personas
    plan: Any
    red: Task
    overdue: Task
    late: Task
    green: Task
    red_b: Task  # red, but of unit B: outside the series' scope
    series: MeetingSeries
    meeting: Meeting
    start: datetime


def set_task(task: Task, **values: Any) -> None:
    """Arrange a task's computed facts for a test (the engine's own services compute them in use)."""
    Task.objects.filter(pk=task.pk).update(**values)


@pytest.fixture
def world(p: Personas) -> World:
    Post.objects.filter(memberships__person__user=p.head_a).update(senior=True)
    Person.objects.filter(user=p.head_a).update(card_no="0012345678")
    Person.objects.filter(user=p.reporter_b).update(card_no="0099999999")
    today = timezone.localdate()
    plan = p.plan(
        name="年度目标任务",
        year=today.year,
        start=today - timedelta(days=200),
        due=today + timedelta(days=200),
    )
    red = p.task(plan, title="红灯任务")
    overdue = p.task(plan, title="逾期任务")
    late = p.task(plan, title="迟报任务")
    green = p.task(plan, title="正常任务")
    red_b = p.task(plan, unit=p.unit_b, title="乙单位红灯任务")
    set_task(red, light="red", report_late=False)
    set_task(overdue, light="overdue", due=today - timedelta(days=3), report_late=False)
    set_task(late, light="green", report_late=True)
    set_task(green, light="green", report_late=False)
    set_task(red_b, light="red", report_late=False)
    series = series_create(
        actor=p.officer,
        name="区长调度会",
        cadence="weekly",
        chair=p.leader.person,
        start_time=time(9),
        units=[p.unit_a],
        plans=[plan],
        place="三楼会议室",
    )
    start = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    meeting = meeting_create(actor=p.officer, series=series, starts_at=start)
    return World(p, plan, red, overdue, late, green, red_b, series, meeting, start)


def day(dt: datetime) -> date:
    return timezone.localdate(dt)
