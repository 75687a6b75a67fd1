"""Key-project rules as pure functions over plain values (no database).

Stage order (七个一批 pipeline), investment completion against the time-proportional expectation
(均衡进度, `work.rules.expected_by_time`), the project's light (the task engine's `work.rules.light`:
same thresholds, same precedence) and the days a project has been stuck in its stage.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from luoshi.work import rules as work_rules
from luoshi.work.rules import DEFAULT_THRESHOLDS, HUNDRED, ZERO, Thresholds, q2

# The pipeline in order; the same strings as projects.models.Stage.
STAGES: tuple[str, ...] = (
    "packaged",
    "inviting",
    "signed",
    "landed",
    "started",
    "building",
    "producing",
    "reached",
)
FINAL_STAGE = STAGES[-1]


def next_stage(current: str) -> str:
    """The stage a project registers next: the one after `current`, the first without one, and the
    final stage once there."""
    if current not in STAGES:
        return STAGES[0]
    return STAGES[min(STAGES.index(current) + 1, len(STAGES) - 1)]


# A project that has been in the same stage this many days is stuck (卡在某一阶段).
DEFAULT_STUCK_DAYS = 90


def stage_index(stage: str) -> int:
    """The stage's place in the pipeline (0 for 包装); ValueError for an unknown stage."""
    try:
        return STAGES.index(stage)
    except ValueError:
        raise ValueError(f"unknown stage {stage!r}") from None


def stage_order_violation(met: Sequence[date | None]) -> int | None:
    """The index of the first stage met before an earlier stage of the pipeline, or None.

    `met` holds the met date of each stage in pipeline order (None: not met). Stages may be skipped
    (a project often enters the list already under construction), but dates never go backwards:
    a stage met on a day before a previous stage was met is refused.
    """
    latest: date | None = None
    for index, day in enumerate(met):
        if day is None:
            continue
        if latest is not None and day < latest:
            return index
        latest = day
    return None


def current_stage(met: Sequence[date | None], on: date | None = None) -> int | None:
    """The index of the furthest stage met (as of `on` when given), None when no stage is met."""
    found: int | None = None
    for index, day in enumerate(met):
        if day is not None and (on is None or day <= on):
            found = index
    return found


def stage_missed(stages: Sequence[tuple[date | None, date | None]], on: date) -> bool:
    """True when some stage's planned date (planned, met) passed without it being met as of `on`;
    the task engine's missed-milestone rule applied to the stages that have a planned date."""
    return work_rules.milestone_missed(((p, m) for p, m in stages if p is not None), on)


# ---------------------------------------------------------------------------------------------
# Investment (投资)


@functools.lru_cache(maxsize=64)  # the same for every project on a day; a page computes thousands
def investment_expected(year: int, on: date) -> Decimal:
    """The share of the annual plan expected by `on`, in percent: time-proportional over the year."""
    return work_rules.expected_by_time(date(year, 1, 1), date(year, 12, 31), on)


def completion_rate(completed: Decimal, annual_plan: Decimal) -> Decimal | None:
    """Completed over planned investment, in percent (not capped); None without a plan."""
    if completed < 0 or annual_plan < 0:
        raise ValueError("investment cannot be negative")
    if annual_plan == 0:
        return None
    return q2(completed / annual_plan * HUNDRED)


@dataclass(frozen=True)
class Standing:
    """A project's figures for one day: expected and actual share of the year's plan, and its light."""

    expected: Decimal
    rate: Decimal | None
    light: str


def project_light(
    *,
    on: date,
    year: int,
    annual_plan: Decimal,
    completed: Decimal,
    stages: Sequence[tuple[date | None, date | None]],
    finished: bool,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Standing:
    """The light of a key project, with the task engine's `light` and thresholds.

    The year's plan runs from 1 January to 31 December; a day after the year is judged as of its
    last day (a project is listed again next year, it is not "overdue"). Done once the final stage
    (达产达效) is met; red when the investment lags the time-proportional expectation by more than
    the red threshold, or a stage's planned date passed unmet; yellow for a smaller lag. Without an
    annual plan only the stage dates count.
    """
    day = min(on, date(year, 12, 31))
    expected = investment_expected(year, day)
    rate = completion_rate(completed, annual_plan)
    actual = expected if rate is None else min(rate, HUNDRED)
    light = work_rules.light(
        on=day,
        start=date(year, 1, 1),
        due=date(year, 12, 31),
        closed=finished,
        expected=expected if day >= date(year, 1, 1) else ZERO,
        actual=actual,
        thresholds=thresholds,
        milestone_missed=stage_missed(stages, day),
    )
    return Standing(expected=expected, rate=rate, light=light)


# Why a project goes on a dispatch meeting's agenda (上会原因), in this order.
INVESTMENT = "investment"  # the year's investment lags the time-proportional plan beyond red (投资滞后)
STAGE_MISSED = "stage_missed"  # a stage's planned date passed unmet (节点逾期)
STUCK = "stuck"  # in the same stage longer than the threshold (久滞不前)
PROBLEMS = "problems"  # open items on its problem list (问题未解决)
ATTENTION_REASONS = (INVESTMENT, STAGE_MISSED, STUCK, PROBLEMS)


def investment_lagging(
    *, expected: Decimal, rate: Decimal | None, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> bool:
    """The investment completed lags the time-proportional expectation by more than the red
    threshold (yellow_max points); no annual plan (`rate` None) never lags."""
    if rate is None:
        return False
    return expected - min(rate, HUNDRED) > thresholds.yellow_max


def attention_reasons(
    *,
    light: str,
    expected: Decimal,
    rate: Decimal | None,
    stage_missed: bool,
    stuck: bool,
    open_problems: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[str, ...]:
    """Why a project needs a dispatch meeting's attention (empty: it does not), in the order of
    `ATTENTION_REASONS`. Investment and stage reasons come only with a red light, which they explain
    (a finished project is done, never red); stuck and open problems count whatever the light."""
    red = light == work_rules.RED
    hits = (
        (INVESTMENT, red and investment_lagging(expected=expected, rate=rate, thresholds=thresholds)),
        (STAGE_MISSED, red and stage_missed),
        (STUCK, stuck),
        (PROBLEMS, open_problems > 0),
    )
    return tuple(reason for reason, hit in hits if hit)


def stuck_days(since: date | None, on: date) -> int:
    """Days a project has been in its current stage as of `on` (0 without a date or before it)."""
    if since is None or since > on:
        return 0
    return (on - since).days


def is_stuck(since: date | None, on: date, *, finished: bool, threshold: int = DEFAULT_STUCK_DAYS) -> bool:
    """Stuck: not finished and in the same stage for more than `threshold` days."""
    return not finished and stuck_days(since, on) > threshold


# ---------------------------------------------------------------------------------------------
# One identity across years: names drift (中芯国际12英寸芯片SN1项目 → 中芯国际12英寸芯片项目)

# What a list adds around a name without naming another project: bracketed parts, generic suffixes.
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_SUFFIXES = ("建设项目", "项目", "工程", "建设")
# Words that make the longer name another project: a new phase or an extension of the old one.
PHASE_WORDS = ("期", "扩", "改造", "续建")
DRIFT_RATIO = 0.85
MIN_KEY = 4

SAME = "same"
DRIFT = "drift"


def name_key(name: str) -> str:
    """A name as compared across years: without bracketed parts, spaces, and generic suffixes
    (项目, 工程, 建设), full-width letters folded, case folded."""
    key = unicodedata.normalize("NFKC", name)
    key = _BRACKETS.sub("", key)
    key = re.sub(r"\s+", "", key).casefold()
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
    return key


def name_match(old: str, new: str) -> str | None:
    """How a name in a new list matches a former name: SAME (equal once brackets and suffixes are
    dropped), DRIFT (one contains the other, or they are nearly equal, and what the longer adds
    names no new phase or extension — to be confirmed by a person), or None."""
    a, b = name_key(old), name_key(new)
    if not a or not b:
        return None
    if a == b:
        return SAME
    # Ordered by length, then text, so that the answer never depends on which name came first.
    short, long = sorted((a, b), key=lambda k: (len(k), k))
    if len(short) < MIN_KEY:
        return None
    if short in long:
        extra = long.replace(short, "", 1)
        return None if any(w in extra for w in PHASE_WORDS) else DRIFT
    ratio = difflib.SequenceMatcher(None, short, long, autojunk=False).ratio()
    if ratio >= DRIFT_RATIO:
        extra = "".join(
            long[j1:j2]
            for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(
                None, short, long, autojunk=False
            ).get_opcodes()
            if tag != "equal"
        )
        return None if any(w in extra for w in PHASE_WORDS) else DRIFT
    return None


def name_similarity(old: str, new: str) -> float:
    """How alike two names are once compared as `name_key`s (0..1), to rank several candidates."""
    return difflib.SequenceMatcher(None, name_key(old), name_key(new), autojunk=False).ratio()


# Stage words as lists write them.
STAGE_WORDS: dict[str, str] = {
    "包装": "packaged",
    "谋划": "packaged",
    "储备": "packaged",
    "前期": "packaged",
    "前期工作": "packaged",
    "预备": "packaged",
    "招商": "inviting",
    "签约": "signed",
    "已签约": "signed",
    "落地": "landed",
    "已落地": "landed",
    "开工": "started",
    "新开工": "started",
    "已开工": "started",
    "拟开工": "started",
    "计划新开工": "started",
    # 建设性质 of a year's plan: a project built new (or extended, rebuilt, moved) starts in that year
    "新建": "started",
    "扩建": "started",
    "改建": "started",
    "改扩建": "started",
    "迁建": "started",
    "在建": "building",
    "续建": "building",
    "建设": "building",
    "投产": "producing",
    "已投产": "producing",
    "建成": "producing",
    "已建成": "producing",
    "竣工": "producing",
    "完工": "producing",
    "竣工投产": "producing",
    "建成投产": "producing",
    "建成投用": "producing",
    "投用": "producing",
    "试生产": "producing",
    "试运行": "producing",
    "部分投产": "producing",
    "达产": "reached",
    "达产达效": "reached",
    # the way progress tables put it
    "开工建设": "started",
    "正在建设": "building",
    "建设中": "building",
    "施工中": "building",
    "主体完工": "building",  # the shell is up, the project is not finished
}


def stage_of_word(word: str) -> str | None:
    """The stage a list's status word names (新开工 → started, 建成 → producing), None if unknown."""
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", word or ""))
    return STAGE_WORDS.get(word) or STAGE_WORDS.get(re.sub(r"项目$|类$", "", word))  # 续建项目


# ---------------------------------------------------------------------------------------------
# Points and the district boundary (一张图)

Ring = Sequence[Sequence[float]]


def in_ring(x: float, y: float, ring: Ring) -> bool:
    """Ray casting: whether (x, y) lies inside the closed ring of (x, y) vertices (even-odd rule)."""
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def in_polygons(x: float, y: float, polygons: Sequence[Sequence[Ring]]) -> bool:
    """Whether (x, y) is inside some polygon (outer ring, then holes) of a MultiPolygon's list."""
    return any(
        rings and in_ring(x, y, rings[0]) and not any(in_ring(x, y, hole) for hole in rings[1:])
        for rings in polygons
    )


INVESTMENT_UNIT = "万元"


def month_investment(before: Decimal | None, at_month_end: Decimal | None) -> Decimal | None:
    """A month's completed investment read off a cumulative measure in 万元 (一个事实只填一次): the
    value reported for the month less the value before it (the measure's baseline when nothing was
    reported earlier). None when the month has no report, or when the figure fell (a correction for
    the office to look at, never a negative month)."""
    if before is None or at_month_end is None or at_month_end < before:
        return None
    return q2(at_month_end - before)
