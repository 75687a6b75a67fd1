"""The daily sync's set-based proposals (`publications_propose_many`) end every item as the one-item
service (`publication_propose`) does: the same publications, versions, numbers, states and data."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from luoshi.portal.models import Kind, Publication, Snapshot, SnapshotState
from luoshi.portal.services import publication_propose, publications_propose_many, snapshot_review
from tests.factories import Personas


class _Undo(Exception):
    pass


def _task_data(title: str, light: str = "green", actual: str = "10.00") -> dict[str, Any]:
    return {"title": title, "light": light, "actual_pct": actual, "unit": "甲单位"}


def _state() -> list[tuple[Any, ...]]:
    """Every publication with its versions, by ref: what both ways must leave alike."""
    out = []
    for pub in Publication.objects.order_by("kind", "ref"):
        snaps = [
            (s.number, s.state, s.data, s.region_id, s.proposed_by_id)
            for s in Snapshot.objects.filter(publication=pub).order_by("number")
        ]
        out.append((pub.kind, pub.ref, pub.unit_id, pub.withdrawn, pub.region_id, snaps))
    return out


def _after(apply: Any) -> list[tuple[Any, ...]]:
    """The state `apply()` leaves, then undone."""
    try:
        with transaction.atomic():
            apply()
            seen = _state()
            raise _Undo
    except _Undo:
        pass
    return seen


@pytest.mark.django_db
def test_proposals_in_bulk_end_each_item_as_one_at_a_time(p: Personas) -> None:
    unit = p.unit_a.pk
    # Publications in each case the one-item service distinguishes.
    publication_propose(kind=Kind.TASK, ref="same-pending", unit_id=unit, data=_task_data("待审不变"))
    publication_propose(kind=Kind.TASK, ref="new-pending", unit_id=unit, data=_task_data("待审变化"))
    for ref in ("same-shown", "new-shown", "withdrawn"):
        snap = publication_propose(kind=Kind.TASK, ref=ref, unit_id=unit, data=_task_data(ref))
        assert snap is not None
        snapshot_review(actor=p.officer, snapshot=snap, publish=True)
    Publication.objects.filter(ref="withdrawn").update(withdrawn=True)
    items = {
        "same-pending": (unit, _task_data("待审不变")),
        "new-pending": (unit, _task_data("待审变化", light="red")),
        "same-shown": (unit, _task_data("same-shown")),
        "new-shown": (unit, _task_data("new-shown", actual="20.00")),
        "withdrawn": (unit, _task_data("withdrawn")),
        "brand-new": (p.unit_b.pk, _task_data("新公开事项")),
    }
    before = _state()

    def one_by_one() -> None:
        for ref, (unit_id, data) in items.items():
            publication_propose(kind=Kind.TASK, ref=ref, unit_id=unit_id, data=data, audit=False)

    def in_bulk() -> None:
        assert publications_propose_many(Kind.TASK, items) == 4

    expected = _after(one_by_one)
    assert expected != before  # the cases move something
    assert _after(in_bulk) == expected
    states = {ref: snaps for _k, ref, _u, _w, _r, snaps in expected}
    assert [s[1] for s in states["new-pending"]] == [SnapshotState.SUPERSEDED, SnapshotState.PENDING]
    assert [s[1] for s in states["same-pending"]] == [SnapshotState.PENDING]
    assert len(states["same-shown"]) == 1 and len(states["new-shown"]) == 2
    assert states["brand-new"][0][:2] == (1, SnapshotState.PENDING)


@pytest.mark.django_db
def test_an_unknown_kind_is_refused(p: Personas) -> None:
    from luoshi.errors import InvalidField

    with pytest.raises(InvalidField):
        publications_propose_many("nonsense", {"x": (None, {})})
