"""Reads of enterprise appeals: the staff list with its filters and the figures above it, set-based
(a fixed number of queries whatever the number of rows)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from .models import Appeal, StatusChoice

OPEN = [StatusChoice.NEW, StatusChoice.ASSIGNED, StatusChoice.PAUSED]
SOON = timedelta(hours=24)


def appeal_rows(
    user: Any, *, status: str = "", sla: str = "", kind: str = "", q: str = ""
) -> QuerySet[Appeal]:
    """The appeals the user sees, newest first, filtered; `sla` is overdue (open past its deadline,
    not paused), due_soon (within a day), late (replied after the deadline)."""
    qs = Appeal.objects.visible_to(user).select_related("service", "unit")
    if status in StatusChoice.values:
        qs = qs.filter(status=status)
    now = timezone.now()
    if sla == "overdue":
        qs = qs.filter(status__in=[StatusChoice.NEW, StatusChoice.ASSIGNED], due_at__lt=now)
    elif sla == "due_soon":
        qs = qs.filter(
            status__in=[StatusChoice.NEW, StatusChoice.ASSIGNED], due_at__gte=now, due_at__lte=now + SOON
        )
    elif sla == "late":
        qs = qs.filter(replied_at__isnull=False, replied_at__gt=F("due_at"))
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(
            Q(tracking_code=q.upper()) | Q(enterprise_name__icontains=q) | Q(description__icontains=q)
        )
    return qs.order_by("-received_at", "-pk")


def figures(user: Any) -> dict[str, int]:
    """Counts over what the user sees, in one query: per status, open past the deadline, replied
    late, unsatisfied, verified complaints."""
    now = timezone.now()
    agg = Appeal.objects.visible_to(user).aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(status=StatusChoice.NEW)),
        assigned=Count("pk", filter=Q(status=StatusChoice.ASSIGNED)),
        paused=Count("pk", filter=Q(status=StatusChoice.PAUSED)),
        replied=Count("pk", filter=Q(status=StatusChoice.REPLIED)),
        closed=Count("pk", filter=Q(status=StatusChoice.CLOSED)),
        overdue=Count("pk", filter=Q(status__in=[StatusChoice.NEW, StatusChoice.ASSIGNED], due_at__lt=now)),
        late=Count("pk", filter=Q(replied_at__isnull=False, replied_at__gt=F("due_at"))),
        unsatisfied=Count("pk", filter=Q(satisfaction="unsatisfied")),
        verified=Count("pk", filter=Q(verification="verified")),
    )
    return {k: int(v or 0) for k, v in agg.items()}
