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
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

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
