"""Builders for commitments tests, through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

from luoshi.commitments import services
from luoshi.commitments.models import Commitment, Compliance
from luoshi.portal.models import Publication, Snapshot, SnapshotState
from luoshi.portal.services import snapshots_publish


def commitment(p: Any, *, unit: Any = None, title: str = "年内建成智慧停车平台", **kw: Any) -> Commitment:
    return services.commitment_create(
        actor=p.officer,
        unit=unit or p.unit_a,
        session=kw.pop("session", "2026年互学互比晒思路会"),
        year=kw.pop("year", 2026),
        title=title,
        measure=kw.pop("measure", "建成平台并接入全区停车场"),
        deadline=kw.pop("deadline", date(2026, 12, 31)),
        **kw,
    )


def accepted(
    p: Any, c: Commitment, period: str = "2026Q1", state: str = "on_track", note: str = "完成招标"
) -> Compliance:
    row = services.compliance_submit(actor=p.reporter_a, commitment=c, period=period, state=state, note=note)
    return services.compliance_review(actor=p.officer, compliance=row, accept=True)


def publish_all(p: Any) -> int:
    ids = list(Snapshot.objects.filter(state=SnapshotState.PENDING).values_list("pk", flat=True))
    return snapshots_publish(actor=p.officer, ids=ids) if ids else 0


def publication_of(c: Commitment) -> Publication:
    return Publication.objects.get(kind="commitment", ref=str(c.pk))
