"""The credit code's check character (GB 32100-2015) and the watch status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.enterprises import rules
from luoshi.enterprises.rules import WatchStatus

# Published codes of well-known enterprises (their business licences are public).
REAL = [
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91110000100010433L",
    "91310000717866186P",
    "91110108551385082Q",
]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass(code: str) -> None:
    assert rules.credit_code_valid(code)
    assert rules.credit_code_valid(" " + code.lower() + " ")


@pytest.mark.parametrize("code", REAL)
def test_real_codes_with_a_wrong_check_character_fail(code: str) -> None:
    for c in rules.CREDIT_ALPHABET:
        if c != code[-1]:
            assert rules.credit_code_error(code[:-1] + c) == "check"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91440300192203821", "length"),
        ("9144030019220382166", "length"),
        ("91440300192203821I", "chars"),
        ("O14403001922038216", "chars"),
    ],
)
def test_malformed(code: str, error: str) -> None:
    assert rules.credit_code_error(code) == error


def test_weights_are_powers_of_three_mod_31() -> None:
    assert rules.CREDIT_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))
    assert len(rules.CREDIT_ALPHABET) == 31 and not set("IOZSV") & set(rules.CREDIT_ALPHABET)


def test_check_char_refuses_bad_body() -> None:
    with pytest.raises(ValueError):
        rules.credit_check_char("123")
    with pytest.raises(ValueError):
        rules.credit_check_char("9144030019220382I")


body = st.text(alphabet=rules.CREDIT_ALPHABET, min_size=17, max_size=17)


@given(body)
def test_body_plus_its_check_char_is_valid(b: str) -> None:
    assert rules.credit_code_valid(b + rules.credit_check_char(b))


@given(body, st.integers(0, 16), st.data())
def test_any_single_changed_character_is_caught(b, i, data) -> None:  # type: ignore[no-untyped-def]
    code = b + rules.credit_check_char(b)
    other = data.draw(st.sampled_from([c for c in rules.CREDIT_ALPHABET if c != code[i]]))
    assert rules.credit_code_error(code[:i] + other + code[i + 1 :]) == "check"


@given(body)
def test_check_char_is_the_naive_formula(b: str) -> None:
    s = sum(rules.CREDIT_ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(b))
    expected = 31 - s % 31
    assert rules.credit_check_char(b) == rules.CREDIT_ALPHABET[0 if expected == 31 else expected]


D = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("flags", "status"),
    [
        ([], WatchStatus.NORMAL),
        ([(D, None)], WatchStatus.WATCHED),
        ([(D, D)], WatchStatus.RESOLVED),
        ([(D, D), (D, None)], WatchStatus.WATCHED),
        ([(D, date(2026, 4, 1)), (D, date(2026, 3, 5))], WatchStatus.RESOLVED),
    ],
)
def test_watch_status(flags: list[tuple[date, date | None]], status: WatchStatus) -> None:
    assert rules.watch_status(flags) == status


def test_risk_days() -> None:
    assert rules.risk_days(raised=D, closed=None, today=date(2026, 3, 11)) == 10
    assert rules.risk_days(raised=D, closed=date(2026, 3, 4), today=date(2026, 5, 1)) == 3
    assert rules.risk_days(raised=D, closed=None, today=date(2026, 2, 1)) == 0


@pytest.mark.parametrize(("days", "due"), [(0, False), (29, False), (30, True), (90, True)])
def test_visit_overdue(days: int, due: bool) -> None:
    assert rules.visit_overdue(last=D, today=D + timedelta(days=days), every_days=30) is due
