"""lib/search.py's pure parts: terms, the grams a Chinese term is looked up by, and highlighting (escaping included)."""

from __future__ import annotations

import pytest

from luoshi.lib.search import MAX_TERMS, highlight, query_grams, terms


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", []),
        (None, []),
        ("  营商  ", ["营商"]),
        ("营商 FGJ 营商", ["营商", "fgj"]),
        ("a\tb\nc", ["a", "b", "c"]),
    ],
)
def test_terms(q: str | None, expected: list[str]) -> None:
    assert terms(q) == expected


def test_terms_are_bounded() -> None:
    assert len(terms(" ".join(f"词{i}" for i in range(30)))) == MAX_TERMS


@pytest.mark.parametrize(
    ("text", "q", "expected"),
    [
        ("优化营商环境", "营商", "优化<mark>营商</mark>环境"),
        ("优化营商环境", "营", "优化<mark>营</mark>商环境"),
        ("营商环境与营商服务", "营商", "<mark>营商</mark>环境与<mark>营商</mark>服务"),
        ("优化营商环境", "营商环境 营商", "优化<mark>营商环境</mark>"),  # the longest term wins
        ("Road ROAD road", "road", "<mark>Road</mark> <mark>ROAD</mark> <mark>road</mark>"),
        ("优化营商环境", "yingshang", "优化营商环境"),  # found by pinyin: nothing to mark in the title
        ("优化营商环境", "", "优化营商环境"),
        ("", "营商", ""),
        (None, "营商", ""),
    ],
)
def test_highlight(text: str | None, q: str, expected: str) -> None:
    assert str(highlight(text, q)) == expected


def test_highlight_escapes_text_and_match() -> None:
    out = str(highlight('<script>alert("营商")</script> & <b>', "营商"))
    assert out == "&lt;script&gt;alert(&quot;<mark>营商</mark>&quot;)&lt;/script&gt; &amp; &lt;b&gt;"
    # A query that is markup is matched as text and escaped, never injected.
    assert str(highlight("a <b> c", "<b>")) == "a <mark>&lt;b&gt;</mark> c"
    assert str(highlight("1.2 与 102", ".")) == "1<mark>.</mark>2 与 102"  # no regex meaning


@pytest.mark.parametrize(
    ("term", "grams"),
    [
        ("营", ["营"]),
        ("营商", ["营商"]),  # not 营 and 商 besides: the pair holds them
        ("营商环境", ["营商", "商环", "环境"]),
        ("商商商", ["商商"]),  # each gram once
        ("a营b商环c", ["营", "商环"]),  # each run of Chinese characters on its own
        ("yingshang", []),
    ],
)
def test_query_grams_are_the_pairs_of_each_run(term: str, grams: list[str]) -> None:
    assert query_grams(term) == grams
