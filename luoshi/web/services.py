"""Writes behind the shell pages: a user's own notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from luoshi.work.models import Notification


@transaction.atomic
def notification_mark_read(*, actor: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when `ids` is None); returns how many changed.

    Not audited: a notification's read flag is the reader's own bookkeeping, not a change of record.
    """
    qs = Notification.objects.filter(user=actor, read=False)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read=True)
