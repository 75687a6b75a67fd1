"""Pure decisions of identity: password classes, session expiry, who needs a second factor, 三权分立.

No database, no clock of their own: the callers pass times and role sets, so each rule is a table of
cases and a hypothesis property in tests/identity/test_rules.py.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

# Role codes as in luoshi.org.models.Role; plain strings so these rules import nothing.
ADMIN_DUTIES = frozenset({"sysadmin", "secadmin", "auditadmin"})
SECOND_FACTOR_ROLES = frozenset({"officer", "leader"}) | ADMIN_DUTIES


def character_classes(password: str) -> int:
    """How many of the four classes a password uses: lower case, upper case, digits, anything else.

    Letters without case (汉字) count as "anything else", so a Chinese pass-phrase is not penalised."""
    lower = upper = digit = other = False
    for ch in password:
        if ch.isascii() and ch.islower():
            lower = True
        elif ch.isascii() and ch.isupper():
            upper = True
        elif ch.isdigit():
            digit = True
        else:
            other = True
    return lower + upper + digit + other


def contains_username(password: str, username: str) -> bool:
    """Whether the username (3 characters or more), forwards or backwards, is inside the password,
    ignoring case."""
    name = username.strip().casefold()
    if len(name) < 3:
        return False
    pw = password.casefold()
    return name in pw or name[::-1] in pw


class Session(enum.Enum):
    ACTIVE = "active"
    IDLE = "idle"  # no request for longer than the idle timeout
    EXPIRED = "expired"  # older than the absolute lifetime, however busy


def session_state(*, started: float, seen: float, now: float, idle_seconds: int, max_seconds: int) -> Session:
    """A session's state at `now` (seconds): the absolute lifetime wins over the idle timeout.

    A clock that went backwards (now before seen) leaves the session active rather than ending it."""
    if max_seconds > 0 and now - started >= max_seconds:
        return Session.EXPIRED
    if idle_seconds > 0 and now - seen >= idle_seconds:
        return Session.IDLE
    return Session.ACTIVE


def needs_touch(*, seen: float, now: float, granularity: int) -> bool:
    """Whether to write the new last-seen time: only every `granularity` seconds, so that a busy
    session is not saved on every request (the idle timeout is then exact to `granularity`)."""
    return now - seen >= granularity


def second_factor_required(roles: Iterable[str], *, superuser: bool = False) -> bool:
    """Officers, leaders, the three admin duties and superusers sign in with a second factor (TOTP)."""
    return superuser or bool(SECOND_FACTOR_ROLES & set(roles))


def password_expired(*, age_days: float | None, max_age_days: int) -> bool:
    """Whether a password must be changed for its age; unknown age counts as expired when rotation is on."""
    if max_age_days <= 0:
        return False
    return age_days is None or age_days >= max_age_days


def duty_conflict(held: Iterable[str], new: str) -> str | None:
    """Why taking role `new` beside the roles `held` breaks separation of duties (三权分立), or None.

    An admin duty is held alone: no second duty and no business role beside it; a business role is
    refused to a holder of an admin duty. Holding the same role twice is not a conflict here."""
    others = set(held) - {new}
    if new in ADMIN_DUTIES and others & ADMIN_DUTIES:
        return "two_duties"
    if new in ADMIN_DUTIES and others:
        return "duty_and_business"
    if new not in ADMIN_DUTIES and others & ADMIN_DUTIES:
        return "duty_and_business"
    return None
