from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.learning import rules

idx = st.sets(st.integers(0, 5), max_size=6)


@pytest.mark.parametrize(
    ("kind", "right", "given_", "ok"),
    [
        ("single", [1], [1], True),
        ("single", [1], [0], False),
        ("single", [1], [], False),
        ("single", [1], [0, 1], False),
        ("judge", [0], [0], True),
        ("judge", [0], [1], False),
        ("multiple", [0, 2], [0, 2], True),
        ("multiple", [0, 2], [2, 0], True),
        ("multiple", [0, 2], [0], False),  # missing one: nothing (all-or-nothing)
        ("multiple", [0, 2], [0, 1, 2], False),  # one extra: nothing
        ("multiple", [], [], False),
    ],
)
def test_question_correct(kind: str, right: list[int], given_: list[int], ok: bool) -> None:
    assert rules.question_correct(kind, right, given_) is ok


@given(right=idx.filter(bool), given_=idx)
def test_multiple_is_all_or_nothing(right: set[int], given_: set[int]) -> None:
    assert rules.question_correct("multiple", right, given_) is (right == given_)


def test_score_cases() -> None:
    assert rules.score([]) == 0
    assert rules.score([("single", [0], [0])]) == 100
    assert rules.score([("single", [0], [0]), ("single", [0], [1])]) == 50
    # 2 of 3 = 66.67 → 67; 1 of 3 = 33.3 → 33; 1 of 8 = 12.5 → 13 (half up)
    three = [("judge", [0], [0]), ("judge", [0], [0]), ("judge", [0], [1])]
    assert rules.score(three) == 67
    assert rules.score([("judge", [0], [0])] + [("judge", [0], [1])] * 2) == 33
    assert rules.score([("judge", [0], [0])] + [("judge", [0], [1])] * 7) == 13


@given(st.lists(st.tuples(st.sampled_from(rules.KINDS), idx.filter(bool), idx), max_size=30))
def test_score_bounds_and_monotone(qs: list[tuple[str, set[int], set[int]]]) -> None:
    s = rules.score(qs)
    assert 0 <= s <= 100
    fixed = [(k, r, r if k == "multiple" or len(r) == 1 else g) for k, r, g in qs]
    assert rules.score(fixed) >= s
    if qs and all(rules.question_correct(k, r, g) for k, r, g in qs):
        assert s == 100


@given(st.integers(0, 100), st.integers(0, 100))
def test_passed(score: int, mark: int) -> None:
    assert rules.passed(score, mark) is (score >= mark)


def test_pass_mark_edge() -> None:
    assert rules.passed(60, 60) and not rules.passed(59, 60)


@given(st.integers(1, 600), st.integers(-100000, 100000))
def test_deadline_and_counts(minutes: int, offset: int) -> None:
    start = datetime(2026, 5, 1, 9, tzinfo=UTC)
    end = rules.deadline(start, minutes)
    assert end - start == timedelta(minutes=minutes)
    at = end + timedelta(seconds=offset)
    assert rules.counts(at, end) is (offset <= rules.GRACE.total_seconds())
    assert rules.seconds_left(at, end) == max(0, -offset)


def test_counts_edges() -> None:
    end = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    assert rules.counts(end, end)
    assert rules.counts(end + rules.GRACE, end)
    assert not rules.counts(end + rules.GRACE + timedelta(microseconds=1), end)


@given(
    st.dictionaries(st.sampled_from(rules.KINDS), st.integers(-3, 50)),
    st.dictionaries(st.sampled_from(rules.KINDS), st.integers(0, 50)),
)
def test_draw_sizes(wanted: dict[str, int], available: dict[str, int]) -> None:
    sizes = rules.draw_sizes(wanted, available)
    assert set(sizes) == set(rules.KINDS)
    for k in rules.KINDS:
        assert 0 <= sizes[k] <= available.get(k, 0)
        assert sizes[k] == max(0, min(wanted.get(k, 0), available.get(k, 0)))


def test_draw_sizes_case() -> None:
    assert rules.draw_sizes({"single": 5, "multiple": 3, "judge": 2}, {"single": 10, "multiple": 1}) == {
        "single": 5,
        "multiple": 1,
        "judge": 0,
    }


@pytest.mark.parametrize(
    ("allowed", "used", "left"), [(0, 9, -1), (3, 0, 3), (3, 2, 1), (3, 3, 0), (3, 5, 0)]
)
def test_attempts_left(allowed: int, used: int, left: int) -> None:
    assert rules.attempts_left(allowed, used) == left


@pytest.mark.parametrize(
    ("kind", "text", "n", "out"),
    [
        ("single", "B", 4, [1]),
        ("single", " c ", 4, [2]),
        ("multiple", "A,C", 4, [0, 2]),
        ("multiple", "CA", 4, [0, 2]),
        ("multiple", "A、B、D", 4, [0, 1, 3]),
        ("judge", "对", 2, [0]),
        ("judge", "×", 2, [1]),
    ],
)
def test_parse_answer(kind: str, text: str, n: int, out: list[int]) -> None:
    assert rules.parse_answer(kind, text, n) == out


@pytest.mark.parametrize(
    ("kind", "text", "n"),
    [
        ("single", "AB", 4),
        ("single", "E", 4),
        ("single", "", 4),
        ("multiple", "A", 4),
        ("judge", "也许", 2),
        ("single", "1", 4),
    ],
)
def test_parse_answer_refuses(kind: str, text: str, n: int) -> None:
    with pytest.raises(ValueError):
        rules.parse_answer(kind, text, n)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(1799, "29:59"), (60, "01:00"), (59, "00:59"), (0, "00:00"), (-5, "00:00"), (6000, "100:00")],
)
def test_clock(seconds: int, shown: str) -> None:
    assert rules.clock(seconds) == shown


@given(st.integers(min_value=0, max_value=10**6))
def test_clock_reads_back(seconds: int) -> None:
    minutes, secs = rules.clock(seconds).split(":")
    assert int(minutes) * 60 + int(secs) == seconds and len(secs) == 2
