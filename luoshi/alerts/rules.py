"""Early warning (预警) and report quality (填报质量) rules: pure functions over plain values.

Heinrich's law (海恩法则, 1 : 29 : 300): serious failures are preceded by many minor slips. A subject
(a unit or a person) collects slips — late reports, yellow lights, missed milestones, reminders
received, meeting absences, idle hand-offs, reports returned — each with a date and a kind. Its
score on a day is the weighted count of the slips dated within the window ending that day
(`window_days`, both ends included: a slip older than the window no longer counts). The level is
the highest threshold the score reaches: 蓝 blue, 黄 yellow, 橙 orange, 红 red (below blue: none).
Every plan may set its own weights, window and thresholds (`Settings`); a subject's level is the
worst over the plans its slips belong to, each bucket scored with its own plan's settings, and
slips that belong to no plan (an absence, a reminder without a task) count in every bucket.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal


class Kind:
    """Slip kinds (轻微失误的种类)."""

    LATE_REPORT = "late_report"
    YELLOW_LIGHT = "yellow_light"
    MISSED_MILESTONE = "missed_milestone"
    REMINDER = "reminder"
    ABSENCE = "absence"
    IDLE_HANDOFF = "idle_handoff"
    RETURNED = "returned"

    ALL = (LATE_REPORT, YELLOW_LIGHT, MISSED_MILESTONE, REMINDER, ABSENCE, IDLE_HANDOFF, RETURNED)


NONE, BLUE, YELLOW, ORANGE, RED = "none", "blue", "yellow", "orange", "red"
LEVELS = (NONE, BLUE, YELLOW, ORANGE, RED)  # in rising order
RANK = {level: i for i, level in enumerate(LEVELS)}

DEFAULT_WEIGHTS: dict[str, Decimal] = {
    Kind.LATE_REPORT: Decimal(2),
    Kind.YELLOW_LIGHT: Decimal(1),
    Kind.MISSED_MILESTONE: Decimal(3),
    Kind.REMINDER: Decimal("0.5"),
    Kind.ABSENCE: Decimal(2),
    Kind.IDLE_HANDOFF: Decimal(2),
    Kind.RETURNED: Decimal(1),
}


@dataclass(frozen=True)
class Settings:
    """A plan's warning settings (or the defaults): weights per kind, window and thresholds."""

    window_days: int = 28
    blue: Decimal = Decimal(2)
    yellow: Decimal = Decimal(5)
    orange: Decimal = Decimal(9)
    red: Decimal = Decimal(14)
    weights: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def weight(self, kind: str) -> Decimal:
        return Decimal(self.weights.get(kind, DEFAULT_WEIGHTS.get(kind, Decimal(1))))


DEFAULT = Settings()


def validate(s: Settings) -> list[str]:
    """Field names that are wrong: a window of at least one day, thresholds rising and positive, no
    negative weight (a negative weight would make the level fall when a slip is added)."""
    bad = []
    if s.window_days < 1 or s.window_days > 366:
        bad.append("window_days")
    if not (Decimal(0) < s.blue <= s.yellow <= s.orange <= s.red):
        bad.append("thresholds")
    if any(Decimal(w) < 0 for w in s.weights.values()) or set(s.weights) - set(Kind.ALL):
        bad.append("weights")
    return bad


@dataclass(frozen=True)
class Slip:
    """One minor slip (轻微失误) of a subject: kind, the day it happened, the plan it belongs to (or
    None), a text and a link for the reason list, and `ref` naming the fact it came from."""

    kind: str
    on: date
    plan_id: int | None = None
    text: str = ""
    link: str = ""
    ref: str = ""


def in_window(slip_on: date, day: date, window_days: int) -> bool:
    """A slip counts on `day` when it happened in the `window_days` days ending on `day`."""
    return day - timedelta(days=window_days - 1) <= slip_on <= day


def score(slips: Iterable[Slip], day: date, s: Settings = DEFAULT) -> Decimal:
    """The weighted rolling count of the slips that count on `day`."""
    return sum((s.weight(x.kind) for x in slips if in_window(x.on, day, s.window_days)), Decimal(0))


def level_for(points: Decimal, s: Settings = DEFAULT) -> str:
    """The level a score reaches (the highest threshold not above it)."""
    if points >= s.red:
        return RED
    if points >= s.orange:
        return ORANGE
    if points >= s.yellow:
        return YELLOW
    if points >= s.blue:
        return BLUE
    return NONE


def worst(levels: Iterable[str]) -> str:
    return max(levels, key=RANK.__getitem__, default=NONE)


@dataclass(frozen=True)
class Assessment:
    """A subject's level on a day: the level, the score of the worst bucket, and the slips that count
    (its reasons, newest first)."""

    level: str
    score: Decimal
    reasons: tuple[Slip, ...]


def assess(
    slips: Sequence[Slip],
    day: date,
    settings: Mapping[int, Settings] | None = None,
    default: Settings = DEFAULT,
) -> Assessment:
    """The level of one subject on `day` from all its slips (module docstring). Slips dated after
    `day` are ignored (a level is what was known that day)."""
    settings = settings or {}
    # The slips are split by plan once (the daily step assesses every unit and person, a million
    # slips at province scale); a slip's place in its bucket does not matter: the score is a sum and
    # the reasons are sorted by a key that names the fact (`ref`).
    general: list[Slip] = []
    by_plan: dict[int, list[Slip]] = {}
    for x in slips:
        if x.plan_id is None:
            general.append(x)
        else:
            by_plan.setdefault(x.plan_id, []).append(x)
    buckets: list[tuple[Settings, list[Slip]]] = [(default, general)]
    for plan_id in sorted(by_plan):
        buckets.append((settings.get(plan_id, default), general + by_plan[plan_id]))
    best = (NONE, Decimal(0))
    counted: dict[tuple[str, date, str, str], Slip] = {}
    for s, members in buckets:
        first = day - timedelta(days=s.window_days - 1)
        live = [x for x in members if first <= x.on <= day]  # `in_window`, its bounds worked out once
        kinds: dict[str, int] = {}
        for x in live:
            kinds[x.kind] = kinds.get(x.kind, 0) + 1
        points = sum((s.weight(kind) * n for kind, n in kinds.items()), Decimal(0))  # `score` of `live`
        lvl = level_for(points, s)
        if (RANK[lvl], points) > (RANK[best[0]], best[1]):
            best = (lvl, points)
        for x in live:
            counted[(x.kind, x.on, x.ref, x.text)] = x
    reasons = tuple(sorted(counted.values(), key=lambda x: (x.on, x.kind, x.ref), reverse=True))
    return Assessment(level=best[0], score=best[1], reasons=reasons)


def newly_warned(today: str, week_ago: str) -> bool:
    """Newly warned this week: at yellow or above now, and below yellow a week before."""
    return RANK[today] >= RANK[YELLOW] and RANK[week_ago] < RANK[YELLOW]


# ---------------------------------------------------------------------------------------------
# Report quality flags (填报质量提示): decisions over plain values. They raise a question for the
# office to look at; they never score or penalise anything by themselves.


class Flag:
    JUMP = "jump"  # progress jumps just before an assessment date (考核前突击)
    COPIED = "copied"  # narrative copied from the unit's last period or another unit (雷同)
    NO_EVIDENCE = "no_evidence"  # completion claimed without evidence (无佐证)
    EMPTY = "empty"  # narrative without a single fact (空话套话)
    PHANTOM = "phantom"  # a unit that never reports (只挂名不填报)
    DROP = "drop"  # a cumulative measure below its last value (累计值下降)

    ALL = (JUMP, COPIED, NO_EVIDENCE, EMPTY, PHANTOM, DROP)


JUMP_POINTS = Decimal(30)  # percentage points between two reports
JUMP_DAYS = 15  # …reported within this many days before an assessment date
COPY_SIMILARITY = 0.7  # estimated Jaccard similarity of 3-character shingles
COPY_MIN_CHARS = 24  # shorter narratives say too little to be called copied
PHANTOM_MIN_OWED = 2  # periods owed (late marks) before a unit that never reported is flagged


def assessment_dates(year: int) -> list[date]:
    """The dates results are taken (quarter ends: 季度考核 and the year's end)."""
    return [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]


def days_to_assessment(on: date) -> int:
    """Days from `on` to the next assessment date (0 on the date itself)."""
    ahead = [d for d in assessment_dates(on.year) + assessment_dates(on.year + 1) if d >= on]
    return (min(ahead) - on).days


def is_jump(
    previous_pct: Decimal | None,
    pct: Decimal | None,
    reported_on: date,
    *,
    expected_pct: Decimal | None = None,
    evidenced: bool = False,
    milestone_met: bool = False,
) -> bool:
    """A rise of at least `JUMP_POINTS` since the previous report, filed within `JUMP_DAYS` of an
    assessment date (考核前突击), that nothing on record explains. A rise is explained — the office
    would not ask about it — when:

    - the report carries evidence (佐证材料): the office checks the file, not the timing;
    - a milestone of the task due in the stretch the report covers was met (`milestone_met_between`):
      progress moves in steps when a node is reached, and quarter ends are where nodes are put;
    - it only brings the task up to its expected progress (均衡进度, DESIGN.md) on the report's period
      end (`expected_pct`, None when unknown): a unit catching up with its schedule is doing what the
      lights asked of it; only progress claimed beyond the schedule is a question.

    A completion claim without evidence is a jump and a missing proof at once; `strongest` keeps the
    stronger finding (no evidence)."""
    if previous_pct is None or pct is None:
        return False
    if pct - previous_pct < JUMP_POINTS or days_to_assessment(reported_on) > JUMP_DAYS:
        return False
    if evidenced or milestone_met:
        return False
    return expected_pct is None or pct > expected_pct


def milestone_met_between(
    milestones: Iterable[tuple[date, date | None]], after: date | None, upto: date
) -> bool:
    """Whether one of a task's milestones (due, met on) due after `after` (the previous report's period
    end; None: from the start) and on or before `upto` (this report's period end) was met by `upto`."""
    return any(
        met is not None and met <= upto and (after is None or due > after) and due <= upto
        for due, met in milestones
    )


# One finding per report (一份填报一条提示): the office asks the unit one question about a report, so
# of several findings on the same report only the strongest is raised and the others go with it as
# `also` (named in its reason, nothing hidden). Strongest first, by how little of the finding is
# judgement: a completion claimed without its evidence file is a checkable absence; a cumulative value
# below the last one is arithmetic; a copy is a measured similarity to a named source report; a jump is
# a suspicion drawn from timing; empty talk is a reading of style. So a copy of an empty narrative is a
# copy (asking for facts would get the same words back), and an unproved completion that also jumped
# is asked for its proof (which answers the jump too).
PRECEDENCE = (Flag.NO_EVIDENCE, Flag.DROP, Flag.COPIED, Flag.JUMP, Flag.EMPTY)


def strongest(kinds: Iterable[str]) -> tuple[str | None, tuple[str, ...]]:
    """The one finding to raise of a report's findings (`PRECEDENCE`) and the others, strongest first;
    (None, ()) for none. Kinds outside `PRECEDENCE` (a unit's flags) are not report findings."""
    given = set(kinds)
    found = [k for k in PRECEDENCE if k in given]
    if not found:
        return None, ()
    return found[0], tuple(found[1:])


def is_drop(previous_value: Decimal | None, value: Decimal | None, cumulative: bool) -> bool:
    """A cumulative measure's reported value below its last one."""
    return cumulative and previous_value is not None and value is not None and value < previous_value


def claims_completion(pct: Decimal | None, value: Decimal | None, target: Decimal | None) -> bool:
    """A report saying the work is done: 100 %, or a measure at or past its target."""
    if pct is not None and pct >= 100:
        return True
    return value is not None and target is not None and target > 0 and value >= target


def is_phantom(owed_marks: int, reports: int) -> bool:
    """A unit that owes reports (late marks) and has never filed one."""
    return reports == 0 and owed_marks >= PHANTOM_MIN_OWED
