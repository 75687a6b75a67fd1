"""Reads of enterprise watch: the list with open-risk counts and the figures, set-based."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from .models import Enterprise, StatusChoice


def enterprise_rows(user: Any, *, status: str = "", kind: str = "", q: str = "") -> QuerySet[Enterprise]:
    """The enterprises the user sees with their open flags, team size and last visit annotated
    (one query), watched ones first."""
    qs = (
        Enterprise.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            open_flags=Count("flags", filter=Q(flags__closed_on__isnull=True), distinct=True),
            last_visit=Max("visits__visited_on"),
        )
    )
    if status in StatusChoice.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(
            pk__in=Enterprise.objects.filter(flags__kind=kind, flags__closed_on__isnull=True).values("pk")
        )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code=q.upper()) | Q(industry__icontains=q))
    return qs.order_by("-open_flags", "name", "pk")


def figures(user: Any) -> dict[str, int]:
    agg = Enterprise.objects.visible_to(user).aggregate(
        total=Count("pk"),
        watched=Count("pk", filter=Q(status=StatusChoice.WATCHED)),
        resolved=Count("pk", filter=Q(status=StatusChoice.RESOLVED)),
    )
    return {k: int(v or 0) for k, v in agg.items()}
