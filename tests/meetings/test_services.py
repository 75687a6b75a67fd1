"""Services of dispatch meetings: who may, what is written and audited, what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.db.models import ProtectedError
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.meetings import agenda, services
from luoshi.meetings.models import (
    AgendaItem,
    Attendance,
    CheckInRefusal,
    Decision,
    Meeting,
    MeetingState,
)
from luoshi.notify.models import Outbox
from luoshi.work.models import Source, Task

from .conftest import World, day, set_task


def codes() -> list[str]:
    return list(Entry.objects.order_by("id").values_list("action", flat=True))


def test_series_and_meeting_audited_with_roll(world: World) -> None:
    assert "meetings.series.created" in codes() and "meetings.meeting.created" in codes()
    roll = dict(
        Attendance.objects.filter(meeting=world.meeting).values_list("person__user__username", "required")
    )
    # the senior head of unit A and the chair; not the reporter (role) nor unit B (scope)
    assert roll == {"head_a": True, "leader": True}
    assert world.meeting.agenda_send_at == world.start - timedelta(hours=48)
    assert world.meeting.number == 1


def test_roll_leaves_out_posts_below_rank(world: World) -> None:
    from luoshi.org.models import Post

    Post.objects.filter(memberships__person__user=world.p.head_a).update(senior=False)
    m = services.meeting_create(
        actor=world.p.officer, series=world.series, starts_at=world.start + timedelta(days=7)
    )
    assert list(Attendance.objects.filter(meeting=m).values_list("person__user__username", flat=True)) == [
        "leader"
    ]


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "auditor"])
def test_only_the_office_sets_up(world: World, who: str) -> None:
    with pytest.raises(NotAllowed):
        services.meeting_create(actor=getattr(world.p, who), series=world.series, starts_at=world.start)
    with pytest.raises(NotAllowed):
        services.agenda_generate(actor=getattr(world.p, who), meeting=world.meeting)


def test_series_refuses_bad_input(world: World) -> None:
    p = world.p
    kw = dict(actor=p.officer, chair=p.leader.person, start_time=world.start.time())
    with pytest.raises(InvalidField) as e:
        services.series_create(name="区长调度会", cadence="weekly", **kw)  # type: ignore[arg-type]
    assert e.value.field == "name"
    with pytest.raises(InvalidField) as e:
        services.series_create(name="新会", cadence="hourly", **kw)  # type: ignore[arg-type]
    assert e.value.field == "cadence"
    with pytest.raises(InvalidField):
        services.series_create(name="新会", cadence="weekly", duration_minutes=5, **kw)  # type: ignore[arg-type]


def test_agenda_lists_exactly_what_lags_in_scope(world: World) -> None:
    n = services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    items = {i.task_id: i.reasons for i in AgendaItem.objects.filter(meeting=world.meeting)}
    assert n == 3
    assert items == {world.red.pk: "red", world.overdue.pk: "overdue", world.late.pk: "late_report"}
    # the tasks were read, never written
    assert Task.objects.get(pk=world.red.pk).light == "red"
    assert codes()[-1] == "meetings.agenda.generated"


def test_a_task_on_an_agenda_cannot_be_deleted(world: World) -> None:
    """The agenda's task, lead unit and region are not checked by the database (a city-wide agenda's
    lines would each be checked at commit), so Django's PROTECT is what keeps a task on an agenda;
    the meeting is still a database foreign key, and deleting a meeting takes its lines with it."""
    services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    with pytest.raises(ProtectedError):
        Task.objects.filter(pk=world.red.pk).delete()
    item = AgendaItem.objects.select_related("lead_unit").get(meeting=world.meeting, task=world.red)
    assert item.lead_unit == world.red.lead_unit and item.region_id == world.meeting.region_id
    Meeting.objects.filter(pk=world.meeting.pk).delete()
    assert not AgendaItem.objects.filter(task=world.red).exists()


def test_agenda_without_unit_scope_takes_every_unit(world: World) -> None:
    world.series.units.clear()
    services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    assert world.red_b.pk in set(
        AgendaItem.objects.filter(meeting=world.meeting).values_list("task_id", flat=True)
    )


def test_agenda_regenerates_and_leaves_out_closed_tasks(world: World) -> None:
    services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    set_task(world.red, status="closed")
    set_task(world.green, light="red")
    services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    ids = set(AgendaItem.objects.filter(meeting=world.meeting).values_list("task_id", flat=True))
    assert ids == {world.green.pk, world.overdue.pk, world.late.pk}


def test_agenda_redraw_writes_only_what_changed(world: World) -> None:
    """Redrawing keeps the stored lines that are drawn the same (same rows), rewrites a changed one
    with the figures of now, drops what no longer lags and adds what newly does, in the rule's order."""
    services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    before = {i.task_id: i for i in AgendaItem.objects.filter(meeting=world.meeting)}
    assert services.agenda_generate(actor=world.p.officer, meeting=world.meeting) == 3
    again = {i.task_id: i for i in AgendaItem.objects.filter(meeting=world.meeting)}
    assert {t: i.pk for t, i in again.items()} == {t: i.pk for t, i in before.items()}  # nothing rewritten

    set_task(world.overdue, title="改了名字的逾期任务")
    set_task(world.late, status="closed")
    set_task(world.green, light="red")
    assert services.agenda_generate(actor=world.p.officer, meeting=world.meeting) == 3
    after = {i.task_id: i for i in AgendaItem.objects.filter(meeting=world.meeting)}
    assert set(after) == {world.red.pk, world.overdue.pk, world.green.pk}
    assert after[world.red.pk].pk == before[world.red.pk].pk  # unchanged: the same row
    assert after[world.overdue.pk].pk != before[world.overdue.pk].pk  # changed: rewritten
    assert after[world.overdue.pk].title == "改了名字的逾期任务"
    assert sorted(i.sort for i in after.values()) == [1, 2, 3]
    assert [i.task_id for i in AgendaItem.objects.filter(meeting=world.meeting).order_by("sort")] == [
        c.task_id for _name, c in agenda.collect(world.series, timezone.localdate(world.meeting.starts_at))
    ]


def test_other_sources_register_and_merge(world: World) -> None:
    def escalations(series, on):  # type: ignore[no-untyped-def]
        base = agenda.task_candidates(series, on)
        red = next(c for c in base if c.task_id == world.red.pk)
        return [red._replace(reasons=("escalated",))]

    agenda.register("zz_escalations", escalations)
    try:
        services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    finally:
        agenda._SOURCES.pop("zz_escalations")
    item = AgendaItem.objects.get(meeting=world.meeting, task=world.red)
    assert item.reason_list == ["red", "escalated"]
    assert AgendaItem.objects.filter(meeting=world.meeting).count() == 3


def _stored_lines(meeting: Meeting) -> list[tuple[object, ...]]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("sort")
        .values_list("task_id", "source", "reasons", "title", "lead_unit_id", "light", "due", "sort")
    )


def _collected_lines(world: World) -> list[tuple[object, ...]]:
    on = timezone.localdate(world.meeting.starts_at)
    return [
        (c.task_id, name, ",".join(c.reasons), c.title, c.lead_unit_id, c.light, c.due, i)
        for i, (name, c) in enumerate(agenda.collect(world.series, on), start=1)
    ]


def test_a_first_draw_written_by_the_database_is_what_collect_draws(world: World) -> None:
    """A first draw has the database write the tasks source's lines (INSERT … SELECT) after the other
    sources' lines; an earlier source naming a task the tasks source names too keeps the line, with
    both sources' reasons merged in the rule's order. The same lines, figures and order as `collect`."""

    def escalations(series, on):  # type: ignore[no-untyped-def]
        base = agenda.task_candidates(series, on)
        red = next(c for c in base if c.task_id == world.red.pk)
        return [red._replace(reasons=("escalated", "stuck"), title="督办中的红灯任务")]

    # overdue by its date, though its light is still green
    set_task(world.green, due=timezone.localdate(world.meeting.starts_at) - timedelta(days=3))
    agenda.register("aa_escalations", escalations)
    try:
        expected = _collected_lines(world)
        assert services.agenda_generate(actor=world.p.officer, meeting=world.meeting) == 4
        stored = _stored_lines(world.meeting)
    finally:
        agenda._SOURCES.pop("aa_escalations")
    assert stored == expected
    assert stored[0][:4] == (world.red.pk, "aa_escalations", "red,escalated,stuck", "督办中的红灯任务")
    assert {line[0]: line[2] for line in stored[1:]} == {
        world.overdue.pk: "overdue",
        world.late.pk: "late_report",
        world.green.pk: "overdue",
    }
    figures = AgendaItem.objects.get(meeting=world.meeting, task=world.overdue)
    task = Task.objects.get(pk=world.overdue.pk)
    assert (figures.actual_pct, figures.expected_pct, figures.region_id) == (
        task.actual_pct,
        task.expected_pct,
        world.meeting.region_id,
    )


def test_a_failed_redraw_keeps_the_stored_agenda_and_its_own_error(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A redraw that fails after its scratch table was made raises its own error (not the database's
    refusal of a later statement), leaves the stored lines as they were, and the next redraw works."""
    from luoshi.meetings import drawing

    services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    before = _stored_lines(world.meeting)

    def broken(meeting, scratch):  # type: ignore[no-untyped-def]
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(f"SELECT no_such_column FROM {scratch}")  # aborts a PostgreSQL transaction

    monkeypatch.setattr(drawing, "_apply_draw", broken)
    set_task(world.green, light="red")
    with pytest.raises(DatabaseError) as failed:
        services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    assert "no_such_column" in str(failed.value)
    assert _stored_lines(world.meeting) == before
    monkeypatch.undo()
    assert services.agenda_generate(actor=world.p.officer, meeting=world.meeting) == 4
    assert world.green.pk in {line[0] for line in _stored_lines(world.meeting)}


def test_the_rule_in_sql_takes_what_the_rule_takes(world: World) -> None:
    """`task_lines` works the rule out in the database: for every light, due date either side of the
    meeting day and lateness, the tasks it raises and their reasons are the rule's."""
    from luoshi.meetings import rules
    from luoshi.work.models import Light

    on = timezone.localdate(world.meeting.starts_at)
    tried = 0
    for light in Light.values:
        for due in (on - timedelta(days=1), on):
            for late in (True, False):
                set_task(world.green, light=light, due=due, report_late=late)
                reasons = rules.agenda_reasons(
                    status="in_progress", light=light, due=due, report_late=late, on=on
                )
                got = dict(agenda.task_lines(world.series, on).values_list("pk", "reasons"))
                assert got.get(world.green.pk, "") == ",".join(reasons), (light, due, late)
                tried += bool(reasons)
    assert tried >= len(Light.values) * 2  # every light overdue by date at least
    set_task(world.green, status="suspended", light="red")
    assert world.green.pk not in dict(agenda.task_lines(world.series, on).values_list("pk", "reasons"))


def test_send_freezes_notifies_and_is_idempotent(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.agenda_send(actor=world.p.officer, meeting=world.meeting) is True
    world.meeting.refresh_from_db()
    assert world.meeting.state == MeetingState.FROZEN and world.meeting.agenda_sent_at is not None
    assert Outbox.objects.count() == 2  # head of A and the chair
    set_task(world.green, light="red")
    assert services.agenda_send(actor=world.p.officer, meeting=world.meeting) is False
    assert AgendaItem.objects.filter(meeting=world.meeting).count() == 3  # frozen: not redrawn
    with pytest.raises(LuoshiError):
        services.agenda_generate(actor=world.p.officer, meeting=world.meeting)
    assert Outbox.objects.count() == 2


def test_step_sends_due_agendas_once_and_closes_rolls(world: World) -> None:
    now = world.start - timedelta(hours=49)
    assert services.meetings_step(day(now), now=now) == {"agendas_sent": 0, "meetings_ended": 0}
    now = world.start - timedelta(hours=47)
    assert services.meetings_step(day(now), now=now) == {"agendas_sent": 1, "meetings_ended": 0}
    assert services.meetings_step(day(now), now=now) == {"agendas_sent": 0, "meetings_ended": 0}
    services.checkin_card(actor=world.p.officer, meeting=world.meeting, card_no="0012345678", now=world.start)
    now = world.meeting.ends_at + timedelta(minutes=1)
    assert services.meetings_step(day(now), now=now) == {"agendas_sent": 0, "meetings_ended": 1}
    assert services.meetings_step(day(now), now=now) == {"agendas_sent": 0, "meetings_ended": 0}
    states = dict(
        Attendance.objects.filter(meeting=world.meeting).values_list("person__user__username", "state")
    )
    assert states == {"head_a": "present", "leader": "absent"}
    assert Meeting.objects.get(pk=world.meeting.pk).state == MeetingState.HELD


def test_step_is_registered() -> None:
    from luoshi.jobs.periodic import steps

    assert "meetings.agendas" in [s.name for s in steps()]


# --- check-in --------------------------------------------------------------------------------


def test_card_checkin_present_then_late(world: World) -> None:
    p = world.p
    row = services.checkin_card(
        actor=p.officer, meeting=world.meeting, card_no=" 0012345678 ", now=world.start
    )
    assert (row.state, row.method) == ("present", "card")
    again = services.checkin_card(
        actor=p.officer, meeting=world.meeting, card_no="0012345678", now=world.start + timedelta(minutes=30)
    )
    assert again.state == "present"  # a second swipe changes nothing
    late = services.checkin_card(
        actor=p.officer, meeting=world.meeting, card_no="0099999999", now=world.start + timedelta(minutes=6)
    )
    assert (late.state, late.required) == ("late", False)  # not on the roll: added as 列席
    assert codes().count("meetings.checkin.recorded") == 2


def test_unknown_card_refused_and_recorded(world: World) -> None:
    with pytest.raises(LuoshiError, match="未登记") as e:
        services.checkin_card(actor=world.p.officer, meeting=world.meeting, card_no="777", now=world.start)
    assert e.value.code == "unknown_card"
    r = CheckInRefusal.objects.get()
    assert (r.reason, r.detail, r.meeting_id) == ("unknown_card", "777", world.meeting.pk)
    assert codes()[-1] == "meetings.checkin.refused"
    assert not Attendance.objects.filter(meeting=world.meeting, checked_in_at__isnull=False).exists()


def test_checkin_to_ended_meeting_refused_and_recorded(world: World) -> None:
    with pytest.raises(LuoshiError, match="已结束"):
        services.checkin_card(
            actor=world.p.officer, meeting=world.meeting, card_no="0012345678", now=world.meeting.ends_at
        )
    assert CheckInRefusal.objects.get().reason == "ended"
    with pytest.raises(LuoshiError, match="开放"):
        services.checkin_card(
            actor=world.p.officer,
            meeting=world.meeting,
            card_no="0012345678",
            now=world.start - timedelta(hours=3),
        )


def test_card_checkin_needs_the_office(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.checkin_card(
            actor=world.p.head_a, meeting=world.meeting, card_no="0012345678", now=world.start
        )


def test_qr_token_single_use_and_expiry(world: World) -> None:
    p = world.p
    now = world.start - timedelta(minutes=10)
    token = services.token_current(actor=p.officer, meeting=world.meeting, now=now)
    assert services.token_current(actor=p.officer, meeting=world.meeting, now=now).pk == token.pk
    row = services.checkin_token(actor=p.head_a, token=token.token, now=now)
    assert (row.state, row.method) == ("present", "qr")
    with pytest.raises(LuoshiError, match="已被使用") as e:
        services.checkin_token(actor=p.leader, token=token.token, now=now)
    assert e.value.code == "token_used"
    fresh = services.token_current(actor=p.officer, meeting=world.meeting, now=now)
    assert fresh.pk != token.pk  # the door shows a new code after a scan
    with pytest.raises(LuoshiError, match="已过期"):
        services.checkin_token(actor=p.leader, token=fresh.token, now=now + timedelta(minutes=3))
    with pytest.raises(LuoshiError, match="无效"):
        services.checkin_token(actor=p.leader, token="nope", now=now)
    assert list(CheckInRefusal.objects.order_by("at", "pk").values_list("reason", flat=True)) == [
        "token_used",
        "token_expired",
        "token_unknown",
    ]
    with pytest.raises(NotAllowed):
        services.token_current(actor=p.head_a, meeting=world.meeting, now=now)


def test_secretary_and_excuse(world: World) -> None:
    p = world.p
    services.attendance_excuse(actor=p.officer, meeting=world.meeting, person=p.leader.person)
    row = services.checkin_secretary(
        actor=p.officer,
        meeting=world.meeting,
        person=p.head_a.person,
        now=world.start + timedelta(minutes=20),
    )
    assert (row.state, row.method, row.recorded_by_id) == ("late", "secretary", p.officer.pk)
    with pytest.raises(LuoshiError):
        services.attendance_excuse(actor=p.officer, meeting=world.meeting, person=p.head_a.person)
    services.meeting_end(actor=p.officer, meeting=world.meeting, now=world.meeting.ends_at)
    states = dict(
        Attendance.objects.filter(meeting=world.meeting).values_list("person__user__username", "state")
    )
    assert states == {"head_a": "late", "leader": "excused"}


# --- minutes, decisions, tasks ---------------------------------------------------------------


def test_minutes_conflict(world: World) -> None:
    m = services.minutes_save(actor=world.p.officer, meeting=world.meeting, minutes="一、听取汇报", version=1)
    assert m.version == 2
    with pytest.raises(Conflict):
        services.minutes_save(actor=world.p.officer2, meeting=world.meeting, minutes="other", version=1)
    assert Meeting.objects.get(pk=world.meeting.pk).minutes == "一、听取汇报"


def test_decisions_become_tasks_in_one_step(world: World) -> None:
    p = world.p
    deadline = day(world.start) + timedelta(days=30)
    d1 = services.decision_add(
        actor=p.officer, meeting=world.meeting, text="加快项目审批", owner_unit=p.unit_a, deadline=deadline
    )
    d2 = services.decision_add(
        actor=p.officer, meeting=world.meeting, text="落实资金", owner_unit=p.unit_b, deadline=deadline
    )
    assert d1.plan_id == world.plan.pk  # the series' plan by default
    ids = services.decisions_to_tasks(actor=p.officer, meeting=world.meeting)
    assert len(ids) == 2
    tasks = {t.title: t for t in Task.objects.filter(pk__in=ids)}
    assert tasks["加快项目审批"].lead_unit_id == p.unit_a.pk and tasks["落实资金"].lead_unit_id == p.unit_b.pk
    assert all(
        t.source == Source.MEETING and t.source_ref == f"meeting:{world.meeting.pk}" and t.due == deadline
        for t in tasks.values()
    )
    assert {d.task_id for d in Decision.objects.filter(pk__in=[d1.pk, d2.pk])} == set(ids)
    assert (tasks["加快项目审批"].code, tasks["落实资金"].code) == ("议定1", "议定2")
    assert "work.task.bulk_created" in codes() and codes()[-1] == "meetings.decisions.tasks_created"
    # the owner's reporter sees it
    assert Task.objects.visible_to(p.reporter_a).filter(pk=tasks["加快项目审批"].pk).exists()
    with pytest.raises(LuoshiError, match="没有待转为任务"):
        services.decisions_to_tasks(actor=p.officer, meeting=world.meeting)
    with pytest.raises(LuoshiError):
        services.decision_delete(actor=p.officer, decision=d1)


def test_decision_refuses_bad_input_and_writes_nothing(world: World) -> None:
    p = world.p
    with pytest.raises(InvalidField) as e:
        services.decision_add(
            actor=p.officer,
            meeting=world.meeting,
            text="x",
            owner_unit=p.unit_a,
            deadline=day(world.start) - timedelta(days=1),
        )
    assert e.value.field == "deadline"
    with pytest.raises(InvalidField):
        services.decision_add(
            actor=p.officer, meeting=world.meeting, text="  ", owner_unit=p.unit_a, deadline=day(world.start)
        )
    with pytest.raises(NotAllowed):
        services.decision_add(
            actor=p.leader, meeting=world.meeting, text="x", owner_unit=p.unit_a, deadline=day(world.start)
        )
    assert not Decision.objects.exists()


def test_close_needs_held_and_all_tasks(world: World) -> None:
    p = world.p
    with pytest.raises(LuoshiError):
        services.meeting_close(actor=p.officer, meeting=world.meeting)
    services.decision_add(
        actor=p.officer, meeting=world.meeting, text="x", owner_unit=p.unit_a, deadline=day(world.start)
    )
    services.meeting_end(actor=p.officer, meeting=world.meeting, now=world.meeting.ends_at)
    with pytest.raises(LuoshiError, match="未转为任务"):
        services.meeting_close(actor=p.officer, meeting=world.meeting)
    services.decisions_to_tasks(actor=p.officer, meeting=world.meeting)
    assert services.meeting_close(actor=p.officer, meeting=world.meeting).state == MeetingState.CLOSED


def test_schedule_follows_cadence(world: World) -> None:
    made = services.meetings_schedule(
        actor=world.p.officer, series=world.series, after=timezone.localdate(), count=2
    )
    assert [m.number for m in made] == [2, 3]
    assert (made[1].starts_at - made[0].starts_at) == timedelta(days=7)
    assert made[0].starts_at > world.meeting.starts_at
    # counted from the first meeting: the same weekday
    assert {timezone.localdate(m.starts_at).weekday() for m in made} == {day(world.start).weekday()}


def test_end_early_once_started(world: World) -> None:
    p = world.p
    with pytest.raises(LuoshiError, match="尚未开始"):
        services.meeting_end(actor=p.officer, meeting=world.meeting, now=world.start - timedelta(minutes=1))
    with pytest.raises(LuoshiError):
        services.meeting_end(actor=None, meeting=world.meeting, now=world.start + timedelta(minutes=10))
    early = world.start + timedelta(minutes=40)
    assert services.meeting_end(actor=p.officer, meeting=world.meeting, now=early) == 1
    m = Meeting.objects.get(pk=world.meeting.pk)
    assert (m.state, m.ends_at) == (MeetingState.HELD, early)
    assert services.meeting_end(actor=p.officer, meeting=world.meeting, now=early) == 0
    with pytest.raises(LuoshiError, match="已结束"):
        services.checkin_card(actor=p.officer, meeting=m, card_no="0012345678", now=early)


def test_decision_task_starts_with_its_plan(world: World) -> None:
    """A meeting held before the plan began (December, for next year's plan): the task starts with the plan."""
    from luoshi.work.models import Plan

    p = world.p
    Plan.objects.filter(pk=world.plan.pk).update(start=day(world.start) + timedelta(days=5))
    world.plan.refresh_from_db()
    d = services.decision_add(
        actor=p.officer,
        meeting=world.meeting,
        text="年初开工",
        owner_unit=p.unit_a,
        deadline=world.plan.start + timedelta(days=10),
    )
    p.task(world.plan, code="议定2", title="手工编号的任务")
    services.decisions_to_tasks(actor=p.officer, meeting=world.meeting)
    d.refresh_from_db()
    task = Task.objects.get(pk=d.task_id)
    assert (task.start, task.code) == (world.plan.start, "议定1")
    services.decision_add(
        actor=p.officer,
        meeting=world.meeting,
        text="再议",
        owner_unit=p.unit_a,
        deadline=world.plan.start + timedelta(days=10),
    )
    (second,) = services.decisions_to_tasks(actor=p.officer, meeting=world.meeting)
    assert Task.objects.get(pk=second).code == "议定3"  # 议定2 is taken


def test_a_past_meeting_judges_tasks_as_known_that_day(world: World) -> None:
    """A meeting day before today: the tasks as known then (lights computed as of that day, status by
    then, only tasks that existed), not today's stored lights."""
    from luoshi.work.models import Transition

    p = world.p
    month_ago = timezone.now() - timedelta(days=30)
    Task.objects.filter(pk__in=[world.red.pk, world.green.pk, world.late.pk]).update(created=month_ago)
    # red was suspended before the meeting day
    Task.objects.filter(pk=world.red.pk).update(status="suspended")
    Transition.objects.create(task=world.red, from_status="in_progress", to_status="suspended")
    Transition.objects.filter(task=world.red).update(at=month_ago)
    meeting = services.meeting_create(
        actor=p.officer, series=world.series, starts_at=timezone.now() - timedelta(days=10)
    )
    services.agenda_generate(actor=p.officer, meeting=meeting)
    items = {i.task_id: i for i in AgendaItem.objects.filter(meeting=meeting)}
    # green is stored green today, but on the meeting day, with nothing reported, it was far behind;
    # overdue was made today (it did not exist yet); red was suspended; red_b is out of scope
    assert set(items) == {world.green.pk, world.late.pk}
    assert "red" in items[world.green.pk].reason_list and items[world.green.pk].light == "red"
    assert items[world.green.pk].expected_pct > 40  # 190 of 400 days gone by then
    # a meeting held today goes by today's stored lights and statuses
    today = services.meeting_create(
        actor=p.officer, series=world.series, starts_at=world.start + timedelta(hours=2)
    )
    services.agenda_generate(actor=p.officer, meeting=today)
    assert set(AgendaItem.objects.filter(meeting=today).values_list("task_id", flat=True)) == {
        world.overdue.pk,
        world.late.pk,
    }
