"""The daily step `enterprises.visit_due`: a watched enterprise that no one of its service team has
visited for `VISIT_EVERY_DAYS` days is brought to the team's attention (notify rule
`enterprises.visit_due`), once per enterprise and overdue window, so help reaches it before it fails."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .models import Enterprise, StatusChoice, TeamMember

RULE = "enterprises.visit_due"
VISIT_EVERY_DAYS = 30


def visit_due_step(day: date) -> dict[str, int]:
    """Tell the team members (with an account) of each watched enterprise whose last visit — or its
    watch, when it was never visited — is `VISIT_EVERY_DAYS` days old or more; three queries and one
    notify call per enterprise; a rerun on the same day sends nothing twice (the occurrence names the
    window)."""
    from luoshi.notify.services import notify_event

    rows = list(
        Enterprise.objects.filter(status=StatusChoice.WATCHED)
        .annotate(last_visit=Max("visits__visited_on"))
        .values_list("pk", "name", "watched_since", "last_visit")
    )
    due = []
    for pk, name, since, last in rows:
        start = last or since
        if start is not None and rules.visit_overdue(last=start, today=day, every_days=VISIT_EVERY_DAYS):
            due.append((pk, name, start))
    team: dict[int, list[int]] = defaultdict(list)
    for ent_id, user_id in TeamMember.objects.filter(
        enterprise_id__in=[d[0] for d in due], person__user__isnull=False
    ).values_list("enterprise_id", "person__user_id"):
        team[ent_id].append(user_id)
    sent = 0
    for pk, name, start in due:
        if not team[pk]:
            continue
        sent += notify_event(
            rule=RULE,
            recipients=team[pk],
            text=_("重点关注企业 %(name)s 已 %(days)s 天未走访，请尽快走访。")
            % {"name": name, "days": (day - start).days},
            key=f"enterprises.enterprise:{pk}",
            occurrence=(start + timedelta(days=VISIT_EVERY_DAYS)).isoformat(),
            link=reverse("enterprises:detail", args=[pk]),
        )
    return {"overdue": len(due), "queued": sent}
