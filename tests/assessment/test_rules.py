"""Assessment rules: validation, each method's points, means, grades with quotas and vetoes, ranks,
末位, the whole computation — case tables and hypothesis properties."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.assessment import rules
from luoshi.assessment.rules import (
    BonusSpec,
    DeductionSpec,
    Fact,
    GradeSpec,
    GroupSpec,
    IndicatorSpec,
    Member,
    Problem,
    SchemeSpec,
)

D = Decimal
scores_st = st.lists(
    st.integers(min_value=0, max_value=1000).map(lambda v: D(v) / 10), min_size=1, max_size=40
)
GRADES = (
    GradeSpec("优秀", D(90), D(30), True, D("1.2")),
    GradeSpec("良好", D(80), None, True, D(1)),
    GradeSpec("一般", D(0), None, False, D("0.8")),
)


def ind(key: str = "i1", weight: int | str = 100, method: str = "manual", **kw: object) -> IndicatorSpec:
    return IndicatorSpec(key=key, name=f"指标{key}", weight=D(weight), method=method, **kw)  # type: ignore[arg-type]


def scheme(*indicators: IndicatorSpec, total: int = 100, **kw: object) -> SchemeSpec:
    return SchemeSpec(total=D(total), groups=(GroupSpec("g", "部门", tuple(indicators)),), **kw)  # type: ignore[arg-type]


# -- validation ----------------------------------------------------------------------------------


def test_a_valid_scheme_has_no_problem() -> None:
    assert rules.scheme_problems(scheme(ind("a", 60), ind("b", 40), grades=GRADES)) == []


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (scheme(ind("a", 60), ind("b", 30)), Problem.WEIGHTS),
        (scheme(ind("a", 600), ind("b", 300), total=1000), Problem.WEIGHTS),
        (scheme(ind("a", 100, cap=D(-1))), Problem.CAP),
        (scheme(ind("a", 100), bonus_cap=D(-1)), Problem.CAP),
        (scheme(ind("a", 100), deduction_cap=D("-0.5")), Problem.CAP),
        (scheme(ind("a", 110), ind("b", -10)), Problem.NEGATIVE),
        (scheme(ind("a", 100, method="guess")), Problem.METHOD),
        (
            scheme(ind("a", 100), grades=(GradeSpec("优秀", D(90), D("100.01")), GradeSpec("一般", D(0)))),
            Problem.QUOTA,
        ),
        (
            scheme(ind("a", 100), grades=(GradeSpec("优秀", D(90), D(-1)), GradeSpec("一般", D(0)))),
            Problem.QUOTA,
        ),
        (scheme(ind("a", 100), grades=(GradeSpec("优秀", D(80)), GradeSpec("良好", D(80)))), Problem.GRADES),
        (
            scheme(ind("a", 100, method="deduction", deductions=(DeductionSpec("x", D(5), D(-2)),))),
            Problem.CAP,
        ),
        (scheme(ind("a", 100, method="deduction", deductions=(DeductionSpec("", D(5)),))), Problem.RULE),
        (SchemeSpec(total=D(100), groups=()), Problem.NO_GROUP),
        (SchemeSpec(total=D(100), groups=(GroupSpec("g", "部门", ()),)), Problem.NO_INDICATOR),
        (scheme(ind("a", 100), bottom=-1), Problem.BOTTOM),
        (SchemeSpec(total=D(0), groups=(GroupSpec("g", "部门", (ind("a", 0),)),)), Problem.TOTAL),
    ],
)
def test_scheme_problems(spec: SchemeSpec, problem: Problem) -> None:
    assert problem in [p.problem for p in rules.scheme_problems(spec)]


def test_quota_of_exactly_100_and_0_is_accepted() -> None:
    grades = (GradeSpec("优秀", D(90), D(100)), GradeSpec("良好", D(80), D(0)), GradeSpec("一般", D(0)))
    assert rules.grade_problems(grades) == []


# -- means and ranks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([D(8)], D(8)),
        ([D(8), D(10)], D(9)),
        ([D(0), D(8), D(10)], D(8)),
        ([D(10), D(10), D(10), D(0)], D(10)),
        ([D(10), D(10), D(8), D(8)], D(9)),
        ([D(10), D(1), D(5), D(7), D(3)], D(5)),
    ],
)
def test_trimmed_mean_table(values: list[Decimal], expected: Decimal | None) -> None:
    assert rules.trimmed_mean(values) == expected


@given(st.lists(st.integers(min_value=0, max_value=100).map(D), min_size=3, max_size=20))
def test_trimmed_mean_drops_exactly_one_highest_and_one_lowest(values: list[Decimal]) -> None:
    kept = rules.trimmed(values)
    assert len(kept) == len(values) - 2
    rest = sorted(values)
    rest.remove(max(values))
    rest.remove(min(values))
    assert sorted(kept) == rest
    assert rules.trimmed_mean(values) == sum(rest, D(0)) / len(rest)


def test_plain_mean() -> None:
    assert rules.plain_mean([D(1), D(2), D(6)]) == D(3)
    assert rules.plain_mean([]) is None


@pytest.mark.parametrize(
    ("scores", "ranks"),
    [
        ([D(90), D(80), D(80), D(70)], [1, 2, 2, 4]),
        ([D(70), D(80), D(90)], [3, 2, 1]),
        ([D(5), D(5), D(5)], [1, 1, 1]),
        ([], []),
    ],
)
def test_competition_ranks(scores: list[Decimal], ranks: list[int]) -> None:
    assert rules.competition_ranks(scores) == ranks


@pytest.mark.parametrize(
    ("scores", "n", "bottom"),
    [
        ([D(90), D(80), D(70)], 1, [False, False, True]),
        ([D(90), D(70), D(70)], 1, [False, True, True]),  # tied with the last: both 末位
        ([D(90), D(80), D(70)], 0, [False, False, False]),
        ([D(90), D(80), D(70)], 2, [False, True, True]),
        ([D(90), D(80)], 5, [True, True]),
    ],
)
def test_bottom_places(scores: list[Decimal], n: int, bottom: list[bool]) -> None:
    assert rules.bottom_places(scores, n) == bottom


# -- grades ----------------------------------------------------------------------------------------


def test_grades_by_threshold_and_quota() -> None:
    scores = [D(95), D(94), D(93), D(92), D(85), D(70), D(91), D(90), D(89), D(60)]
    # 30% of 10 = 3 优秀: 95, 94, 93; 92, 91, 90 reach 90 but the quota is full → 良好.
    got = rules.assign_grades(scores, [False] * 10, GRADES)
    assert [GRADES[i].name for i in got] == [
        "优秀", "优秀", "优秀", "良好", "良好", "一般", "良好", "良好", "良好", "一般"
    ]  # fmt: skip


def test_a_tie_across_the_quota_edge_gives_none_of_the_tied_the_band() -> None:
    scores = [D(95), D(94), D(93), D(93), D(50)]  # 30% of 5 = 1; then 10 units → 3
    got = rules.assign_grades(scores * 2, [False] * 10, GRADES)
    # 3 places: 95, 95, then 94, 94 tie across the edge → neither; 优秀 = the two 95s only.
    assert [GRADES[i].name for i in got][:5] == ["优秀", "良好", "良好", "良好", "一般"]
    assert sum(1 for i in got if i == 0) == 2


def test_a_vetoed_unit_gets_the_lowest_grade() -> None:
    got = rules.assign_grades([D(99), D(85)], [True, False], GRADES)
    assert got == [2, 1]


def test_no_grades() -> None:
    assert rules.assign_grades([D(1)], [False], ()) == [-1]


@given(scores_st, st.integers(min_value=0, max_value=100), st.data())
def test_quotas_are_never_exceeded_and_vetoes_cap_the_grade(
    scores: list[Decimal], quota: int, data: st.DataObject
) -> None:
    vetoed = data.draw(st.lists(st.booleans(), min_size=len(scores), max_size=len(scores)))
    grades = (
        GradeSpec("优秀", D(90), D(quota)),
        GradeSpec("良好", D(80), D(quota)),
        GradeSpec("一般", D(60)),
        GradeSpec("较差", D(0)),
    )
    got = rules.assign_grades(scores, vetoed, grades)
    for band in (0, 1):
        assert sum(1 for g in got if g == band) <= quota * len(scores) // 100
    for g, v, s in zip(got, vetoed, scores, strict=True):
        if v:
            assert g == len(grades) - 1
        else:
            assert s >= grades[g].minimum  # never graded above what the score reaches
    # Equal unvetoed scores get equal grades.
    for i, a in enumerate(scores):
        for j, b in enumerate(scores):
            if a == b and not vetoed[i] and not vetoed[j]:
                assert got[i] == got[j]


# -- methods ---------------------------------------------------------------------------------------


def f(unit: int, indicator: str, kind: str, value: int | str = 1, text: str = "", link: str = "") -> Fact:
    return Fact(unit, indicator, kind, D(value), text or kind, link)


def test_task_points() -> None:
    i = ind("t", 20, "task")
    lines = rules.task_lines(
        i,
        [
            f(1, "t", "work.task", 1),
            f(1, "t", "work.task", 0, "逾期任务", "/t/9/"),
            f(1, "t", "work.task", 1),
        ],
    )
    assert rules.line_sum(lines) == D("13.33")
    assert lines[1].link == "/t/9/" and lines[1].points == 0
    assert rules.line_sum(rules.task_lines(i, [])) == D(20)


def test_measure_points_capped() -> None:
    i = ind("m", 30, "measure")
    assert rules.line_sum(rules.measure_lines(i, [f(1, "m", "work.measure", 80)])) == D(24)
    assert rules.line_sum(rules.measure_lines(i, [f(1, "m", "work.measure", 150)])) == D(30)
    above = ind("m", 30, "measure", cap=D(120))
    assert rules.line_sum(rules.measure_lines(above, [f(1, "m", "work.measure", 150)])) == D(36)
    assert rules.line_sum(rules.measure_lines(i, [])) == 0


def test_manual_points_trimmed_or_plain() -> None:
    scores = [f(1, "x", "manual", v) for v in (20, 10, 16, 18)]
    assert rules.line_sum(rules.manual_lines(ind("x", 20, params={"trim": True}), scores)) == D(17)
    assert rules.line_sum(rules.manual_lines(ind("x", 20), scores)) == D(16)
    assert rules.line_sum(rules.manual_lines(ind("x", 20), [])) == 0


def test_rating_points() -> None:
    i = ind("r", 10, "rating")
    assert rules.line_sum(rules.rating_lines(i, [f(1, "r", "ratings.score", "87.5")])) == D("8.75")
    assert rules.line_sum(rules.rating_lines(i, [])) == 0


def test_deduction_with_rule_and_indicator_caps_and_multiplier() -> None:
    i = ind(
        "d",
        30,
        "deduction",
        cap=D(25),
        deductions=(
            DeductionSpec("late", D(10), None, "未报扣10分"),
            DeductionSpec("absent", D(5), D(10), "每次扣5分"),
        ),
    )
    facts = [f(1, "d", "late", 1, "一季度报告未报"), f(1, "d", "absent", 3, "缺席3次")]
    lines = rules.deduction_lines(i, facts, D(1))
    # 30 − 10 − 15 (+5 back: the rule's cap of 10) = 10; deductions 20 ≤ 25.
    assert rules.line_sum(lines) == D(10)
    doubled = rules.deduction_lines(i, facts, D(2))
    # 30 − 20 − 30 (+20 back: rule cap 10) = 0 → deductions 30 > 25: +5 back → 5.
    assert rules.line_sum(doubled) == D(5)
    assert lines[1].reason == "-10: 一季度报告未报"


def test_an_event_is_deducted_once_per_indicator() -> None:
    i = ind(
        "d",
        30,
        "deduction",
        deductions=(
            DeductionSpec("late", D(10), None, "实施方案未报扣10分"),
            DeductionSpec("late", D(5), None, "总结未报扣5分"),
        ),
    )
    lines = rules.deduction_lines(i, [f(1, "d", "late", 1, "二季度报告未报")], D(1))
    assert rules.line_sum(lines) == D(20)  # the first rule of the kind: −10, not −15


def test_rank_points_table_and_step() -> None:
    table = ind("k", 30, "rank", params={"table": [30, 28, 26]})
    assert [rules.rank_points(table, r, 5) for r in (1, 2, 3, 4)] == [D(30), D(28), D(26), D(26)]
    linear = ind("k", 30, "rank")
    assert [rules.rank_points(linear, r, 3) for r in (1, 2, 3)] == [D(30), D(20), D(10)]
    stepped = ind("k", 30, "rank", params={"step": 20})
    assert rules.rank_points(stepped, 3, 3) == 0


def test_compute_bonus_veto_and_scheme_cap() -> None:
    spec = scheme(
        ind("a", 50),
        ind("d", 50, "deduction", deductions=(DeductionSpec("late", D(20)),)),
        grades=GRADES,
        bonuses=(BonusSpec("award", D(3), D(5), "表彰加分"),),
        bonus_cap=D(4),
        deduction_cap=D(30),
        vetoes=("safety",),
        bottom=1,
    )
    members = [Member(1, "甲", "g"), Member(2, "乙", "g"), Member(3, "丙", "g")]
    facts = [
        f(1, "a", "manual", 50),
        f(1, "", "award", 2, "省级表彰"),
        f(2, "a", "manual", 45),
        f(2, "d", "late", 2, "两次未报"),
        f(3, "a", "manual", 49),
        f(3, "", "safety", 1, "安全生产事故"),
    ]
    out = {r.unit_id: r for r in rules.compute(spec, members, facts)}
    assert out[1].score == D(104)  # 100 + min(6 → rule cap 5 → scheme cap 4)
    assert out[2].score == D(65)  # 45 + 50 − 40 + 10 back (scheme cap 30)
    assert out[3].score == D(99) and out[3].veto and out[3].grade == "一般"
    assert [out[u].rank for u in (1, 2, 3)] == [1, 2, 3]  # the vetoed unit ranks last
    assert out[3].bottom and not out[2].bottom
    # 30% of 3 units is 0.9: no 优秀 at all (rounded down), so the best is 良好.
    assert out[1].grade == "良好" and out[1].eligible and out[1].coefficient == D(1)
    assert not out[3].eligible
    assert out[2].grade == "一般"


def test_rank_indicator_in_compute() -> None:
    spec = scheme(ind("k", 100, "rank", params={"table": [100, 90, 80]}))
    members = [Member(i, str(i), "g") for i in (1, 2, 3, 4)]
    facts = [f(1, "k", "manual", 7), f(2, "k", "manual", 9), f(3, "k", "manual", 9)]
    out = {r.unit_id: r.score for r in rules.compute(spec, members, facts)}
    assert out == {1: D(80), 2: D(100), 3: D(100), 4: D(0)}


def test_spec_roundtrip_and_hash() -> None:
    spec = scheme(
        ind(
            "d", 100, "deduction", cap=D(40), deductions=(DeductionSpec("late", D(10), D(20), "未报扣10分"),)
        ),
        grades=GRADES,
        bonuses=(BonusSpec("award", D(2), None, "加分"),),
        vetoes=("safety",),
        bottom=2,
    )
    members = [Member(1, "甲", "g")]
    data = rules.spec_to_json(spec, members)
    assert rules.spec_from_json(data) == (spec, members)
    facts = [f(1, "d", "late", 1, "未报"), f(1, "d", "late", 1, "又未报")]
    assert rules.content_hash(data, facts) == rules.content_hash(data, facts[::-1])
    assert rules.content_hash(data, facts) != rules.content_hash(data, facts[:1])


def _hash_in_one_piece(spec_json: dict, facts: list[Fact]) -> str:
    """The content hash as runs were fingerprinted before it was streamed: one sorted list, one
    JSON document. Stored runs keep their hashes only if the streamed digest equals this one."""
    import hashlib
    import json

    rows = sorted([x.unit_id, x.indicator, x.kind, str(x.value), x.text, x.link, x.ref] for x in facts)
    blob = json.dumps({"spec": spec_json, "facts": rows}, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 4),
            st.sampled_from(["", "a", "b"]),
            st.sampled_from(["late", "award", "manual"]),
            st.decimals(-100, 100, places=2, allow_nan=False, allow_infinity=False),
            st.text(max_size=4),
        ),
        max_size=25,
    )
)
def test_streamed_hash_equals_the_one_piece_hash(rows: list) -> None:
    facts = [Fact(u, i, k, v, t, f"/x/{n}/") for n, (u, i, k, v, t) in enumerate(rows)]
    data = rules.spec_to_json(scheme(ind("a", 100, "manual")), [Member(1, "甲", "g")])
    assert rules.content_hash(data, facts) == _hash_in_one_piece(data, facts)


def test_fmt() -> None:
    assert [rules.fmt(D(x)) for x in ("10.00", "2.50", "-0.25", "0", "-0.001")] == [
        "10",
        "2.5",
        "-0.25",
        "0",
        "0",
    ]
    assert rules.signed(D(-10)) == "-10" and rules.signed(D(3)) == "+3"


# -- properties of the whole computation ---------------------------------------------------------

kinds = st.sampled_from(["late", "absent", "award", "safety", "manual", "work.task", "work.measure"])


@st.composite
def runs(draw: st.DrawFn) -> tuple[SchemeSpec, list[Member], list[Fact]]:
    spec = SchemeSpec(
        total=D(100),
        groups=(
            GroupSpec(
                "g",
                "部门",
                (
                    ind("m", 30, "manual", params={"trim": draw(st.booleans())}),
                    ind("t", 20, "task"),
                    ind("s", 10, "measure"),
                    ind("k", 10, "rank"),
                    ind(
                        "d",
                        30,
                        "deduction",
                        cap=D(draw(st.integers(0, 30))),
                        deductions=(DeductionSpec("late", D(7)), DeductionSpec("absent", D(3), D(5))),
                    ),
                ),
                D(draw(st.sampled_from([1, 2]))),
            ),
        ),
        grades=GRADES,
        bonuses=(BonusSpec("award", D("1.5"), D(3)),),
        bonus_cap=D(draw(st.integers(0, 5))),
        deduction_cap=draw(st.one_of(st.none(), st.integers(0, 30).map(D))),
        vetoes=("safety",),
        bottom=draw(st.integers(0, 3)),
    )
    n = draw(st.integers(1, 12))
    members = [Member(u, f"单位{u}", "g") for u in range(1, n + 1)]
    facts = []
    for _ in range(draw(st.integers(0, 60))):
        unit = draw(st.integers(1, n))
        indicator, kind = draw(
            st.sampled_from(
                [
                    ("m", "manual"),
                    ("t", "work.task"),
                    ("s", "work.measure"),
                    ("k", "manual"),
                    ("d", "late"),
                    ("d", "absent"),
                    ("", "award"),
                    ("", "safety"),
                ]
            )  # fmt: skip
        )
        value = (
            D(draw(st.integers(0, 300))) / 10
            if kind in ("manual", "work.measure")
            else D(draw(st.integers(0, 2)))
        )
        facts.append(Fact(unit, indicator, kind, value, f"{kind}{value}"))
    return spec, members, facts


@settings(max_examples=150, deadline=None)
@given(runs(), st.randoms())
def test_compute_properties(run: tuple[SchemeSpec, list[Member], list[Fact]], rnd: random.Random) -> None:
    spec, members, facts = run
    results = rules.compute(spec, members, facts)
    # The breakdown's points sum to the score.
    for r in results:
        assert rules.line_sum(r.lines) == r.score
    # Reproducible to the last digit, whatever the order of the frozen inputs.
    shuffled = list(facts)
    rnd.shuffle(shuffled)
    assert rules.compute(spec, members, shuffled) == results
    # A veto caps the grade at the lowest and forbids the award.
    for r in results:
        if r.veto:
            assert r.grade == GRADES[-1].name and not r.eligible
    # Quotas are never exceeded.
    top = sum(1 for r in results if r.grade == "优秀")
    assert top <= 30 * len(results) // 100
    # Ranks are competition ranks; 末位 count at least N (ties) unless the group is smaller.
    bottoms = sum(1 for r in results if r.bottom)
    assert bottoms >= min(spec.bottom, len(results))
    assert min(r.rank for r in results) == 1
