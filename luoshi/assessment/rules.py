"""Assessment (考核) rules over plain values: a scheme's validity, the points of each scoring method,
means, grades, ranks, 末位 and the whole computation of a run. No database access: a run's frozen
inputs (`Fact`) and its frozen scheme (`SchemeSpec`) go in, results and breakdown lines come out,
so re-computing a stored run gives the same numbers to the last digit.

Arithmetic is `Decimal`; every breakdown line is rounded half-up to 0.01 and a unit's score is the
sum of its lines, so the breakdown always adds up to the score.

- **Weights**: the indicators' weights of every group sum to the scheme's total (百分制 100 or
  千分制 1000); a weight, a cap, a points value below zero is refused; a grade quota lies in 0–100%.
- **Task-based (task)**: facts `value` 1 (completed on time) or 0 (overdue / not done) per task;
  points = weight × on-time ÷ tasks; a unit with no task in scope gets the full weight.
- **Measure-based (measure)**: facts `value` = completion ratio in percent per measure; the mean
  ratio, capped at `cap` percent (100 unless the indicator says more), times the weight ÷ 100.
- **Rank-based (rank)**: facts `value` summed per unit; units ranked in their group (higher first, or
  lower first with `params.direction = "asc"`); points from `params.table` by rank (the last entry for
  every later rank) or, without a table, weight − (rank − 1) × step, step = weight ÷ group size; a unit
  with no fact gets 0.
- **Manual (manual)**: each assessor's score on the indicator's scale (0–weight) is a fact; the mean
  is the plain mean, or with `params.trim` the trimmed mean (drop exactly one highest and one lowest
  when there are three scores or more).
- **Rating-based (rating)**: facts `value` = the unit's score in ratings rounds (0–100); points =
  weight × mean score ÷ 100; no score (样本不足) gives 0.
- **Deduction (deduction, 扣分制)**: the indicator starts at its weight; each event of a rule's kind
  deducts the rule's points (× the group's multiplier, e.g. 扣分分值加倍) times the event's count (an
  event is deducted once in an indicator: by the first of its rules naming that kind); a
  rule's own cap, then the indicator's cap (default: its weight), bound the deductions; the scheme's
  `deduction_cap`, when set, bounds the deductions of all its deduction indicators together (the
  excess is given back in indicator order).
- **Bonus (加分)**: scheme-level rules, points per event, each rule capped, the total capped by the
  scheme's `bonus_cap`.
- **Veto (一票否决)**: a fact of a veto rule's kind vetoes the unit: it gets the lowest grade (never
  优秀 or any grade above the lowest), no award eligibility, the lowest grade's coefficient.
- **Grades**: bands from the highest; a unit gets the first band whose threshold its score reaches
  and whose quota (at most `quota` % of the group's units, rounded down) still has room. Ties at a
  quota's edge: when the units tied at the edge do not all fit, none of them gets the band (a quota
  is never exceeded and equal scores get equal grades); they fall to the next band. The last band is
  the floor: every unit reaches it.
- **Rank in group**: competition ranking by score, higher first (1, 2, 2, 4); vetoed units rank
  after every unvetoed unit of their group.
- **末位 (bottom N)**: in each group the units in the last N places by rank; units tied with the
  N-th from the bottom are all 末位. N = 0: none.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


class Method(StrEnum):
    TASK = "task"
    MEASURE = "measure"
    RANK = "rank"
    MANUAL = "manual"
    RATING = "rating"
    DEDUCTION = "deduction"


def q(value: Decimal) -> Decimal:
    """Rounded half-up to 0.01."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """A number as a page shows it: 10, 2.5, -0.25 (no trailing zeros, no exponent)."""
    text = format(q(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: Decimal) -> str:
    return ("+" if value >= 0 else "") + fmt(value)


# ---------------------------------------------------------------------------------------------
# The scheme as plain values


@dataclass(frozen=True, slots=True)
class DeductionSpec:
    kind: str  # the event kind (a registered source of `assessment.events`)
    points: Decimal  # per event
    cap: Decimal | None = None  # at most this much from this rule
    text: str = ""


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    key: str
    name: str
    weight: Decimal
    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    cap: Decimal | None = None
    deductions: tuple[DeductionSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupSpec:
    key: str
    name: str
    indicators: tuple[IndicatorSpec, ...]
    multiplier: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class BonusSpec:
    kind: str
    points: Decimal
    cap: Decimal | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class GradeSpec:
    name: str
    minimum: Decimal  # score threshold (>=)
    quota: Decimal | None = None  # at most this percent of the group's units
    eligible: bool = False  # award eligibility
    coefficient: Decimal = Decimal(1)  # bonus coefficient (奖励系数)


@dataclass(frozen=True, slots=True)
class SchemeSpec:
    total: Decimal
    groups: tuple[GroupSpec, ...]
    grades: tuple[GradeSpec, ...] = ()
    bonuses: tuple[BonusSpec, ...] = ()
    vetoes: tuple[str, ...] = ()  # veto kinds
    bonus_cap: Decimal | None = None
    deduction_cap: Decimal | None = None
    bottom: int = 0


@dataclass(frozen=True, slots=True)
class Member:
    """A unit assessed in a group."""

    unit_id: int
    name: str
    group: str


@dataclass(frozen=True, slots=True)
class Fact:
    """One frozen input of a run: a unit's fact for an indicator ("" for scheme-level facts: bonus
    and veto events)."""

    unit_id: int
    indicator: str
    kind: str
    value: Decimal
    text: str = ""
    link: str = ""
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a unit's breakdown: the points it adds (or takes), why, and the fact behind it."""

    indicator: str  # "" for bonus / veto lines
    points: Decimal
    reason: str
    link: str = ""
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    unit_id: int
    group: str
    score: Decimal
    lines: tuple[Line, ...]
    veto: bool
    veto_reasons: tuple[str, ...]
    rank: int
    grade: str
    bottom: bool
    eligible: bool
    coefficient: Decimal


# ---------------------------------------------------------------------------------------------
# Validation


class Problem(StrEnum):
    NO_GROUP = "no_group"
    NO_INDICATOR = "no_indicator"
    WEIGHTS = "weights"
    NEGATIVE = "negative"
    CAP = "cap"
    QUOTA = "quota"
    GRADES = "grades"
    METHOD = "method"
    TOTAL = "total"
    BOTTOM = "bottom"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Invalid:
    problem: Problem
    where: str  # the group / indicator / grade it concerns
    detail: str = ""


def weights_sum(group: GroupSpec) -> Decimal:
    return sum((i.weight for i in group.indicators), ZERO)


def scheme_problems(spec: SchemeSpec) -> list[Invalid]:
    """Everything wrong with a scheme, in order; empty when it can be used."""
    out: list[Invalid] = []
    if spec.total <= 0:
        out.append(Invalid(Problem.TOTAL, "", fmt(spec.total)))
    if spec.bottom < 0:
        out.append(Invalid(Problem.BOTTOM, "", str(spec.bottom)))
    for cap_name, cap in (("bonus_cap", spec.bonus_cap), ("deduction_cap", spec.deduction_cap)):
        if cap is not None and cap < 0:
            out.append(Invalid(Problem.CAP, cap_name, fmt(cap)))
    if not spec.groups:
        out.append(Invalid(Problem.NO_GROUP, ""))
    for group in spec.groups:
        if not group.indicators:
            out.append(Invalid(Problem.NO_INDICATOR, group.name))
            continue
        if group.multiplier <= 0:
            out.append(Invalid(Problem.NEGATIVE, group.name, fmt(group.multiplier)))
        for ind in group.indicators:
            if ind.method not in Method.__members__.values():
                out.append(Invalid(Problem.METHOD, ind.name, ind.method))
            if ind.weight < 0:
                out.append(Invalid(Problem.NEGATIVE, ind.name, fmt(ind.weight)))
            if ind.cap is not None and ind.cap < 0:
                out.append(Invalid(Problem.CAP, ind.name, fmt(ind.cap)))
            for rule in ind.deductions:
                if rule.points < 0:
                    out.append(Invalid(Problem.NEGATIVE, ind.name, fmt(rule.points)))
                if rule.cap is not None and rule.cap < 0:
                    out.append(Invalid(Problem.CAP, ind.name, fmt(rule.cap)))
                if not rule.kind:
                    out.append(Invalid(Problem.RULE, ind.name, rule.text))
        total = weights_sum(group)
        if total != spec.total:
            out.append(Invalid(Problem.WEIGHTS, group.name, f"{fmt(total)} ≠ {fmt(spec.total)}"))
    for bonus in spec.bonuses:
        if bonus.points < 0:
            out.append(Invalid(Problem.NEGATIVE, bonus.text or bonus.kind, fmt(bonus.points)))
        if bonus.cap is not None and bonus.cap < 0:
            out.append(Invalid(Problem.CAP, bonus.text or bonus.kind, fmt(bonus.cap)))
    out.extend(grade_problems(spec.grades))
    return out


def grade_problems(grades: Sequence[GradeSpec]) -> list[Invalid]:
    """Grades: thresholds strictly decreasing from the first band, quotas within 0–100%, the
    coefficient not negative."""
    out: list[Invalid] = []
    for grade in grades:
        if grade.quota is not None and not (ZERO <= grade.quota <= HUNDRED):
            out.append(Invalid(Problem.QUOTA, grade.name, fmt(grade.quota)))
        if grade.coefficient < 0:
            out.append(Invalid(Problem.NEGATIVE, grade.name, fmt(grade.coefficient)))
    for upper, lower in zip(grades, grades[1:], strict=False):
        if lower.minimum >= upper.minimum:
            out.append(Invalid(Problem.GRADES, lower.name, f"{fmt(lower.minimum)} ≥ {fmt(upper.minimum)}"))
    return out


# ---------------------------------------------------------------------------------------------
# Means and ranks


def plain_mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return sum(values, ZERO) / len(values)


def trimmed(values: Sequence[Decimal]) -> list[Decimal]:
    """The values left once exactly one highest and one lowest are dropped (with three or more)."""
    if len(values) < 3:
        return list(values)
    ordered = sorted(values)
    return ordered[1:-1]


def trimmed_mean(values: Sequence[Decimal]) -> Decimal | None:
    return plain_mean(trimmed(values))


def competition_ranks(scores: Sequence[Decimal]) -> list[int]:
    """Competition ranking (1, 2, 2, 4), higher first, for scores in any order."""
    return _ranks(scores)


def _ranks(keys: Sequence[Any]) -> list[int]:
    """1 + the number of keys greater than each key, by one sort (n log n)."""
    first: dict[Any, int] = {}
    for place, key in enumerate(sorted(keys, reverse=True), start=1):
        first.setdefault(key, place)
    return [first[key] for key in keys]


def bottom_places(scores: Sequence[Decimal], n: int) -> list[bool]:
    """末位: the last n by score, and every unit tied with the n-th from the bottom."""
    if n <= 0 or not scores:
        return [False] * len(scores)
    ordered = sorted(scores)
    edge = ordered[min(n, len(ordered)) - 1]
    return [s <= edge for s in scores]


def assign_grades(
    scores: Sequence[Decimal], vetoed: Sequence[bool], grades: Sequence[GradeSpec]
) -> list[int]:
    """The index of each unit's grade band (see the module's rules); -1 when there are no grades."""
    n = len(scores)
    if not grades:
        return [-1] * n
    lowest = len(grades) - 1
    out = [lowest] * n
    pending = sorted((i for i in range(n) if not vetoed[i]), key=lambda i: -scores[i])
    for band_index, band in enumerate(grades[:-1]):
        room = n if band.quota is None else int(band.quota * n // HUNDRED)
        reaching = [i for i in pending if scores[i] >= band.minimum]
        if len(reaching) > room:
            if room == 0:
                reaching = []
            else:
                edge = scores[reaching[room - 1]]
                if scores[reaching[room]] == edge:  # a tie across the edge: none of the tied fits
                    reaching = [i for i in reaching[:room] if scores[i] > edge]
                else:
                    reaching = reaching[:room]
        for i in reaching:
            out[i] = band_index
        taken = set(reaching)
        pending = [i for i in pending if i not in taken]
    return out


# ---------------------------------------------------------------------------------------------
# Points per method


def _by(facts: Iterable[Fact], kind: str | None = None) -> list[Fact]:
    return [f for f in facts if kind is None or f.kind == kind]


def task_lines(ind: IndicatorSpec, facts: Sequence[Fact]) -> list[Line]:
    tasks = list(facts)
    if not tasks:
        return [Line(ind.key, q(ind.weight), f"{signed(ind.weight)}: {ind.name}，考核期内无考核任务，计满分")]
    on_time = sum(1 for f in tasks if f.value >= 1)
    points = q(ind.weight * on_time / len(tasks))
    lines = [Line(ind.key, points, f"{signed(points)}: {ind.name}，按时完成 {on_time}/{len(tasks)} 项任务")]
    lines.extend(Line(ind.key, ZERO, f"0: {f.text}", f.link, f.ref) for f in tasks if f.value < 1)
    return lines


def measure_lines(ind: IndicatorSpec, facts: Sequence[Fact]) -> list[Line]:
    ceiling = ind.cap if ind.cap is not None else HUNDRED
    mean = plain_mean([f.value for f in facts])
    if mean is None:
        return [Line(ind.key, ZERO, f"0: {ind.name}，无量化指标数据")]
    ratio = min(max(mean, ZERO), ceiling)
    points = q(ind.weight * ratio / HUNDRED)
    capped = "（封顶）" if mean > ceiling else ""
    lines = [Line(ind.key, points, f"{signed(points)}: {ind.name}，完成率 {fmt(mean)}%{capped}")]
    lines.extend(Line(ind.key, ZERO, f"0: {f.text}", f.link, f.ref) for f in facts)
    return lines


def manual_lines(ind: IndicatorSpec, facts: Sequence[Fact]) -> list[Line]:
    values = [f.value for f in facts]
    trim = bool(ind.params.get("trim"))
    mean = trimmed_mean(values) if trim else plain_mean(values)
    if mean is None:
        return [Line(ind.key, ZERO, f"0: {ind.name}，无评分")]
    mean = min(max(mean, ZERO), ind.weight)
    points = q(mean)
    listed = "、".join(fmt(v) for v in values)
    how = "去掉一个最高分和一个最低分后平均" if trim and len(values) >= 3 else "平均"
    link = facts[0].link if facts else ""
    return [Line(ind.key, points, f"{signed(points)}: {ind.name}，评分 {listed}，{how}", link)]


def rating_lines(ind: IndicatorSpec, facts: Sequence[Fact]) -> list[Line]:
    mean = plain_mean([f.value for f in facts])
    if mean is None:
        return [Line(ind.key, ZERO, f"0: {ind.name}，评议样本不足或无评议结果")]
    points = q(ind.weight * min(max(mean, ZERO), HUNDRED) / HUNDRED)
    reason = f"{signed(points)}: {ind.name}，评议得分 {fmt(mean)}"
    return [Line(ind.key, points, reason, facts[0].link, facts[0].ref)]


def rank_points(ind: IndicatorSpec, rank: int, size: int) -> Decimal:
    table = ind.params.get("table")
    if table:
        values = [Decimal(str(v)) for v in table]
        return q(values[min(rank, len(values)) - 1])
    step = Decimal(str(ind.params["step"])) if ind.params.get("step") is not None else ind.weight / size
    return q(max(ind.weight - (rank - 1) * step, ZERO))


def deduction_lines(ind: IndicatorSpec, facts: Sequence[Fact], multiplier: Decimal) -> list[Line]:
    """The indicator's starting points, one line per event deducted, and a give-back line where a
    cap stops further deductions."""
    lines = [Line(ind.key, q(ind.weight), f"{signed(ind.weight)}: {ind.name}，起评分")]
    limit = ind.cap if ind.cap is not None else ind.weight
    taken = ZERO
    seen: set[str] = set()
    for rule in ind.deductions:
        if rule.kind in seen:  # an event is deducted once, by the first rule of its kind
            continue
        seen.add(rule.kind)
        rule_taken = ZERO
        for fact in _by(facts, rule.kind):
            points = q(rule.points * multiplier * fact.value)
            lines.append(Line(ind.key, -points, f"{signed(-points)}: {fact.text}", fact.link, fact.ref))
            rule_taken += points
        allowed = rule_taken if rule.cap is None else min(rule_taken, rule.cap)
        if allowed < rule_taken:
            back = rule_taken - allowed
            lines.append(
                Line(
                    ind.key,
                    back,
                    f"{signed(back)}: {rule.text or rule.kind}，扣分以{fmt(rule.cap or ZERO)}分为限",
                )
            )
        taken += allowed
    if taken > limit:
        back = taken - limit
        lines.append(Line(ind.key, back, f"{signed(back)}: {ind.name}，扣分以{fmt(limit)}分为限"))
    return lines


def line_sum(lines: Iterable[Line]) -> Decimal:
    return sum((line.points for line in lines), ZERO)


# ---------------------------------------------------------------------------------------------
# The whole computation


def compute(spec: SchemeSpec, members: Sequence[Member], facts: Sequence[Fact]) -> list[Result]:
    """Every member's result, in the order of `members`. Pure: the same inputs give the same
    results, whatever the order of `facts`."""
    by_unit: dict[int, Result] = {}
    for chunk in compute_groups(spec, members, facts):
        for r in chunk:
            by_unit[r.unit_id] = r
    return [by_unit[m.unit_id] for m in members]


def compute_groups(
    spec: SchemeSpec, members: Sequence[Member], facts: Sequence[Fact]
) -> Iterator[list[Result]]:
    """The results group by group (考核类别; each group's members in the order of `members`).

    Everything a unit's result depends on lies within its group (its indicators, its rank, the
    grade quotas), so a caller that stores or checks the results as they come holds one group's
    breakdown lines at a time, not the whole run's."""
    groups = {g.key: g for g in spec.groups}
    by_unit_ind: dict[tuple[int, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        by_unit_ind[(fact.unit_id, fact.indicator)].append(fact)
    # Each unit's facts for an indicator in one canonical order (the order of `facts` must not
    # matter). Sorting bucket by bucket gives the order a sort of all facts would, without holding
    # a sort key for every fact of the run at once.
    for bucket in by_unit_ind.values():
        bucket.sort(key=_fact_key)

    in_group: dict[str, list[Member]] = defaultdict(list)
    for m in members:
        in_group[m.group].append(m)
    for gkey, group_members in in_group.items():
        yield _compute_group(spec, groups[gkey], group_members, by_unit_ind)


def _compute_group(
    spec: SchemeSpec,
    group: GroupSpec,
    group_members: list[Member],
    by_unit_ind: Mapping[tuple[int, str], list[Fact]],
) -> list[Result]:
    lines: dict[int, list[Line]] = {m.unit_id: [] for m in group_members}
    for ind in group.indicators:
        if ind.method == Method.RANK:
            _rank_indicator(ind, group_members, by_unit_ind, lines)
            continue
        for m in group_members:
            got = by_unit_ind.get((m.unit_id, ind.key), [])
            lines[m.unit_id].extend(_indicator_lines(ind, got, group.multiplier))

    for m in group_members:
        unit_lines = lines[m.unit_id]
        if spec.deduction_cap is not None:
            unit_lines.extend(_scheme_deduction_cap(spec, group, unit_lines))
        unit_lines.extend(_bonus_lines(spec, by_unit_ind.get((m.unit_id, ""), [])))

    scores = {m.unit_id: line_sum(lines[m.unit_id]) for m in group_members}
    veto_reasons = {
        m.unit_id: tuple(
            f.text or f.kind for f in by_unit_ind.get((m.unit_id, ""), []) if f.kind in spec.vetoes
        )
        for m in group_members
    }
    for m in group_members:
        for reason in veto_reasons[m.unit_id]:
            lines[m.unit_id].append(Line("", ZERO, f"一票否决: {reason}"))

    ids = [m.unit_id for m in group_members]
    sc = [scores[i] for i in ids]
    vet = [bool(veto_reasons[i]) for i in ids]
    # Vetoed units rank after the others: rank on (not vetoed, score).
    keyed = [(0 if v else 1, s) for v, s in zip(vet, sc, strict=True)]
    ranks = _ranks(keyed)
    grade_idx = assign_grades(sc, vet, spec.grades)
    bottoms = bottom_places([Decimal(-r) for r in ranks], spec.bottom)

    out = []
    for m, rank, gi, bottom in zip(group_members, ranks, grade_idx, bottoms, strict=True):
        vetoed = bool(veto_reasons[m.unit_id])
        grade = spec.grades[gi] if gi >= 0 else None
        out.append(
            Result(
                unit_id=m.unit_id,
                group=m.group,
                score=scores[m.unit_id],
                lines=tuple(lines[m.unit_id]),
                veto=vetoed,
                veto_reasons=veto_reasons[m.unit_id],
                rank=rank,
                grade=grade.name if grade else "",
                bottom=bottom,
                eligible=bool(grade and grade.eligible and not vetoed),
                coefficient=grade.coefficient if grade else Decimal(1),
            )
        )
    return out


def _fact_key(f: Fact) -> tuple[Any, ...]:
    return (f.unit_id, f.indicator, f.kind, f.ref, f.text, f.value, f.link)


def _indicator_lines(ind: IndicatorSpec, facts: Sequence[Fact], multiplier: Decimal) -> list[Line]:
    if ind.method == Method.TASK:
        return task_lines(ind, facts)
    if ind.method == Method.MEASURE:
        return measure_lines(ind, facts)
    if ind.method == Method.MANUAL:
        return manual_lines(ind, facts)
    if ind.method == Method.RATING:
        return rating_lines(ind, facts)
    if ind.method == Method.DEDUCTION:
        return deduction_lines(ind, facts, multiplier)
    raise ValueError(ind.method)


def _rank_indicator(
    ind: IndicatorSpec,
    members: Sequence[Member],
    by_unit_ind: Mapping[tuple[int, str], list[Fact]],
    lines: dict[int, list[Line]],
) -> None:
    with_value = [
        (m, sum((f.value for f in by_unit_ind[(m.unit_id, ind.key)]), ZERO))
        for m in members
        if by_unit_ind.get((m.unit_id, ind.key))
    ]
    ascending = ind.params.get("direction") == "asc"
    values = [-v if ascending else v for _m, v in with_value]
    ranks = competition_ranks(values)
    size = len(members)
    ranked = {m.unit_id: (r, v) for (m, v), r in zip(with_value, ranks, strict=True)}
    for m in members:
        if m.unit_id not in ranked:
            lines[m.unit_id].append(Line(ind.key, ZERO, f"0: {ind.name}，无排名数据"))
            continue
        r, v = ranked[m.unit_id]
        points = rank_points(ind, r, size)
        first = by_unit_ind[(m.unit_id, ind.key)][0]
        lines[m.unit_id].append(
            Line(
                ind.key, points, f"{signed(points)}: {ind.name}，{fmt(v)}，组内第{r}名", first.link, first.ref
            )
        )


def _scheme_deduction_cap(spec: SchemeSpec, group: GroupSpec, unit_lines: Sequence[Line]) -> list[Line]:
    keys = {i.key for i in group.indicators if i.method == Method.DEDUCTION}
    start = sum((i.weight for i in group.indicators if i.method == Method.DEDUCTION), ZERO)
    now = line_sum(line for line in unit_lines if line.indicator in keys)
    taken = start - now
    cap = spec.deduction_cap if spec.deduction_cap is not None else taken
    if taken <= cap:
        return []
    back = taken - cap
    return [Line("", back, f"{signed(back)}: 全方案扣分以{fmt(cap)}分为限")]


def _bonus_lines(spec: SchemeSpec, facts: Sequence[Fact]) -> list[Line]:
    out: list[Line] = []
    total = ZERO
    for rule in spec.bonuses:
        rule_total = ZERO
        for fact in _by(facts, rule.kind):
            points = q(rule.points * fact.value)
            out.append(Line("", points, f"{signed(points)}: {fact.text}", fact.link, fact.ref))
            rule_total += points
        if rule.cap is not None and rule_total > rule.cap:
            back = rule_total - rule.cap
            out.append(
                Line("", -back, f"{signed(-back)}: {rule.text or rule.kind}，加分以{fmt(rule.cap)}分为限")
            )
            rule_total = rule.cap
        total += rule_total
    if spec.bonus_cap is not None and total > spec.bonus_cap:
        back = total - spec.bonus_cap
        out.append(Line("", -back, f"{signed(-back)}: 加分以{fmt(spec.bonus_cap)}分为限"))
    return out


# ---------------------------------------------------------------------------------------------
# Frozen inputs: serialisation and hash


def spec_to_json(spec: SchemeSpec, members: Sequence[Member]) -> dict[str, Any]:
    def dec(v: Decimal | None) -> str | None:
        return None if v is None else str(v)

    return {
        "total": str(spec.total),
        "bonus_cap": dec(spec.bonus_cap),
        "deduction_cap": dec(spec.deduction_cap),
        "bottom": spec.bottom,
        "vetoes": list(spec.vetoes),
        "grades": [
            [g.name, str(g.minimum), dec(g.quota), g.eligible, str(g.coefficient)] for g in spec.grades
        ],
        "bonuses": [[b.kind, str(b.points), dec(b.cap), b.text] for b in spec.bonuses],
        "groups": [
            {
                "key": g.key,
                "name": g.name,
                "multiplier": str(g.multiplier),
                "indicators": [
                    {
                        "key": i.key,
                        "name": i.name,
                        "weight": str(i.weight),
                        "method": i.method,
                        "params": dict(i.params),
                        "cap": dec(i.cap),
                        "deductions": [[d.kind, str(d.points), dec(d.cap), d.text] for d in i.deductions],
                    }
                    for i in g.indicators
                ],
            }
            for g in spec.groups
        ],
        "members": [[m.unit_id, m.name, m.group] for m in members],
    }


def spec_from_json(data: Mapping[str, Any]) -> tuple[SchemeSpec, list[Member]]:
    def dec(v: Any) -> Decimal | None:
        return None if v is None else Decimal(v)

    spec = SchemeSpec(
        total=Decimal(data["total"]),
        bonus_cap=dec(data.get("bonus_cap")),
        deduction_cap=dec(data.get("deduction_cap")),
        bottom=int(data.get("bottom", 0)),
        vetoes=tuple(data.get("vetoes", ())),
        grades=tuple(
            GradeSpec(n, Decimal(m), dec(qu), bool(e), Decimal(c))
            for n, m, qu, e, c in data.get("grades", ())
        ),
        bonuses=tuple(BonusSpec(k, Decimal(p), dec(c), t) for k, p, c, t in data.get("bonuses", ())),
        groups=tuple(
            GroupSpec(
                key=g["key"],
                name=g["name"],
                multiplier=Decimal(g.get("multiplier", "1")),
                indicators=tuple(
                    IndicatorSpec(
                        key=i["key"],
                        name=i["name"],
                        weight=Decimal(i["weight"]),
                        method=i["method"],
                        params=i.get("params") or {},
                        cap=dec(i.get("cap")),
                        deductions=tuple(
                            DeductionSpec(k, Decimal(p), dec(c), t) for k, p, c, t in i.get("deductions", ())
                        ),
                    )
                    for i in g["indicators"]
                ),
            )
            for g in data["groups"]
        ),
    )
    members = [Member(int(u), str(n), str(g)) for u, n, g in data.get("members", ())]
    return spec, members


def canonical(value: Decimal) -> str:
    """A number written one way only (1, 1.0 and 1.0000 are all "1")."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def content_hash(spec_json: Mapping[str, Any], facts: Sequence[Fact]) -> str:
    """SHA-256 of the frozen scheme and facts in a canonical order: the run's fingerprint."""
    # The digest of json.dumps({"spec": spec_json, "facts": sorted(rows)}, ensure_ascii=False,
    # sort_keys=True), written piece by piece: "facts" sorts before "spec", and the rows are sorted
    # unit by unit (the unit id is a row's first element), so a province run never holds every
    # row, or the whole document, in memory at once.
    by_unit: dict[int, list[Fact]] = defaultdict(list)
    for f in facts:
        by_unit[f.unit_id].append(f)
    h = hashlib.sha256(b'{"facts": [')
    first = True
    for unit_id in sorted(by_unit):
        rows = sorted(
            [f.unit_id, f.indicator, f.kind, str(f.value), f.text, f.link, f.ref] for f in by_unit[unit_id]
        )
        # One unit's rows as the list's own JSON without its brackets: the same separators.
        h.update((("" if first else ", ") + json.dumps(rows, ensure_ascii=False)[1:-1]).encode("utf-8"))
        first = False
    spec_blob = json.dumps(spec_json, ensure_ascii=False, sort_keys=True, default=str)
    h.update(('], "spec": ' + spec_blob + "}").encode("utf-8"))
    return h.hexdigest()
