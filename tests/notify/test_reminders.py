"""Reminders over a simulated month: every expected message once, to the recording channel, across
quiet hours, a crashed in-app delivery and a worker that died after claiming (at most once)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from luoshi.audit.models import Entry as AuditEntry
from luoshi.errors import LuoshiError, NotAllowed
from luoshi.notify import channels, services
from luoshi.notify.models import Notification, Outbox, OutboxState, Preference
from luoshi.notify.reminders import reminders_plan
from luoshi.notify.services import deliver, notify_event, outbox_requeue, reminders_set
from tests.factories import Personas

JULY = [date(2024, 7, 1) + timedelta(days=i) for i in range(31)]  # 1 July 2024 is a Monday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def wecom() -> Any:
    fake = channels.RecordingChannel("wecom")
    channels.use("wecom", fake)
    yield fake
    channels.use("wecom", None)


@pytest.fixture
def reminders_on(settings: Any) -> None:
    settings.LUOSHI_REMINDERS = True
    settings.LUOSHI_REMINDER_DAYS_BEFORE = [7, 3, 1]


def expected_task_reminders(task: Any, users: list[Any]) -> set[tuple[date, str, int, int]]:
    """Written from the schedule, not from the code: 7, 3 and 1 days before, and the day after."""
    due = task.due
    days = {
        due - timedelta(days=7): "task.due_soon",
        due - timedelta(days=3): "task.due_soon",
        due - timedelta(days=1): "task.due_soon",
        due + timedelta(days=1): "task.overdue",
    }
    return {(d, rule, task.pk, u.pk) for d, rule in days.items() if d in JULY for u in users}


def test_a_month_of_reminders_sends_each_once_across_a_worker_restart(
    p: Personas, reminders_on: None, wecom: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    plan = p.plan()
    t1 = p.task(plan, title="建设产业园", due=date(2024, 7, 10))
    t2 = p.task(plan, title="改造老旧小区", due=date(2024, 7, 20))
    t3 = p.task(plan, unit=p.unit_b, title="清理欠款", due=date(2024, 7, 25))
    # reporter A hears on the WeCom robot too, quiet 22:00–07:30 (the default); head A wants no digest.
    reminders_set(actor=p.reporter_a, wecom_on=True)
    reminders_set(actor=p.head_a, weekly_digest=False)
    a_people, b_people = [p.reporter_a, p.head_a], [p.reporter_b]
    expected = (
        expected_task_reminders(t1, a_people)
        | expected_task_reminders(t2, a_people)
        | expected_task_reminders(t3, b_people)
    )
    # Weekly digests on Mondays for whoever has something due within 7 days, overdue or late.
    digests = {
        (date(2024, 7, 8), p.reporter_a.pk),  # t1 due on the 10th
        (date(2024, 7, 15), p.reporter_a.pk),  # t2 due on the 20th, t1 overdue
        (date(2024, 7, 22), p.reporter_a.pk),
        (date(2024, 7, 22), p.reporter_b.pk),  # t3 due on the 25th
        (date(2024, 7, 29), p.reporter_a.pk),
        (date(2024, 7, 29), p.reporter_b.pk),
    }
    crashed: list[int] = []
    for day in JULY:
        if day == date(2024, 7, 9):
            # The in-app delivery right after the day's planning breaks: the next step sends it.
            monkeypatch.setitem(services.CHANNELS, "in_app", _broken)
        with django_capture_on_commit_callbacks(execute=True):
            reminders_plan(day, now=at(day, 6))  # the daily tick, in the quiet hours
            reminders_plan(day, now=at(day, 6, 5))  # run twice: queues nothing new
        if day == date(2024, 7, 9):
            monkeypatch.undo()
            assert Outbox.objects.filter(state=OutboxState.FAILED, channel="in_app").count() == 2
        deliver(now=at(day, 6, 15))  # in-app goes; the robot waits for 07:30
        assert not Outbox.objects.filter(
            channel="wecom", state=OutboxState.SENT, sent_at__gte=at(day, 0)
        ).exists()
        if day == date(2024, 7, 17):
            # The worker claims the robot's rows at 08:00 and dies before sending them.
            token, rows = services._claim(now=at(day, 8))
            crashed = [r.pk for r in rows]
            assert crashed and all(r.state == OutboxState.SENDING for r in rows)
            # Restarted at 08:05: the claimed rows are not sent again, nor before the lease ends.
            deliver(now=at(day, 8, 5))
            assert set(Outbox.objects.filter(pk__in=crashed).values_list("state", flat=True)) == {"sending"}
        deliver(now=at(day, 8))
        deliver(now=at(day, 9))  # a later step finds nothing left
    # After the lease the crashed rows are "unknown", never resent by themselves.
    deliver(now=at(date(2024, 8, 1), 9))
    assert set(Outbox.objects.filter(pk__in=crashed).values_list("state", flat=True)) == {"unknown"}

    # Each in-app row delivered once: one notification per sent row, none for a row twice.
    assert Notification.objects.count() == Outbox.objects.filter(channel="in_app", state="sent").count()
    got = {
        (r.created_day, r.rule, r.payload.get("task"), r.recipient_id)
        for r in _rows(channel="in_app", rule__in=["task.due_soon", "task.overdue"])
    }
    assert got == expected
    assert {(r.created_day, r.recipient_id) for r in _rows(channel="in_app", rule="digest.weekly")} == digests
    assert Notification.objects.count() == len(expected) + len(digests)
    assert not Outbox.objects.filter(channel="in_app").exclude(state=OutboxState.SENT).exists()

    # The robot got reporter A's reminders, each once, outside the quiet hours, except the crashed.
    sent_ids = [m.outbox_id for m in wecom.sent]
    assert len(sent_ids) == len(set(sent_ids))
    robot_rows = Outbox.objects.filter(channel="wecom")
    assert robot_rows.count() == sum(1 for e in expected if e[3] == p.reporter_a.pk) + sum(
        1 for d in digests if d[1] == p.reporter_a.pk
    )
    assert set(sent_ids) == set(robot_rows.exclude(pk__in=crashed).values_list("pk", flat=True))
    for row in robot_rows.filter(state=OutboxState.SENT):
        assert timezone.localtime(row.sent_at).time() >= time(7, 30)
    assert all(m.text and m.link for m in wecom.sent if m.task_id)

    # The office sends the unknown ones again, audited: exactly once more.
    with pytest.raises(NotAllowed):
        outbox_requeue(actor=p.reporter_a, ids=crashed)
    assert outbox_requeue(actor=p.officer, ids=crashed) == len(crashed)
    assert AuditEntry.objects.filter(action="notify.outbox.requeued").count() == 1
    deliver(now=at(date(2024, 8, 1), 10))
    deliver(now=at(date(2024, 8, 1), 11))
    counted = Counter(m.outbox_id for m in wecom.sent)
    assert set(counted) == set(robot_rows.values_list("pk", flat=True)) and set(counted.values()) == {1}
    with pytest.raises(LuoshiError):
        outbox_requeue(actor=p.officer, ids=crashed)  # sent now: nothing to requeue


def _broken(rows: Any) -> None:
    raise RuntimeError("database hiccup")


def _rows(**filters: Any) -> list[Any]:
    rows = list(Outbox.objects.filter(**filters))
    for r in rows:
        r.created_day = _created_day(r)
    return rows


def _created_day(row: Any) -> date:
    """The simulated day a reminder was planned for: its due-soon/overdue text names no day, so
    read it from the row's key occurrence and the task's due date (digests: the ISO week)."""
    rule, source, _u, _c, occurrence = row.dedupe_key.split("|")
    if rule == "digest.weekly":
        year, week = occurrence.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    from luoshi.work.models import Task

    due = Task.objects.get(pk=int(source.split(":")[1])).due
    if rule == "task.overdue":
        return due + timedelta(days=1)
    return due - timedelta(days=int(occurrence[1:]))


def test_a_skipped_tick_catches_up_once(p: Personas, reminders_on: None) -> None:
    plan = p.plan()
    task = p.task(plan, due=date(2024, 7, 10))
    reminders_plan(date(2024, 7, 2))  # 8 days left: nothing yet
    assert not Outbox.objects.exists()
    reminders_plan(date(2024, 7, 5))  # the 3rd and 4th were missed: the d7 reminder goes now
    reminders_plan(date(2024, 7, 6))
    assert sorted(Outbox.objects.values_list("dedupe_key", flat=True)) == sorted(
        f"task.due_soon|work.task:{task.pk}|{u.pk}|in_app|d7" for u in (p.reporter_a, p.head_a)
    )


def test_reminders_off_by_setting_queue_nothing(p: Personas, settings: Any) -> None:
    settings.LUOSHI_REMINDERS = False
    p.task(p.plan(), due=date(2024, 7, 3))
    assert reminders_plan(date(2024, 7, 2)) == {}
    assert not Outbox.objects.exists()


def test_notify_event_is_traced_deduplicated_and_follows_preferences(
    p: Personas, wecom: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reminders_set(actor=p.head_a, wecom_on=True, quiet_start=time(0, 0), quiet_end=time(0, 0))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify_event(
                rule="supervision.escalated",
                recipients=[p.head_a.pk, p.reporter_a.pk, p.head_a.pk],
                text="督办：请于三日内书面回复",
                key="supervision.item:42",
                occurrence="督办",
                link="/supervision/items/42/",
            )
    rows = Outbox.objects.order_by("recipient_id", "channel")
    assert [(r.recipient_id, r.channel, r.rule, r.source) for r in rows] == sorted(
        [
            (p.reporter_a.pk, "in_app", "supervision.escalated", "supervision.item:42"),
            (p.head_a.pk, "in_app", "supervision.escalated", "supervision.item:42"),
            (p.head_a.pk, "wecom", "supervision.escalated", "supervision.item:42"),
        ]
    )
    # In-app at once (after the commit), the robot only from the outbox step.
    assert Notification.objects.count() == 2 and not wecom.sent
    deliver()
    assert [(m.recipient_id, m.link) for m in wecom.sent] == [(p.head_a.pk, "/supervision/items/42/")]
    with pytest.raises(Exception, match="规则"):
        notify_event(rule="", recipients=[p.head_a.pk], text="x", key="k")


def test_quiet_hours_hold_external_messages_but_not_in_app(p: Personas, wecom: Any) -> None:
    reminders_set(actor=p.head_a, wecom_on=True, quiet_start=time(21, 0), quiet_end=time(8, 0))
    night = at(date(2024, 7, 1), 23)
    notify_event(rule="r", recipients=[p.head_a.pk], text="夜间事件", key="k:1", now=night)
    row = Outbox.objects.get(channel="wecom")
    assert row.next_try_at == at(date(2024, 7, 2), 8)
    deliver(now=at(date(2024, 7, 2), 7, 59))
    assert not wecom.sent and Notification.objects.filter(text="夜间事件").count() == 1
    deliver(now=at(date(2024, 7, 2), 8))
    assert len(wecom.sent) == 1


def test_reminder_preferences_are_audited_and_checked(p: Personas) -> None:
    pref = reminders_set(actor=p.reporter_a, email_on=True, quiet_end=time(6, 45))
    assert (pref.email_on, pref.quiet_end, pref.quiet_start) == (True, time(6, 45), time(22, 0))
    entry = AuditEntry.objects.get(action="notify.reminders.changed")
    assert entry.after == {"email_on": "True", "quiet_end": "06:45:00"}
    reminders_set(actor=p.reporter_a, email_on=True)  # no change: no entry
    assert AuditEntry.objects.filter(action="notify.reminders.changed").count() == 1
    with pytest.raises(LuoshiError):
        reminders_set(actor=p.reporter_a, user_id=3)
    with pytest.raises(Exception, match="时间"):
        reminders_set(actor=p.reporter_a, quiet_start="22")
    with pytest.raises(NotAllowed):
        reminders_set(actor=None, email_on=True)
    assert Preference.objects.get(user=p.reporter_a).quiet_start == time(22, 0)


def test_a_task_late_for_many_periods_gets_one_reminder_naming_them_all(
    p: Personas, reminders_on: None, monkeypatch: Any
) -> None:
    """A first tick over months of history records every late period at once: each person of the unit
    hears once per task, of its latest late period and how many earlier ones are late too, not once
    per period; queued a chunk of tasks at a time (here one), with the same result."""
    from luoshi.notify import reminders
    from luoshi.work.models import LateReport

    monkeypatch.setattr(reminders, "CHUNK", 1)
    plan = p.plan()
    day = date(2024, 7, 3)  # a Wednesday: no weekly digest
    many = p.task(plan, title="季度统计", due=date(2024, 12, 31))
    once = p.task(plan, title="月度台账", due=date(2024, 12, 31))
    periods = [date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30)]
    LateReport.objects.bulk_create(
        [LateReport(task=many, unit=p.unit_a, period_end=e, due_on=e, detected_on=day) for e in periods]
        + [LateReport(task=once, unit=p.unit_a, period_end=periods[-1], due_on=periods[-1], detected_on=day)]
    )
    summary = reminders_plan(day)
    rows = Outbox.objects.filter(rule="report.late", channel="in_app")
    assert summary["report.late"] == rows.count() == 4  # two tasks × reporter A and head A
    texts = {(r.task_id, r.recipient_id): r.payload["text"] for r in rows}
    for user in (p.reporter_a, p.head_a):
        assert texts[(many.pk, user.pk)] == "迟报：季度统计（2024-06-30 期，另有 3 期未报）"
        assert texts[(once.pk, user.pk)] == "迟报：月度台账（2024-06-30 期）"
    assert reminders_plan(day)["report.late"] == 0  # the next run queues nothing new


@pytest.mark.django_db
def test_queue_writes_each_key_once_and_counts_only_new_rows(
    p: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    """`queue` works out every row's dedupe key before it builds a row: a key already queued (an
    earlier day's reminder) or named twice in one call is one row, and only new rows are counted and
    delivered in the app."""
    user = p.reporter_a.pk
    first = services.Entry(
        "work.task.overdue", "work.task:1", user, "任务已逾期", "2024-06-01", "/work/tasks/1/", None
    )
    second = services.Entry("work.task.overdue", "work.task:2", user, "任务已逾期", "2024-06-01", "", None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue([first]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue([first, second, second]) == 1
    rows = Outbox.objects.filter(recipient_id=user, rule="work.task.overdue")
    assert sorted(rows.values_list("source", flat=True)) == ["work.task:1", "work.task:2"]
    assert rows.get(source="work.task:1").payload == {
        "task": None,
        "text": "任务已逾期",
        "link": "/work/tasks/1/",
    }
    assert set(rows.values_list("state", flat=True)) == {OutboxState.SENT}
