"""The reminder before a notice's response deadline (督办单反馈到期提醒), a daily step.

`notice_due_plan(day)` finds the notices whose written response is due within the reminder windows
(`LUOSHI_NOTICE_DUE_DAYS_BEFORE`, default 3 and 1 days before; the pure rule is
`rules.notice_due_occurrence`), still unanswered and on an open item, and queues one reminder per
notice, window and person — the heads and reporters of the unit the notice is addressed to — through
the notify outbox (`notify.services.queue`, the machinery of `notify_event`): traced by the rule
`supervision.notice.due`, deduplicated by its key (rule, notice, person, channel, window), so running
the step twice a day, or after a restart, queues nothing new; external channels wait for the end of
each person's quiet hours. Set-based: one query for the notices, one for the people, one to queue.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .models import ItemState, Notice, Response

RULE = "supervision.notice.due"


def days_before() -> tuple[int, ...]:
    raw = getattr(settings, "LUOSHI_NOTICE_DUE_DAYS_BEFORE", rules.NOTICE_DUE_DAYS_BEFORE)
    return tuple(int(n) for n in raw)


def due_text(*, number: str, title: str, due: date, left: int) -> str:
    if left <= 0:
        text = _("%(no)s 今天到反馈时限：%(t)s，请书面反馈。") % {"no": number, "t": title[:60]}
    else:
        text = _("%(no)s 还有 %(n)s 天到反馈时限（%(d)s）：%(t)s，请按时书面反馈。") % {
            "no": number,
            "n": left,
            "d": due.isoformat(),
            "t": title[:60],
        }
    return text[:300]


def notice_due_plan(day: date, *, now: datetime | None = None) -> dict[str, Any]:
    """The daily step `supervision.notice_reminders`: queue the reminders due on `day`; idempotent.
    Returns how many notices were due a reminder and how many outbox rows were new."""
    if not getattr(settings, "LUOSHI_REMINDERS", True):
        return {}
    from luoshi.notify.reminders import unit_people
    from luoshi.notify.services import Entry, queue

    windows = days_before()
    if not windows:
        return {"notices": 0, RULE: 0}
    horizon = day + timedelta(days=max(windows))
    rows = (
        Notice.objects.filter(response_due__gte=day, response_due__lte=horizon, item__state=ItemState.OPEN)
        .filter(~Exists(Response.objects.filter(notice=OuterRef("pk"))))
        .values_list(
            "pk", "year", "seq", "response_due", "unit_id", "item_id", "item__title", "item__task_id"
        )
        .order_by("pk")
    )
    due: list[tuple[int, str, str, int, str, int]] = []
    for pk, year, seq, response_due, unit_id, item_id, title, task_id in rows:
        occurrence = rules.notice_due_occurrence(response_due=response_due, today=day, days_before=windows)
        if occurrence is None:
            continue
        text = due_text(
            number=rules.notice_number(year, seq),
            title=title,
            due=response_due,
            left=(response_due - day).days,
        )
        due.append((pk, occurrence, text, unit_id, reverse("supervision:item", args=[item_id]), task_id))
    people = unit_people({d[3] for d in due}, on=day)
    entries = [
        Entry(
            rule=RULE,
            source=f"supervision.notice:{pk}",
            recipient=user,
            text=text,
            occurrence=f"due-{occurrence}",
            link=link,
            task_id=task_id,
        )
        for pk, occurrence, text, unit_id, link, task_id in due
        for user in people.get(unit_id, [])
    ]
    return {"notices": len(due), RULE: queue(entries, now=now)}
