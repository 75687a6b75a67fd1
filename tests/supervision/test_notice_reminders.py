"""The reminder before a notice's response deadline (督办单反馈到期提醒) over a simulated month:
exactly the expected messages, to the recording channel, none twice across reruns and a restart,
external ones after the quiet hours; the window rule by table."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.jobs import periodic
from luoshi.notify import channels
from luoshi.notify.models import Outbox, OutboxState
from luoshi.notify.rules import rule_label
from luoshi.notify.services import deliver, reminders_set
from luoshi.supervision import rules, services
from luoshi.supervision.models import Notice
from luoshi.supervision.reminders import RULE, notice_due_plan
from tests.factories import Personas

from .conftest import make_item

D = date(2024, 7, 10)


@pytest.mark.parametrize(
    ("due", "windows", "expected"),
    [
        (D + timedelta(days=5), (3, 1), None),
        (D + timedelta(days=3), (3, 1), "d3"),
        (D + timedelta(days=2), (3, 1), "d3"),
        (D + timedelta(days=1), (3, 1), "d1"),
        (D, (3, 1), "d1"),
        (D - timedelta(days=1), (3, 1), None),  # past its deadline: escalated, not reminded
        (D + timedelta(days=2), (2,), "d2"),
        (D + timedelta(days=2), (), None),
        (D, (0,), "d0"),
        (D + timedelta(days=4), (1, 7, 3), "d7"),
    ],
)
def test_notice_due_occurrence(due: date, windows: tuple[int, ...], expected: str | None) -> None:
    assert rules.notice_due_occurrence(response_due=due, today=D, days_before=windows) == expected


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def wecom() -> Any:
    fake = channels.RecordingChannel("wecom")
    channels.use("wecom", fake)
    yield fake
    channels.use("wecom", None)


def _notice(p: Personas, title: str, due: date, **kw: Any) -> Notice:
    item = make_item(p, title=title, **kw)
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    Notice.objects.filter(pk=notice.pk).update(response_due=due)
    notice.refresh_from_db()
    return notice


@pytest.mark.django_db
def test_a_month_of_notice_reminders_sends_each_once(
    p: Personas, settings: Any, wecom: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LUOSHI_REMINDERS = True
    settings.LUOSHI_NOTICE_DUE_DAYS_BEFORE = [3, 1]
    start = timezone.localdate()
    month = [start + timedelta(days=i) for i in range(31)]
    a = _notice(p, "甲事项", start + timedelta(days=10))  # unanswered: 3 days before and 1 day before
    b = _notice(p, "乙事项", start + timedelta(days=20))  # answered on day 18: only the 3-day reminder
    c = _notice(p, "丙事项", start + timedelta(days=1))  # due tomorrow on day 0: the 1-day window only
    closed = _notice(p, "丁事项", start + timedelta(days=5))  # its item is closed on day 0: none
    other = _notice(p, "戊事项", start + timedelta(days=15), lead_unit=p.unit_b)  # unit B's people
    assert other.unit_id == p.unit_b.pk
    services.item_close(actor=p.officer, item=closed.item, effect="已完成")
    reminders_set(actor=p.reporter_a, wecom_on=True)  # reporter A hears on the robot too
    a_people, b_people = {p.reporter_a.pk, p.head_a.pk}, {p.reporter_b.pk}
    # Written from the schedule, not from the code: (day, notice, window, person).
    expected = (
        {(start + timedelta(days=7), a.pk, "due-d3", u) for u in a_people}
        | {(start + timedelta(days=9), a.pk, "due-d1", u) for u in a_people}
        | {(start + timedelta(days=17), b.pk, "due-d3", u) for u in a_people}
        | {(start, c.pk, "due-d1", u) for u in a_people}
        | {(start + timedelta(days=12), other.pk, "due-d3", u) for u in b_people}
        | {(start + timedelta(days=14), other.pk, "due-d1", u) for u in b_people}
    )
    got: set[tuple[date, int, str, int]] = set()
    for day in month:
        if day == start + timedelta(days=18):
            services.response_submit(actor=p.head_a, notice=b, text="已按要求整改")
        before = set(Outbox.objects.filter(rule=RULE, channel="in_app").values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            notice_due_plan(day, now=at(day, 6))  # the daily tick, inside the quiet hours
            assert notice_due_plan(day, now=at(day, 6, 5))[RULE] == 0  # run again: nothing new
        if day == start + timedelta(days=9):
            # The worker restarts and the tick runs the day again: nothing new either.
            assert notice_due_plan(day, now=at(day, 9))[RULE] == 0
        deliver(now=at(day, 6, 15))  # in-app at once; the robot waits for 07:30
        assert not Outbox.objects.filter(
            channel="wecom", state=OutboxState.SENT, sent_at__gte=at(day, 0)
        ).exists()
        deliver(now=at(day, 8))
        for row in Outbox.objects.filter(rule=RULE, channel="in_app").exclude(pk__in=before):
            _rule, source, user, _ch, occurrence = row.dedupe_key.split("|")
            got.add((day, int(source.split(":")[1]), occurrence, int(user)))
    assert got == expected
    in_app = Outbox.objects.filter(rule=RULE, channel="in_app")
    assert in_app.count() == len(expected)
    assert set(in_app.values_list("state", flat=True)) == {OutboxState.SENT}
    robot = Outbox.objects.filter(rule=RULE, channel="wecom")
    assert robot.count() == sum(1 for e in expected if e[3] == p.reporter_a.pk)
    sent = Counter(m.outbox_id for m in wecom.sent if m.outbox_id in set(robot.values_list("pk", flat=True)))
    assert set(sent) == set(robot.values_list("pk", flat=True)) and set(sent.values()) == {1}
    for row in robot:
        assert timezone.localtime(row.sent_at).time() >= time(7, 30)  # quiet hours respected
        assert (
            row.payload["link"]
            == f"/supervision/items/{Notice.objects.get(pk=row.source.split(':')[1]).item_id}/"
        )
    text = in_app.filter(source=f"supervision.notice:{a.pk}", dedupe_key__contains="due-d3").first()
    assert text is not None and a.number in text.payload["text"] and "3 天" in text.payload["text"]
    assert rule_label(RULE) == "督办单反馈到期提醒"


@pytest.mark.django_db
def test_no_reminder_when_reminders_are_off(p: Personas, settings: Any) -> None:
    settings.LUOSHI_REMINDERS = False
    _notice(p, "甲事项", timezone.localdate() + timedelta(days=1))
    assert notice_due_plan(timezone.localdate()) == {}
    assert not Outbox.objects.filter(rule=RULE).exists()


def test_the_step_runs_after_the_reminders_and_before_the_outbox() -> None:
    names = [s.name for s in periodic.steps()]
    assert (
        names.index("notify.reminders")
        < names.index("supervision.notice_reminders")
        < names.index("notify.outbox")
    )
