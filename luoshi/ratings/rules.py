"""Ratings (评议) rules over plain values: the rating scale, trimmed means, minimum responses, the
service veto (服务否决) and response rates. No database access; `selectors.round_results` feeds them
the per-group aggregates that SQL computes.

- **Trimmed mean (去掉一个最高分和一个最低分)**: with n ≥ 3 ratings, exactly one highest and one lowest
  rating are dropped (one each, even when several ratings tie for the highest or lowest) and the
  mean of the remaining n − 2 is taken; with n = 1 or 2 nothing is dropped (there would be nothing
  left); with n = 0 there is no score. As aggregates: (sum − max − min) / (n − 2).
- **Minimum responses (最少有效票)**: a group (a rated unit, or one of its items) with fewer ratings
  than the round's minimum shows 样本不足 and has no score and no veto.
- **Service veto (服务否决)**: a unit is vetoed when the share of 不满意 ratings among all its
  ratings (every item of every ballot that rated it) is *strictly greater* than the round's
  threshold (e.g. 30%: 3 of 10 is not vetoed, 4 of 10 is). Compared exactly in integers.
- **Unit score**: the plain mean of its items' trimmed means (items weigh the same); 样本不足 when
  fewer ballots than the minimum rated it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")


class Refusal(StrEnum):
    """Why a ballot is refused; recorded with every refused submission."""

    UNKNOWN = "unknown"  # no ballot has this token
    USED = "used"  # the ballot was already submitted
    NOT_OPEN = "not_open"  # the round has not opened yet
    CLOSED = "closed"  # the round is closed or its closing time has passed (the link has expired)
    OUT_OF_SCALE = "out_of_scale"  # a rating that is not one of the scale's options
    INCOMPLETE = "incomplete"  # an item of a rated unit left without a rating


@dataclass(frozen=True)
class Option:
    """One step of a rating scale: its label as the ballot shows it, its points, and whether it
    counts as 不满意 for the service veto."""

    label: str
    points: Decimal
    unsatisfied: bool = False


SATISFACTION = (
    Option("满意", Decimal(100)),
    Option("基本满意", Decimal(80)),
    Option("不满意", Decimal(0), unsatisfied=True),
)
# 1–10 points; 1–5 (不及格) count as 不满意.
TEN_POINTS = tuple(Option(str(i), Decimal(i), unsatisfied=i <= 5) for i in range(10, 0, -1))
PRESETS: dict[str, tuple[Option, ...]] = {"satisfaction": SATISFACTION, "ten": TEN_POINTS}


def scale_problem(options: Sequence[Option]) -> str | None:
    """Why a scale cannot be used, as a code, or None: two options at least (`too_few`), labels
    present (`blank_label`) and distinct (`duplicate_label`), points finite and not negative
    (`bad_points`)."""
    if len(options) < 2:
        return "too_few"
    labels = [o.label.strip() for o in options]
    if any(not label for label in labels):
        return "blank_label"
    if len(set(labels)) != len(labels):
        return "duplicate_label"
    if any(not o.points.is_finite() or o.points < 0 for o in options):
        return "bad_points"
    return None


def choose(options: Sequence[Option], choice: object) -> Option | None:
    """The option a ballot's answer names (its index on the scale, as sent by the form), or None
    when the answer is not on the scale."""
    if isinstance(choice, bool):
        return None
    if isinstance(choice, str):
        if not choice.isascii() or not choice.isdigit() or len(choice) > 4:
            return None
        choice = int(choice)
    if not isinstance(choice, int) or not 0 <= choice < len(options):
        return None
    return options[choice]


def trimmed_mean(values: Sequence[Decimal]) -> Decimal | None:
    """Mean after dropping exactly one highest and one lowest value when there are at least three;
    the plain mean of one or two values; None for none. Not rounded."""
    n = len(values)
    if n == 0:
        return None
    if n < 3:
        return sum(values, Decimal(0)) / n
    return trimmed_from_aggregates(
        n=n, total=sum(values, Decimal(0)), highest=max(values), lowest=min(values)
    )


def trimmed_from_aggregates(*, n: int, total: Decimal, highest: Decimal, lowest: Decimal) -> Decimal | None:
    """The trimmed mean from SQL's COUNT, SUM, MAX and MIN of the same values."""
    if n <= 0:
        return None
    if n < 3:
        return total / n
    return (total - highest - lowest) / (n - 2)


def rounded(value: Decimal | None) -> Decimal | None:
    """Scores as shown and exported: two decimals, half up."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def enough(n: int, minimum: int) -> bool:
    """Whether n ratings reach the round's minimum (otherwise 样本不足)."""
    return n >= max(minimum, 1)


def vetoed(*, unsatisfied: int, total: int, threshold_percent: Decimal) -> bool:
    """The service veto: the 不满意 share strictly above the threshold (never for no ratings)."""
    if total <= 0:
        return False
    return Decimal(unsatisfied) * 100 > threshold_percent * total


def share_percent(part: int, total: int) -> Decimal:
    """part / total in percent, two decimals (0 when total is 0)."""
    if total <= 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / total).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ItemAggregate:
    """The ratings of one item of one unit, as SQL aggregates them."""

    n: int
    total: Decimal
    highest: Decimal
    lowest: Decimal
    unsatisfied: int


@dataclass(frozen=True)
class Score:
    n: int
    score: Decimal | None  # rounded; None when 样本不足
    insufficient: bool


def item_score(agg: ItemAggregate, *, minimum: int) -> Score:
    """One item's score: the trimmed mean when the sample is sufficient."""
    if not enough(agg.n, minimum):
        return Score(agg.n, None, True)
    mean = trimmed_from_aggregates(n=agg.n, total=agg.total, highest=agg.highest, lowest=agg.lowest)
    return Score(agg.n, rounded(mean), False)


@dataclass(frozen=True)
class UnitOutcome:
    ballots: int
    score: Decimal | None
    insufficient: bool
    unsatisfied: int
    answers: int
    unsatisfied_percent: Decimal
    veto: bool
    items: tuple[Score, ...]


def unit_outcome(
    items: Sequence[ItemAggregate], *, ballots: int, minimum: int, threshold_percent: Decimal
) -> UnitOutcome:
    """A rated unit's result from its items' aggregates and the number of ballots that rated it."""
    scores = tuple(item_score(a, minimum=minimum) for a in items)
    unsatisfied = sum(a.unsatisfied for a in items)
    answers = sum(a.n for a in items)
    insufficient = not enough(ballots, minimum) or not items
    score = None
    if not insufficient:
        means = [
            trimmed_from_aggregates(n=a.n, total=a.total, highest=a.highest, lowest=a.lowest) for a in items
        ]
        known = [m for m in means if m is not None]
        score = rounded(sum(known, Decimal(0)) / len(known)) if known else None
        insufficient = score is None
    return UnitOutcome(
        ballots=ballots,
        score=score,
        insufficient=insufficient,
        unsatisfied=unsatisfied,
        answers=answers,
        unsatisfied_percent=share_percent(unsatisfied, answers),
        veto=not insufficient
        and vetoed(unsatisfied=unsatisfied, total=answers, threshold_percent=threshold_percent),
        items=scores,
    )
