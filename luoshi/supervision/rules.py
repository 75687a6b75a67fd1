"""Pure rules of supervision (督查督办): the escalation ladder 催办 → 督办 → 通报 → 问责, what the
engine proposes and why, idle hand-offs, the item's scope, and 看效果 / 查进度 / 问原因.

No database access: plain values in, plain values out (see docs/rules.md, "督查督办").

Proposals (`propose`), for one task on one day:
- a closed item or task gets none;
- a task that is not an item yet (the light engine, 亮灯预警) gets 督办 when it has been red for
  `red_days` days or more; nothing else is looked at for it;
- an item gets 催办 for a late report (迟报); 督办 when red for `red_days` days, or overdue (逾期);
  the next level above its own (at most 通报) when it sits with one holder beyond its level's idle
  threshold (交办滞留); the next level above its latest notice's when that notice's response date
  has passed without a response (no ceiling: an unanswered 通报 proposes 问责);
- a proposal is only made above the item's current level: the ladder never proposes a step down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum


class Level(StrEnum):
    REMIND = "remind"  # 催办
    SUPERVISE = "supervise"  # 督办
    BULLETIN = "bulletin"  # 通报
    ACCOUNT = "account"  # 问责


LADDER: tuple[Level, ...] = (Level.REMIND, Level.SUPERVISE, Level.BULLETIN, Level.ACCOUNT)
_RANKS: dict[str, int] = {"": 0, **{str(level): i + 1 for i, level in enumerate(LADDER)}}


class Reason(StrEnum):
    LATE_REPORT = "late_report"
    RED = "red"
    OVERDUE = "overdue"
    IDLE = "idle"
    NO_RESPONSE = "no_response"


class Followup(StrEnum):
    EFFECT = "effect"  # 看效果: closed
    PROGRESS = "progress"  # 查进度: running
    REASON = "reason"  # 问原因: stalled


def rank(level: str) -> int:
    """0 for no level yet, then 1 (催办) … 4 (问责)."""
    if not level:
        return 0
    r = _RANKS.get(level)
    return r if r is not None else LADDER.index(Level(level)) + 1  # an unknown level raises


def next_level(level: str) -> Level | None:
    """The rung above `level` ("" is below 催办); None above 问责."""
    r = rank(level)
    return LADDER[r] if r < len(LADDER) else None


def higher(a: str, b: str) -> str:
    """The higher of two levels ("" for none)."""
    return a if rank(a) >= rank(b) else b


DEFAULT_IDLE_DAYS: Mapping[str, int] = {
    "": 5,
    Level.REMIND: 3,
    Level.SUPERVISE: 2,
    Level.BULLETIN: 2,
    Level.ACCOUNT: 2,
}
DEFAULT_RESPONSE_DAYS: Mapping[str, int] = {
    Level.REMIND: 7,
    Level.SUPERVISE: 5,
    Level.BULLETIN: 5,
    Level.ACCOUNT: 5,
}


@dataclass(frozen=True)
class Thresholds:
    """The rules' settings (configurable through `LUOSHI_SUPERVISION`, see services.thresholds)."""

    red_days: int = 14
    idle_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_IDLE_DAYS))
    response_days: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_RESPONSE_DAYS))
    stall_days: int = 30


DEFAULT = Thresholds()


def idle_threshold(level: str, t: Thresholds = DEFAULT) -> int:
    """Days an item may sit with one holder at `level` before it is idle (滞留)."""
    return t.idle_days.get(level, DEFAULT_IDLE_DAYS[level])


def days_held(held_since: date, today: date) -> int:
    return max(0, (today - held_since).days)


def is_idle(*, level: str, held_since: date, today: date, t: Thresholds = DEFAULT) -> bool:
    """Held beyond the level's threshold (strictly more days than it allows)."""
    return days_held(held_since, today) > idle_threshold(level, t)


def response_due(*, level: str, issued_on: date, t: Thresholds = DEFAULT) -> date:
    """The date a notice's written response is due."""
    return issued_on + timedelta(days=t.response_days.get(level, DEFAULT_RESPONSE_DAYS[level]))


@dataclass(frozen=True)
class Facts:
    """What the rules look at for one task (and its item, when it is one)."""

    task_id: int
    item_id: int | None = None
    level: str = ""
    closed: bool = False
    light: str = ""
    red_since: date | None = None
    report_late: bool = False
    held_since: date | None = None
    notice_level: str = ""
    notice_due: date | None = None
    notice_answered: bool = False


@dataclass(frozen=True)
class Proposed:
    task_id: int
    item_id: int | None
    level: Level
    reason: Reason
    days: int = 0  # red, overdue-free, idle or unanswered days, for the detail line


def red_days(f: Facts, today: date) -> int:
    if f.light != "red" or f.red_since is None:
        return 0
    return max(0, (today - f.red_since).days)


def propose(f: Facts, *, today: date, t: Thresholds = DEFAULT) -> list[Proposed]:
    """The escalations the rules propose for one task on `today` (see the module's docstring)."""
    if f.closed:
        return []
    current = rank(f.level)
    out: list[Proposed] = []

    def add(level: Level | None, reason: Reason, days: int = 0) -> None:
        if level is not None and rank(level) > current:
            out.append(Proposed(f.task_id, f.item_id, level, reason, days))

    red = red_days(f, today)
    if f.item_id is None:
        if f.red_since is not None and f.light == "red" and red >= t.red_days:
            add(Level.SUPERVISE, Reason.RED, red)
        return out
    if f.report_late:
        add(Level.REMIND, Reason.LATE_REPORT)
    if f.light == "red" and f.red_since is not None and red >= t.red_days:
        add(Level.SUPERVISE, Reason.RED, red)
    if f.light == "overdue":
        add(Level.SUPERVISE, Reason.OVERDUE)
    if f.held_since is not None and is_idle(level=f.level, held_since=f.held_since, today=today, t=t):
        up = next_level(f.level)
        if up is not None and rank(up) <= rank(Level.BULLETIN):
            add(up, Reason.IDLE, days_held(f.held_since, today))
    if f.notice_due is not None and f.notice_level and not f.notice_answered and today > f.notice_due:
        add(next_level(f.notice_level), Reason.NO_RESPONSE, (today - f.notice_due).days)
    return out


def scope_root(lead_path: str) -> str:
    """The root of an item's scope (督办范围): the subtree of the lead unit's parent — its district
    for a department, its street for a community — or the lead unit's own subtree at the top.
    Paths are the org tree's materialised paths ("/1/5/23/")."""
    parts = [p for p in lead_path.split("/") if p]
    if len(parts) <= 1:
        return lead_path
    return "/" + "/".join(parts[:-1]) + "/"


def in_scope(*, lead_path: str, target_path: str) -> bool:
    """May an item led by the unit at `lead_path` be handed to the unit at `target_path`?"""
    return bool(target_path) and target_path.startswith(scope_root(lead_path))


def stalled(*, last_progress: date | None, since: date, today: date, t: Thresholds = DEFAULT) -> bool:
    """No progress (a report) for `stall_days` days, counted from the item's start when none."""
    return (today - (last_progress or since)).days >= t.stall_days


def followup(*, closed: bool, is_stalled: bool) -> Followup:
    """看效果 for closed items, 问原因 for stalled ones, 查进度 for the rest."""
    if closed:
        return Followup.EFFECT
    return Followup.REASON if is_stalled else Followup.PROGRESS


@dataclass(frozen=True)
class Stay:
    """One holder's stretch in an item's journey: from `start` to `end` (None: still holding)."""

    index: int
    start: datetime
    end: datetime | None
    seconds: int


def journey(times: Sequence[datetime], now: datetime) -> list[Stay]:
    """Each hand-off starts a stretch that lasts until the next one (or now): how long each holder
    held the item. `times` must be in order."""
    stays: list[Stay] = []
    for i, start in enumerate(times):
        end = times[i + 1] if i + 1 < len(times) else None
        seconds = int(((end or now) - start).total_seconds())
        stays.append(Stay(i, start, end, max(0, seconds)))
    return stays


def notice_number(year: int, seq: int) -> str:
    return f"督〔{year}〕{seq}号"


NOTICE_DUE_DAYS_BEFORE = (3, 1)


def notice_due_occurrence(
    *, response_due: date, today: date, days_before: Sequence[int] = NOTICE_DUE_DAYS_BEFORE
) -> str | None:
    """The reminder before a notice's response deadline due today, named by its window ("d3"), or
    None: with windows (3, 1) a response due in 2 or 3 days is in the "d3" window, due tomorrow or
    today in "d1"; nothing after the deadline (an unanswered notice is escalated instead). Each
    window's reminder goes once, on the first day the step runs inside it (a missed day catches up)."""
    left = (response_due - today).days
    if left < 0:
        return None
    for n in sorted(n for n in set(days_before) if n >= 0):
        if left <= n:
            return f"d{n}"
    return None
