"""Public reads of the portal: only published, reviewed snapshots (`Publication.current`), never the
working records; a fixed number of queries whatever the number of items."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from luoshi.commitments.rules import compliance_rate

from .models import Feedback, FeedbackState, Kind, Publication, Snapshot, SnapshotState

LIGHT_ORDER = ("overdue", "red", "yellow", "green", "not_started", "done")
COMPLIANCE_ORDER = ("behind", "not_started", "on_track", "fulfilled")
SEARCH_MAX = 50


def public() -> QuerySet[Publication]:
    return Publication.objects.filter(withdrawn=False, current__isnull=False)


def _rank(order: tuple[str, ...]) -> dict[str, int]:
    return {v: i for i, v in enumerate(order)}


def unit_compliance() -> list[dict[str, Any]]:
    """Per unit: its published commitments counted by state, and the rate kept, by unit name. One
    query."""
    states = {s: Count("pk", filter=Q(status=s)) for s in COMPLIANCE_ORDER}
    rows = (
        public()
        .filter(kind=Kind.COMMITMENT)
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(total=Count("pk"), **states)
        .order_by("unit__name")
    )
    out = []
    for row in rows:
        kept = ["fulfilled"] * row["fulfilled"] + ["on_track"] * row["on_track"]
        rest = ["behind"] * (row["total"] - len(kept))
        out.append({**row, "rate": compliance_rate(kept + rest)})
    return out


def _with_data(qs: QuerySet[Publication], limit: int | None = None) -> list[dict[str, Any]]:
    rows = qs.values("pk", "unit_id", "title", "status", "current__data", "published_at")
    if limit is not None:
        rows = rows[:limit]
    out: list[dict[str, Any]] = []
    for r in rows:
        row: dict[str, Any] = dict(r)
        row["data"] = row.pop("current__data")
        out.append(row)
    return out


def light_counts(kind: str, unit_id: int | None = None) -> dict[str, int]:
    qs = public().filter(kind=kind)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {k: counts.get(k, 0) for k in LIGHT_ORDER if counts.get(k)}


def sort_by(rows: list[dict[str, Any]], order: tuple[str, ...]) -> list[dict[str, Any]]:
    rank = _rank(order)
    return sorted(rows, key=lambda r: (rank.get(r["status"], len(order)), r["title"]))


def home(limit: int = 30) -> dict[str, Any]:
    """The portal's home: compliance per unit, public tasks worst first, key projects with their
    lights (and map points), published rectification results. Seven queries."""
    from luoshi.rectification.selectors import published_rounds

    severity = _rank(LIGHT_ORDER)
    tasks = public().filter(kind=Kind.TASK)
    worst = tasks.filter(status__in=["overdue", "red", "yellow"])
    task_rows = sort_by(_with_data(worst.order_by("status", "title"), limit), LIGHT_ORDER)
    if len(task_rows) < limit:
        task_rows += sort_by(
            _with_data(tasks.exclude(status__in=["overdue", "red", "yellow"]), limit - len(task_rows)),
            LIGHT_ORDER,
        )
    projects = sort_by(_with_data(public().filter(kind=Kind.PROJECT)), LIGHT_ORDER)
    return {
        "units": unit_compliance(),
        "tasks": task_rows,
        "task_lights": light_counts(Kind.TASK),
        "projects": projects,
        "project_lights": dict(
            sorted(Counter(p["status"] for p in projects).items(), key=lambda kv: severity.get(kv[0], 9))
        ),
        "rounds": published_rounds(),
    }


def unit_items(unit_id: int) -> dict[str, list[dict[str, Any]]]:
    """The unit's published items by kind, in a stable order. One query."""
    qs = public().filter(unit_id=unit_id).order_by("kind", "pk")
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in Kind.values}
    for values in qs.values("pk", "kind", "title", "status", "current__data", "published_at"):
        r: dict[str, Any] = dict(values)
        r["data"] = r.pop("current__data")
        out[r["kind"]].append(r)
    out["commitment"].sort(key=lambda r: (r["data"].get("year", 0), r["data"].get("number", 0)))
    out["task"] = sort_by(out["task"], LIGHT_ORDER)
    out["project"] = sort_by(out["project"], LIGHT_ORDER)
    return out


def unit_rate(commitments: list[dict[str, Any]]) -> Decimal | None:
    return compliance_rate(r["status"] for r in commitments)


def catalogue_units() -> list[dict[str, Any]]:
    """Units publishing 三单 catalogues, with the kinds they publish. One query."""
    units: dict[int, dict[str, Any]] = {}
    for unit_id, name, kind, data in (
        public()
        .filter(kind=Kind.CATALOGUE)
        .order_by("unit__name", "pk")
        .values_list("unit_id", "unit__name", "status", "current__data")
    ):
        u = units.setdefault(unit_id, {"unit_id": unit_id, "unit": name, "kinds": {}})
        u["kinds"][kind] = len(data.get("items", []))
    return list(units.values())


def search(q: str) -> list[dict[str, Any]]:
    """Published items whose public text (or its pinyin) holds every word of `q`, at most
    `SEARCH_MAX`. One query."""
    words = [w for w in q.lower().split() if w][:5]
    if not words:
        return []
    qs = public()
    for w in words:
        qs = qs.filter(search_text__contains=w)
    return [
        dict(r)
        for r in qs.order_by("kind", "unit__name", "pk").values(
            "pk", "kind", "title", "status", "unit_id", "unit__name"
        )[:SEARCH_MAX]
    ]


def item(pk: int) -> dict[str, Any] | None:
    """One published item with its approved feedback and replies. Two queries."""
    found = (
        public()
        .filter(pk=pk)
        .values(
            "pk",
            "kind",
            "ref",
            "unit_id",
            "unit__name",
            "title",
            "status",
            "current__data",
            "published_at",
            "current__number",
        )
        .first()
    )
    if found is None:
        return None
    row: dict[str, Any] = dict(found)
    row["data"] = row.pop("current__data")
    row["feedback"] = list(
        Feedback.objects.filter(publication_id=pk, state=FeedbackState.APPROVED)
        .order_by("-created")
        .values("body", "reply", "created", "moderated_at")[:50]
    )
    return row


def pending_reviews() -> QuerySet[Snapshot]:
    """The office's queue: pending versions, oldest first, with their publication."""
    return (
        Snapshot.objects.filter(state=SnapshotState.PENDING)
        .select_related("publication", "publication__unit", "publication__current")
        .order_by("proposed_at", "pk")
    )
