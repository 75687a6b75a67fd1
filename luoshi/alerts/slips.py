"""Slips (轻微失误) read from the facts other apps keep, through their models' querysets, read only and
set-based: one query per kind whatever the number of units. Each slip names its unit and, where the
fact names one, its person; `collect(start, end)` returns them all for the days from start to end."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncDate
from django.utils import timezone

from luoshi.lib.links import by_id
from luoshi.notify import rules as notify_rules

from . import rules
from .rules import Kind

# Reminders that say something is late (催办), not the courtesy "due soon" ones.
REMINDER_RULES = (notify_rules.OVERDUE, notify_rules.REPORT_LATE, "supervision.notice.due")


@dataclass(frozen=True)
class Owned:
    """A slip with the unit it counts against and the person, when there is one."""

    unit_id: int
    person_id: int | None
    slip: rules.Slip


def late_reports(start: date, end: date) -> Iterator[Owned]:
    from luoshi.work.models import LateReport

    rows = LateReport.objects.filter(due_on__gte=start, due_on__lte=end).values_list(
        "pk",
        "unit_id",
        "task__responsible_person_id",
        "task_id",
        "task__plan_id",
        "task__title",
        "period_end",
        "due_on",
    )
    task_link = by_id("task_detail")
    for pk, unit_id, person_id, task_id, plan_id, title, period, due in rows:
        yield Owned(
            unit_id,
            person_id,
            rules.Slip(
                Kind.LATE_REPORT,
                due,
                plan_id,
                f"{title} ({period.isoformat()})",
                task_link(task_id),
                f"work.LateReport:{pk}",
            ),
        )


def yellow_lights(start: date, end: date) -> Iterator[Owned]:
    from luoshi.work.models import Light, Task

    rows = Task.objects.filter(light=Light.YELLOW, light_on__gte=start, light_on__lte=end).values_list(
        "pk", "lead_unit_id", "responsible_person_id", "plan_id", "title", "light_on"
    )
    task_link = by_id("task_detail")
    for pk, unit_id, person_id, plan_id, title, on in rows:
        assert on is not None  # filtered on light_on
        yield Owned(
            unit_id,
            person_id,
            rules.Slip(Kind.YELLOW_LIGHT, on, plan_id, title, task_link(pk), f"work.Task:{pk}"),
        )


def missed_milestones(start: date, end: date) -> Iterator[Owned]:
    from django.db.models import F, Q

    from luoshi.work.models import Milestone

    rows = (
        Milestone.objects.filter(due__gte=start, due__lte=end, due__lt=end)
        .filter(Q(met_on__isnull=True) | Q(met_on__gt=F("due")))
        .values_list(
            "pk",
            "task__lead_unit_id",
            "task__responsible_person_id",
            "task_id",
            "task__plan_id",
            "task__title",
            "title",
            "due",
        )
    )
    task_link = by_id("task_detail")
    for pk, unit_id, person_id, task_id, plan_id, task_title, title, due in rows:
        yield Owned(
            unit_id,
            person_id,
            rules.Slip(
                Kind.MISSED_MILESTONE,
                due,
                plan_id,
                f"{task_title} — {title}",
                task_link(task_id),
                f"work.Milestone:{pk}",
            ),
        )


def returned_reports(start: date, end: date) -> Iterator[Owned]:
    from luoshi.work.models import Report

    rows = Report.objects.filter(returned_on__gte=start, returned_on__lte=end).values_list(
        "pk", "unit_id", "author__person__id", "task_id", "task__plan_id", "task__title", "returned_on"
    )
    task_link = by_id("task_detail")
    for pk, unit_id, person_id, task_id, plan_id, title, on in rows:
        assert on is not None  # filtered on returned_on
        yield Owned(
            unit_id,
            person_id,
            rules.Slip(Kind.RETURNED, on, plan_id, title, task_link(task_id), f"work.Report:{pk}"),
        )


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def reminders(start: date, end: date, unit_of: dict[int, int]) -> Iterator[Owned]:
    """Late and overdue reminders received in the app (one per reminder: the in-app row), counted
    against the recipient and the unit of their post."""
    from luoshi.notify.models import Channel, Outbox

    lo, hi = _bounds(start, end)
    # The day (in the install's time zone) and the payload's text and link are worked out by the
    # database: half a million reminders in a province's window, and decoding each payload and
    # converting each time in Python took most of the step.
    rows = Outbox.objects.filter(
        rule__in=REMINDER_RULES, channel=Channel.IN_APP, created__gte=lo, created__lt=hi
    ).values_list(
        "pk",
        "recipient__person__id",
        "rule",
        TruncDate("created"),
        KeyTextTransform("text", "payload"),
        KeyTextTransform("link", "payload"),
    )
    for pk, person_id, rule, on, text, link in rows:
        unit_id = unit_of.get(person_id) if person_id else None
        if unit_id is None:
            continue
        text = (text or "")[:200] or rule
        link = link or ""
        yield Owned(
            unit_id, person_id, rules.Slip(Kind.REMINDER, on, None, text, link, f"notify.Outbox:{pk}")
        )


def absences(start: date, end: date) -> Iterator[Owned]:
    from luoshi.meetings.models import Attendance, AttendanceState, MeetingState

    lo, hi = _bounds(start, end)
    rows = Attendance.objects.filter(
        required=True,
        state=AttendanceState.ABSENT,
        unit__isnull=False,
        meeting__state__in=[MeetingState.HELD, MeetingState.CLOSED],
        meeting__starts_at__gte=lo,
        meeting__starts_at__lt=hi,
    ).values_list(
        "pk",
        "unit_id",
        "person_id",
        "meeting_id",
        "meeting__series__name",
        "meeting__number",
        "meeting__starts_at",
    )
    meeting_link = by_id("meetings:meeting")
    for pk, unit_id, person_id, meeting_id, series, number, starts in rows:
        on = timezone.localtime(starts).date()
        yield Owned(
            unit_id,
            person_id,
            rules.Slip(
                Kind.ABSENCE,
                on,
                None,
                f"{series} #{number}",
                meeting_link(meeting_id),
                f"meetings.Attendance:{pk}",
            ),
        )


def idle_handoffs(start: date, end: date) -> Iterator[Owned]:
    """Supervision items that sat with one holder past their level's limit (滞留) as of `end`, dated
    the first idle day; counted against the holding unit and person."""
    from luoshi.supervision import rules as sv_rules
    from luoshi.supervision.models import Item
    from luoshi.supervision.selectors import idle_condition
    from luoshi.supervision.services import thresholds

    t = thresholds()
    _, hi = _bounds(end, end)
    rows = Item.objects.filter(idle_condition(hi, t)).values_list(
        "pk", "holder_unit_id", "holder_person_id", "task__plan_id", "title", "level", "held_since"
    )
    item_link = by_id("supervision:item")
    for pk, unit_id, person_id, plan_id, title, level, held_since in rows:
        on = timezone.localtime(held_since).date() + timedelta(days=sv_rules.idle_threshold(level, t) + 1)
        if start <= on <= end:
            yield Owned(
                unit_id,
                person_id,
                rules.Slip(
                    Kind.IDLE_HANDOFF,
                    on,
                    plan_id,
                    title,
                    item_link(pk),
                    f"supervision.Item:{pk}",
                ),
            )


def post_units() -> dict[int, int]:
    """person id -> the unit of their current post (a post other than a leader's first), one query."""
    from luoshi.org.models import Membership, Role

    out: dict[int, int] = {}
    led: set[int] = set()
    rows = Membership.objects.current().values_list("person_id", "post__unit_id", "post__role").order_by("pk")
    for person_id, unit_id, role in rows:
        if person_id not in out or (person_id in led and role != Role.LEADER):
            out[person_id] = unit_id
            led.discard(person_id)
            if role == Role.LEADER:
                led.add(person_id)
    return out


def collect(start: date, end: date) -> list[Owned]:
    """Every slip dated from `start` to `end`, all kinds."""
    unit_of = post_units()
    out: list[Owned] = []
    for source in (late_reports, yellow_lights, missed_milestones, returned_reports, absences, idle_handoffs):
        out.extend(source(start, end))
    out.extend(reminders(start, end, unit_of))
    return out
