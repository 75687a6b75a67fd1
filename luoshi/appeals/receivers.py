"""Who hears of an appeal: the routed unit's heads and reporters, when it reaches them (on intake,
routing, re-routing or reopening), after the commit, through `notify.services.notify_event` (rule
`appeals.routed`, once per appeal, unit and occurrence)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

RULE = "appeals.routed"


def tell_unit_on_commit(*, appeal_id: int, unit_id: int, occurrence: str) -> None:
    transaction.on_commit(lambda: tell_unit(appeal_id=appeal_id, unit_id=unit_id, occurrence=occurrence))


def tell_unit(*, appeal_id: int, unit_id: int, occurrence: str) -> None:
    from luoshi.notify.services import notify_event
    from luoshi.org.models import Membership, Role

    from .models import Appeal

    recipients = sorted(
        set(
            Membership.objects.current()
            .filter(
                post__unit_id=unit_id, post__role__in=[Role.HEAD, Role.REPORTER], person__user__isnull=False
            )
            .values_list("person__user_id", flat=True)
        )
    )
    appeal = Appeal.objects.select_related("service").filter(pk=appeal_id).first()
    if appeal is None or not recipients:
        return
    notify_event(
        rule=RULE,
        recipients=recipients,
        text=_("企业诉求 %(code)s（%(service)s）交你单位办理，请于 %(due)s 前答复。")
        % {
            "code": appeal.tracking_code,
            "service": appeal.service.name,
            "due": timezone.localtime(appeal.due_at).strftime("%Y-%m-%d %H:%M"),
        },
        key=f"appeals.appeal:{appeal_id}",
        occurrence=f"{occurrence}:{unit_id}",
        link=reverse("appeals:detail", args=[appeal_id]),
    )
