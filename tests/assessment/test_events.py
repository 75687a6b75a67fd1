"""The event interface: the registry, and the sources other apps register (meetings absences,
supervision notices) plus assessment's own (tasks completed on time, late reports)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from luoshi.assessment import events
from luoshi.errors import LuoshiError
from luoshi.meetings.models import Attendance, AttendanceState, Meeting, MeetingState
from luoshi.org.models import Person
from luoshi.supervision import services as sv
from luoshi.work.choices import Status
from luoshi.work.models import Task, Transition
from tests.factories import Personas
from tests.meetings.conftest import World, world  # noqa: F401
from tests.supervision.conftest import make_item


def test_registry_lists_every_source_and_refuses_unknown_kinds() -> None:
    kinds = dict(events.kinds())
    for kind in (
        "work.late_report",
        "work.task",
        "work.measure",
        "ratings.score",
        "ratings.veto",
        "meetings.absence",
        "supervision.supervise",
        "supervision.bulletin",
        "assessment.complaint",
        "assessment.veto",
    ):
        assert kind in kinds
    with pytest.raises(LuoshiError):
        events.collect("no.such", [1], date(2024, 1, 1), date(2024, 12, 31))


def test_register_source_feeds_rows_within_the_period() -> None:
    def collect(unit_ids, start, end):  # type: ignore[no-untyped-def]
        return [
            events.EventRow(u, "test.kind", day, Decimal(1), f"{u}@{day}")
            for u in unit_ids
            for day in (date(2023, 12, 31), date(2024, 6, 1))
        ]

    events.register_source("test.kind", "测试", collect)
    try:
        rows = events.collect("test.kind", [2, 1], date(2024, 1, 1), date(2024, 12, 31))
        assert [(r.unit_id, r.occurred_on) for r in rows] == [(1, date(2024, 6, 1)), (2, date(2024, 6, 1))]
    finally:
        events._SOURCES.pop("test.kind")


def test_meetings_absences(world: World) -> None:  # noqa: F811
    p = world.p
    Meeting.objects.filter(pk=world.meeting.pk).update(state=MeetingState.HELD)
    person = Person.objects.get(user=p.head_a)
    Attendance.objects.update_or_create(
        meeting=world.meeting, person=person, defaults={"unit": p.unit_a, "state": AttendanceState.ABSENT}
    )
    day = timezone.localdate(world.start)
    rows = events.collect("meetings.absence", [p.unit_a.pk, p.unit_b.pk], day - timedelta(days=1), day)
    assert len(rows) == 1 and rows[0].unit_id == p.unit_a.pk
    assert "未参加区长调度会" in rows[0].text and rows[0].link == f"/meetings/{world.meeting.pk}/"


def test_supervision_notices(p: Personas) -> None:
    item = make_item(p)
    sv.notice_issue(actor=p.officer, item=item, level="supervise")
    sv.notice_issue(actor=p.officer, item=item, level="bulletin")
    today = timezone.localdate()
    supervised = events.collect("supervision.supervise", [p.unit_a.pk, p.unit_b.pk], today, today)
    bulletins = events.collect("supervision.bulletin", [p.unit_a.pk, p.unit_b.pk], today, today)
    assert len(supervised) == 1 and len(bulletins) == 1
    assert (
        supervised[0].text.startswith("收到督办 督〔")
        and supervised[0].link == f"/supervision/items/{item.pk}/"
    )


def test_tasks_on_time_and_overdue(p: Personas) -> None:
    plan = p.plan()
    on_time = p.task(plan, title="按时任务", due=date(2024, 6, 30))
    late = p.task(plan, title="逾期任务", due=date(2024, 6, 30))
    Task.objects.filter(pk__in=[on_time.pk, late.pk]).update(status=Status.CLOSED)
    t1 = Transition.objects.create(task=on_time, from_status=Status.CLAIMED, to_status=Status.CLOSED)
    t2 = Transition.objects.create(task=late, from_status=Status.CLAIMED, to_status=Status.CLOSED)
    Transition.objects.filter(pk=t1.pk).update(at=timezone.make_aware(timezone.datetime(2024, 6, 20, 10)))
    Transition.objects.filter(pk=t2.pk).update(at=timezone.make_aware(timezone.datetime(2024, 7, 3, 10)))
    open_task = p.task(plan, title="未完成任务", due=date(2024, 9, 30))
    rows = {
        r.ref: r for r in events.collect("work.task", [p.unit_a.pk], date(2024, 1, 1), date(2024, 12, 30))
    }
    assert rows[f"work.Task:{on_time.pk}"].value == 1
    assert (
        rows[f"work.Task:{late.pk}"].value == 0 and "逾期完成（7月3日）" in rows[f"work.Task:{late.pk}"].text
    )
    assert (
        rows[f"work.Task:{open_task.pk}"].value == 0
        and "逾期未完成" in rows[f"work.Task:{open_task.pk}"].text
    )
    assert all(r.scope == f"plan:{plan.pk}" for r in rows.values())
