"""Reads of the notify app: a person's reminder preferences, the office's filtered outbox."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import DEFAULT_QUIET_END, DEFAULT_QUIET_START, Digest, Outbox, Preference


def reminder_initial(user: Any) -> dict[str, Any]:
    """The reminder form's values for `user` (the defaults when they never chose), and their way of
    hearing of light changes (`digest`)."""
    found = Preference.objects.visible_to(user).first()
    if found is None:
        return {
            "digest": Digest.IMMEDIATE,
            "weekly_digest": True,
            "quiet_start": DEFAULT_QUIET_START,
            "quiet_end": DEFAULT_QUIET_END,
        }
    return {
        "digest": found.digest,
        "email_on": found.email_on,
        "sms_on": found.sms_on,
        "wecom_on": found.wecom_on,
        "dingtalk_on": found.dingtalk_on,
        "weekly_digest": found.weekly_digest,
        "quiet_start": found.quiet_start,
        "quiet_end": found.quiet_end,
    }


def outbox_rows(
    *, rule: str = "", channel: str = "", state: str = "", recipient: str = ""
) -> QuerySet[Outbox]:
    """Outbox rows, newest first, filtered; each with its recipient's name in one query."""
    qs = Outbox.objects.select_related("recipient", "recipient__person").order_by("-created", "-pk")
    if rule:
        qs = qs.filter(rule__startswith=rule)
    if channel:
        qs = qs.filter(channel=channel)
    if state:
        qs = qs.filter(state=state)
    if recipient:
        qs = qs.filter(
            Q(recipient__username__icontains=recipient) | Q(recipient__person__name__icontains=recipient)
        )
    return qs


def outbox_rules() -> list[str]:
    """The rules that have sent messages, for the filter's suggestions."""
    return sorted(r for r in Outbox.objects.exclude(rule="").values_list("rule", flat=True).distinct())
