"""The pure rules of appeals: SLA arithmetic with pauses, SLA states, transitions, tracking codes,
Open311 coordinates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.appeals import rules
from luoshi.appeals.rules import Action, SlaState, Status

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_deadline_without_pauses_is_receipt_plus_sla() -> None:
    assert rules.deadline(received=T0, sla_hours=72, pauses=[], now=T0 + 100 * H) == T0 + 72 * H


def test_closed_pause_moves_the_deadline_by_its_length() -> None:
    pauses = [(T0 + 10 * H, T0 + 34 * H)]
    assert rules.deadline(received=T0, sla_hours=72, pauses=pauses, now=T0 + 200 * H) == T0 + 96 * H


def test_open_pause_runs_until_now() -> None:
    pauses = [(T0 + 10 * H, None)]
    assert rules.deadline(received=T0, sla_hours=72, pauses=pauses, now=T0 + 15 * H) == T0 + 77 * H


def test_overlapping_pauses_count_once_and_before_receipt_not_at_all() -> None:
    pauses = [(T0 + 10 * H, T0 + 20 * H), (T0 + 15 * H, T0 + 25 * H), (T0 - 5 * H, T0 + 1 * H)]
    assert rules.paused_total(pauses, received=T0, now=T0 + 100 * H) == 16 * H


def test_future_pause_and_reversed_interval_count_nothing() -> None:
    pauses = [(T0 + 50 * H, None), (T0 + 5 * H, T0 + 2 * H)]
    assert rules.paused_total(pauses, received=T0, now=T0 + 10 * H) == timedelta(0)


def test_sla_must_be_positive() -> None:
    with pytest.raises(ValueError):
        rules.deadline(received=T0, sla_hours=0, pauses=[], now=T0)


def _naive_paused(
    pauses: list[tuple[datetime, datetime | None]], received: datetime, now: datetime
) -> timedelta:
    """Minute by minute: the definition, slowly."""
    total = 0
    t = received
    while t < now:
        if any(s <= t < (e if e is not None else now) for s, e in pauses):
            total += 1
        t += timedelta(minutes=1)
    return timedelta(minutes=total)


minutes = st.integers(min_value=-120, max_value=600)


@st.composite
def pause_lists(draw: st.DrawFn) -> list[tuple[datetime, datetime | None]]:
    out: list[tuple[datetime, datetime | None]] = []
    for _ in range(draw(st.integers(0, 4))):
        a = draw(minutes)
        length = draw(st.one_of(st.none(), st.integers(0, 300)))
        out.append(
            (T0 + timedelta(minutes=a), None if length is None else T0 + timedelta(minutes=a + length))
        )
    return out


@given(pause_lists(), st.integers(0, 700))
def test_paused_total_equals_the_minute_by_minute_definition(pauses, now_min) -> None:  # type: ignore[no-untyped-def]
    now = T0 + timedelta(minutes=now_min)
    assert rules.paused_total(pauses, received=T0, now=now) == _naive_paused(pauses, T0, now)


@given(pause_lists(), st.integers(1, 500), st.integers(0, 700))
def test_deadline_never_before_sla_and_moves_exactly_by_paused_time(pauses, sla, now_min) -> None:  # type: ignore[no-untyped-def]
    now = T0 + timedelta(minutes=now_min)
    due = rules.deadline(received=T0, sla_hours=sla, pauses=pauses, now=now)
    assert due >= T0 + timedelta(hours=sla)
    assert due - (T0 + timedelta(hours=sla)) == rules.paused_total(pauses, received=T0, now=now)


@given(pause_lists(), st.integers(0, 700), st.integers(0, 300))
def test_deadline_never_moves_back_as_time_passes(pauses, now_min, later) -> None:  # type: ignore[no-untyped-def]
    a = rules.deadline(received=T0, sla_hours=24, pauses=pauses, now=T0 + timedelta(minutes=now_min))
    b = rules.deadline(received=T0, sla_hours=24, pauses=pauses, now=T0 + timedelta(minutes=now_min + later))
    assert b >= a


@pytest.mark.parametrize(
    ("now", "replied", "paused", "state"),
    [
        (T0, None, False, SlaState.RUNNING),
        (T0 + 49 * H, None, False, SlaState.DUE_SOON),
        (T0 + 72 * H, None, False, SlaState.DUE_SOON),
        (T0 + 73 * H, None, False, SlaState.OVERDUE),
        (T0 + 73 * H, None, True, SlaState.PAUSED),
        (T0 + 99 * H, T0 + 72 * H, False, SlaState.MET),
        (T0 + 99 * H, T0 + 73 * H, False, SlaState.MISSED),
        (T0, T0 + 73 * H, True, SlaState.MISSED),
    ],
)
def test_sla_state(now: datetime, replied: datetime | None, paused: bool, state: SlaState) -> None:
    assert rules.sla_state(due=T0 + 72 * H, now=now, replied=replied, paused=paused) == state


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("new", "route", Status.ASSIGNED),
        ("new", "reply", None),
        ("new", "pause", None),
        ("assigned", "pause", Status.PAUSED),
        ("paused", "pause", None),
        ("paused", "resume", Status.ASSIGNED),
        ("assigned", "resume", None),
        ("paused", "reply", Status.REPLIED),
        ("replied", "rate", Status.CLOSED),
        ("closed", "rate", None),
        ("replied", "reopen", Status.ASSIGNED),
        ("closed", "reopen", Status.ASSIGNED),
        ("assigned", "reopen", None),
        ("replied", "route", None),
        ("nonsense", "route", None),
        ("new", "nonsense", None),
    ],
)
def test_transitions(status: str, action: str, after: Status | None) -> None:
    assert rules.next_status(status, action) == after


def test_every_status_but_new_is_reached_and_open311_status() -> None:
    reached = set(rules.TRANSITIONS.values())
    assert reached == set(Status) - {Status.NEW}
    assert [rules.open311_status(s) for s in Status] == ["open", "open", "open", "closed", "closed"]
    assert all(isinstance(a, Action) for _s, a in rules.TRANSITIONS)


def test_reopen_window() -> None:
    assert not rules.reopen_allowed(replied=None, now=T0, window_days=15)
    assert rules.reopen_allowed(replied=T0, now=T0 + timedelta(days=15), window_days=15)
    assert not rules.reopen_allowed(replied=T0, now=T0 + timedelta(days=15, seconds=1), window_days=15)
    assert not rules.reopen_allowed(replied=T0, now=T0 - H, window_days=15)


def test_tracking_code_shape_and_check() -> None:
    code = rules.tracking_code("ACDEFGHJK")
    assert len(code) == rules.CODE_LENGTH and rules.tracking_code_valid(code)
    assert rules.tracking_code_valid(code.lower()[:5] + " " + code[5:])
    assert not rules.tracking_code_valid(code[:-1])
    assert not rules.tracking_code_valid("0" + code[1:])


@given(st.text(alphabet=rules.CODE_ALPHABET, min_size=9, max_size=9), st.integers(0, 9), st.data())
def test_a_single_wrong_character_is_caught(body, i, data) -> None:  # type: ignore[no-untyped-def]
    code = rules.tracking_code(body)
    other = data.draw(st.sampled_from([c for c in rules.CODE_ALPHABET if c != code[i]]))
    assert not rules.tracking_code_valid(code[:i] + other + code[i + 1 :])


@given(st.text(alphabet=rules.CODE_ALPHABET, min_size=9, max_size=9), st.integers(0, 8))
def test_swapped_neighbours_are_caught(body, i) -> None:  # type: ignore[no-untyped-def]
    code = rules.tracking_code(body)
    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    assert rules.tracking_code_valid(swapped) == (swapped == code)


def test_generated_codes_are_valid() -> None:
    assert all(rules.tracking_code_valid(rules.tracking_code()) for _ in range(50))


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("31.2304", "lat", Decimal("31.230400")),
        (" -121.4737 ", "long", Decimal("-121.473700")),
        ("90", "lat", Decimal(90)),
    ],
)
def test_coordinates(raw: str, kind: str, value: Decimal) -> None:
    assert rules.parse_coordinate(raw, kind=kind) == value


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "lat"),
        ("abc", "lat"),
        ("91", "lat"),
        ("-180.5", "long"),
        ("NaN", "lat"),
        ("Infinity", "long"),
        ("1e400", "lat"),
    ],
)
def test_malformed_coordinates(raw: str, kind: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_coordinate(raw, kind=kind)
