"""Reads of ratings (评议): a round's results per panel and rated unit, response rates per panel and
the raters who have not answered. Set-based: a fixed number of queries whatever the number of
ballots, units and items; the arithmetic is `rules`.

`round_results(round)` is the public read the assessment app uses (rating-based indicators): it
returns, per panel and rated unit, the number of ballots, the score (None when 样本不足), the
不满意 share and the service veto flag, with each item's score. It never names a rater.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from . import rules
from .models import Answer, Ballot, Item, Panel, RatingRound


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    item: str
    n: int
    score: Decimal | None  # None: 样本不足
    insufficient: bool


@dataclass(frozen=True)
class UnitResult:
    """One rated unit's result in one panel of a round."""

    panel_id: int
    panel: str
    unit_id: int
    unit: str
    ballots: int  # ballots that rated the unit
    score: Decimal | None  # mean of the items' trimmed means, two decimals; None: 样本不足
    insufficient: bool
    unsatisfied_percent: Decimal  # 不满意 ratings over all its ratings, percent
    veto: bool  # the service veto (服务否决)
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class RoundResults:
    round_id: int
    minimum_responses: int
    veto_percent: Decimal
    units: list[UnitResult]

    def for_unit(self, unit_id: int) -> list[UnitResult]:
        return [u for u in self.units if u.unit_id == unit_id]


def _rated(rnd: RatingRound) -> dict[int, list[tuple[int, str]]]:
    """Per panel, the units it rates (its own, or the round's), in the org tree's order."""
    rows = list(
        Panel.rated_units.through.objects.filter(panel__round=rnd)
        .order_by("unit__path", "unit_id")
        .values_list("panel_id", "unit_id", "unit__name")
    )
    default = list(
        RatingRound.rated_units.through.objects.filter(ratinground=rnd)
        .order_by("unit__path", "unit_id")
        .values_list("unit_id", "unit__name")
    )
    panels = list(Panel.objects.filter(round=rnd).order_by("pk").values_list("pk", flat=True))
    out: dict[int, list[tuple[int, str]]] = {p: [] for p in panels}
    for panel_id, unit_id, name in rows:
        out[panel_id].append((unit_id, name))
    return {p: units or list(default) for p, units in out.items()}


def round_results(rnd: RatingRound) -> RoundResults:
    """Per panel and rated unit: ballots, score, 样本不足, 不满意 share, veto, and per item. Five
    queries: panels, their units, the round's units, items, and one aggregate over the answers."""
    rated = _rated(rnd)
    names = dict(Panel.objects.filter(round=rnd).values_list("pk", "name"))
    items = list(Item.objects.filter(round=rnd).order_by("position").values_list("pk", "text"))
    aggregates = (
        # region_id routes the aggregate to the round's region (docs/scaling.md)
        Answer.objects.filter(region_id=rnd.region_id, ballot__round=rnd, ballot__submitted_at__isnull=False)
        .values("ballot__panel_id", "unit_id", "item_id")
        .annotate(
            n=Count("pk"),
            total=Sum("points"),
            highest=Max("points"),
            lowest=Min("points"),
            unsatisfied=Count("pk", filter=Q(unsatisfied=True)),
        )
    )
    by_key: dict[tuple[int, int, int], rules.ItemAggregate] = {}
    for a in aggregates:
        by_key[(a["ballot__panel_id"], a["unit_id"], a["item_id"])] = rules.ItemAggregate(
            n=a["n"],
            total=Decimal(a["total"]),
            highest=Decimal(a["highest"]),
            lowest=Decimal(a["lowest"]),
            unsatisfied=a["unsatisfied"],
        )
    empty = rules.ItemAggregate(0, Decimal(0), Decimal(0), Decimal(0), 0)
    minimum, threshold = rnd.minimum_responses, rnd.veto_percent
    units = []
    for panel_id, panel_units in rated.items():
        for unit_id, unit_name in panel_units:
            aggs = [by_key.get((panel_id, unit_id, item_id), empty) for item_id, _t in items]
            present = [a for a in aggs if a.n]
            # Ballots are complete (every item of every rated unit), so an item's count is the unit's.
            ballots = max((a.n for a in aggs), default=0)
            outcome = rules.unit_outcome(
                present, ballots=ballots, minimum=minimum, threshold_percent=threshold
            )
            item_scores = [rules.item_score(a, minimum=minimum) for a in aggs]
            units.append(
                UnitResult(
                    panel_id=panel_id,
                    panel=names[panel_id],
                    unit_id=unit_id,
                    unit=unit_name,
                    ballots=ballots,
                    score=outcome.score,
                    insufficient=outcome.insufficient,
                    unsatisfied_percent=outcome.unsatisfied_percent,
                    veto=outcome.veto,
                    items=tuple(
                        ItemResult(item_id, text, s.n, s.score, s.insufficient)
                        for (item_id, text), s in zip(items, item_scores, strict=True)
                    ),
                )
            )
    return RoundResults(rnd.pk, minimum, threshold, units)


@dataclass(frozen=True)
class PanelResponse:
    panel_id: int
    panel: str
    ballots: int
    answered: int
    issued: int

    @property
    def rate(self) -> Decimal:
        return rules.share_percent(self.answered, self.ballots)

    @property
    def pending(self) -> int:
        return self.ballots - self.answered


def response_rates(rounds: list[RatingRound]) -> dict[int, list[PanelResponse]]:
    """Per round, per panel: ballots, answered, issued. One query for any number of rounds."""
    rows = (
        Panel.objects.filter(round__in=rounds)
        .annotate(
            n=Count("ballots"),
            answered=Count("ballots", filter=Q(ballots__submitted_at__isnull=False)),
            issued=Count("ballots", filter=Q(ballots__token_hash__isnull=False)),
        )
        .order_by("round_id", "pk")
        .values_list("round_id", "pk", "name", "n", "answered", "issued")
    )
    out: dict[int, list[PanelResponse]] = {r.pk: [] for r in rounds}
    for round_id, pk, name, n, answered, issued in rows:
        out[round_id].append(PanelResponse(pk, name, n, answered, issued))
    return out


def total(panels: list[PanelResponse]) -> PanelResponse:
    return PanelResponse(
        0,
        "",
        sum(p.ballots for p in panels),
        sum(p.answered for p in panels),
        sum(p.issued for p in panels),
    )


def pending_ballots(rnd: RatingRound) -> Any:
    """The ballots not answered yet (催评名单), with their rater and panel, by panel and name."""
    return (
        Ballot.objects.filter(round=rnd, submitted_at__isnull=True)
        .select_related("rater", "panel", "rater__user")
        .order_by("panel_id", "rater__name", "pk")
    )
