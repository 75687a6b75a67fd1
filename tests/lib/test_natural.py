"""The natural order of task codes as a pure function: case tables and properties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.lib.natural import cn_number, cn_numeral, code_key, sort_path, tree_segment

CN = "零一二三四五六七八九"


def cn_of(n: int) -> str:
    """A naive writer of Chinese numerals below 10,000 (the way codes are written: 十一, 一百零五)."""
    if n < 10:
        return CN[n]
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += ("" if (unit == "十" and n < 20) else CN[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


@pytest.mark.parametrize(
    "text, n",
    [("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23), ("一百", 100), ("一百零五", 105)]
    + [("一千零一十", 1010), ("两千", 2000), ("二〇二六", 2026), ("九十九", 99)],
)
def test_chinese_numerals(text: str, n: int) -> None:
    assert cn_number(text) == n


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert cn_number(cn_of(n)) == n


@given(st.integers(min_value=1, max_value=99))
def test_a_number_written_as_a_chinese_numeral_reads_back(n: int) -> None:
    assert cn_number(cn_numeral(n)) == n


def test_chinese_numerals_as_headings_write_them() -> None:
    assert [cn_numeral(n) for n in (1, 9, 10, 11, 20, 23, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
    ]


@pytest.mark.parametrize(
    "codes",
    [
        ["1", "1.1", "1.2", "1.9", "1.10", "1.11", "2", "10", "10.1"],
        ["一", "二", "三", "九", "十", "十一", "十九", "二十", "二十一", "一百"],
        ["(一)", "（二）", "(三)", "（十）", "（十一）"],
        ["①", "②", "⑩", "⑪"],
        ["1", "１.２", "1.10"],  # full-width digits are digits
        ["第一章", "第二章", "第十章"],
        ["A1", "A2", "A10", "B1", "b2"],
        ["2026-1", "2026-2", "2026-10", "2026-100"],
        ["1", "1.1", "1.1.1", "1.1.2", "1.1.10", "1.2"],
        ["9", "S1", "S2", "S10"],  # numbers before letters
    ],
)
def test_codes_sort_naturally(codes: list[str]) -> None:
    shuffled = codes[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=code_key) == codes


@pytest.mark.parametrize("a, b", [("一", "1"), ("(二)", "2"), ("（三）", "三"), ("②", "2"), ("A", "a")])
def test_same_number_however_written(a: str, b: str) -> None:
    assert code_key(a) == code_key(b)


def test_keys_are_digits_only() -> None:
    # Digits order alike under every collation (en_US ignores punctuation, C does not).
    for code in ["1.2", "（十一）", "A-01", "第三章", "", "甲", "x/y\\z", "1" * 60]:
        assert code_key(code).isdigit() or code_key(code) == ""
        assert tree_segment(code, 12345).isdigit()


dotted = st.lists(st.integers(min_value=0, max_value=10**9 - 1), min_size=1, max_size=6)


@given(dotted, dotted)
def test_dotted_codes_compare_as_tuples_of_numbers(a: list[int], b: list[int]) -> None:
    ka, kb = code_key(".".join(map(str, a))), code_key(".".join(map(str, b)))
    assert (ka < kb) == (a < b) and (ka == kb) == (a == b)


@given(dotted, st.integers(1, 10**15), dotted, st.integers(1, 10**15))
def test_segments_order_by_code_then_id(a: list[int], pa: int, b: list[int], pb: int) -> None:
    sa = tree_segment(".".join(map(str, a)), pa)
    sb = tree_segment(".".join(map(str, b)), pb)
    assert (sa < sb) == ((a, pa) < (b, pb))
    # prefix-free: no segment is the start of another, so paths compare segment by segment
    assert sa == sb or not (sa.startswith(sb) or sb.startswith(sa))


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[int, int | None, str]]:
    """(id, parent id, code) rows, parents first; codes any mix of numbers and numerals."""
    n = draw(st.integers(1, 40))
    rows: list[tuple[int, int | None, str]] = []
    for pk in range(1, n + 1):
        parent = draw(st.none() | st.sampled_from([r[0] for r in rows])) if rows else None
        number = draw(st.integers(0, 30))
        code = draw(st.sampled_from([str(number), cn_of(number) if number else "零", f"({number})"]))
        rows.append((pk, parent, code))
    return rows


@given(trees())
def test_sort_paths_list_the_tree_depth_first_with_siblings_in_code_order(
    rows: list[tuple[int, int | None, str]],
) -> None:
    paths: dict[int, str] = {}
    for pk, parent, code in rows:
        paths[pk] = sort_path(paths[parent] if parent else "", code, pk)
    by_path = sorted(paths, key=paths.__getitem__)

    # The naive definition: walk the tree, children sorted by (number, id).
    def number(code: str) -> int:
        return cn_number(code) if code[0] in "零一二三四五六七八九十" else int(code.strip("()"))

    kids: dict[int | None, list[tuple[int, int]]] = {}
    for pk, parent, code in rows:
        kids.setdefault(parent, []).append((number(code), pk))
    walk: list[int] = []

    def visit(parent: int | None) -> None:
        for _, pk in sorted(kids.get(parent, [])):
            walk.append(pk)
            visit(pk)

    visit(None)
    assert by_path == walk
