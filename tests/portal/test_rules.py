"""Pure rules of the portal: public fields only, the diff, the feedback rate limit, the challenge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.portal import rules

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_only_public_keeps_no_internal_field() -> None:
    data = {
        "unit": "发改局",
        "title": "t",
        "measure": "m",
        "reviewer": "张三",
        "evidence": ["a.pdf"],
        "compliance": [
            {"period": "2026Q1", "state": "on_track", "note": "n", "review_note": "内部意见", "by": "李四"}
        ],
    }
    out = rules.only_public("commitment", data)
    assert out == {
        "unit": "发改局",
        "title": "t",
        "measure": "m",
        "compliance": [{"period": "2026Q1", "state": "on_track", "note": "n"}],
    }
    assert rules.only_public("nonsense", data) == {}
    items = rules.only_public(
        "catalogue", {"items": [{"code": "1", "name": "n", "secret": "x"}], "kind": "power"}
    )
    assert items == {"kind": "power", "items": [{"code": "1", "name": "n"}]}


def test_diff() -> None:
    assert rules.diff(None, {"a": 1}) == [("a", None, 1)]
    assert rules.diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == [("b", 2, 3)]
    assert rules.diff({"a": 1, "c": 2}, {"a": 1}) == [("c", 2, None)]
    assert rules.diff({"a": 1}, {"a": 1}) == []


@pytest.mark.parametrize(
    "minutes_ago, allowed",
    [
        ([], True),
        ([1], True),
        ([1, 2], False),
        ([11, 12], True),
        ([30, 60, 120, 180, 240], False),
        ([30, 60, 120, 180], True),
        ([60 * 25] * 9, True),
    ],
)
def test_retry_after(minutes_ago: list[int], allowed: bool) -> None:
    sent = [NOW - timedelta(minutes=m) for m in minutes_ago]
    assert (rules.retry_after(sent, NOW) is None) is allowed


def test_retry_after_says_when() -> None:
    sent = [NOW - timedelta(minutes=1), NOW - timedelta(minutes=3)]
    assert rules.retry_after(sent, NOW) == timedelta(minutes=7)


@given(st.lists(st.integers(min_value=0, max_value=3000), max_size=12))
def test_after_the_wait_one_more_is_allowed(minutes_ago: list[int]) -> None:
    sent = [NOW - timedelta(minutes=m) for m in minutes_ago]
    wait = rules.retry_after(sent, NOW)
    if wait is None:
        for window, most in rules.LIMITS:
            assert sum(1 for t in sent if t > NOW - window) < most
    else:
        assert wait > timedelta(0)
        assert rules.retry_after(sent, NOW + wait) is None
        assert rules.retry_after(sent, NOW + wait - timedelta(seconds=1)) is not None


@pytest.mark.parametrize(
    "a, b, op, given_, ok",
    [
        (3, 4, "+", "7", True),
        (3, 4, "+", " 7 ", True),
        (3, 4, "+", "７", True),
        (9, 4, "-", "5", True),
        (3, 4, "+", "8", False),
        (3, 4, "+", "", False),
        (3, 4, "+", "seven", False),
        (3, 4, "+", "7" * 7, False),
    ],
)
def test_answer_ok(a: int, b: int, op: str, given_: str, ok: bool) -> None:
    assert rules.answer_ok(a, b, op, given_) is ok


def test_unknown_operation_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.challenge_answer(1, 2, "*")
