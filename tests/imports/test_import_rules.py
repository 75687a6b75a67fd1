"""Pure parts of the imports: free-text deadlines, unit-cell splitting, unit matching, sheet reading."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from luoshi.imports.deadlines import cn_to_int, parse_deadline
from luoshi.imports.matching import UnitInfo, UnitMatcher, name_forms, split_units
from luoshi.imports.sheets import find_table, read_sheets
from luoshi.imports.task_import import TASK_COLUMNS

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"
PLAN_DUE = date(2024, 12, 31)


@pytest.mark.parametrize(
    ("text", "due", "review"),
    [
        ("全年", date(2024, 12, 31), False),
        ("6月底前", date(2024, 6, 30), False),
        ("6月底", date(2024, 6, 30), False),
        ("三季度", date(2024, 9, 30), False),
        ("第一季度末", date(2024, 3, 31), False),
        ("四季度", date(2024, 12, 31), False),
        ("2024年12月31日", date(2024, 12, 31), False),
        ("2024年6月", date(2024, 6, 30), False),
        ("2024.6.30", date(2024, 6, 30), False),
        ("2024-06-30", date(2024, 6, 30), False),
        ("2024/6/30", date(2024, 6, 30), False),
        ("年底前", date(2024, 12, 31), False),
        ("2023年底前", date(2023, 12, 31), False),
        ("上半年", date(2024, 6, 30), False),
        ("下半年", date(2024, 12, 31), False),
        ("12月", date(2024, 12, 31), False),
        ("十二月底前", date(2024, 12, 31), False),
        ("2月", date(2024, 2, 29), False),  # leap year
        ("9月前", date(2024, 8, 31), False),  # before September begins
        ("3月15日前", date(2024, 3, 15), False),
        ("十月中旬", date(2024, 10, 20), False),
        ("11月上旬", date(2024, 11, 10), False),
        ("6.30前", date(2024, 6, 30), False),
        ("9.30", date(2024, 9, 30), False),
        ("6.31", None, False),  # no such day
        ("2024.10", date(2024, 10, 31), False),
        ("2024.9底前", date(2024, 9, 30), False),
        ("2024/11", date(2024, 11, 30), False),
        ("2024-2", date(2024, 2, 29), False),
        ("2025.12", date(2025, 12, 31), False),
        ("2024.13", None, False),  # no such month
        ("2024.1", date(2024, 1, 31), True),  # Excel keeps a typed 2024.10 as 2024.1: asked
        (2024.1, date(2024, 1, 31), True),
        (2024.12, date(2024, 12, 31), False),
        ("2024.3—2024.10", date(2024, 10, 31), False),
        ("2024", date(2024, 12, 31), False),
        (2025, date(2025, 12, 31), False),
        (2025.0, date(2025, 12, 31), False),
        ("每周五报送", PLAN_DUE, True),
        ("按省市要求", PLAN_DUE, True),
        ("根据上级部署适时推进", PLAN_DUE, True),
        ("明年6月底前", date(2025, 6, 30), False),
        ("明年底", date(2025, 12, 31), False),
        ("今年底前", date(2024, 12, 31), False),
        ("长期坚持", PLAN_DUE, True),
        ("按序时推进", PLAN_DUE, True),
        ("逐年推进", PLAN_DUE, True),
        ("持续推进", PLAN_DUE, True),
        ("常态化开展", PLAN_DUE, True),
        ("", PLAN_DUE, False),
        (None, PLAN_DUE, False),
        (date(2024, 5, 1), date(2024, 5, 1), False),
        ("明后天", None, False),
        ("2024年13月5日", None, False),
        ("2月30日", None, False),
        ("尽快", None, False),
    ],
)
def test_deadline_table(text: object, due: date | None, review: bool) -> None:
    d = parse_deadline(text, year=2024, plan_due=PLAN_DUE)
    assert d.due == due
    assert d.needs_review is review


def test_deadline_with_several_dates_takes_the_last_and_keeps_the_others_as_milestones() -> None:
    d = parse_deadline("6月底前完成方案，12月底前全面建成", year=2024, plan_due=PLAN_DUE)
    assert d.due == date(2024, 12, 31)
    assert d.milestones == (("6月底前", date(2024, 6, 30)),)


@pytest.mark.parametrize(
    "written", ["2024.3—2024.10", "2024.3-2024.10", "3月至10月", "2024年3月-10月", "3月～10月底"]
)
def test_a_span_is_due_at_its_end_and_its_start_is_no_milestone(written: str) -> None:
    d = parse_deadline(written, year=2024, plan_due=PLAN_DUE)
    assert (d.due, d.milestones) == (date(2024, 10, 31), ())


def test_a_year_dot_one_deadline_says_why_it_asks() -> None:
    from luoshi.imports.common import render_message

    d = parse_deadline(2024.1, year=2024, plan_due=PLAN_DUE)
    assert d.note == "dot_month"
    words = render_message("deadline.dot_month", {"t": "2024.1", "d": d.due, "y": 2024}, "")
    assert "2024-01-31" in words and "存成数字 2024.1" in words


def test_the_year_s_end_named_without_its_year_counts_among_the_dates() -> None:
    """ "6月30日前完成招标，年底前开工" is due at the year's end with June as a milestone; it was
    due in June, so the task would have gone overdue in July."""
    d = parse_deadline("6月30日前完成招标，年底前开工", year=2024, plan_due=PLAN_DUE)
    assert (d.due, d.milestones) == (date(2024, 12, 31), (("6月30日前", date(2024, 6, 30)),))


def test_deadline_for_a_campaign_plan_uses_its_due_for_open_ended_text() -> None:
    d = parse_deadline("长期坚持", year=2024, plan_due=date(2024, 8, 31))
    assert d.due == date(2024, 8, 31) and d.needs_review


@pytest.mark.parametrize(
    ("text", "n"), [("一", 1), ("十", 10), ("十二", 12), ("二十三", 23), ("12", 12), ("x", None)]
)
def test_chinese_numerals(text: str, n: int | None) -> None:
    assert cn_to_int(text) == n


@pytest.mark.parametrize(
    ("cell", "lead", "others"),
    [
        ("区发改局、区财政局", "区发改局", ["区财政局"]),
        ("区财政局，★区发改局", "区发改局", ["区财政局"]),
        ("区财政局 区发改局★", "区发改局", ["区财政局"]),
        ("牵头:区发改局;配合:区财政局,区商务局", "区发改局", ["区财政局", "区商务局"]),
        ("牵头单位：区发改局；责任单位：立山经济开发区,各街道", "区发改局", ["立山经济开发区", "各街道"]),
        ("责任单位:区发展和改革局", "区发展和改革局", []),
        ("区发改局; 区财政局; 区发改局", "区发改局", ["区财政局"]),
        ("", None, []),
        # marks and joining words written around the names, as offices write them
        ("区发改局牵头，区财政局、区商务局配合", "区发改局", ["区财政局", "区商务局"]),
        ("区财政局、区发改局牵头", "区发改局", ["区财政局"]),
        ("区发改局（牵头）、区财政局", "区发改局", ["区财政局"]),
        ("区发改局,区财政局(配合)", "区发改局", ["区财政局"]),
        ("区发改局会同区财政局", "区发改局", ["区财政局"]),
        ("区发改局及各街道", "区发改局", ["各街道"]),
        ("区发改局、区财政局按职责分工负责", "区发改局", ["区财政局"]),
        ("区发展和改革局、区财政局等单位", "区发展和改革局", ["区财政局"]),
        ("区发改局等", "区发改局", []),
        ("区科技和工信局", "区科技和工信局", []),  # 和 inside a name joins nothing
    ],
)
def test_split_units(cell: str, lead: str | None, others: list[str]) -> None:
    got = split_units(cell)
    assert got.lead == lead
    assert list(got.others) == others


UNITS = [
    UnitInfo(1, "区发展和改革局", "发改局"),
    UnitInfo(2, "区财政局", ""),
    UnitInfo(3, "区住房和城乡建设局", ""),
    UnitInfo(4, "区市场监督管理局", "", "市场局、区市场局"),
    UnitInfo(5, "区人力资源和社会保障局", ""),
    UnitInfo(6, "曙光街道", "", "", "zone"),
    UnitInfo(7, "立山经济开发区", "", "", "zone"),
    UnitInfo(8, "市发展和改革委员会", ""),
]


@pytest.mark.parametrize(
    ("written", "unit_id"),
    [
        ("区发展和改革局", 1),
        ("区发改局", 1),
        ("发改局", 1),
        ("发展和改革局", 1),
        (" 区 发改局 ", 1),
        ("区财政局", 2),
        ("财政局", 2),
        ("区住建局", 3),
        ("住建局", 3),
        ("区市场局", 4),
        ("市场监管局", 4),
        ("区人社局", 5),
        ("人社局", 5),
        ("★区财政局", 2),
    ],
)
def test_unit_matcher_finds_abbreviations(written: str, unit_id: int) -> None:
    assert UnitMatcher(UNITS).match(written).unit_id == unit_id


@pytest.mark.parametrize(
    ("written", "unit_id"),
    [
        ("立山区发展和改革局", 1),  # the district's own name in front
        ("立山区财政局", 2),
        ("区财政局（张三）", 2),  # a note in brackets
        ("区发改局(联系人：李四)", 1),
        ("立山区财政局（王五）", 2),
        ("立山区", 9),
        ("铁东区财政局", None),  # another district's name: not read as ours
    ],
)
def test_unit_matcher_reads_a_district_s_name_in_front_and_a_note_in_brackets(
    written: str, unit_id: int | None
) -> None:
    units = [*UNITS, UnitInfo(9, "立山区", "", "", "district")]
    assert UnitMatcher(units).match(written).unit_id == unit_id


@pytest.mark.parametrize(
    ("written", "unit_id"),
    [
        ("区委办公室", 10),
        ("区档案局", 10),
        ("区保密局", 10),
        ("区城市管理局", 11),
        ("区综合行政执法局", 11),
        ("区城管局", 11),
        ("区数据局", 12),
    ],
)
def test_a_unit_is_also_the_names_its_own_name_carries_in_brackets(written: str, unit_id: int) -> None:
    units = [
        *UNITS,
        UnitInfo(10, "区委办公室（区档案局、区保密局）"),
        UnitInfo(11, "区城市管理局（挂区综合行政执法局牌子）"),
        UnitInfo(12, "区数据局（筹）"),
    ]
    assert UnitMatcher(units).match(written).unit_id == unit_id


def test_a_unit_of_the_name_itself_comes_before_one_that_carries_it_in_brackets() -> None:
    units = [UnitInfo(10, "区委办公室（区档案局）"), UnitInfo(13, "区档案局")]
    assert UnitMatcher(units).match("区档案局").unit_id == 13


def test_unit_matcher_suggests_near_misses_and_flags_collectives() -> None:
    m = UnitMatcher(UNITS)
    miss = m.match("区财务局")
    assert miss.unit_id is None and "区财政局" in miss.suggestions
    assert m.match("区发展改革委").unit_id is None
    assert m.match("各相关单位").collective
    assert [u.id for u in m.group("各街道") or []] == [6]


def test_name_forms() -> None:
    assert {"区发改局", "发改局", "发展和改革局"} <= name_forms("区发展和改革局")


def test_read_xlsx_fills_merged_cells_and_finds_header_below_titles() -> None:
    sheet = read_sheets(DATA / "lishan2023_tasks.xlsx")[0]
    table = find_table(sheet, TASK_COLUMNS, required=("title",))
    assert table is not None
    assert table.header_row == 3
    assert set(table.columns) == {"seq", "title", "lead_unit", "units", "deadline"}
    section = table.rows[0]
    assert section.number == 4 and section.spans_all
    assert section.cells == ["一、经济社会发展的主要预期目标"] * 5
    assert table.rows[1].cells[0] == 1  # whole-number floats come back as ints


def test_read_xlsx_fills_vertical_merges(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "责任领导", "牵头单位"])
    ws.append([1, "甲", "王区长", "区发改局"])
    ws.append([2, "乙", None, "区财政局"])
    ws.append([3, "丙", None, "区财政局"])
    ws.merge_cells("C2:C4")
    path = tmp_path / "m.xlsx"
    wb.save(path)
    rows = read_sheets(path)[0].rows
    assert [r.cells[2] for r in rows[1:]] == ["王区长"] * 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_read_csv_in_every_encoding_offices_use(encoding: str) -> None:
    body = (DATA / "task_decomposition_rows.csv").read_text("utf-8-sig")
    sheet = read_sheets(body.encode(encoding, errors="replace"), filename="rows.csv")[0]
    table = find_table(sheet, TASK_COLUMNS, required=("title",))
    assert table is not None and table.header_row == 1
    assert len(table.rows) == 14
    assert table.get(table.rows[0], "title") == "努力实现地区生产总值增长6.2%左右。"
    assert table.get(table.rows[0], "lead_unit") == "区发改局"


KNOWN_PEOPLE = {"赵晓东", "王明", "王明华", "李华"}


@pytest.mark.parametrize(
    ("written", "names"),
    [
        ("赵晓东", ["赵晓东"]),
        ("赵晓东（副区长）", ["赵晓东"]),
        ("赵晓东副区长", ["赵晓东"]),
        ("副区长 赵晓东", ["赵晓东"]),
        ("常务副区长赵晓东", ["赵晓东"]),
        ("赵晓东同志", ["赵晓东"]),
        ("王  明", ["王明"]),  # spaced out to the column's width
        ("王明华副区长", ["王明华"]),  # the longest known name, not 王明
        ("赵晓东、李华", ["赵晓东", "李华"]),
        ("李 华、王 明", ["李华", "王明"]),
        ("副区长 张三", ["张三"]),  # unknown: the name as written, not the title
        ("副区长", ["副区长"]),
        ("", []),
    ],
)
def test_person_names_in_a_leader_cell(written: str, names: list[str]) -> None:
    from luoshi.imports.matching import person_names

    assert person_names(written, KNOWN_PEOPLE) == names
