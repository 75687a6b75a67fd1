"""A person's calendar feed (iCalendar, RFC 5545): their tasks' deadlines, open milestones and their
meetings, read by phone calendars from a secret address. Written by hand: text is escaped (§3.3.11)
and lines are folded at 75 octets (§3.1) without splitting a UTF-8 character."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

PRODID = "-//Luoshi//Dispatch meetings//ZH"
MAX_TASKS = 2000


def escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets joined by CRLF and a space."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with the space
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def _utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(
    uid: str,
    summary: str,
    *,
    start: date | datetime,
    end: date | datetime,
    stamp: datetime,
    description: str = "",
    location: str = "",
) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{_utc(stamp)}"]
    if isinstance(start, datetime):
        lines += [f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}"]  # type: ignore[arg-type]
    else:
        lines += [f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{end:%Y%m%d}"]
    lines.append(f"SUMMARY:{escape(summary)}")
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    lines.append("END:VEVENT")
    return lines


def render(events: Iterable[list[str]], *, name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for ev in events:
        lines.extend(ev)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def feed_events(user: Any, *, host: str = "luoshi") -> Iterator[list[str]]:
    """The user's events: deadlines of the open tasks they answer for (their posts' units as lead, or
    named as responsible), those tasks' open milestones, and the meetings they are on the roll of or
    chair. A fixed number of queries."""
    from luoshi.org.access import context_for
    from luoshi.work.models import Milestone, Status, Task

    from .models import Meeting

    ctx = context_for(user)
    stamp = timezone.now()
    mine = Q(lead_unit_id__in=ctx.post_unit_ids)
    if ctx.person_id is not None:
        mine |= Q(responsible_person_id=ctx.person_id) | Q(responsible_leader_id=ctx.person_id)
    tasks = (
        Task.objects.filter(mine, status__in=[Status.IN_PROGRESS, Status.CLAIMED])
        .order_by("due", "pk")
        .values("pk", "title", "due", "plan__name")[:MAX_TASKS]
    )
    task_ids = []
    for t in tasks:
        task_ids.append(t["pk"])
        yield _event(
            f"task-{t['pk']}@{host}",
            f"【截止】{t['title']}",
            start=t["due"],
            end=t["due"] + timedelta(days=1),
            stamp=stamp,
            description=t["plan__name"],
        )
    for m in Milestone.objects.filter(task_id__in=task_ids, met_on__isnull=True).values(
        "pk", "title", "due", "task__title"
    ):
        yield _event(
            f"milestone-{m['pk']}@{host}",
            f"【节点】{m['title']}",
            start=m["due"],
            end=m["due"] + timedelta(days=1),
            stamp=stamp,
            description=m["task__title"],
        )
    meetings = (
        Meeting.objects.filter(Q(attendance__person_id=ctx.person_id) | Q(series__chair_id=ctx.person_id))
        .distinct()
        .select_related("series")
        .order_by("starts_at")
        if ctx.person_id
        else Meeting.objects.none()
    )
    for mt in meetings:
        yield _event(
            f"meeting-{mt.pk}@{host}",
            str(mt),
            start=mt.starts_at,
            end=mt.ends_at,
            stamp=stamp,
            location=mt.place,
        )
