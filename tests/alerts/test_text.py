"""Facts in narratives and near-duplicate detection (shingles + bottom-k MinHash)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.alerts import text

HONEST = "3月15日在金银湖街道召开推进会，完成征地120亩，《实施方案》已印发，项目已开工。"


@pytest.mark.parametrize(
    "narrative, kinds",
    [
        ("高度重视，强化措施，压实责任，扎实推进各项工作，确保取得实效。", []),
        ("进一步理清工作思路，加快推进乡村振兴和社区治理。", []),
        ("完成征地120亩", ["number"]),
        ("本月完成三项审批", ["number"]),
        ("6月底前完成", ["date"]),
        ("已印发《东西湖区优化营商环境实施方案》", ["document"]),
        ("在走马岭街道新沟村召开现场会", ["place"]),
        ("智慧城市平台已上线", ["deliverable"]),
    ],
)
def test_facts(narrative: str, kinds: list[str]) -> None:
    found = text.facts(narrative)
    assert set(kinds) <= set(found)
    assert bool(found) == bool(kinds)


def test_empty_talk() -> None:
    assert text.is_empty_talk("高度重视，统筹推进，取得明显成效。")
    assert not text.is_empty_talk(HONEST)
    assert not text.is_empty_talk("")  # blank is not 空话; the form decides about blanks


def test_normalise_and_shingles() -> None:
    assert text.normalise("Ａ１，b 2。") == "a1b2"
    assert text.shingles("abcd") == {"abc", "bcd"}
    assert text.shingles("ab") == {"ab"}
    assert text.shingles("，。") == set()


def test_estimate_close_to_exact_jaccard() -> None:
    rng = random.Random(7)
    chars = "推进项目完成征地拆迁建设开工审批企业服务招商引资亩万元季度街道社区"
    for _ in range(30):
        a = "".join(rng.choice(chars) for _ in range(300))
        b = list(a)
        for _ in range(rng.randint(0, 60)):
            b[rng.randrange(len(b))] = rng.choice(chars)
        b = "".join(b)
        exact = text.jaccard(text.shingles(a), text.shingles(b))
        assert abs(text.estimate(text.sketch(a), text.sketch(b)) - exact) < 0.2


def test_near_duplicates_scoped() -> None:
    copy = HONEST.replace("120", "121")
    docs = [
        text.Doc(1, HONEST),
        text.Doc(2, copy),
        text.Doc(3, "4月2日长青街道完成立项审批，拆迁协议签订85户，施工图审查已通过。"),
    ]
    found = text.near_duplicates(docs, lambda a, b: True, threshold=0.6, min_chars=10)
    assert [(m.a, m.b) for m in found] == [(1, 2)]
    assert found[0].similarity >= 0.6
    assert text.near_duplicates(docs, lambda a, b: False, threshold=0.6, min_chars=10) == []
    assert text.near_duplicates(docs, lambda a, b: True, threshold=0.6, min_chars=1000) == []


@settings(max_examples=50)
@given(st.text(alphabet="推进项目完成征地拆迁建设开工审批企业服务123", min_size=0, max_size=200))
def test_identical_texts_estimate_one(s: str) -> None:
    assert text.estimate(text.sketch(s), text.sketch(s)) == 1.0
