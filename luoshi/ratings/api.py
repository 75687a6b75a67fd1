"""The ratings router of the JSON API (the office): rounds with their response rates, a round's
per-panel response rates, its results (the same `selectors.round_results` the assessment reads), and
closing a round. Ballots are submitted on the rater's page, by token, not through the API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from luoshi.api.common import ERRORS, Page, caller
from luoshi.org.access import require_officer

from . import selectors, services
from .models import RatingRound

router = Router(tags=["ratings"])


class ResponseOut(Schema):
    panel_id: int
    panel: str
    ballots: int
    answered: int
    issued: int = Field(..., description="ballots whose link has been issued")
    rate: Decimal = Field(..., description="answered over ballots, percent, two decimals")


class RoundOut(Schema):
    id: int
    name: str
    kind: str = Field(..., description="quarterly (季度评议) or unannounced (不定期评议)")
    period: str
    opens: datetime
    closes: datetime
    state: str = Field(..., description="draft, open or closed")
    minimum_responses: int
    veto_percent: Decimal
    ballots: int
    answered: int
    rate: Decimal


class RoundPage(Schema):
    count: int
    items: list[RoundOut]


class ItemResultOut(Schema):
    item_id: int
    item: str
    n: int
    score: Decimal | None = Field(..., description="trimmed mean, two decimals; null: 样本不足")
    insufficient: bool


class UnitResultOut(Schema):
    panel_id: int
    panel: str
    unit_id: int
    unit: str
    ballots: int
    score: Decimal | None = Field(..., description="mean of the items' trimmed means; null: 样本不足")
    insufficient: bool
    unsatisfied_percent: Decimal
    veto: bool = Field(..., description="the service veto (服务否决)")
    items: list[ItemResultOut]


class ResultsOut(Schema):
    round_id: int
    minimum_responses: int
    veto_percent: Decimal
    units: list[UnitResultOut]


def _response(p: selectors.PanelResponse) -> dict[str, Any]:
    return {
        "panel_id": p.panel_id,
        "panel": p.panel,
        "ballots": p.ballots,
        "answered": p.answered,
        "issued": p.issued,
        "rate": p.rate,
    }


def _round(request: HttpRequest, round_id: int) -> RatingRound:
    user = caller(request)
    require_officer(user)
    return get_object_or_404(RatingRound.objects.visible_to(user), pk=round_id)


@router.get("/ratings/rounds", response={200: RoundPage, **ERRORS})
def ratings_round_list(request: HttpRequest, page: Query[Page]) -> Any:
    """Rating rounds (the office), newest first, with their response rates."""
    user = caller(request)
    require_officer(user)
    qs = RatingRound.objects.visible_to(user).order_by("-opens", "-id")
    count = qs.count()
    rounds = list(qs[page.offset : page.offset + page.limit])
    rates = selectors.response_rates(rounds)
    items = []
    for r in rounds:
        t = selectors.total(rates[r.pk])
        items.append(
            {
                "id": r.pk,
                "name": r.name,
                "kind": r.kind,
                "period": r.period,
                "opens": r.opens,
                "closes": r.closes,
                "state": r.state,
                "minimum_responses": r.minimum_responses,
                "veto_percent": r.veto_percent,
                "ballots": t.ballots,
                "answered": t.answered,
                "rate": t.rate,
            }
        )
    return {"count": count, "items": items}


@router.get("/ratings/rounds/{round_id}/responses", response={200: list[ResponseOut], **ERRORS})
def ratings_round_responses(request: HttpRequest, round_id: int) -> Any:
    """Per panel: ballots, links issued, answered, response rate."""
    rnd = _round(request, round_id)
    return [_response(p) for p in selectors.response_rates([rnd])[rnd.pk]]


@router.get("/ratings/rounds/{round_id}/results", response={200: ResultsOut, **ERRORS})
def ratings_round_results(request: HttpRequest, round_id: int) -> Any:
    """Per panel and rated unit: ballots, score (null: 样本不足), 不满意 share, service veto, items.
    Raters are never named."""
    rnd = _round(request, round_id)
    return selectors.round_results(rnd)


@router.post("/ratings/rounds/{round_id}/close", response={200: RoundOut, **ERRORS})
def ratings_round_close(request: HttpRequest, round_id: int) -> Any:
    """Close a round: every token link stops working."""
    rnd = services.round_close(actor=caller(request), round=_round(request, round_id))
    t = selectors.total(selectors.response_rates([rnd])[rnd.pk])
    return {
        **{k: getattr(rnd, k) for k in ("name", "kind", "period", "opens", "closes", "state")},
        "id": rnd.pk,
        "minimum_responses": rnd.minimum_responses,
        "veto_percent": rnd.veto_percent,
        "ballots": t.ballots,
        "answered": t.answered,
        "rate": t.rate,
    }
