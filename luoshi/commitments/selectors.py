"""Reads of commitments for the office and the units: lists with their latest compliance, and the
pending compliance queue. A fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from .models import CatalogueItem, Commitment, Compliance, ReviewState


def commitment_list(
    user: Any, *, unit_id: int | None = None, year: int | None = None
) -> QuerySet[Commitment]:
    latest = Compliance.objects.filter(commitment=OuterRef("pk")).order_by("-period")
    qs = (
        Commitment.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            last_period=Subquery(latest.values("period")[:1]),
            last_state=Subquery(latest.values("state")[:1]),
            last_review=Subquery(latest.values("review")[:1]),
        )
        .order_by("unit__path", "year", "number")
    )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if year:
        qs = qs.filter(year=year)
    return qs


def pending_compliance(user: Any) -> QuerySet[Compliance]:
    return (
        Compliance.objects.filter(
            review=ReviewState.PENDING, commitment__in=Commitment.objects.visible_to(user)
        )
        .select_related("commitment", "commitment__unit", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def catalogue_items(unit_id: int | None, kind: str) -> QuerySet[CatalogueItem]:
    qs = (
        CatalogueItem.objects.filter(active=True)
        .select_related("unit")
        .order_by("unit__path", "kind", "code")
    )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs
