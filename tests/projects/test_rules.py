"""Key-project rules: stage order, current stage, investment completion and lights, stuck days."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.projects import rules
from luoshi.projects.rules import STAGES
from luoshi.work import rules as work_rules

D = date
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("met", "violation"),
    [
        ([], None),
        ([None] * 8, None),
        ([D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)], None),
        ([D(2024, 1, 1), D(2024, 1, 1)], None),  # the same day is fine
        ([D(2024, 2, 1), D(2024, 1, 1)], 1),  # 招商 before 包装
        ([None, None, None, None, D(2024, 5, 1), None, D(2024, 9, 1)], None),  # skipped stages
        ([D(2024, 5, 1), None, D(2024, 4, 30)], 2),  # before a stage two places back
        ([D(2024, 1, 1), D(2024, 3, 1), D(2024, 2, 1), D(2023, 1, 1)], 2),  # the first one named
    ],
)
def test_stage_order_violation(met: list[date | None], violation: int | None) -> None:
    assert rules.stage_order_violation(met) == violation


@given(st.lists(st.one_of(st.none(), dates), max_size=8))
def test_stage_order_ok_iff_met_dates_do_not_go_back(met: list[date | None]) -> None:
    days = [d for d in met if d is not None]
    naive_ok = all(a <= b for a, b in zip(days, days[1:], strict=False))
    assert (rules.stage_order_violation(met) is None) == naive_ok


@given(st.lists(dates, max_size=8))
def test_sorted_dates_never_violate(days: list[date]) -> None:
    assert rules.stage_order_violation(sorted(days)) is None


@pytest.mark.parametrize(
    ("met", "on", "index"),
    [
        ([None, None], None, None),
        ([D(2024, 1, 1), None, D(2024, 3, 1)], None, 2),
        ([D(2024, 1, 1), None, D(2024, 3, 1)], D(2024, 2, 1), 0),
        ([D(2024, 1, 1), None, D(2024, 3, 1)], D(2024, 3, 1), 2),
        ([D(2024, 1, 1)], D(2023, 12, 31), None),
    ],
)
def test_current_stage(met: list[date | None], on: date | None, index: int | None) -> None:
    assert rules.current_stage(met, on) == index


def test_stage_index() -> None:
    assert rules.stage_index("packaged") == 0
    assert rules.stage_index("reached") == 7
    assert rules.FINAL_STAGE == "reached"
    assert len(STAGES) == 8
    with pytest.raises(ValueError, match="unknown stage"):
        rules.stage_index("done")


@pytest.mark.parametrize(
    ("current", "expected"),
    [("", "packaged"), ("packaged", STAGES[1]), (STAGES[5], STAGES[6]), ("reached", "reached")],
)
def test_the_stage_form_offers_the_next_stage(current: str, expected: str) -> None:
    assert rules.next_stage(current) == expected


@pytest.mark.parametrize(
    ("stages", "on", "missed"),
    [
        ([], D(2024, 6, 1), False),
        ([(None, None)], D(2024, 6, 1), False),  # nothing planned
        ([(D(2024, 5, 1), None)], D(2024, 6, 1), True),
        ([(D(2024, 5, 1), None)], D(2024, 5, 1), False),  # the planned day itself is not past
        ([(D(2024, 5, 1), D(2024, 5, 20))], D(2024, 6, 1), False),  # met late: no longer red
        ([(D(2024, 5, 1), D(2024, 5, 20))], D(2024, 5, 10), True),  # as of a day before it was met
        ([(D(2024, 7, 1), None)], D(2024, 6, 1), False),
    ],
)
def test_stage_missed(stages: list[tuple[date | None, date | None]], on: date, missed: bool) -> None:
    assert rules.stage_missed(stages, on) is missed


@pytest.mark.parametrize(
    ("completed", "plan", "rate"),
    [
        (Decimal(0), Decimal(100), Decimal("0.00")),
        (Decimal(50), Decimal(200), Decimal("25.00")),
        (Decimal(300), Decimal(200), Decimal("150.00")),  # not capped
        (Decimal(1), Decimal(3), Decimal("33.33")),
        (Decimal(2), Decimal(3), Decimal("66.67")),
        (Decimal(10), Decimal(0), None),
    ],
)
def test_completion_rate(completed: Decimal, plan: Decimal, rate: Decimal | None) -> None:
    assert rules.completion_rate(completed, plan) == rate


@pytest.mark.parametrize(("completed", "plan"), [(Decimal(-1), Decimal(10)), (Decimal(1), Decimal(-10))])
def test_negative_investment_is_refused(completed: Decimal, plan: Decimal) -> None:
    with pytest.raises(ValueError, match="negative"):
        rules.completion_rate(completed, plan)


def test_investment_expected_is_the_year_by_time() -> None:
    assert rules.investment_expected(2024, D(2024, 1, 1)) == Decimal("0.00")
    assert rules.investment_expected(2024, D(2024, 12, 31)) == Decimal("100.00")
    assert rules.investment_expected(2023, D(2023, 7, 2)) == work_rules.expected_by_time(
        D(2023, 1, 1), D(2023, 12, 31), D(2023, 7, 2)
    )


# On 2024-07-01 the year is 182/365 = 49.86% through.
MID = D(2024, 7, 1)


@pytest.mark.parametrize(
    ("completed", "stages", "finished", "on", "light"),
    [
        (Decimal(50), [], False, MID, "green"),  # on track
        (Decimal(45), [], False, MID, "green"),  # lag 4.86 ≤ 5
        (Decimal(44), [], False, MID, "yellow"),  # lag 5.86
        (Decimal(35), [], False, MID, "yellow"),  # lag 14.86 ≤ 15
        (Decimal(34), [], False, MID, "red"),  # lag 15.86: lagging investment is red
        (Decimal(90), [(D(2024, 3, 1), None)], False, MID, "red"),  # a stage date passed unmet
        (Decimal(90), [(D(2024, 3, 1), D(2024, 4, 1))], False, MID, "green"),
        (Decimal(0), [(D(2024, 3, 1), None)], True, MID, "done"),  # 达产达效
        (Decimal(100), [], False, D(2025, 3, 1), "green"),  # after the year: judged at its end
        (Decimal(80), [], False, D(2025, 3, 1), "red"),
        (Decimal(0), [], False, D(2023, 12, 1), "not_started"),
    ],
)
def test_project_light(
    completed: Decimal,
    stages: list[tuple[date | None, date | None]],
    finished: bool,
    on: date,
    light: str,
) -> None:
    standing = rules.project_light(
        on=on, year=2024, annual_plan=Decimal(100), completed=completed, stages=stages, finished=finished
    )
    assert standing.light == light


def test_project_light_without_plan_counts_only_stages() -> None:
    ok = rules.project_light(
        on=MID, year=2024, annual_plan=Decimal(0), completed=Decimal(0), stages=[], finished=False
    )
    assert (ok.light, ok.rate) == ("green", None)
    late = rules.project_light(
        on=MID,
        year=2024,
        annual_plan=Decimal(0),
        completed=Decimal(0),
        stages=[(D(2024, 2, 1), None)],
        finished=False,
    )
    assert late.light == "red"


def test_project_light_uses_the_plan_thresholds() -> None:
    strict = work_rules.Thresholds(green_max=Decimal(1), yellow_max=Decimal(2))
    standing = rules.project_light(
        on=MID,
        year=2024,
        annual_plan=Decimal(100),
        completed=Decimal(45),
        stages=[],
        finished=False,
        thresholds=strict,
    )
    assert standing.light == "red"
    assert standing.expected == Decimal("49.86")
    assert standing.rate == Decimal("45.00")


@given(
    plan=money.filter(lambda m: m > 0),
    low=money,
    more=money,
    on=st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)),
)
def test_more_investment_never_makes_the_light_worse(
    plan: Decimal, low: Decimal, more: Decimal, on: date
) -> None:
    def light_of(completed: Decimal) -> str:
        return rules.project_light(
            on=on, year=2024, annual_plan=plan, completed=completed, stages=[], finished=False
        ).light

    assert work_rules.SEVERITY[light_of(low + more)] <= work_rules.SEVERITY[light_of(low)]


@given(plan=money, completed=money, on=dates)
def test_a_missed_stage_is_red_unless_finished(plan: Decimal, completed: Decimal, on: date) -> None:
    year = on.year
    planned = date(year, 1, 1)
    standing = rules.project_light(
        on=max(on, date(year, 1, 2)),
        year=year,
        annual_plan=plan,
        completed=completed,
        stages=[(planned, None)],
        finished=False,
    )
    assert standing.light == "red"


@pytest.mark.parametrize(
    ("since", "on", "days", "stuck"),
    [
        (None, D(2024, 6, 1), 0, False),
        (D(2024, 6, 1), D(2024, 6, 1), 0, False),
        (D(2024, 7, 1), D(2024, 6, 1), 0, False),  # a date after the day asked about
        (D(2024, 3, 3), D(2024, 6, 1), 90, False),  # exactly the threshold
        (D(2024, 3, 2), D(2024, 6, 1), 91, True),
    ],
)
def test_stuck_days(since: date | None, on: date, days: int, stuck: bool) -> None:
    assert rules.stuck_days(since, on) == days
    assert rules.is_stuck(since, on, finished=False) is stuck
    assert rules.is_stuck(since, on, finished=True) is False


@given(since=dates, on=dates, extra=st.integers(min_value=0, max_value=400))
def test_stuck_days_grow_with_the_day(since: date, on: date, extra: int) -> None:
    assert rules.stuck_days(since, on + timedelta(days=extra)) >= rules.stuck_days(since, on)
    assert rules.stuck_days(since, on) >= 0


# ---------------------------------------------------------------------------------------------
# Names across years


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("中芯国际12英寸芯片SN1项目", "中芯国际12英寸芯片sn1"),
        ("上海光源二期(线站工程)", "上海光源二期"),
        ("李政道研究所（实验楼、基础实验设施）", "李政道研究所"),
        ("CR929宽体客机研发保障建设项目", "cr929宽体客机研发保障"),
        ("和辉光电第六代AMOLED生产线建设", "和辉光电第六代amoled生产线"),
        ("ＡＢ 项目", "ab"),
        ("项目", "项目"),  # a suffix alone stays
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert rules.name_key(name) == key


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("中芯国际12英寸芯片SN1项目", "中芯国际12英寸芯片项目", rules.DRIFT),
        ("上海光源二期", "上海光源二期(线站工程)", rules.SAME),
        ("张江实验室研发大楼", "张江实验室研发大楼", rules.SAME),
        ("和辉光电第六代AMOLED生产线建设", "和辉光电第六代AMOLED生产线产能扩充项目", None),  # an extension
        ("中船长兴造船基地", "中船长兴造船基地二期", None),  # a new phase
        ("中芯国际12英寸芯片SN1项目", "中芯国际临港12英寸晶圆代工生产线项目", None),
        ("超硅半导体300mm集成电路硅片全自动智能化生产线", "上海超硅生产研发及配套设施建设项目", None),
        (
            "高效低碳燃气轮机试验装置国家重大科技基础设施",
            "高效低碳燃气轮机实验装置国家重大科技基础设施",
            rules.DRIFT,
        ),
        ("东站", "东站改造", None),  # too short to guess
        ("", "东站", None),
    ],
)
def test_name_match(old: str, new: str, match: str | None) -> None:
    assert rules.name_match(old, new) == match


names = st.text(alphabet="中芯国际英寸芯片光源项目工程建设期扩AB12()（）", max_size=20)


@given(names, names)
def test_name_match_is_symmetric(a: str, b: str) -> None:
    assert rules.name_match(a, b) == rules.name_match(b, a)


@given(names)
def test_a_name_matches_itself_unless_empty(a: str) -> None:
    assert rules.name_match(a, a) == (rules.SAME if rules.name_key(a) else None)


@given(names, names)
def test_same_iff_equal_keys(a: str, b: str) -> None:
    assert (rules.name_match(a, b) == rules.SAME) == (
        bool(rules.name_key(a)) and rules.name_key(a) == rules.name_key(b)
    )


@pytest.mark.parametrize(
    ("word", "stage"),
    [
        ("新开工", "started"),
        ("在建", "building"),
        ("建成", "producing"),
        (" 在 建 ", "building"),
        ("达产达效", "reached"),
        ("快完了", None),
        ("", None),
    ],
)
def test_stage_of_word(word: str, stage: str | None) -> None:
    assert rules.stage_of_word(word) == stage
    if stage is not None:
        assert stage in STAGES
