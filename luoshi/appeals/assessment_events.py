"""Appeals' facts for assessment (`luoshi.assessment.events`): a complaint the office verified
(投诉属实), on the day of the finding, and a reply given after its deadline (超期答复), on the day of
the reply; one query each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.assessment.events import EventRow, md, register_source

from .models import Appeal, Verification

COMPLAINT = "appeals.complaint"
LATE_REPLY = "appeals.late_reply"


def complaints(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    rows = (
        Appeal.objects.filter(
            unit_id__in=unit_ids,
            verification=Verification.VERIFIED,
            verified_on__gte=start,
            verified_on__lte=end,
        )
        .order_by("unit_id", "verified_on", "pk")
        .values_list("pk", "unit_id", "verified_on", "tracking_code", "service__name")
    )
    out = []
    for pk, unit_id, day, code, service in rows:
        if day is None:  # excluded by the filter; for the type checker
            continue
        out.append(
            EventRow(
                unit_id=unit_id,
                kind=COMPLAINT,
                occurred_on=day,
                value=Decimal(1),
                text=_("企业投诉经核查属实：%(service)s（%(code)s，%(day)s核查）")
                % {"service": service, "code": code, "day": md(day)},
                link=reverse("appeals:detail", args=[pk]),
                ref=f"appeals.Appeal:{pk}",
            )
        )
    return out


def late_replies(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    tz = timezone.get_current_timezone()
    rows = (
        Appeal.objects.filter(unit_id__in=unit_ids, replied_at__gt=F("due_at"))
        .filter(replied_at__date__gte=start, replied_at__date__lte=end)
        .order_by("unit_id", "replied_at", "pk")
        .values_list("pk", "unit_id", "replied_at", "due_at", "tracking_code")
    )
    out = []
    for pk, unit_id, replied_at, due_at, code in rows:
        if replied_at is None:  # excluded by the filter; for the type checker
            continue
        day = replied_at.astimezone(tz).date()
        out.append(
            EventRow(
                unit_id=unit_id,
                kind=LATE_REPLY,
                occurred_on=day,
                value=Decimal(1),
                text=_("企业诉求%(code)s超期答复，答复期限%(due)s")
                % {"code": code, "due": md(due_at.astimezone(tz).date())},
                link=reverse("appeals:detail", args=[pk]),
                ref=f"appeals.Appeal:{pk}",
            )
        )
    return out


def register() -> None:
    register_source(COMPLAINT, gettext_lazy("企业投诉核查属实"), complaints)
    register_source(LATE_REPLY, gettext_lazy("企业诉求超期答复"), late_replies)
