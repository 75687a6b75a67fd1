"""Rectification's reactions to its own events: the next approver of a sign-off hears of it.

Connected in `RectificationConfig.ready`; run after the commit of the sign-off write. Messages go
through `notify.services.notify_event` (in-app at once, other channels per each person's
preference), traced by the rule `rectification.signoff.next` and deduplicated per sign-off and stage.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from . import rules
from .signals import signoff_changed

RULE = "rectification.signoff.next"


def approvers(stage: str, *, unit_id: int, leader_id: int | None) -> list[int]:
    """The users who decide a sign-off at `stage`: the responsible unit's heads, the lead leader, or
    the inspection office's officers (current posts); none for other stages."""
    from luoshi.org.models import Membership, Role

    current = Membership.objects.current().filter(person__user__isnull=False)
    if stage == rules.Stage.UNIT_HEAD:
        rows = current.filter(post__role=Role.HEAD, post__unit_id=unit_id)
    elif stage == rules.Stage.LEADER and leader_id is not None:
        from luoshi.org.models import Person

        return [u for u in Person.objects.filter(pk=leader_id).values_list("user_id", flat=True) if u]
    elif stage == rules.Stage.OFFICE:
        rows = current.filter(post__role=Role.OFFICER)
    else:
        return []
    return sorted(set(rows.values_list("person__user_id", flat=True)))


def on_signoff_changed(
    sender: Any,
    *,
    problem_id: int,
    signoff_id: int,
    stage: str,
    action: str,
    submitter_id: int,
    note: str = "",
    **kwargs: Any,
) -> None:
    """Tell whoever acts next: the next approver in the chain (unit head → lead leader → inspection
    office), or the submitter when the problem is signed off (销号) or the sign-off is returned."""
    from luoshi.notify.services import notify_event

    from .models import Problem

    problem = (
        Problem.objects.filter(pk=problem_id)
        .values("number", "text", "responsible_unit_id", "responsible_leader_id")
        .first()
    )
    if problem is None:
        return
    title = f"{problem['number']} {problem['text'][:40]}"
    if stage == rules.Stage.DONE:
        recipients, text = [submitter_id], _("整改问题已销号：%(p)s") % {"p": title}
    elif action == "rectification.signoff.rejected":
        recipients = [submitter_id]
        text = _("销号申请被退回：%(p)s（%(r)s）") % {"p": title, "r": note[:80]}
    else:
        recipients = approvers(
            stage, unit_id=problem["responsible_unit_id"], leader_id=problem["responsible_leader_id"]
        )
        text = _("请审核销号申请：%(p)s") % {"p": title}
    recipients = [u for u in recipients if u]
    if not recipients:
        return
    notify_event(
        rule=RULE,
        recipients=recipients,
        text=text,
        key=f"rectification.signoff:{signoff_id}",
        occurrence=f"{action}:{stage}",
        link=reverse("rectification:problem", args=[problem_id]),
    )


def connect() -> None:
    signoff_changed.connect(on_signoff_changed, dispatch_uid="rectification.signoff_changed")
