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


@pytest.mark.parametrize(
    "narrative, empty",
    [
        # A plain status line says little, but it is a claim the figures can check: not 套话.
        ("本期无新增情况，按计划推进。", False),
        ("与上月相比持平，继续跟踪。", False),
        ("各项工作进度正常，暂无困难。", False),
        ("目前工作按节点推进，未发现问题。", False),
        ("项目如期推进。", False),
        # Attitude and effort only, or a promise about the future: 套话.
        ("高度重视，提高政治站位，压实工作责任。", True),
        ("强化措施，狠抓落实，确保按期完成。", True),
        ("凝聚工作合力，力争如期推进，全力正常推进各项工作。", True),
        ("坚持问题导向，扎实推进各项工作。", True),
    ],
)
def test_status_lines_are_not_empty_talk(narrative: str, empty: bool) -> None:
    assert text.is_empty_talk(narrative) is empty
    assert text.states_status(narrative) is not empty


@settings(max_examples=100)
@given(st.lists(st.sampled_from(["高度重视", "压实责任", "扎实推进", "凝聚合力", "营造氛围"]), max_size=6))
def test_a_status_clause_never_makes_talk_empty(phrases: list[str]) -> None:
    """Adding a plain status clause to any narrative leaves it not empty talk; adding a fact too."""
    talk = "，".join(phrases)
    assert not text.is_empty_talk(talk + "，本期无新增情况。")
    assert not text.is_empty_talk(talk + "，完成征地120亩。")
    assert text.is_empty_talk(talk) == bool(phrases)


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


@settings(max_examples=200)
@given(
    st.lists(
        st.one_of(st.integers(0, 40), st.integers(0, 2**32 - 1), st.sampled_from([7, 2**31, 2**32 - 1])),
        max_size=300,
    )
)
def test_rare_keys_equal_a_plain_count(keys: list[int]) -> None:
    """Counting a slice of the hash range at a time finds exactly the keys a plain count finds."""
    from array import array
    from collections import Counter

    naive = {h for h, n in Counter(keys).items() if 2 <= n <= text.KEY_CAP}
    assert text._rare_keys(array("I", keys)) == naive
