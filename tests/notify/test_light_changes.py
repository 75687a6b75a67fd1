"""Notices without churn: light changes of followed tasks told as the net change, held while a report
is pending, coalesced within a day, or summarised in a daily / weekly digest. Built with the real
services (report_submit, report_approve) and the tick (`tick_plans`); the outbox step
(`services.outbox_step(day)`) is the moment of delivery."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField, NotAllowed
from luoshi.notify import services
from luoshi.notify.models import Digest, FollowedLight, Notification, Preference
from luoshi.work import rules as work_rules
from luoshi.work.models import Follow, Plan, Report, ReportState, Task
from luoshi.work.periodic import tick_plans
from luoshi.work.services import report_approve, report_approve_many, report_submit
from luoshi.work.signals import LightChange
from tests.factories import Personas
from tests.helpers import client_for


def month_end(m: int) -> date:
    return work_rules.month_end(date(2024, m, 1))


def file(p: Personas, task: Task, m: int, percent: int, on: date) -> Report:
    return report_submit(
        actor=p.reporter_a, task=task, percent=percent, period=month_end(m), on=on, acknowledge_warnings=True
    )


def approved(p: Personas, report: Report, on: date) -> Report:
    """The head lets a pending report up (plans without head approval file it submitted)."""
    if report.state == ReportState.PENDING:
        return report_approve(actor=p.head_a, report=report, on=on)
    return report


def light(task: Task) -> str:
    task.refresh_from_db()
    return task.light


def notes(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def step(day: date, capture: Any) -> dict[str, int]:
    with capture(execute=True):
        return services.outbox_step(day)


@pytest.fixture
def plan(p: Personas) -> Plan:
    return p.plan(head_approval=True)


def on_track(p: Personas, plan: Plan, title: str, capture: Any) -> Task:
    """A task reported and approved January to May (9% a month, green), followed by the leader
    from before its first report, everything told up to 2024-06-02."""
    task = p.task(plan, title=title)
    Follow.objects.create(user=p.leader, task=task)
    with capture(execute=True):
        for m in range(1, 6):
            approved(p, file(p, task, m, 9 * m, date(2024, m + 1, 1)), date(2024, m + 1, 1))
    step(date(2024, 6, 2), capture)
    assert light(task) == "green"
    return task


def test_a_change_caused_by_a_pending_report_is_not_told(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    """June's report is filed on time but waits for the head: the task drifts to 滞后 meanwhile and
    turns 正常 on approval day. Followers hear nothing of it."""
    capture = django_capture_on_commit_callbacks
    task = on_track(p, plan, "建设产业园", capture)
    told = notes(p.leader)
    assert told == ["建设产业园：逾期 → 正常"]  # created after its plan ended, then reported
    june = file(p, task, 6, 50, date(2024, 7, 2))
    for day in (date(2024, 7, 4), date(2024, 7, 5)):
        with capture(execute=True):
            tick_plans(day)
        step(day, capture)
        step(day + timedelta(days=1), capture)
        assert light(task) == "yellow"  # the lag exists only because the head has not approved yet
    assert FollowedLight.objects.get(user=p.leader, task=task).changed_at is not None  # held
    assert notes(p.leader) == told
    with capture(execute=True):
        report_approve(actor=p.head_a, report=june, on=date(2024, 7, 6))
    assert light(task) == "green"
    for day in (date(2024, 7, 6), date(2024, 7, 7), date(2024, 7, 14)):
        step(day, capture)
    assert notes(p.leader) == told  # back where it was: nothing to tell
    row = FollowedLight.objects.get(user=p.leader, task=task)
    assert (row.announced, row.light, row.changed_at) == ("green", "green", None)


def test_a_change_held_by_a_pending_report_is_told_net_once_none_is_pending(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    """Five reports filed late and approved in a row, one transaction each: the task goes from
    严重滞后 to 正常 and its follower is told once, with the net change."""
    capture = django_capture_on_commit_callbacks
    task = p.task(plan, title="老旧小区改造")
    other = p.task(plan, title="新建学校")
    Follow.objects.create(user=p.leader, task=task)
    Follow.objects.create(user=p.leader, task=other)
    with capture(execute=True):
        tick_plans(date(2024, 6, 3))
    step(date(2024, 6, 4), capture)
    assert (light(task), light(other)) == ("red", "red")
    assert notes(p.leader) == ["老旧小区改造：逾期 → 严重滞后", "新建学校：逾期 → 严重滞后"]
    reports = [file(p, task, m, 9 * m, date(2024, 6, 4)) for m in range(1, 6)]
    reports += [file(p, other, m, 9 * m, date(2024, 6, 4)) for m in range(1, 6)]
    seen = []
    for report in reports:  # 全部审核通过, one approval after the other
        with capture(execute=True):
            report_approve(actor=p.head_a, report=report, on=date(2024, 6, 5))
        seen.append(light(task))
        step(date(2024, 6, 5), capture)
        if report is reports[4]:
            assert notes(p.leader)[2:] == []  # the task's own burst is still settling (quiet period)
    assert seen[0] == "red" and seen[4] == "green"
    assert light(other) == "green"
    step(date(2024, 6, 6), capture)  # the day has ended
    assert notes(p.leader)[2:] == ["老旧小区改造：严重滞后 → 正常", "新建学校：严重滞后 → 正常"]
    step(date(2024, 6, 7), capture)
    assert len(notes(p.leader)) == 4


def test_flapping_within_a_day_is_coalesced(p: Personas, django_capture_on_commit_callbacks: Any) -> None:
    """Without head approval: a figure typed too low, then corrected the same day — 正常 → 严重滞后 →
    正常 — tells nobody; a real change the next day is told once, as the net change."""
    capture = django_capture_on_commit_callbacks
    plan = p.plan(head_approval=False)
    task = on_track(p, plan, "道路提升改造", capture)
    told = notes(p.leader)
    with capture(execute=True):
        wrong = file(p, task, 6, 5, date(2024, 7, 2))
    assert light(task) == "red"
    with capture(execute=True):
        report_submit(
            actor=p.reporter_a,
            task=task,
            percent=52,
            period=month_end(6),
            on=date(2024, 7, 2),
            corrects=wrong,
            acknowledge_warnings=True,
        )
    assert light(task) == "green"
    step(date(2024, 7, 2), capture)
    step(date(2024, 7, 3), capture)
    assert notes(p.leader) == told
    with capture(execute=True):
        file(p, task, 7, 30, date(2024, 8, 1))
    step(date(2024, 8, 2), capture)
    assert notes(p.leader) == [*told, "道路提升改造：正常 → 严重滞后"]


def test_immediate_followers_are_told_once_the_change_has_been_quiet(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    task = p.task(plan, title="污水管网建设")
    Follow.objects.create(user=p.head_a, task=task)
    with capture(execute=True):
        tick_plans(date(2024, 7, 1))
    now = timezone.now()
    with capture(execute=True):
        assert services.light_changes_deliver(day=date(2024, 7, 1), now=now)["light_notices"] == 0
    assert notes(p.head_a) == []
    with capture(execute=True):
        out = services.light_changes_deliver(day=date(2024, 7, 1), now=now + timedelta(minutes=15))
    assert out["light_notices"] == 1 and notes(p.head_a) == ["污水管网建设：逾期 → 严重滞后"]
    with override_settings(LUOSHI_NOTIFY_QUIET_MINUTES=0):
        with capture(execute=True):
            tick_plans(date(2024, 12, 31))  # still red: nothing staged
            assert services.outbox_step(date(2024, 12, 31))["light_notices"] == 0


def test_unfollowed_tasks_are_not_told(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    task = p.task(plan)
    Follow.objects.create(user=p.leader, task=task)
    with capture(execute=True):
        tick_plans(date(2024, 7, 1))
    Follow.objects.filter(user=p.leader).delete()
    step(date(2024, 7, 2), capture)
    assert notes(p.leader) == [] and not FollowedLight.objects.exists()


def digest_world(p: Personas, plan: Plan, capture: Any, mode: str) -> list[Task]:
    """Three tasks followed by the leader and told up to 2024-06-04: 甲 and 乙 reported to May (正常),
    丙 never (严重滞后); then the leader chooses a digest."""
    a, b = (on_track(p, plan, title, capture) for title in ("甲任务", "乙任务"))
    c = p.task(plan, title="丙任务")
    Follow.objects.create(user=p.leader, task=c)
    with capture(execute=True):
        tick_plans(date(2024, 6, 3))
    step(date(2024, 6, 4), capture)
    assert (light(a), light(b), light(c)) == ("green", "green", "red")
    services.preference_set(actor=p.leader, digest=mode)
    Notification.objects.filter(user=p.leader).delete()
    return [a, b, c]


def catch_up(p: Personas, task: Task, on: date) -> list[Report]:
    """File January to June for a task that never reported (pending with the head)."""
    return [file(p, task, m, 9 * m, on) for m in range(1, 7)]


def test_the_daily_digest_is_one_notification_a_day(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    a, b, c = digest_world(p, plan, capture, Digest.DAILY)
    Follow.objects.create(user=p.head_a, task=a)  # an immediate follower beside
    with capture(execute=True):
        tick_plans(date(2024, 7, 4))  # Thursday: June's reports of 甲 and 乙 are late
        for report in catch_up(p, c, date(2024, 7, 4)):
            approved(p, report, date(2024, 7, 4))
    assert (light(a), light(b), light(c)) == ("yellow", "yellow", "green")
    step(date(2024, 7, 4), capture)
    assert notes(p.leader) == []  # the day is not over
    for _run in range(3):  # the worker runs it every few minutes: one digest all the same
        step(date(2024, 7, 5), capture)
    assert notes(p.leader) == [
        "昨日关注任务亮灯变化：2 项变差（乙任务：正常 → 滞后；甲任务：正常 → 滞后）、"
        "1 项好转（丙任务：严重滞后 → 正常）"
    ]
    assert Notification.objects.get(user=p.leader).task_id is None
    assert notes(p.head_a) == ["甲任务：正常 → 滞后"]
    assert Preference.objects.get(user=p.leader).digest_until == date(2024, 7, 4)
    step(date(2024, 7, 6), capture)  # nothing changed on the 5th: no digest
    assert len(notes(p.leader)) == 1


def test_the_weekly_digest_is_sent_on_monday_for_the_week_before(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    a, b, c = digest_world(p, plan, capture, Digest.WEEKLY)
    with capture(execute=True):
        tick_plans(date(2024, 7, 4))  # Thursday
        filed = catch_up(p, c, date(2024, 7, 4))
        for report in filed[:4]:
            approved(p, report, date(2024, 7, 5))
    for day in (date(2024, 7, 5), date(2024, 7, 6), date(2024, 7, 7)):  # up to Sunday
        step(day, capture)
        assert notes(p.leader) == []
    step(date(2024, 7, 8), capture)  # Monday: the week of 1–7 July, 丙 held by its pending reports
    assert notes(p.leader) == ["上周关注任务亮灯变化：2 项变差（乙任务：正常 → 滞后；甲任务：正常 → 滞后）"]
    with capture(execute=True):
        for report in filed[4:]:
            approved(p, report, date(2024, 7, 9))
    assert light(c) == "green"
    for day in (date(2024, 7, 8), date(2024, 7, 9), date(2024, 7, 14)):
        step(day, capture)
    assert len(notes(p.leader)) == 1  # the week is not over
    step(date(2024, 7, 16), capture)  # the tick missed Monday: Tuesday sends it
    step(date(2024, 7, 17), capture)
    assert notes(p.leader)[1:] == ["上周关注任务亮灯变化：1 项好转（丙任务：严重滞后 → 正常）"]


def test_choosing_a_digest_is_a_service_audited_and_a_form(p: Personas) -> None:
    assert services.preference_of(p.leader) == Digest.IMMEDIATE
    services.preference_set(actor=p.leader, digest=Digest.WEEKLY)
    services.preference_set(actor=p.leader, digest=Digest.WEEKLY)  # no change, no entry
    [entry] = Entry.objects.filter(action="notify.preference.changed")
    assert (entry.before, entry.after, entry.actor_id) == (
        {"digest": "immediate"},
        {"digest": "weekly"},
        p.leader.pk,
    )
    assert services.preference_of(p.leader) == Digest.WEEKLY
    assert services.preference_of(p.head_a) == Digest.IMMEDIATE
    assert list(Preference.objects.visible_to(p.head_a)) == []
    assert list(Preference.objects.visible_to(None)) == []
    with pytest.raises(InvalidField):
        services.preference_set(actor=p.leader, digest="hourly")
    with pytest.raises(NotAllowed):
        services.preference_set(actor=None, digest=Digest.DAILY)
    assert services.preference_of(p.leader) == Digest.WEEKLY


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "officer", "auditor"])
def test_the_preference_form_on_the_notifications_page(p: Personas, who: str) -> None:
    user = getattr(p, who)
    c = client_for(user)
    page = c.get("/notifications/")
    assert page.status_code == 200 and 'id="notify-preference"' in page.content.decode()
    resp = c.post("/notifications/preference/", {"digest": "daily"}, headers={"HX-Request": "true"})
    assert resp.status_code == 200 and "已保存" in resp.content.decode()
    assert 'value="daily" selected' in resp.content.decode()
    assert services.preference_of(user) == Digest.DAILY
    resp = c.post("/notifications/preference/", {"digest": "weekly"})
    assert resp.status_code == 302 and resp["Location"] == "/notifications/"
    assert services.preference_of(user) == Digest.WEEKLY
    bad = c.post("/notifications/preference/", {"digest": "hourly"}, headers={"HX-Request": "true"})
    # Refused: 200 (HTMX swaps no 4xx in), the select marked invalid and described by its message.
    assert bad.status_code == 200 and services.preference_of(user) == Digest.WEEKLY
    assert 'aria-invalid="true" aria-describedby="id_digest-error"' in bad.content.decode()


def test_the_preference_form_refuses_visitors(p: Personas) -> None:
    from django.test import Client

    resp = Client().post("/notifications/preference/", {"digest": "daily"})
    assert resp.status_code == 302 and "/login/" in resp["Location"]
    assert not Preference.objects.exists()
    assert client_for(p.leader).get("/notifications/preference/").status_code == 405


def test_one_refresh_that_changes_a_task_twice_stages_its_net_change(p: Personas, plan: Plan) -> None:
    """`report_approve_many` may refresh a task more than once in one signal: the first light before
    and the last after are kept."""
    task = p.task(plan, title="甲")
    Follow.objects.create(user=p.leader, task=task)
    changes = [LightChange(task.pk, "green", "yellow"), LightChange(task.pk, "yellow", "red")]
    assert services.light_changes_stage(changes, on=date(2024, 7, 1)) == 1
    row = FollowedLight.objects.get()
    assert (row.announced, row.light, row.changed_on) == ("green", "red", date(2024, 7, 1))
    services.light_changes_stage([LightChange(task.pk, "red", "green")], on=date(2024, 7, 1))
    out = services.light_changes_deliver(day=date(2024, 7, 2))
    assert out == {
        "light_notices": 0,
        "light_digests": 0,
        "light_changes_dropped": 1,
        "light_changes_held": 0,
    }
    assert (
        services.light_changes_stage([LightChange(p.task(plan).pk, "green", "red")], on=date(2024, 7, 1)) == 0
    )


def test_approve_all_tells_each_task_once(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    """全部审核通过 (`report_approve_many`, one transaction) over five reports of each of two tasks:
    one notice per task, with its net change; the followed task it did not touch (丙) sends none."""
    capture = django_capture_on_commit_callbacks
    tasks = [p.task(plan, title=t) for t in ("甲", "乙")]
    steady = on_track(p, plan, "丙", capture)
    for task in tasks:
        Follow.objects.create(user=p.leader, task=task)
    with capture(execute=True):
        tick_plans(date(2024, 6, 3))
    step(date(2024, 6, 4), capture)
    told = notes(p.leader)
    assert told[-2:] == ["甲：逾期 → 严重滞后", "乙：逾期 → 严重滞后"] and light(steady) == "green"
    reports = [file(p, t, m, 9 * m, date(2024, 6, 4)) for t in tasks for m in range(1, 6)]
    with capture(execute=True):
        approved, refused = report_approve_many(actor=p.head_a, reports=reports, on=date(2024, 6, 5))
    assert (len(approved), refused) == (10, [])
    step(date(2024, 6, 6), capture)
    assert notes(p.leader)[len(told) :] == ["甲：严重滞后 → 正常", "乙：严重滞后 → 正常"]


def test_the_worker_runs_the_outbox_step_every_five_minutes(
    p: Personas, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from luoshi.notify.tasks import notify_outbox

    periodic = notify_outbox.task_class()
    assert periodic.validate_datetime(dt.datetime(2024, 7, 1, 9, 5))
    assert not periodic.validate_datetime(dt.datetime(2024, 7, 1, 9, 7))
    task = p.task(plan, title="甲")
    Follow.objects.create(user=p.leader, task=task)
    services.light_changes_stage([LightChange(task.pk, "green", "yellow")], on=timezone.localdate())
    monkeypatch.setattr(services, "quiet_period", lambda: timedelta(0))
    assert notify_outbox.call_local()["light_notices"] == 1
    assert notes(p.leader) == ["甲：正常 → 滞后"]


def test_a_change_into_overdue_is_told_even_while_a_report_waits(
    p: Personas, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    """逾期 follows the due date and the task's status, never a report's figures: a head sitting on a
    report does not keep a task's followers from hearing that it is past its deadline."""
    capture = django_capture_on_commit_callbacks
    task = p.task(plan, title="道路提档升级", due=date(2024, 6, 30))
    Follow.objects.create(user=p.leader, task=task)
    with capture(execute=True):
        for m in range(1, 6):
            approved(p, file(p, task, m, 16 * m, date(2024, m + 1, 1)), date(2024, m + 1, 1))
        tick_plans(date(2024, 6, 20))
    step(date(2024, 6, 21), capture)
    told = notes(p.leader)
    file(p, task, 6, 95, date(2024, 6, 29))  # waits for the head
    with capture(execute=True):
        tick_plans(date(2024, 7, 1))
    assert light(task) == "overdue"
    step(date(2024, 7, 2), capture)
    assert notes(p.leader)[len(told) :] == ["道路提档升级：滞后 → 逾期"]  # 80% of ~94% on 20 June
