"""Pure rules of light-change notices (亮灯变化通知): when a staged change is due, what a digest covers,
which way a change goes and how a digest reads. No database here; `services` loads and saves.

The rule (docs/rules.md, "关注任务的通知"): a follower is told the NET change of a followed task's
light, from the light last announced to them, never each flip:

- a change is staged per (follower, task); later changes overwrite the staged light, the light last
  announced stays, so flapping cancels out (green → yellow → green is no change, and no notice);
- while a report of the task is pending (filed, awaiting its unit head) nothing is delivered: the lag
  exists only because the office has not seen the filed figures yet;
- immediate followers get a staged change once it has been quiet for `quiet` (a setting) or once its
  day has ended; daily / weekly followers get one digest a day / a week (Monday, for the week before).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.work.choices import Light
from luoshi.work.rules import SEVERITY

IMMEDIATE, DAILY, WEEKLY = "immediate", "daily", "weekly"
WORSE, BETTER, OTHER = "worse", "better", "other"
LAGGING = frozenset({Light.YELLOW, Light.RED, Light.OVERDUE})

# How many tasks a digest names per group before "等 N 项": a notification holds 300 characters.
DIGEST_NAMED = 3
DIGEST_TITLE = 20
TEXT_MAX = 300


def is_due(*, changed_on: date, changed_at: datetime, day: date, now: datetime, quiet: timedelta) -> bool:
    """An immediate follower's staged change is delivered once its day has ended (`changed_on` before
    `day`) or once nothing changed for `quiet` (a burst of approvals or a flap coalesces)."""
    return changed_on < day or changed_at <= now - quiet


def digest_period_end(mode: str, day: date) -> date | None:
    """The last day a digest sent on `day` covers: yesterday for the daily digest; for the weekly one
    the Sunday before (a week runs Monday to Sunday and is sent on the Monday, or later if the tick
    missed it); None for immediate followers."""
    if mode == DAILY:
        return day - timedelta(days=1)
    if mode == WEEKLY:
        return day - timedelta(days=day.weekday() + 1)
    return None


def digest_due(mode: str, *, day: date, sent_until: date | None) -> date | None:
    """The period end to send a digest for on `day`, or None when that period was sent already."""
    end = digest_period_end(mode, day)
    if end is None or (sent_until is not None and sent_until >= end):
        return None
    return end


def direction(old: str, new: str) -> str:
    """Which way a net change goes: worse (into 滞后, 严重滞后 or 逾期, or deeper in), better (out of
    it, or done), other (e.g. 未开始 → 正常)."""
    if SEVERITY.get(new, 0) > SEVERITY.get(old, 0) and new in LAGGING:
        return WORSE
    if SEVERITY.get(new, 0) < SEVERITY.get(old, 0) and (old in LAGGING or new == Light.DONE):
        return BETTER
    return OTHER


def light_label(code: str) -> str:
    return str(dict(Light.choices).get(code, code))


def change_text(title: str, old: str, new: str) -> str:
    """One immediate notice, as followers have always read it: "<title>：正常 → 滞后"."""
    return f"{title[:80]}：{light_label(old)} → {light_label(new)}"[:TEXT_MAX]


def digest_text(mode: str, changes: Sequence[tuple[str, str, str]]) -> str | None:
    """One digest for a period's net changes (title, old, new); None when nothing changed.

    "上周关注任务亮灯变化：2 项变差（甲：正常 → 滞后；乙：滞后 → 严重滞后）、1 项好转（丙：滞后 → 正常）"."""
    real = [(t, o, n) for t, o, n in changes if o != n]
    if not real:
        return None
    groups: dict[str, list[tuple[str, str, str]]] = {WORSE: [], BETTER: [], OTHER: []}
    for title, old, new in sorted(real, key=lambda c: c[0]):
        groups[direction(old, new)].append((title, old, new))
    names = {WORSE: _("%(n)s 项变差"), BETTER: _("%(n)s 项好转"), OTHER: _("%(n)s 项其他变化")}
    parts = []
    for key in (WORSE, BETTER, OTHER):
        items = groups[key]
        if not items:
            continue
        shown = "；".join(
            f"{t[:DIGEST_TITLE]}：{light_label(o)} → {light_label(n)}" for t, o, n in items[:DIGEST_NAMED]
        )
        if len(items) > DIGEST_NAMED:
            shown += _("等")
        parts.append(f"{names[key] % {'n': len(items)}}（{shown}）")
    head = _("上周关注任务亮灯变化：") if mode == WEEKLY else _("昨日关注任务亮灯变化：")
    text = head + "、".join(parts)
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"


# --- Reminders (提醒): schedules, quiet hours, back-off, the dedupe key ----------------------------
#
# docs/rules.md, "提醒". A reminder rule decides on plain values whether something is due today and
# names its occurrence; the planner turns (rule, source, recipient, channel, occurrence) into the
# outbox row's unique dedupe key, so a rule that fires again for the same occurrence queues nothing.

DUE_SOON, OVERDUE, REPORT_LATE, WEEKLY_DIGEST = (
    "task.due_soon",
    "task.overdue",
    "report.late",
    "digest.weekly",
)
DEFAULT_DAYS_BEFORE = (7, 3, 1)
LIGHT_CHANGE = "task.light_change"

# What each rule is, as the outbox view names it (docs/rules.md, "提醒"). A rule sent by another app
# is listed here too, so an office reading the outbox sees "销号审核提醒", not a code.
RULE_LABELS: dict[str, Any] = {
    DUE_SOON: gettext_lazy("到期前提醒"),
    OVERDUE: gettext_lazy("逾期提醒"),
    REPORT_LATE: gettext_lazy("迟报提醒"),
    WEEKLY_DIGEST: gettext_lazy("每周汇总"),
    LIGHT_CHANGE: gettext_lazy("关注任务亮灯变化"),
    "work.report.returned": gettext_lazy("填报被退回"),
    "work.completion.returned": gettext_lazy("完成申请被退回"),
    "work.completion.returned.followers": gettext_lazy("完成申请被退回（关注人）"),
    "work.milestone.returned": gettext_lazy("节点被退回"),
    "meetings.agenda.sent": gettext_lazy("调度会议程发出"),
    "ratings.link.sent": gettext_lazy("评议链接"),
    "rectification.signoff.next": gettext_lazy("销号审核提醒"),
    "supervision.notice.issued": gettext_lazy("督办通知"),
    "supervision.notice.due": gettext_lazy("督办单反馈到期提醒"),
    "appeals.routed": gettext_lazy("企业诉求交办"),
    "enterprises.visit_due": gettext_lazy("重点关注企业走访提醒"),
}


def rule_label(rule: str) -> str:
    """The rule's label, or the rule's own name when it has none (never empty for a named rule)."""
    label = RULE_LABELS.get(rule)
    return str(label) if label is not None else rule


def due_soon_occurrence(*, due: date, today: date, days_before: Sequence[int]) -> str | None:
    """The "N days before due" reminder due today, named by its N ("d3"), or None.

    With days_before (7, 3, 1), a task due in 5 days is in the "d7" window, in 2 days the "d3"
    window, today or tomorrow the "d1" window: each window's reminder goes once (the dedupe key), on
    the first day of the window the planner runs, so a missed tick catches up instead of skipping."""
    left = (due - today).days
    if left < 0:
        return None
    windows = sorted(n for n in set(days_before) if n >= 0)
    for n in windows:
        if left <= n:
            return f"d{n}"
    return None


def weekly_digest_occurrence(day: date) -> str | None:
    """The weekly digest goes on Mondays, named by its ISO week ("2024-W27"); None on other days."""
    if day.weekday() != 0:
        return None
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def in_quiet_hours(t: time, *, start: time, end: time) -> bool:
    """Whether the local time `t` falls in the quiet hours [start, end); they may run past midnight
    (22:00–07:30). start == end means no quiet hours."""
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end


def quiet_release(local_now: datetime, *, start: time, end: time) -> datetime | None:
    """When a message queued at `local_now` (an aware local time) may go out: the end of the quiet
    hours it falls in, or None when it is not in quiet hours (send at once)."""
    if not in_quiet_hours(local_now.timetz().replace(tzinfo=None), start=start, end=end):
        return None
    release = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if release <= local_now:
        release += timedelta(days=1)
    return release


BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


def backoff(attempts: int, *, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP) -> timedelta:
    """How long to wait before the next try after `attempts` failed ones: base·2^(attempts−1), at most
    `cap` (1, 2, 4, 8 … minutes)."""
    if attempts < 1:
        return timedelta(0)
    factor: int = 2 ** min(attempts - 1, 30)
    wait: timedelta = base * factor
    return min(cap, wait)


def dedupe_key(*, rule: str, source: str, recipient: int, channel: str, occurrence: str) -> str:
    """The outbox row's unique key: one message per rule, source, recipient, channel and occurrence."""
    return f"{rule}|{source}|{recipient}|{channel}|{occurrence}"[:255]


def due_soon_text(title: str, due: date, left: int) -> str:
    if left <= 0:
        return (_("今天到期：%(t)s") % {"t": title[:80]})[:TEXT_MAX]
    return (_("还有 %(n)s 天到期（%(d)s）：%(t)s") % {"n": left, "d": due.isoformat(), "t": title[:80]})[
        :TEXT_MAX
    ]


def overdue_text(title: str, due: date) -> str:
    return (_("已逾期（时限 %(d)s）：%(t)s") % {"d": due.isoformat(), "t": title[:80]})[:TEXT_MAX]


def report_late_text(title: str, period_end: date, *, more: int = 0) -> str:
    """A task's late report; `more`: how many earlier periods of it are late too (one reminder says
    them all, instead of one reminder per period)."""
    if more:
        text = _("迟报：%(t)s（%(p)s 期，另有 %(n)s 期未报）") % {
            "t": title[:80],
            "p": period_end.isoformat(),
            "n": more,
        }
    else:
        text = _("迟报：%(t)s（%(p)s 期）") % {"t": title[:80], "p": period_end.isoformat()}
    return text[:TEXT_MAX]


def weekly_digest_text(*, due_soon: int, overdue: int, late: int) -> str | None:
    """One person's weekly reminder digest; None when there is nothing to tell."""
    if not (due_soon or overdue or late):
        return None
    return _("本周工作提醒：%(s)s 项 7 天内到期，%(o)s 项已逾期，%(l)s 期迟报。") % {
        "s": due_soon,
        "o": overdue,
        "l": late,
    }
