"""Reads of the audit trail for other apps' pages; the trail itself is read whole only by the audit
admin (`Entry.objects.visible_to`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.utils.translation import get_language

from luoshi.org.access import is_audit_admin

from .actions import describe
from .models import Entry

# What a person chose for themself (following a task): in a record's history for the audit admin only.
PERSONAL_ACTIONS = frozenset({"work.task.followed", "work.task.unfollowed"})


def entries_for(
    obj: Any, user: Any, *, limit: int = 100, personal: Collection[str] = PERSONAL_ACTIONS
) -> list[Entry]:
    """The history of one record (newest first, at most `limit`), for a user the caller has let see
    that record; each entry's `action_text` is in the reader's language."""
    entries = Entry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-id")
    if not is_audit_admin(user):
        entries = entries.exclude(action__in=personal)
    history = list(entries.select_related(None)[:limit])
    lang = get_language() or "zh-hans"
    for e in history:
        e.action_text = describe(e.action, lang)
    return history
