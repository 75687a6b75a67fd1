"""Every write of the meetings app: series and meetings, the agenda (generate, freeze and send),
check-in (card, QR token, secretary), minutes, decisions and the tasks they become, calendar feeds.

Keyword-only, one transaction each, the duty checked by `org.access`, audited. Refused check-ins
are recorded (`CheckInRefusal` and an audit entry) in a transaction of their own, then raised.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.lib.regions import root_region_id
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Membership, Person, Unit
from luoshi.work.models import Plan

from . import agenda, drawing, rules
from .models import (
    Attendance,
    AttendanceState,
    Cadence,
    CalendarFeed,
    CheckInMethod,
    CheckInRefusal,
    CheckInToken,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingState,
    Refusal,
)

TOKEN_LIFETIME = timedelta(minutes=2)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _person_unit_id(person_id: Any) -> Any:
    """The unit of the person's current post (the first by path), if any."""
    return (
        Membership.objects.current(timezone.localdate())
        .filter(person_id=person_id)
        .order_by("post__unit__path", "pk")
        .values_list("post__unit_id", flat=True)
        .first()
    )


def _actor_region_id(actor: Any) -> Any:
    """The region of the actor's unit (their first post's by path), else the root region."""
    ids = sorted(context_for(actor).post_unit_ids) if actor is not None else []
    found = (
        Unit.objects.filter(pk__in=ids).order_by("path").values_list("region_id", flat=True).first()
        if ids
        else None
    )
    return found or root_region_id()


def series_create(
    *,
    actor: Any,
    name: str,
    cadence: str,
    chair: Person,
    start_time: time,
    units: Iterable[Unit] = (),
    plans: Iterable[Plan] = (),
    projects: Iterable[Any] = (),
    unit_projects: bool = False,
    place: str = "",
    duration_minutes: int = 90,
    lead_hours: int = 48,
    grace_minutes: int = 5,
    attendee_roles: str = "head",
    senior_only: bool = True,
) -> MeetingSeries:
    """Set up a dispatch meeting series (调度会); the supervision office does."""
    if actor is not None:
        require_officer(actor)
    name = name.strip()
    if not name:
        raise InvalidField(_("请填写会议名称。"), field="name")
    if cadence not in Cadence.values:
        raise InvalidField(_("未知的会议频次。"), field="cadence")
    if not 15 <= duration_minutes <= 24 * 60:
        raise InvalidField(_("会议时长应在15分钟到24小时之间。"), field="duration_minutes")
    if lead_hours > 24 * 14:
        raise InvalidField(_("议程提前时间不能超过14天。"), field="lead_hours")
    if MeetingSeries.objects.filter(name=name).exists():
        raise InvalidField(_("已有同名的调度会。"), field="name")
    # The series lives in its chair's unit's region (else, a chair holding no post, the office's).
    chair_unit = _person_unit_id(chair.pk)
    region: Any = None if chair_unit is not None else _actor_region_id(actor)
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            name=name,
            cadence=cadence,
            chair=chair,
            unit_id=chair_unit,
            region_id=region,
            start_time=start_time,
            place=place,
            duration_minutes=duration_minutes,
            lead_hours=lead_hours,
            grace_minutes=grace_minutes,
            attendee_roles=attendee_roles,
            senior_only=senior_only,
            unit_projects=unit_projects,
        )
        keyed = {"region_id": series.region_id}  # the through rows' key, without a query per row
        series.units.set(list(units), through_defaults=keyed)
        series.plans.set(list(plans), through_defaults=keyed)
        series.projects.set(list(projects), through_defaults=keyed)
        record(
            series,
            "meetings.series.created",
            actor=actor,
            after={
                "cadence": cadence,
                "chair": chair.pk,
                "units": sorted(u.pk for u in series.units.all()),
                "plans": sorted(p.pk for p in series.plans.all()),
                "projects": sorted(p.pk for p in series.projects.all()),
                "unit_projects": unit_projects,
                "lead_hours": lead_hours,
            },
        )
    return series


def required_attendees(series: MeetingSeries, *, on: date) -> list[tuple[int, int]]:
    """(person, unit) of who must attend: the chair, and the current holders of posts in the scope's
    units with the series' roles (and rank, 副科级及以上, when `senior_only`); one query."""
    holders = Membership.objects.current(on).filter(post__role__in=series.roles)
    unit_ids = agenda.scope_unit_ids(series)
    if unit_ids:
        holders = holders.filter(post__unit_id__in=unit_ids)
    if series.senior_only:
        holders = holders.filter(post__senior=True)
    out: dict[int, int] = {}
    for person_id, unit_id in holders.order_by("post__unit__path", "person_id").values_list(
        "person_id", "post__unit_id"
    ):
        out.setdefault(person_id, unit_id)
    chair_unit = (
        Membership.objects.current(on)
        .filter(person_id=series.chair_id)
        .values_list("post__unit_id", flat=True)
        .first()
    )
    out.setdefault(series.chair_id, chair_unit)  # type: ignore[arg-type]
    return list(out.items())


def _roll(meeting: Meeting) -> int:
    """Add the required attendees not yet on the meeting's roll; returns how many were added."""
    have = set(Attendance.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    new = [
        Attendance(meeting=meeting, person_id=person, unit_id=unit, required=True)
        for person, unit in required_attendees(meeting.series, on=timezone.localdate(meeting.starts_at))
        if person not in have
    ]
    Attendance.objects.bulk_create(new)
    return len(new)


def meeting_create(
    *,
    actor: Any,
    series: MeetingSeries,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str = "",
) -> Meeting:
    """Schedule one meeting of a series, with its roll of required attendees."""
    if actor is not None:
        require_officer(actor)
    ends_at = ends_at or starts_at + timedelta(minutes=series.duration_minutes)
    if ends_at <= starts_at:
        raise InvalidField(_("结束时间应晚于开始时间。"), field="ends_at")
    with transaction.atomic():
        number = (Meeting.objects.filter(series=series).aggregate(n=Max("number"))["n"] or 0) + 1
        meeting = Meeting.objects.create(
            series=series,
            number=number,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place or series.place,
            agenda_send_at=rules.agenda_send_at(starts_at=starts_at, lead_hours=series.lead_hours),
        )
        added = _roll(meeting)
        record(
            meeting,
            "meetings.meeting.created",
            actor=actor,
            after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "attendees": added},
        )
    return meeting


def meetings_schedule(*, actor: Any, series: MeetingSeries, after: date, count: int) -> list[Meeting]:
    """Schedule the series' next `count` meetings after `after` (and after its last meeting), by its
    cadence counted from its first meeting (or from the day it was set up)."""
    times = Meeting.objects.filter(series=series).order_by("starts_at").values_list("starts_at", flat=True)
    first, last = times.first(), times.last()
    anchor = timezone.localdate(first) if first is not None else timezone.localdate(series.created)
    if last is not None:
        after = max(after, timezone.localdate(last))
    days = rules.meeting_dates(cadence=series.cadence, anchor=min(anchor, after), after=after, count=count)
    tz = timezone.get_current_timezone()
    return [
        meeting_create(
            actor=actor, series=series, starts_at=datetime.combine(d, series.start_time, tzinfo=tz)
        )
        for d in days
    ]


def _not_frozen(meeting: Meeting) -> None:
    if meeting.state != MeetingState.PLANNED:
        raise LuoshiError(_("议程已经发出，不能再重新生成。"), code="agenda_frozen")


def agenda_generate(*, actor: Any, meeting: Meeting) -> int:
    """Draw the agenda (议程) from what lags in the series' scope, replacing the draft one; the tasks
    are read, never written. Returns the number of items."""
    if actor is not None:
        require_officer(actor)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
        _not_frozen(meeting)
        n = drawing.write_agenda(meeting)
        record(meeting, "meetings.agenda.generated", actor=actor, data={"items": n})
    return n


def agenda_send(*, actor: Any, meeting: Meeting, now: datetime | None = None) -> bool:
    """Freeze the agenda with the figures of this moment and send it to the attendees (in-app).

    Idempotent: a meeting whose agenda went out already is left alone (False)."""
    from luoshi.notify.services import Message, notify

    if actor is not None:
        require_officer(actor)
    now = _now(now)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
        if meeting.state != MeetingState.PLANNED:
            return False
        n = drawing.write_agenda(meeting)
        _roll(meeting)
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.FROZEN, agenda_sent_at=now)
        users = list(
            Attendance.objects.filter(meeting=meeting, person__user__isnull=False).values_list(
                "person__user_id", flat=True
            )
        )
        when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
        text = _("%(meeting)s（%(when)s，%(place)s）议程已发出：%(n)s项议题。") % {
            "meeting": str(meeting),
            "when": when,
            "place": meeting.place or "—",
            "n": n,
        }
        notify([Message(user_id=u, task_id=None, text=text) for u in users], rule="meetings.agenda.sent")
        record(meeting, "meetings.agenda.sent", actor=actor, data={"items": n, "recipients": len(users)})
    return True


def meetings_step(day: date, now: datetime | None = None) -> dict[str, int]:
    """The tick's step `meetings.agendas` (daily, and every ten minutes from the worker): send the
    agendas whose time came, and close the roll of meetings that ended (no check-in: absent).
    Idempotent: a sent agenda is not sent again, a closed roll has nothing pending."""
    end_of_day = datetime.combine(day + timedelta(days=1), time(0), tzinfo=timezone.get_current_timezone())
    now = min(_now(now), end_of_day)
    due = Meeting.objects.filter(state=MeetingState.PLANNED, agenda_send_at__lte=now).order_by("pk")
    sent = sum(agenda_send(actor=None, meeting=m, now=now) for m in due)
    ended = 0
    for meeting in Meeting.objects.filter(
        state__in=[MeetingState.PLANNED, MeetingState.FROZEN], ends_at__lte=now
    ):
        ended += meeting_end(actor=None, meeting=meeting, now=now)
    return {"agendas_sent": sent, "meetings_ended": ended}


def meeting_end(*, actor: Any, meeting: Meeting, now: datetime | None = None) -> int:
    """Mark a meeting held and everyone still unchecked absent (缺席); returns 1, or 0 when it was
    held already. The secretary may end it early once it has started: its end becomes now."""
    if actor is not None:
        require_officer(actor)
    now = _now(now)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state not in (MeetingState.PLANNED, MeetingState.FROZEN):
            return 0
        ends_at = meeting.ends_at
        if now < meeting.ends_at:
            if actor is None or now <= meeting.starts_at:
                raise LuoshiError(_("会议尚未开始，不能结束。"), code="not_started")
            ends_at = now
        absent = Attendance.objects.filter(meeting=meeting, state=AttendanceState.PENDING).update(
            state=AttendanceState.ABSENT
        )
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD, ends_at=ends_at)
        record(
            meeting,
            "meetings.meeting.held",
            actor=actor,
            data={"absent": absent, "ends_at": ends_at.isoformat()},
        )
    return 1


# ---------------------------------------------------------------------------------------------
# Check-in


def _refuse(meeting: Meeting | None, reason: str, *, actor: Any, detail: str, message: Any) -> LuoshiError:
    """Record a refused check-in (its own transaction, so it stays) and return the error to raise."""
    # a refusal naming no meeting (an unknown token or card) is kept in the actor's region
    region: Any = None if meeting is not None else _actor_region_id(actor)
    with transaction.atomic():
        row = CheckInRefusal.objects.create(
            meeting=meeting,
            region_id=region,
            reason=reason,
            detail=detail[:80],
            actor=actor if getattr(actor, "pk", None) else None,
        )
        record(
            row,
            "meetings.checkin.refused",
            actor=actor,
            data={"reason": reason, "meeting": getattr(meeting, "pk", None)},
        )
    return LuoshiError(message, code=reason)


def _window(meeting: Meeting, now: datetime, *, actor: Any, detail: str) -> None:
    why = rules.checkin_refusal(now=now, starts_at=meeting.starts_at, ends_at=meeting.ends_at)
    if why == "ended" or meeting.state in (MeetingState.HELD, MeetingState.CLOSED):
        raise _refuse(
            meeting, Refusal.ENDED, actor=actor, detail=detail, message=_("会议已结束，不能再签到。")
        )
    if why == "not_open":
        raise _refuse(
            meeting, Refusal.NOT_OPEN, actor=actor, detail=detail, message=_("签到在会议开始前两小时开放。")
        )


def _check_in(meeting: Meeting, person_id: int, *, method: str, actor: Any, now: datetime) -> Attendance:
    with transaction.atomic():
        row = (
            Attendance.objects.select_for_update()
            .filter(meeting=meeting, person_id=person_id)
            .order_by("pk")
            .first()
        )
        if row is None:
            unit = (
                Membership.objects.current(timezone.localdate(now))
                .filter(person_id=person_id)
                .values_list("post__unit_id", flat=True)
                .first()
            )
            row = Attendance.objects.create(
                meeting=meeting, person_id=person_id, unit_id=unit, required=False
            )
        if row.checked_in_at is not None:
            return row  # a second swipe changes nothing
        state = rules.attendance_state(
            checked_in_at=now,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            grace_minutes=meeting.series.grace_minutes,
            now=now,
        )
        row.state, row.checked_in_at, row.method = state, now, method
        row.recorded_by = actor if getattr(actor, "pk", None) else None
        row.save(update_fields=["state", "checked_in_at", "method", "recorded_by"])
        record(
            row,
            "meetings.checkin.recorded",
            actor=actor,
            data={"meeting": meeting.pk, "method": method, "state": state},
        )
    return row


def checkin_card(*, actor: Any, meeting: Meeting, card_no: str, now: datetime | None = None) -> Attendance:
    """Check in the holder of a card typed by the USB reader at the door (the secretary's desk)."""
    require_officer(actor, _("只有会务人员（督查室）可以刷卡签到。"))
    now = _now(now)
    card_no = card_no.strip()
    if not card_no:
        raise InvalidField(_("请刷卡或输入卡号。"), field="card_no")
    _window(meeting, now, actor=actor, detail=card_no)
    person = Person.objects.filter(card_no=card_no).values_list("pk", flat=True).first()
    if person is None:
        raise _refuse(
            meeting,
            Refusal.UNKNOWN_CARD,
            actor=actor,
            detail=card_no,
            message=_("卡号 %(card)s 未登记，请由会务人员代签。") % {"card": card_no},
        )
    return _check_in(meeting, person, method=CheckInMethod.CARD, actor=actor, now=now)


def checkin_secretary(
    *, actor: Any, meeting: Meeting, person: Person, now: datetime | None = None
) -> Attendance:
    """The secretary (会务人员) checks a person in by hand."""
    require_officer(actor, _("只有会务人员（督查室）可以代签。"))
    now = _now(now)
    _window(meeting, now, actor=actor, detail=person.name)
    return _check_in(meeting, person.pk, method=CheckInMethod.SECRETARY, actor=actor, now=now)


def token_current(*, actor: Any, meeting: Meeting, now: datetime | None = None) -> CheckInToken:
    """The QR token shown at the door now: the unused, unexpired one, or a new one (each is single
    use, so the door shows a fresh code after every scan). Not audited itself (the screen polls it
    every few seconds): opening the screen is (`door_open`), and each code keeps who issued it."""
    require_officer(actor, _("只有会务人员（督查室）可以显示签到码。"))
    now = _now(now)
    with transaction.atomic():
        token = (
            CheckInToken.objects.filter(
                meeting=meeting, used_at__isnull=True, expires_at__gt=now + timedelta(seconds=20)
            )
            .order_by("-expires_at")
            .first()
        )
        if token is None:
            token = CheckInToken.objects.create(
                meeting=meeting, expires_at=now + TOKEN_LIFETIME, issued_by=actor, created=now
            )
    return token


def door_open(*, actor: Any, meeting: Meeting, now: datetime | None = None) -> CheckInToken:
    """Open the door's QR screen (门口签到码): the current code, and an audit entry of who displayed it
    and when (the screen's polls that follow are not entries; each code keeps who issued it)."""
    now = _now(now)
    with transaction.atomic():
        token = token_current(actor=actor, meeting=meeting, now=now)
        record(
            meeting,
            "meetings.qr.displayed",
            actor=actor,
            data={"token": token.pk, "expires_at": token.expires_at.isoformat(), "at": now.isoformat()},
        )
    return token


def checkin_token(*, actor: Any, token: str, now: datetime | None = None) -> Attendance:
    """Check in the signed-in user who scanned the door's QR code; the token is then spent."""
    now = _now(now)
    ctx = context_for(actor)
    if ctx.person_id is None:
        raise NotAllowed(_("只有登记在册的人员可以扫码签到。"))
    row = CheckInToken.objects.select_related("meeting__series").filter(token=token).first()
    if row is None:
        raise _refuse(None, Refusal.TOKEN_UNKNOWN, actor=actor, detail=token[:8], message=_("签到码无效。"))
    meeting = row.meeting
    _window(meeting, now, actor=actor, detail=token[:8])
    if row.used_at is not None:
        raise _refuse(
            meeting,
            Refusal.TOKEN_USED,
            actor=actor,
            detail=token[:8],
            message=_("此签到码已被使用，请扫描门口屏幕上的新签到码。"),
        )
    if row.expires_at <= now:
        raise _refuse(
            meeting,
            Refusal.TOKEN_EXPIRED,
            actor=actor,
            detail=token[:8],
            message=_("此签到码已过期，请扫描门口屏幕上的新签到码。"),
        )
    # Spend the token by a conditional update, so two phones with the same code cannot both use it.
    spent = CheckInToken.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now, used_by=actor)
    if not spent:
        raise _refuse(
            meeting,
            Refusal.TOKEN_USED,
            actor=actor,
            detail=token[:8],
            message=_("此签到码已被使用，请扫描门口屏幕上的新签到码。"),
        )
    return _check_in(meeting, ctx.person_id, method=CheckInMethod.QR, actor=actor, now=now)


def attendance_excuse(*, actor: Any, meeting: Meeting, person: Person) -> Attendance:
    """Record a leave of absence (请假) approved before the meeting."""
    require_officer(actor)
    with transaction.atomic():
        row = (
            Attendance.objects.select_for_update()
            .filter(meeting=meeting, person=person)
            .order_by("pk")
            .first()
        )
        if row is None:
            raise LuoshiError(_("此人不在本次会议的参会名单上。"))
        if row.checked_in_at is not None:
            raise LuoshiError(_("已签到的人员不能再请假。"))
        row.state = AttendanceState.EXCUSED
        row.save(update_fields=["state"])
        record(row, "meetings.attendance.excused", actor=actor, data={"meeting": meeting.pk})
    return row


# ---------------------------------------------------------------------------------------------
# Minutes and decisions


def minutes_save(*, actor: Any, meeting: Meeting, minutes: str, version: int) -> Meeting:
    """Save the minutes (会议记录); `version` is the one the editor saw (409 when changed since)."""
    require_officer(actor)
    if len(minutes) > 50_000:
        raise InvalidField(_("会议记录不能超过50000字。"), field="minutes")
    with transaction.atomic():
        changed = Meeting.objects.filter(pk=meeting.pk, version=version).update(
            minutes=minutes, version=version + 1
        )
        if not changed:
            raise Conflict(_("会议记录已被他人修改，请在最新内容上重新编辑。"))
        meeting.refresh_from_db()
        record(
            meeting,
            "meetings.minutes.saved",
            actor=actor,
            data={"chars": len(minutes), "version": meeting.version},
        )
    return meeting


def decision_add(
    *, actor: Any, meeting: Meeting, text: str, owner_unit: Unit, deadline: date, plan: Plan | None = None
) -> Decision:
    """Add a decision (议定事项) with its owner unit and deadline; it becomes a task later."""
    require_officer(actor)
    text = text.strip()
    if not text:
        raise InvalidField(_("请填写议定事项。"), field="text")
    if len(text) > 500:
        raise InvalidField(_("议定事项不能超过500字。"), field="text")
    if deadline < timezone.localdate(meeting.starts_at):
        raise InvalidField(_("完成时限不能早于会议日期。"), field="deadline")
    if plan is None:
        plan = meeting.series.plans.filter(is_active=True).order_by("-year", "pk").first()
        if plan is None:
            raise InvalidField(_("请选择议定事项纳入的计划。"), field="plan")
    if not plan.start <= deadline <= plan.due:
        raise InvalidField(
            _("完成时限应在计划期内（%(start)s 至 %(due)s）。") % {"start": plan.start, "due": plan.due},
            field="deadline",
        )
    with transaction.atomic():
        sort = (Decision.objects.filter(meeting=meeting).aggregate(n=Max("sort"))["n"] or 0) + 1
        decision = Decision.objects.create(
            meeting=meeting, text=text, owner_unit=owner_unit, deadline=deadline, plan=plan, sort=sort
        )
        record(
            decision,
            "meetings.decision.added",
            actor=actor,
            after={
                "meeting": meeting.pk,
                "owner_unit": owner_unit.pk,
                "deadline": deadline.isoformat(),
                "plan": plan.pk,
            },
        )
    return decision


def decision_delete(*, actor: Any, decision: Decision) -> None:
    """Remove a decision not yet made a task."""
    require_officer(actor)
    with transaction.atomic():
        if Decision.objects.filter(pk=decision.pk, task__isnull=False).exists():
            raise LuoshiError(_("已转为任务的议定事项不能删除。"))
        record(decision, "meetings.decision.deleted", actor=actor, before={"text": decision.text})
        decision.delete()


def decisions_to_tasks(*, actor: Any, meeting: Meeting) -> list[int]:
    """Make every decision of the meeting not yet a task into one (source: 会议议定), in one step:
    one `task_create_many` batch per plan, each task linked back to its decision and meeting."""
    from luoshi.work.bulk import NewTask, task_create_many
    from luoshi.work.models import Source

    require_officer(actor)
    with transaction.atomic():
        todo = list(
            Decision.objects.select_for_update()
            .filter(meeting=meeting, task__isnull=True)
            .order_by("sort", "pk")
        )
        if not todo:
            raise LuoshiError(_("没有待转为任务的议定事项。"))
        start = timezone.localdate(meeting.starts_at)
        by_plan: dict[int, list[Decision]] = {}
        for d in todo:
            by_plan.setdefault(d.plan_id, []).append(d)
        made: list[int] = []
        plans = {p.pk: p for p in Plan.objects.filter(pk__in=by_plan)}
        for plan_id, decisions in by_plan.items():
            codes = _decision_codes(plan_id, len(decisions))
            rows = [
                NewTask(
                    code=code,
                    title=d.text,
                    lead_unit=d.owner_unit,
                    # within the plan: a meeting held before the plan began starts its tasks with the plan
                    start=min(max(start, plans[plan_id].start), d.deadline),
                    due=d.deadline,
                    fields={"source": Source.MEETING, "source_ref": f"meeting:{meeting.pk}"},
                )
                for d, code in zip(decisions, codes, strict=True)
            ]
            created = task_create_many(
                actor=actor, plan=plans[plan_id], rows=rows, batch=f"meeting-{meeting.pk}-{decisions[0].pk}"
            )
            for d, row in zip(decisions, rows, strict=True):
                d.task_id = created.tasks[row.code].pk
                made.append(d.task_id)
            Decision.objects.bulk_update(decisions, ["task"])
        # New tasks may start in the past (a decision recorded late): their lights now, not at the tick.
        from luoshi.work.models import Task
        from luoshi.work.services import task_refresh

        for task in Task.objects.filter(pk__in=made).select_related("plan"):
            task_refresh(task=task)
        record(meeting, "meetings.decisions.tasks_created", actor=actor, data={"tasks": made})
    return made


DECISION_CODE = "议定"


def _decision_codes(plan_id: int, n: int) -> list[str]:
    """The next `n` free codes 议定1, 议定2 … of a plan: the plan's meeting decisions numbered in the
    order they became tasks (the same on every database, unlike ids)."""
    from luoshi.work.models import Task

    taken = set(
        Task.objects.filter(plan_id=plan_id, code__startswith=DECISION_CODE).values_list("code", flat=True)
    )
    out: list[str] = []
    i = 0
    while len(out) < n:
        i += 1
        code = f"{DECISION_CODE}{i}"
        if code not in taken:
            out.append(code)
    return out


def meeting_close(*, actor: Any, meeting: Meeting) -> Meeting:
    """Close a held meeting (办结) once its decisions are all tasks; the record is then final."""
    require_officer(actor)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state != MeetingState.HELD:
            raise LuoshiError(_("只有已召开的会议可以办结。"))
        if Decision.objects.filter(meeting=meeting, task__isnull=True).exists():
            raise LuoshiError(_("还有议定事项未转为任务。"))
        meeting.state = MeetingState.CLOSED
        meeting.save(update_fields=["state"])
        record(meeting, "meetings.meeting.closed", actor=actor)
    return meeting


def calendar_feed_reset(*, actor: Any) -> CalendarFeed:
    """Give the user a new secret calendar address; the old one stops working."""
    if actor is None or not actor.is_authenticated:
        raise NotAllowed(_("请先登录。"))
    with transaction.atomic():
        CalendarFeed.objects.filter(user=actor).delete()
        feed = CalendarFeed.objects.create(user=actor)
        record(feed, "meetings.calendar.reset", actor=actor)
    return feed
