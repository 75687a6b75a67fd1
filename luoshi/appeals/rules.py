"""Pure rules of enterprise appeals (企业诉求): the response deadline (SLA) with its clock paused
only over recorded intervals, the SLA state, which transitions an appeal may take, the tracking
code's check character and Open311's coordinates.

No database access: plain values in, plain values out (see docs/rules.md, "企业诉求").

The deadline: `received + sla_hours + paused`, where `paused` is the length of the union of the
pause intervals (an open interval runs until `now`), clipped to start no earlier than `received`.
So a pause never shortens the time a unit has, two overlapping pauses never count twice, and the
time an appeal spends paused is exactly the time its deadline moves.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

Interval = tuple[datetime, datetime | None]


def paused_total(pauses: Sequence[Interval], *, received: datetime, now: datetime) -> timedelta:
    """The length of the union of the pause intervals between `received` and `now` (an open
    interval ends at `now`; an interval ending before it starts counts nothing)."""
    spans = []
    for start, end in pauses:
        lo = max(start, received)
        hi = min(end if end is not None else now, now)
        if hi > lo:
            spans.append((lo, hi))
    spans.sort()
    total = timedelta(0)
    cur_lo: datetime | None = None
    cur_hi: datetime | None = None
    for lo, hi in spans:
        if cur_hi is None or lo > cur_hi:
            if cur_lo is not None and cur_hi is not None:
                total += cur_hi - cur_lo
            cur_lo, cur_hi = lo, hi
        elif hi > cur_hi:
            cur_hi = hi
    if cur_lo is not None and cur_hi is not None:
        total += cur_hi - cur_lo
    return total


def deadline(*, received: datetime, sla_hours: int, pauses: Sequence[Interval], now: datetime) -> datetime:
    """The response deadline (答复时限) as of `now`: the SLA from receipt, moved by the paused time."""
    if sla_hours <= 0:
        raise ValueError("sla_hours must be positive")
    return received + timedelta(hours=sla_hours) + paused_total(pauses, received=received, now=now)


class SlaState(StrEnum):
    RUNNING = "running"  # 办理中
    DUE_SOON = "due_soon"  # 即将到期
    OVERDUE = "overdue"  # 已超期
    PAUSED = "paused"  # 暂停计时
    MET = "met"  # 按时答复
    MISSED = "missed"  # 超期答复


def sla_state(
    *,
    due: datetime,
    now: datetime,
    replied: datetime | None = None,
    paused: bool = False,
    soon: timedelta = timedelta(hours=24),
) -> SlaState:
    """Where the appeal stands against its deadline. A reply decides for good (met when at or
    before the deadline); a paused clock is paused whatever the date; else overdue past the
    deadline, due soon within `soon` of it."""
    if replied is not None:
        return SlaState.MET if replied <= due else SlaState.MISSED
    if paused:
        return SlaState.PAUSED
    if now > due:
        return SlaState.OVERDUE
    if due - now <= soon:
        return SlaState.DUE_SOON
    return SlaState.RUNNING


class Status(StrEnum):
    NEW = "new"  # 待分派
    ASSIGNED = "assigned"  # 办理中
    PAUSED = "paused"  # 暂停计时
    REPLIED = "replied"  # 已答复
    CLOSED = "closed"  # 已办结


class Action(StrEnum):
    ROUTE = "route"
    PAUSE = "pause"
    RESUME = "resume"
    REPLY = "reply"
    RATE = "rate"
    CLOSE = "close"
    REOPEN = "reopen"


# (status, action) -> next status: the whole life of an appeal.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.NEW, Action.ROUTE): Status.ASSIGNED,
    (Status.ASSIGNED, Action.ROUTE): Status.ASSIGNED,
    (Status.PAUSED, Action.ROUTE): Status.PAUSED,
    (Status.ASSIGNED, Action.PAUSE): Status.PAUSED,
    (Status.PAUSED, Action.RESUME): Status.ASSIGNED,
    (Status.ASSIGNED, Action.REPLY): Status.REPLIED,
    (Status.PAUSED, Action.REPLY): Status.REPLIED,
    (Status.REPLIED, Action.RATE): Status.CLOSED,
    (Status.REPLIED, Action.CLOSE): Status.CLOSED,
    (Status.REPLIED, Action.REOPEN): Status.ASSIGNED,
    (Status.CLOSED, Action.REOPEN): Status.ASSIGNED,
}

OPEN = frozenset({Status.NEW, Status.ASSIGNED, Status.PAUSED})


def next_status(status: str, action: str) -> Status | None:
    """The status after `action`, or None when the appeal may not take it now."""
    try:
        return TRANSITIONS.get((Status(status), Action(action)))
    except ValueError:
        return None


def open311_status(status: str) -> str:
    """Open311 knows two: `open` until the unit has replied, `closed` after."""
    return "open" if status in OPEN else "closed"


def reopen_allowed(*, replied: datetime | None, now: datetime, window_days: int) -> bool:
    """An enterprise may ask to reopen within `window_days` of the reply (not before one)."""
    return replied is not None and replied <= now <= replied + timedelta(days=window_days)


# ---------------------------------------------------------------------------------------------
# The tracking code (查询码): ten characters an enterprise reads out on the phone, without the
# look-alikes 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V; the last one a check character (weighted sum mod 23),
# so a mistyped character or two swapped neighbours are caught before any look-up.

CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
CODE_LENGTH = 10


def code_check_char(body: str) -> str:
    n = len(CODE_ALPHABET)
    total = sum((i + 1) * CODE_ALPHABET.index(c) for i, c in enumerate(body))
    return CODE_ALPHABET[total % n]


def tracking_code(body: str | None = None) -> str:
    """A new code (or the code for a given 9-character body)."""
    if body is None:
        body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH - 1))
    return body + code_check_char(body)


def normalize_code(raw: str) -> str:
    return "".join(raw.split()).replace("-", "").upper()


def tracking_code_valid(raw: str) -> bool:
    code = normalize_code(raw)
    return (
        len(code) == CODE_LENGTH
        and all(c in CODE_ALPHABET for c in code)
        and code_check_char(code[:-1]) == code[-1]
    )


# ---------------------------------------------------------------------------------------------
# Open311's lat/long: decimal degrees (WGS84) as text.


def parse_coordinate(raw: str, *, kind: str) -> Decimal:
    """A latitude (kind "lat", −90…90) or longitude ("long", −180…180), six decimals; ValueError
    for anything else (empty, not a number, NaN, out of range)."""
    limit = {"lat": 90, "long": 180}[kind]
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(f"{kind} is not a number") from None
    if not value.is_finite() or not -limit <= value <= limit:
        raise ValueError(f"{kind} out of range")
    return value.quantize(Decimal("0.000001"))
