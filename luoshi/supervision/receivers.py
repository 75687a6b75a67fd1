"""Supervision's reactions to its own events: a unit that receives a notice hears of it.

Connected in `SupervisionConfig.ready`; run after the commit of the notice (`notice_issued` is sent by
`send_on_commit`). Messages go through `notify.services.notify_event` (in-app at once, other channels
per each person's preference and quiet hours), traced by the rule `supervision.notice.issued` and
sent once per notice and person whatever the worker does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from .signals import notice_issued

RULE = "supervision.notice.issued"


def unit_staff(unit_id: int) -> list[int]:
    """The users holding the unit's head or reporter posts today: who answers a notice."""
    from luoshi.org.models import Membership, Role

    rows = Membership.objects.current().filter(
        post__unit_id=unit_id, post__role__in=[Role.HEAD, Role.REPORTER], person__user__isnull=False
    )
    return sorted(set(rows.values_list("person__user_id", flat=True)))


def on_notice_issued(
    sender: Any, *, notice_id: int, item_id: int, level: str, unit_id: int, deadline: date, **kwargs: Any
) -> None:
    """Tell the unit's heads and reporters: which notice, about what, and when the response is due."""
    from luoshi.notify.services import notify_event

    from .models import Notice

    notice = Notice.objects.select_related("item").filter(pk=notice_id).first()
    if notice is None:
        return
    recipients = unit_staff(unit_id)
    if not recipients:
        return
    text = _("%(level)s通知 %(no)s：%(title)s，请于 %(due)s 前书面反馈。") % {
        "level": notice.get_level_display(),
        "no": notice.number,
        "title": notice.item.title[:60],
        "due": deadline.isoformat(),
    }
    notify_event(
        rule=RULE,
        recipients=recipients,
        text=text,
        key=f"supervision.notice:{notice_id}",
        occurrence=level,
        link=reverse("supervision:item", args=[item_id]),
        task_id=notice.item.task_id,
    )


def connect() -> None:
    notice_issued.connect(on_notice_issued, dispatch_uid="supervision.notice_issued")
