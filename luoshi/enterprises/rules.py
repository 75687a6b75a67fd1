"""Pure rules of enterprise watch (企业服务): the unified social credit code (统一社会信用代码,
GB 32100-2015) and its check character, and an enterprise's watch status from its risk flags.

No database access (see docs/rules.md, "企业服务").

The code has 18 characters from 31 (digits and the capitals without I, O, Z, S, V): registration
authority (1), entity kind (1), administrative division (6), organisation code (9) and the check
character. The check is `31 − (Σ wᵢ·cᵢ mod 31)` with weights `3ⁱ mod 31` (i = 0…16), where 31
becomes 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_LENGTH = 18


def normalize_credit_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def credit_check_char(first17: str) -> str:
    """The check character of the first 17 characters; ValueError for a wrong length or a
    character outside the code's alphabet."""
    if len(first17) != CREDIT_LENGTH - 1:
        raise ValueError("the body of a credit code has 17 characters")
    total = 0
    for ch, weight in zip(first17, CREDIT_WEIGHTS, strict=True):
        value = CREDIT_ALPHABET.find(ch)
        if value < 0:
            raise ValueError(f"{ch!r} is not a credit code character")
        total += value * weight
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(raw: str) -> str | None:
    """None for a valid code; else what is wrong: "length", "chars" or "check"."""
    code = normalize_credit_code(raw)
    if len(code) != CREDIT_LENGTH:
        return "length"
    if any(c not in CREDIT_ALPHABET for c in code):
        return "chars"
    if credit_check_char(code[:17]) != code[17]:
        return "check"
    return None


def credit_code_valid(raw: str) -> bool:
    return credit_code_error(raw) is None


class WatchStatus(StrEnum):
    NORMAL = "normal"  # 正常（未列入关注）
    WATCHED = "watched"  # 重点关注（有未解除的风险）
    RESOLVED = "resolved"  # 风险已解除


def watch_status(flags: Sequence[tuple[date, date | None]]) -> WatchStatus:
    """From the enterprise's risk flags (raised, closed or None): watched while any flag is open,
    resolved once every flag raised has been closed, normal when none was ever raised."""
    if not flags:
        return WatchStatus.NORMAL
    if any(closed is None for _raised, closed in flags):
        return WatchStatus.WATCHED
    return WatchStatus.RESOLVED


def risk_days(*, raised: date, closed: date | None, today: date) -> int:
    """How long a flag has been (or was) open, in days; never negative."""
    return max(((closed or today) - raised).days, 0)


def visit_overdue(*, last: date, today: date, every_days: int) -> bool:
    """A watched enterprise is due a visit when its last visit (or the start of its watch) is
    `every_days` days ago or more."""
    return (today - last).days >= every_days
