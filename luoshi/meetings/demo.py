"""The demo district's dispatch meetings: the executive deputy head's weekly meeting (常务副区长调度会)
over his portfolio's units, the annual plan and the key projects his units lead, with four past meetings (agendas sent, check-ins by
card, QR and the secretary, late and absent people, minutes, decisions made tasks) and the next
meeting, whose agenda is drawn but not yet sent. Deterministic for a given day."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from luoshi.org.models import Unit
from luoshi.work.models import Plan

from . import services
from .models import Attendance, Meeting

SERIES_NAME = "常务副区长调度会"
PAST = 4
DECISIONS = [
    "对照节点倒排工期，两周内报送赶进度方案",
    "会同财政部门落实项目资金缺口",
    "每周五前报送滞后事项整改进展",
    "协调解决用地指标问题，月底前完成报批",
    "组织专题调度，逐项销号",
]
MINUTES = "一、听取了滞后事项牵头单位的情况汇报。\n二、会议强调，各单位要紧盯时间节点，确保按期完成。"


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _weekday_before(day: date, weekday: int) -> date:
    back = (day.weekday() - weekday) % 7 or 7
    return day - timedelta(days=back)


def build(builder: Any) -> dict[str, int]:
    """Called by the demo builder once the district, its tasks and lights are in place."""
    today: date = builder.today
    rng = random.Random(f"meetings:{today.isoformat()}:{int(builder.small)}")
    officer = builder.users["ducha1"]
    chair = builder.persons["changwu"]
    from luoshi.demo import data

    spec = next(ld for ld in data.LEADERS if ld.username == "changwu")
    units = [builder.units[c] for c in spec.portfolio if c in builder.units]
    annual = Plan.objects.filter(is_active=True).order_by("-year", "pk").first()
    series = services.series_create(
        actor=officer,
        name=SERIES_NAME,
        cadence="weekly",
        chair=chair,
        start_time=time(9),
        units=units,
        plans=[annual] if annual else [],
        unit_projects=True,  # the key projects led by his units, raised by the projects' source
        place="区政府三楼第一会议室",
    )
    first = _weekday_before(today, 1) - timedelta(days=7 * (PAST - 1))  # Tuesdays
    made = 0
    for i in range(PAST):
        day = first + timedelta(days=7 * i)
        meeting = services.meeting_create(actor=officer, series=series, starts_at=_at(day))
        services.agenda_send(actor=None, meeting=meeting, now=meeting.agenda_send_at)
        _check_ins(rng, meeting, officer, builder)
        services.meeting_end(actor=None, meeting=meeting, now=meeting.ends_at)
        services.minutes_save(actor=officer, meeting=meeting, minutes=MINUTES, version=1)
        leads = list(dict.fromkeys(meeting.agenda.order_by("sort").values_list("lead_unit_id", flat=True)))[
            :2
        ]
        by_pk = Unit.objects.in_bulk(leads)
        owners = [by_pk[pk] for pk in leads] or units[:1]
        for j, owner in enumerate(owners):
            services.decision_add(
                actor=officer,
                meeting=meeting,
                text=DECISIONS[(i + j) % len(DECISIONS)],
                owner_unit=owner,
                deadline=max(day, annual.start if annual else day) + timedelta(days=14 + 7 * j),
            )
        if i < PAST - 1:  # the latest meeting's decisions wait for the office's "make tasks"
            made += len(services.decisions_to_tasks(actor=officer, meeting=meeting))
            services.meeting_close(actor=officer, meeting=meeting)
    upcoming = services.meeting_create(actor=officer, series=series, starts_at=_at(today + timedelta(days=3)))
    items = services.agenda_generate(actor=officer, meeting=upcoming)
    return {
        "meetings": Meeting.objects.filter(series=series).count(),
        "decision_tasks": made,
        "agenda": items,
    }


def _check_ins(rng: random.Random, meeting: Meeting, officer: Any, builder: Any) -> None:
    """Most come on time by card, some late, a few by QR, one excused now and then, the rest absent."""
    users_by_person = {p.pk: builder.users[u] for u, p in builder.persons.items() if u in builder.users}
    for row in Attendance.objects.filter(meeting=meeting).select_related("person").order_by("person_id"):
        roll = rng.random()
        person = row.person
        if roll < 0.04:
            services.attendance_excuse(actor=officer, meeting=meeting, person=person)
            continue
        if roll < 0.10:
            continue  # absent: marked when the meeting ends
        late = rng.random() < 0.12
        at = meeting.starts_at + (
            timedelta(minutes=rng.randint(8, 30)) if late else -timedelta(minutes=rng.randint(1, 20))
        )
        user = users_by_person.get(person.pk)
        if user is not None and rng.random() < 0.2:
            token = services.token_current(actor=officer, meeting=meeting, now=at)
            services.checkin_token(actor=user, token=token.token, now=at)
        elif person.card_no:
            services.checkin_card(actor=officer, meeting=meeting, card_no=person.card_no, now=at)
        else:
            services.checkin_secretary(actor=officer, meeting=meeting, person=person, now=at)
