"""Reminder schedules (提醒): the daily step `notify.reminders` turns the rules of `rules.py` into
outbox rows for the people who answer for the work — the reporters and heads of a task's lead unit.

- N days before due (`task.due_soon`, windows `LUOSHI_REMINDER_DAYS_BEFORE`, default 7, 3, 1);
- on late: a task overdue (`task.overdue`, the day after its due date, or within a week of it if the
  tick missed days) and a report late (`report.late`, a `LateReport` the tick recorded this week);
- a weekly digest per person on Mondays (`digest.weekly`), unless they switched it off;
- on escalation: other apps call `services.notify_event` from their receivers.

Every row carries its rule and source and a unique dedupe key, so running the step twice for a day,
or for every day of a month, queues each reminder once (`services.queue`). Set-based: one query per
kind of reminder, one for the recipients, whatever the number of tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings

from luoshi.lib.links import by_id

from . import rules
from .models import Preference
from .services import Entry, queue

CATCH_UP = timedelta(days=7)  # how far back a missed tick's overdue and late reminders still go
CHUNK = 2000  # tasks whose reminders are queued together


def days_before() -> tuple[int, ...]:
    raw = getattr(settings, "LUOSHI_REMINDER_DAYS_BEFORE", rules.DEFAULT_DAYS_BEFORE)
    return tuple(int(n) for n in raw)


def unit_people(unit_ids: Iterable[int], *, on: date) -> dict[int, list[int]]:
    """Unit id -> the users holding a reporter or head post there on `on` (one query)."""
    from luoshi.org.models import Membership, Role

    ids = sorted(set(unit_ids))
    out: dict[int, set[int]] = defaultdict(set)
    for i in range(0, len(ids), 1000):
        rows = (
            Membership.objects.current(on)
            .filter(
                post__unit_id__in=ids[i : i + 1000],
                post__role__in=[Role.REPORTER, Role.HEAD],
                person__user__isnull=False,
            )
            .values_list("post__unit_id", "person__user_id")
        )
        for unit_id, user_id in rows:
            out[unit_id].add(user_id)
    return {u: sorted(users) for u, users in out.items()}


def _open_tasks() -> Any:
    from luoshi.work.models import Status, Task

    return Task.objects.filter(status=Status.IN_PROGRESS)


def due_entries(day: date, windows: Sequence[int]) -> list[tuple[int, Entry]]:
    """(unit, entry without recipient) for tasks whose "N days before" reminder is due on `day`."""
    horizon = day + timedelta(days=max(windows, default=0))
    task_link = by_id("task_detail")
    out = []
    for pk, title, due, unit in (
        _open_tasks().filter(due__gte=day, due__lte=horizon).values_list("pk", "title", "due", "lead_unit_id")
    ):
        occurrence = rules.due_soon_occurrence(due=due, today=day, days_before=windows)
        if occurrence is None:
            continue
        text = rules.due_soon_text(title, due, (due - day).days)
        out.append(
            (
                unit,
                Entry(rules.DUE_SOON, f"work.task:{pk}", 0, text, occurrence, task_link(pk), pk),
            )
        )
    return out


def overdue_entries(day: date) -> list[tuple[int, Entry]]:
    task_link = by_id("task_detail")
    rows = (
        _open_tasks()
        .filter(due__lt=day, due__gte=day - CATCH_UP)
        .values_list("pk", "title", "due", "lead_unit_id")
    )
    return [
        (
            unit,
            Entry(rules.OVERDUE, f"work.task:{pk}", 0, rules.overdue_text(title, due), "", task_link(pk), pk),
        )
        for pk, title, due, unit in rows
    ]


def late_entries(day: date) -> list[tuple[int, Entry]]:
    """One reminder per task and unit with late reports recorded this week: its latest late period
    (the occurrence), saying how many earlier ones are late too. A first tick over a year of history
    records every late period at once; a reminder each would be hundreds of thousands of messages."""
    from django.db.models import Count, Max

    from luoshi.work.models import LateReport

    rows = (
        LateReport.objects.filter(detected_on__lte=day, detected_on__gt=day - CATCH_UP)
        .values("task_id", "unit_id")
        .annotate(last=Max("period_end"), n=Count("pk"))
        .values_list("task_id", "task__title", "last", "n", "unit_id")
        .order_by("task_id", "unit_id")
    )
    task_link = by_id("task_detail")
    return [
        (
            unit,
            Entry(
                rules.REPORT_LATE,
                f"work.task:{task}",
                0,
                rules.report_late_text(title, last, more=n - 1),
                last.isoformat(),
                task_link(task),
                task,
            ),
        )
        for task, title, last, n, unit in rows
    ]


def digest_entries(day: date, people: dict[int, list[int]]) -> list[Entry]:
    """The weekly digest of each person with something to tell, unless they switched it off."""
    from django.db.models import Count, Q

    from luoshi.work.models import LateReport

    occurrence = rules.weekly_digest_occurrence(day)
    if occurrence is None:
        return []
    per_unit: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for unit, soon, overdue in (
        _open_tasks()
        .filter(due__lt=day + timedelta(days=8))
        .values("lead_unit_id")
        .annotate(
            soon=Count("pk", filter=Q(due__gte=day)),
            overdue=Count("pk", filter=Q(due__lt=day)),
        )
        .values_list("lead_unit_id", "soon", "overdue")
    ):
        per_unit[unit][0] += soon
        per_unit[unit][1] += overdue
    for unit, late in (
        LateReport.objects.filter(detected_on__lte=day, detected_on__gt=day - timedelta(days=7))
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    ):
        per_unit[unit][2] += late
    missing = set(per_unit) - set(people)
    if missing:
        people = {**people, **unit_people(missing, on=day)}
    per_user: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for unit, counts in per_unit.items():
        for user in people.get(unit, []):
            for i in range(3):
                per_user[user][i] += counts[i]
    off = set(
        Preference.objects.filter(user_id__in=list(per_user), weekly_digest=False).values_list(
            "user_id", flat=True
        )
    )
    out = []
    for user, (soon, overdue, late) in sorted(per_user.items()):
        text = rules.weekly_digest_text(due_soon=soon, overdue=overdue, late=late)
        if user in off or text is None:
            continue
        out.append(Entry(rules.WEEKLY_DIGEST, f"auth.user:{user}", user, text, occurrence, "/", None))
    return out


def reminders_plan(day: date, *, now: datetime | None = None) -> dict[str, int]:
    """The daily step `notify.reminders`: queue the reminders due on `day`; idempotent (a second run
    queues nothing new). Returns how many new outbox rows each rule queued; nothing when
    `LUOSHI_REMINDERS` is off."""
    if not getattr(settings, "LUOSHI_REMINDERS", True):
        return {}
    by_unit = {
        rules.DUE_SOON: due_entries(day, days_before()),
        rules.OVERDUE: overdue_entries(day),
        rules.REPORT_LATE: late_entries(day),
    }
    people = unit_people({u for rows in by_unit.values() for u, _e in rows}, on=day)
    summary: dict[str, int] = {}
    for rule, rows in by_unit.items():
        # A chunk of tasks at a time: a province's first tick has hundreds of thousands of reminders,
        # and each becomes an outbox row (model instance) per channel before it is written.
        summary[rule] = 0
        for i in range(0, len(rows), CHUNK):
            entries = [
                Entry(e.rule, e.source, user, e.text, e.occurrence, e.link, e.task_id)
                for unit, e in rows[i : i + CHUNK]
                for user in people.get(unit, [])
            ]
            summary[rule] += queue(entries, now=now)
    summary[rules.WEEKLY_DIGEST] = queue(digest_entries(day, people), now=now)
    return summary
