"""Reads of supervision, set-based: the escalation queue, the idle list, an item's journey, the
bulletin's 通报 section and the escalated items' export. A fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.lib.search import capped_count, rank, title_matches

from . import rules
from .models import Handoff, Item, ItemState, LevelChoice, Notice, Proposal, ProposalState, ReasonChoice


def queue(user: Any) -> QuerySet[Proposal]:
    """The pending proposals (待决定的升级建议), highest level first, then oldest; for the office."""
    return (
        Proposal.objects.filter(state=ProposalState.PENDING)
        .select_related("task", "item", "unit")
        .only(
            "id",
            "task_id",
            "item_id",
            "unit_id",
            "level",
            "rank",
            "reason",
            "days",
            "proposed_on",
            "task__title",
            "task__light",
            "item__title",
            "unit__name",
        )
        .order_by("-rank", "proposed_on", "pk")
    )


def idle_condition(now: datetime, t: rules.Thresholds) -> Q:
    """Open items held longer than their level's threshold (one OR per level)."""
    cond = Q(pk__in=[])
    for level in ["", *rules.LADDER]:
        cutoff = now - timedelta(days=rules.idle_threshold(level, t) + 1)
        cond |= Q(level=level, held_since__lte=cutoff)
    return Q(state=ItemState.OPEN) & cond


def idle_items(user: Any, *, now: datetime | None = None) -> QuerySet[Item]:
    """Items now idle (滞留), longest held first."""
    from .services import thresholds

    now = now or timezone.now()
    return (
        Item.objects.visible_to(user)
        .filter(idle_condition(now, thresholds()))
        .select_related("holder_unit", "holder_person", "lead_unit")
        .order_by("held_since", "pk")
    )


def item_rows(
    user: Any, *, level: str = "", state: str = "", source: str = "", q: str = ""
) -> QuerySet[Item]:
    """The items a user sees, filtered (one filter for the page, the API and the export)."""
    qs = Item.objects.visible_to(user).select_related("lead_unit", "holder_unit")
    if level == "none":
        qs = qs.filter(level="")
    elif level == "escalated":
        qs = qs.exclude(level="")
    elif level in LevelChoice.values:
        qs = qs.filter(level=level)
    if state in ItemState.values:
        qs = qs.filter(state=state)
    if source:
        qs = qs.filter(source_kind=source)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs.order_by("-created", "-pk")


@dataclass
class JourneyStep:
    kind: str
    kind_label: str
    from_unit: str
    to_unit: str
    person: str
    actor: str
    at: datetime
    note: str
    days: float
    current: bool


def journey(item: Item, *, now: datetime | None = None) -> list[JourneyStep]:
    """The item's journey (流转轨迹): every hand-off with how long the item then sat (one query)."""
    now = now or timezone.now()
    handoffs = list(
        Handoff.objects.filter(item=item)
        .select_related("from_unit", "to_unit", "person", "actor")
        .order_by("at", "pk")
    )
    stays = rules.journey([h.at for h in handoffs], now)
    return [
        JourneyStep(
            kind=h.kind,
            kind_label=h.get_kind_display(),
            from_unit=h.from_unit.name if h.from_unit else "",
            to_unit=h.to_unit.name,
            person=h.person.name if h.person else "",
            actor=h.actor.get_full_name() or h.actor.get_username(),
            at=h.at,
            note=h.note,
            days=round(s.seconds / 86400, 1),
            current=s.end is None and item.state == ItemState.OPEN,
        )
        for h, s in zip(handoffs, stays, strict=True)
    ]


def reason_label(reason: str, days: int) -> str:
    label = str(dict(ReasonChoice.choices).get(reason, reason))
    if days and reason in ("red", "idle", "no_response"):
        return _("%(label)s（%(days)s天）") % {"label": label, "days": days}
    return label


def bulletin_section(plan: Any, since: date, on: date) -> dict[str, Any] | None:
    """The bulletin's 通报 section: notices at the 通报 level issued since the previous issue for
    items whose task is in the bulletin's plan; None (no section) when there is none."""
    rows = list(
        Notice.objects.filter(
            level=rules.Level.BULLETIN, issued_on__gt=since, issued_on__lte=on, item__task__plan_id=plan.pk
        )
        .order_by("issued_on", "year", "seq")
        .values_list("year", "seq", "unit__name", "item__title", "issued_on", "response_due")
    )
    if not rows:
        return None
    return {
        "title": _("通报督办事项"),
        "columns": [_("文号"), _("单位"), _("事项"), _("通报日期"), _("反馈时限")],
        "rows": [
            [rules.notice_number(y, s), unit, title, issued.isoformat(), due.isoformat()]
            for y, s, unit, title, issued, due in rows
        ],
    }


def escalated_rows(user: Any) -> list[list[Any]]:
    """Escalated items with their latest notice, for the export (two queries)."""
    items = list(item_rows(user, level="escalated"))
    latest: dict[int, Notice] = {}
    for notice in Notice.objects.filter(item_id__in=[i.pk for i in items]).order_by(
        "item_id", "issued_on", "pk"
    ):
        latest[notice.item_id] = notice
    labels = dict(LevelChoice.choices)
    out = []
    for i in items:
        n = latest.get(i.pk)
        out.append(
            [
                i.pk,
                i.title,
                i.get_source_kind_display(),
                i.lead_unit.name,
                i.holder_unit.name,
                str(labels.get(i.level, "")),
                i.deadline,
                n.number if n else "",
                n.issued_on if n else None,
                n.response_due if n else None,
                i.get_state_display(),
            ]
        )
    return out


def item_search(user: Any, q: str, *, limit: int = 10) -> tuple[list[Item], int]:
    """The first `limit` visible supervision items whose title (or source number) holds every term
    of `q`, best match first (`lib.search.rank`), newest first among equals; how many (capped)."""
    qs = Item.objects.visible_to(user).filter(title_matches(q, title="title", code="source_ref"))
    rows = list(
        qs.annotate(search_rank=rank(q, code="source_ref", title="title", unit="lead_unit__name"))
        .select_related("lead_unit")
        .order_by("search_rank", "-id")[:limit]
    )
    return rows, capped_count(qs, len(rows), limit)
