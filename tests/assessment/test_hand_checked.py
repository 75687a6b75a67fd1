"""A scheme of ten units whose results were worked out by hand (the arithmetic is in the comments)
and written here: scores, ranks, grades, vetoes, 末位, award eligibility and coefficients.

Scheme (百分制, one group 街镇):
- 领导评价 40 points, manual, trimmed mean of four assessors (drop one highest and one lowest);
- 重点任务 30 points, task-based: 30 × on time ÷ tasks (no task: full 30);
- 日常工作 30 points, deduction: −10 per late/missing report, −5 per meeting absence (that rule at
  most −10), the indicator at most −30;
- bonus: +2 per award, the rule at most +4, all bonuses at most +3;
- veto: a safety accident (安全生产一票否决);
- grades: 优秀 ≥ 90 at most 30% (3 of 10), 良好 ≥ 80, 一般 ≥ 60, 较差 below;
- 末位: the last 2.
"""

from __future__ import annotations

from decimal import Decimal

from luoshi.assessment import rules
from luoshi.assessment.rules import (
    BonusSpec,
    DeductionSpec,
    Fact,
    GradeSpec,
    GroupSpec,
    IndicatorSpec,
    Member,
    SchemeSpec,
)

D = Decimal

SPEC = SchemeSpec(
    total=D(100),
    groups=(
        GroupSpec(
            "g",
            "街镇",
            (
                IndicatorSpec("m", "领导评价", D(40), "manual", {"trim": True}),
                IndicatorSpec("t", "重点任务", D(30), "task"),
                IndicatorSpec(
                    "d",
                    "日常工作",
                    D(30),
                    "deduction",
                    cap=D(30),
                    deductions=(
                        DeductionSpec("late", D(10), None, "未报扣10分"),
                        DeductionSpec("absent", D(5), D(10), "每次扣5分"),
                    ),
                ),
            ),
        ),
    ),
    grades=(
        GradeSpec("优秀", D(90), D(30), True, D("1.2")),
        GradeSpec("良好", D(80), None, True, D(1)),
        GradeSpec("一般", D(60), None, False, D("0.8")),
        GradeSpec("较差", D(0), None, False, D("0.5")),
    ),
    bonuses=(BonusSpec("award", D(2), D(4), "表彰加分"),),
    bonus_cap=D(3),
    vetoes=("safety",),
    bottom=2,
)
UNITS = "ABCDEFGHIJ"


def facts() -> list[Fact]:
    out: list[Fact] = []

    def add(unit: str, indicator: str, kind: str, *values: int | str) -> None:
        uid = UNITS.index(unit) + 1
        out.extend(Fact(uid, indicator, kind, D(v), f"{unit}-{kind}-{i}") for i, v in enumerate(values))

    # A: scores 40 38 36 30 → drop 40 and 30 → (38+36)/2 = 37; tasks 3/3 → 30; no deduction → 30;
    #    2 awards = +4 (rule cap 4) → all bonuses at most 3 → +3.            37+30+30+3 = 100
    add("A", "m", "manual", 40, 38, 36, 30)
    add("A", "t", "work.task", 1, 1, 1)
    add("A", "", "award", 1, 1)
    # B: 39 ×4 → 39; tasks 2/2 → 30; one absence −5 → 25.                      39+30+25 = 94
    add("B", "m", "manual", 39, 39, 39, 39)
    add("B", "t", "work.task", 1, 1)
    add("B", "d", "absent", 1)
    # C: 40 40 36 32 → (40+36)/2 = 38; tasks 4/4 → 30; one late −10 → 20; one award +2.
    #                                                                           38+30+20+2 = 90
    add("C", "m", "manual", 40, 40, 36, 32)
    add("C", "t", "work.task", 1, 1, 1, 1)
    add("C", "d", "late", 1)
    add("C", "", "award", 1)
    # D: 38 36 36 34 → 36; tasks 2/3 → 30×2/3 = 20.00; no deduction → 30.     36+20+30 = 86
    add("D", "m", "manual", 38, 36, 36, 34)
    add("D", "t", "work.task", 1, 1, 0)
    # E: 40 ×4 → 40; tasks 3/3 → 30; → 30; a safety accident: vetoed.           40+30+30 = 100
    add("E", "m", "manual", 40, 40, 40, 40)
    add("E", "t", "work.task", 1, 1, 1)
    add("E", "", "safety", 1)
    # F: 35 33 31 29 → (33+31)/2 = 32; tasks 1/2 → 15; three absences −15 → rule cap −10 → 20.
    #                                                                           32+15+20 = 67
    add("F", "m", "manual", 35, 33, 31, 29)
    add("F", "t", "work.task", 1, 0)
    add("F", "d", "absent", 1, 1, 1)
    # G: 36 34 30 28 → (34+30)/2 = 32; no task → 30; two late −20, one absence −5 → 5.
    #                                                                           32+30+5 = 67
    add("G", "m", "manual", 36, 34, 30, 28)
    add("G", "d", "late", 1, 1)
    add("G", "d", "absent", 1)
    # H: 30 ×4 → 30; tasks 1/3 → 10; three late −30, two absences −10 → −40 → indicator cap −30 → 0.
    #                                                                           30+10+0 = 40
    add("H", "m", "manual", 30, 30, 30, 30)
    add("H", "t", "work.task", 1, 0, 0)
    add("H", "d", "late", 1, 1, 1)
    add("H", "d", "absent", 1, 1)
    # I: 38 37 36 35 → (37+36)/2 = 36.5; tasks 3/3 → 30; one late −10 → 20.   36.5+30+20 = 86.5
    add("I", "m", "manual", 38, 37, 36, 35)
    add("I", "t", "work.task", 1, 1, 1)
    add("I", "d", "late", 1)
    # J: 40 39 37 36 → (39+37)/2 = 38; tasks 3/3 → 30; two absences −10 → 20; one award +2.
    #                                                                           38+30+20+2 = 90
    add("J", "m", "manual", 40, 39, 37, 36)
    add("J", "t", "work.task", 1, 1, 1)
    add("J", "d", "absent", 1, 1)
    add("J", "", "award", 1)
    return out


# Ranks: unvetoed units by score (competition ranking), the vetoed E after them:
#   A 100 (1), B 94 (2), C 90 and J 90 (3, 3), I 86.5 (5), D 86 (6), F 67 and G 67 (7, 7), H 40 (9),
#   E vetoed (10).
# Grades: 优秀 needs ≥ 90 and has room for 30% of 10 = 3. A, B, C, J reach 90 (four); the third and
#   fourth places are C and J tied at 90 across the edge, so neither gets 优秀 (the quota is never
#   exceeded, equal scores get equal grades): 优秀 = A, B. 良好 (≥ 80): C, J, I, D. 一般 (≥ 60): F, G.
#   较差: H (40) and E (vetoed: the lowest grade whatever its 100).
# 末位 (last 2): E (10th) and H (9th).
# Award eligibility: 优秀 and 良好, never a vetoed unit; coefficients 1.2 / 1 / 0.8 / 0.5.
EXPECTED = {
    #     score        rank grade   veto   末位   eligible coefficient
    "A": (D(100), 1, "优秀", False, False, True, D("1.2")),
    "B": (D(94), 2, "优秀", False, False, True, D("1.2")),
    "C": (D(90), 3, "良好", False, False, True, D(1)),
    "D": (D(86), 6, "良好", False, False, True, D(1)),
    "E": (D(100), 10, "较差", True, True, False, D("0.5")),
    "F": (D(67), 7, "一般", False, False, False, D("0.8")),
    "G": (D(67), 7, "一般", False, False, False, D("0.8")),
    "H": (D(40), 9, "较差", False, True, False, D("0.5")),
    "I": (D("86.5"), 5, "良好", False, False, True, D(1)),
    "J": (D(90), 3, "良好", False, False, True, D(1)),
}


def test_ten_units_worked_out_by_hand() -> None:
    members = [Member(i + 1, u, "g") for i, u in enumerate(UNITS)]
    results = {UNITS[r.unit_id - 1]: r for r in rules.compute(SPEC, members, facts())}
    got = {
        u: (r.score, r.rank, r.grade, r.veto, r.bottom, r.eligible, r.coefficient) for u, r in results.items()
    }
    assert got == EXPECTED
    for r in results.values():
        assert rules.line_sum(r.lines) == r.score
    # The lines say why: H's deductions stop at the indicator's cap.
    h = [line.reason for line in results["H"].lines]
    assert "+10: 日常工作，扣分以30分为限" in h
    assert "+1: 表彰加分，加分以3分为限" not in [line.reason for line in results["A"].lines]
    assert "-1: 加分以3分为限" in [line.reason for line in results["A"].lines]
    assert "一票否决: E-safety-0" in [line.reason for line in results["E"].lines]
