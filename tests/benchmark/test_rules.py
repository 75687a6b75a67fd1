"""Benchmark rules: numbers, amounts, growth rates and periods as statistics tables print them; region
names without their suffix; division levels and parents; ranks, movement and gaps (case tables and
hypothesis properties)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.benchmark import rules
from luoshi.benchmark.rules import Gap, PeriodKey, Unreadable

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("24,899.30", "24899.30"),
        ("1 234,5", "1234.5"),
        ("1 234 567", "1234567"),
        ("1.234.567", "1234567"),
        ("1.234,5", "1234.5"),
        ("1,234", "1234"),
        ("1,234,567.25", "1234567.25"),
        ("12,5", "12.5"),
        ("1'234.5", "1234.5"),
        ("１２３４．５", "1234.5"),
        ("１，２３４．５", "1234.5"),
        ("-1.2", "-1.2"),
        ("\u22121.2", "-1.2"),
        ("+3", "3"),
        (" 7 ", "7"),
        (".5", "0.5"),
        ("0", "0"),
        (5, "5"),
        (2.5, "2.5"),
        (D("1.25"), "1.25"),
    ],
)
def test_numbers_as_printed(text: object, expected: str) -> None:
    assert rules.parse_number(text) == D(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1,2,3",
        "1..2",
        "12.",
        "1,23,456",
        "1 23",
        "1,234 567",
        "1.2.3",
        "--1",
        "一百",
        "1e5",
        True,
        "1,2.3,4",
    ],
)
def test_unreadable_numbers(text: object) -> None:
    with pytest.raises(Unreadable):
        rules.parse_number(text)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("24,899.30", "亿元", "24899.30"),
        ("2616611", "万元", "261.6611"),
        ("2616611万元", "亿元", "261.6611"),
        ("1.5亿", "万元", "1.5"),
        ("3,000 万元", "亿元", "0.3"),
        ("300000000元", "亿元", "3"),
        ("3000", "元", "0.00003"),
        (1303.24, "亿元", "1303.24"),
    ],
)
def test_amounts_in_yi_yuan(text: object, unit: str, expected: str) -> None:
    assert rules.parse_amount(text, unit) == D(expected)


@pytest.mark.parametrize(("text", "unit"), [("万元", "亿元"), ("12", "美元"), ("十亿元", "亿元")])
def test_unreadable_amounts(text: str, unit: str) -> None:
    with pytest.raises(Unreadable):
        rules.parse_amount(text, unit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("增长6.5%", "6.5"),
        ("下降1.2%", "-1.2"),
        ("-1.2", "-1.2"),
        ("6.5%", "6.5"),
        ("6.5％", "6.5"),
        ("同比增长 6.5 %", "6.5"),
        ("比上年下降0.5个百分点", "-0.5"),
        ("(+4.6%)", "4.6"),
        ("减少3%", "-3"),
        ("增长１０％", "10"),
        ("持平", "0"),
        ("与上年持平", "0"),
        ("0", "0"),
        (8.1, "8.1"),
    ],
)
def test_growth_rates_as_text(text: object, expected: str) -> None:
    assert rules.parse_growth(text) == D(expected)


@pytest.mark.parametrize("text", ["增长", "下降-1.2%", "增长+3%", "高速增长", "%", "约6%"])
def test_unreadable_growth_rates(text: str) -> None:
    with pytest.raises(Unreadable):
        rules.parse_growth(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", PeriodKey(2019, 4)),
        (2019, PeriodKey(2019, 4)),
        ("2023年", PeriodKey(2023, 4)),
        ("2023年度", PeriodKey(2023, 4)),
        ("2024年1-12月", PeriodKey(2024, 4)),
        ("2024年1—12月", PeriodKey(2024, 4)),
        ("2025年前三季度", PeriodKey(2025, 3)),
        ("2025年1-9月", PeriodKey(2025, 3)),
        ("2025年1-6月", PeriodKey(2025, 2)),
        ("2025年上半年", PeriodKey(2025, 2)),
        ("2025年一季度", PeriodKey(2025, 1)),
        ("2025年1-3月", PeriodKey(2025, 1)),
        ("2025年全年", PeriodKey(2025, 4)),
        ("2013年(预计)", PeriodKey(2013, 4)),
        ("2024年(2025年政府工作报告)", PeriodKey(2024, 4)),
        ("２０２４年", PeriodKey(2024, 4)),
    ],
)
def test_periods_as_written(text: object, expected: PeriodKey) -> None:
    assert rules.parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "去年", "2024年1-10月", "2024年5月", "1899年", "2024年下半年", "24年"])
def test_unreadable_periods(text: str) -> None:
    with pytest.raises(Unreadable):
        rules.parse_period(text)


def test_period_labels_and_the_previous_period() -> None:
    assert [PeriodKey(2025, q).label() for q in (1, 2, 3, 4)] == [
        "2025年一季度",
        "2025年上半年",
        "2025年前三季度",
        "2025年",
    ]
    assert rules.previous_period(PeriodKey(2025, 3)) == PeriodKey(2024, 3)
    assert PeriodKey(2024, 4) < PeriodKey(2025, 1) < PeriodKey(2025, 3)


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("北京市", "北京"),
        ("市中区", "市中"),
        ("缙云县", "缙云"),
        ("城区", "城区"),
        ("广西壮族自治区", "广西"),
        ("恩施土家族苗族自治州", "恩施土家族苗族"),
        ("长阳土家族自治县", "长阳土家族"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("香港特别行政区", "香港"),
        ("南京", "南京"),
        ("Ｘ市", "Ｘ市".replace("Ｘ", "X")),
    ],
)
def test_region_stems(name: str, stem: str) -> None:
    assert rules.region_stem(name) == stem


@pytest.mark.parametrize(
    ("code", "level", "parents"),
    [
        ("420000", "province", ()),
        ("420100", "city", ("420000",)),
        ("420112", "county", ("420100", "420000")),
        ("110101", "county", ("110100", "110000")),
    ],
)
def test_division_levels_and_parents(code: str, level: str, parents: tuple[str, ...]) -> None:
    assert rules.division_level(code) == level
    assert rules.division_parents(code) == parents


@pytest.mark.parametrize("code", ["42011", "4201120", "abcdef", ""])
def test_bad_division_codes(code: str) -> None:
    with pytest.raises(Unreadable):
        rules.division_level(code)


def test_ranks_are_competition_ranks_best_first() -> None:
    values = {"a": D(5), "b": D(9), "c": D(5), "d": None, "e": D(1)}
    assert rules.rank(values) == {"a": 2, "b": 1, "c": 2, "d": None, "e": 4}
    assert rules.rank(values, higher_is_better=False) == {"a": 2, "b": 4, "c": 2, "d": None, "e": 1}
    assert rules.rank({}) == {}


@pytest.mark.parametrize(
    ("now", "before", "expected"), [(1, 3, 2), (3, 1, -2), (2, 2, 0), (None, 1, None), (1, None, None)]
)
def test_movement(now: int | None, before: int | None, expected: int | None) -> None:
    assert rules.movement(now, before) == expected


@pytest.mark.parametrize(
    ("value", "reference", "higher", "expected"),
    [
        (D(80), D(100), True, Gap(D(-20), D("-20.00"))),
        (D(120), D(100), True, Gap(D(20), D("20.00"))),
        (D(80), D(100), False, Gap(D(20), D("20.00"))),
        (D("-1.2"), D("6.5"), True, Gap(D("-7.7"), D("-118.46"))),
        (D(1), D(-2), True, Gap(D(3), D("150.00"))),
        (D(5), D(0), True, Gap(D(5), None)),
        (None, D(1), True, None),
        (D(1), None, True, None),
        (D(2), D(3), True, Gap(D(-1), D("-33.33"))),
        (D(1), D(3), True, Gap(D(-2), D("-66.67"))),
    ],
)
def test_gaps(value: Decimal | None, reference: Decimal | None, higher: bool, expected: Gap | None) -> None:
    assert rules.gap(value, reference, higher_is_better=higher) == expected


def test_the_peer_group_table() -> None:
    now = {"home": D("6.5"), "x": D("8.0"), "y": D("6.5"), "z": None, "bench": D("7.0")}
    before = {"home": D(5), "x": D(4), "y": D(3), "z": D(9), "bench": D(6)}
    rows = rules.ranking(now, before, benchmark="bench")
    assert [r.key for r in rows] == ["x", "bench", "home", "y", "z"]
    home = next(r for r in rows if r.key == "home")
    # before: z 9, bench 6, home 5, x 4, y 3 → among the members, home was 3rd
    assert (home.rank, home.previous_rank, home.movement) == (3, 3, 0)
    x = rows[0]
    assert (x.rank, x.previous_rank, x.movement) == (1, 4, 3)
    assert home.to_leader == Gap(D("-1.5"), D("-18.75"))
    assert home.to_benchmark == Gap(D("-0.5"), D("-7.14"))
    z = rows[-1]
    assert (z.rank, z.movement, z.to_leader, z.to_benchmark) == (None, None, None, None)
    assert rules.ranking(now, {}, benchmark=None)[0].to_benchmark is None
    assert rules.rank_history([before, now, {}], "home") == [3, 3, None]
    assert rules.leader({}) is None and rules.leader({"a": D(1), "b": D(2)}, higher_is_better=False) == D(1)


# ---------------------------------------------------------------------------------------------
# Properties

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _grouped(value: Decimal, sep: str, point: str) -> str:
    whole, _dot, frac = f"{value:.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sep.join(groups) + point + frac


@given(amounts, st.sampled_from([(",", "."), (" ", ","), (".", ","), ("", "."), ("'", ".")]), st.booleans())
def test_a_number_printed_any_way_reads_back(value: Decimal, style: tuple[str, str], negative: bool) -> None:
    sep, point = style
    printed = _grouped(value, sep, point)
    if negative:
        printed = "-" + printed
    assert rules.parse_number(printed) == (-value if negative else value)


@given(amounts)
def test_full_width_digits_read_as_ascii(value: Decimal) -> None:
    printed = _grouped(value, ",", ".")
    full = printed.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))
    assert rules.parse_number(full) == value


@given(amounts, st.sampled_from(["亿元", "万元", "元"]))
def test_units_convert_exactly(value: Decimal, unit: str) -> None:
    in_yuan = rules.parse_amount(f"{value}{unit}") * Decimal(100_000_000)
    assert in_yuan == value * rules.UNIT_YUAN[unit]


@given(st.decimals(min_value=0, max_value=1000, places=1, allow_nan=False, allow_infinity=False))
def test_growth_words_give_the_sign(value: Decimal) -> None:
    assert rules.parse_growth(f"增长{value}%") == value
    assert rules.parse_growth(f"下降{value}%") == -value
    assert rules.parse_growth(f"{-value}") == -value


@given(
    st.dictionaries(st.integers(0, 30), st.one_of(st.none(), st.integers(-50, 50).map(Decimal)), max_size=12),
    st.booleans(),
)
def test_rank_properties(values: dict[int, Decimal | None], higher: bool) -> None:
    ranks = rules.rank(values, higher_is_better=higher)
    known = {k: v for k, v in values.items() if v is not None}
    assert {k for k, r in ranks.items() if r is None} == set(values) - set(known)
    if known:
        best = max(known.values()) if higher else min(known.values())
        assert all((ranks[k] == 1) == (v == best) for k, v in known.items())
        for a, va in known.items():
            for b, vb in known.items():
                better = va > vb if higher else va < vb
                if better:
                    ranks_a, ranks_b = ranks[a], ranks[b]
                    assert ranks_a is not None and ranks_b is not None and ranks_a < ranks_b
                if va == vb:
                    assert ranks[a] == ranks[b]
        assert max(r for r in ranks.values() if r is not None) <= len(known)


@given(
    st.dictionaries(st.integers(0, 20), st.integers(-50, 50).map(Decimal), min_size=1, max_size=10),
    st.booleans(),
)
def test_the_leader_has_no_gap_and_nobody_is_ahead_of_it(values: dict[int, Decimal], higher: bool) -> None:
    rows = rules.ranking(values, {}, higher_is_better=higher)
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)  # type: ignore[type-var]
    for row in rows:
        assert row.to_leader is not None and row.to_leader.absolute <= 0
        assert (row.to_leader.absolute == 0) == (row.rank == 1)
