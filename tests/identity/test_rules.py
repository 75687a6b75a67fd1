"""The pure rules of identity: case tables and hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.identity import rules
from luoshi.identity.rules import Session


@pytest.mark.parametrize(
    "password, classes",
    [
        ("aaaaaaaa", 1),
        ("12345678", 1),
        ("password", 1),
        ("Password", 2),
        ("Password1", 3),
        ("Pass word1", 4),
        ("落实平台2026", 2),  # 汉字 count as "other"
        ("", 0),
    ],
)
def test_character_classes(password, classes):
    assert rules.character_classes(password) == classes


@given(st.text(max_size=40))
def test_character_classes_between_zero_and_four_and_monotonic(text):
    n = rules.character_classes(text)
    assert 0 <= n <= 4
    assert rules.character_classes(text + "Aa1!") == 4
    assert n == 0 or text != ""


@pytest.mark.parametrize(
    "password, username, inside",
    [
        ("leader2026!", "leader", True),
        ("XredaelX-1", "leader", True),  # backwards
        ("LEADER-2026", "leader", True),  # case
        ("Blue-Harbour-73", "leader", False),
        ("ab-Long-Pass1", "ab", False),  # names under 3 characters are not checked
    ],
)
def test_contains_username(password, username, inside):
    assert rules.contains_username(password, username) is inside


HOUR = 3600


@pytest.mark.parametrize(
    "started, seen, now, state",
    [
        (0, 0, 10, Session.ACTIVE),
        (0, 0, 30 * 60 - 1, Session.ACTIVE),
        (0, 0, 30 * 60, Session.IDLE),
        (0, 11 * HOUR, 11 * HOUR + 60, Session.ACTIVE),
        (0, 12 * HOUR - 10, 12 * HOUR, Session.EXPIRED),  # busy, but past the absolute lifetime
        (0, 0, 13 * HOUR, Session.EXPIRED),  # both: the lifetime wins
        (0, 100, 50, Session.ACTIVE),  # the clock went backwards
    ],
)
def test_session_state(started, seen, now, state):
    assert (
        rules.session_state(started=started, seen=seen, now=now, idle_seconds=1800, max_seconds=12 * HOUR)
        is state
    )


@given(
    st.floats(0, 1e6),
    st.floats(0, 1e5),
    st.floats(0, 1e5),
    st.integers(0, 10_000),
    st.integers(0, 100_000),
)
def test_session_state_agrees_with_the_naive_definition(started, since_start, since_seen, idle, lifetime):
    seen = started + since_start
    now = seen + since_seen
    state = rules.session_state(started=started, seen=seen, now=now, idle_seconds=idle, max_seconds=lifetime)
    expired = lifetime > 0 and now - started >= lifetime
    idle_out = idle > 0 and now - seen >= idle
    assert state is (Session.EXPIRED if expired else Session.IDLE if idle_out else Session.ACTIVE)


@pytest.mark.parametrize(
    "roles, superuser, required",
    [
        ({"reporter"}, False, False),
        ({"head"}, False, False),
        ({"assessor"}, False, False),
        ({"leader"}, False, True),
        ({"officer"}, False, True),
        ({"sysadmin"}, False, True),
        ({"secadmin"}, False, True),
        ({"auditadmin"}, False, True),
        (set(), True, True),
        ({"reporter", "leader"}, False, True),
    ],
)
def test_second_factor_required(roles, superuser, required):
    assert rules.second_factor_required(roles, superuser=superuser) is required


@pytest.mark.parametrize(
    "age, max_age, expired",
    [(10, 90, False), (90, 90, True), (None, 90, True), (1000, 0, False), (None, 0, False)],
)
def test_password_expired(age, max_age, expired):
    assert rules.password_expired(age_days=age, max_age_days=max_age) is expired


@pytest.mark.parametrize(
    "held, new, conflict",
    [
        (set(), "auditadmin", None),
        ({"auditadmin"}, "auditadmin", None),  # the same duty in a second post
        ({"sysadmin"}, "secadmin", "two_duties"),
        ({"auditadmin"}, "officer", "duty_and_business"),
        ({"officer"}, "auditadmin", "duty_and_business"),
        ({"reporter", "head"}, "leader", None),
        ({"secadmin", "reporter"}, "auditadmin", "two_duties"),
    ],
)
def test_duty_conflict(held, new, conflict):
    assert rules.duty_conflict(held, new) == conflict


ROLES = ["reporter", "head", "leader", "officer", "assessor", "sysadmin", "secadmin", "auditadmin"]


@given(st.sets(st.sampled_from(ROLES)), st.sampled_from(ROLES))
def test_duty_conflict_keeps_every_holder_within_the_rule(held, new):
    """Whatever an account holds, adding a role that passes the check never leaves it with an admin
    duty beside any other role (when it started within the rule)."""

    def within(roles: set[str]) -> bool:
        duties = roles & rules.ADMIN_DUTIES
        return not duties or roles == duties and len(duties) == 1

    if within(held) and rules.duty_conflict(held, new) is None:
        assert within(held | {new})
