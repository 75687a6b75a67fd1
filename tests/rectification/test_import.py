"""Importing a rectification ledger: the published sample, .xlsx and .csv alike, and refusals with
row and column that leave nothing written."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from luoshi.audit.models import Entry
from luoshi.errors import LuoshiError, NotAllowed
from luoshi.rectification.importer import ledger_import, preview
from luoshi.rectification.models import Measure, Problem, Round
from luoshi.work.models import Task
from tests.factories import Personas, make_unit

SAMPLE = Path(__file__).parent.parent / "data" / "rectification_items.csv"

HEADER = [
    "序号",
    "问题",
    "整改措施",
    "责任单位",
    "牵头领导",
    "整改时限",
    "整改类型",
    "长效机制",
    "涉及金额（万元）",
]


def _csv(rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("台账")
    ws.write_row(0, 0, ["区委第二轮巡察反馈问题整改台账"])
    for r, row in enumerate([HEADER, *rows], start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return out.getvalue()


GOOD = [
    ["1", "公务接待超标准", "清退超标准费用", "发改局", "王区长", "2024年9月底", "立行立改", "", "3.5"],
    ["2", "制度建设滞后", "修订内控制度", "区财政局", "", "长期坚持", "长期整改", "每年开展内控评估", ""],
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_writes_problems_and_measures(p: Personas, rnd: Round, fmt: str) -> None:
    data = _csv(GOOD) if fmt == "csv" else _xlsx(GOOD)
    made = ledger_import(actor=p.officer, round=rnd, data=data, filename=f"台账.{fmt}")
    assert [(x.number, x.responsible_unit_id, x.kind, x.deadline) for x in made] == [
        ("1", p.unit_a.pk, "immediate", date(2024, 9, 30)),
        ("2", p.unit_b.pk, "long_term", rnd.plan.due),
    ]
    assert made[0].responsible_leader == p.leader.person and made[0].money_involved == 3.5
    assert made[1].mechanism == "每年开展内控评估"
    titles = list(
        Task.objects.filter(pk__in=Measure.objects.values("task_id"))
        .order_by("sort_path")
        .values_list("title", flat=True)
    )
    assert titles == ["清退超标准费用", "修订内控制度"]
    assert Entry.objects.filter(action="rectification.problem.imported").count() == 1


@pytest.mark.parametrize(
    ("row", "column", "says"),
    [
        (
            ["1", "问题", "措施", "不存在的局", "", "2024-09-30", "", "", ""],
            "责任单位",
            "找不到单位「不存在的局」",
        ),
        (["1", "", "措施", "发改局", "", "2024-09-30", "", "", ""], "问题", "问题内容为空"),
        (["1", "问题", "措施", "发改局", "", "下个月吧", "", "", ""], "整改时限", "无法识别的日期"),
        (["1", "问题", "措施", "发改局", "", "2024-13-45", "", "", ""], "整改时限", "无法识别的日期"),
        (["1", "问题", "措施", "发改局", "", "2024-09-30", "长期整改", "", ""], "长效机制", "长效机制"),
        (["1", "问题", "措施", "发改局", "", "2024-09-30", "", "", "-3"], "涉及金额（万元）", "金额"),
    ],
)
def test_bad_rows_are_refused_with_row_and_column(
    p: Personas, rnd: Round, row: list[str], column: str, says: str
) -> None:
    data = _csv([GOOD[1], row])  # the bad row is the file's third line
    parsed = preview(round=rnd, data=data, filename="台账.csv")
    assert [(e.row, e.column) for e in parsed.errors] == [(3, column)]
    assert says in parsed.errors[0].message
    tasks = Task.objects.count()
    with pytest.raises(LuoshiError) as exc:
        ledger_import(actor=p.officer, round=rnd, data=data, filename="台账.csv")
    assert f"第 3 行「{column}」" in exc.value.message
    assert not Problem.objects.exists() and Task.objects.count() == tasks


def test_a_number_already_in_the_round_is_refused(p: Personas, rnd: Round, problem: Problem) -> None:
    """Another ledger numbered from 1 too: refused with whose problem holds the number and how to
    tell the two apart."""
    parsed = preview(round=rnd, data=_csv([GOOD[0]]), filename="台账.csv")
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "序号")]
    message = parsed.errors[0].message
    assert f"序号 1 在本轮次中已是「{problem.responsible_unit.name}」的另一个问题" in message
    assert "请给序号加上前缀" in message


def test_a_ledger_imported_twice_is_refused_as_imported(p: Personas, rnd: Round) -> None:
    ledger_import(actor=p.officer, round=rnd, data=_csv(GOOD), filename="台账.csv")
    parsed = preview(round=rnd, data=_csv(GOOD), filename="台账.csv")
    assert not parsed.rows
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "序号"), (3, "序号")]
    assert all("这份台账可能已经导入" in e.message for e in parsed.errors)
    assert Problem.objects.count() == 2


def test_a_number_twice_in_the_file_names_the_first_row(p: Personas, rnd: Round) -> None:
    parsed = preview(round=rnd, data=_csv([GOOD[0], ["1", *GOOD[1][1:]]]), filename="台账.csv")
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [(3, "序号", "序号 1 与第 2 行重复。")]


def test_numbers_that_start_again_in_each_group_are_kept_apart_by_the_group(p: Personas, rnd: Round) -> None:
    """一、… 1 2, 二、… 1 2, as many ledgers number their problems: each number is stored with its
    group's numeral (一-1, 二-1), said once in the preview, and the problems sort by group then
    number. A heading with no numeral counts by its place."""

    def row(n: str, text: str) -> list[str]:
        return [n, text, "措施", "发改局", "", "2024-09-30", "", "", ""]

    rows = [
        ["一、党的领导方面", "", "", "", "", "", "", "", ""],
        row("1", "甲"),
        row("2", "乙"),
        ["（二）作风建设方面", "", "", "", "", "", "", "", ""],
        row("1", "丙"),
        row("2", "丁"),
        ["其他问题", "", "", "", "", "", "", "", ""],  # merged across: a heading with no numeral
        row("1", "戊"),
    ]
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [HEADER, *rows]:
        ws.append(r)
    ws.merge_cells("A8:I8")
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    parsed = preview(round=rnd, data=data, filename="台账.xlsx")
    assert not parsed.errors, parsed.errors
    assert [(r.number, r.text, r.category) for _n, r in parsed.rows] == [
        ("一-1", "甲", "党的领导方面"),
        ("一-2", "乙", "党的领导方面"),
        ("二-1", "丙", "作风建设方面"),
        ("二-2", "丁", "作风建设方面"),
        ("三-1", "戊", "其他问题"),
    ]
    assert [(w.row, w.column) for w in parsed.warnings] == [(3, "序号")]
    assert "导入为「组号-序号」，如「一-1」" in parsed.warnings[0].message
    ledger_import(actor=p.officer, round=rnd, data=data, filename="台账.xlsx")
    assert list(Problem.objects.filter(round=rnd).values_list("number", flat=True)) == [
        "一-1",
        "一-2",
        "二-1",
        "二-2",
        "三-1",
    ]


def test_numbers_that_run_on_across_groups_are_kept_as_written(p: Personas, rnd: Round) -> None:
    rows = [
        ["一、党的领导方面", "", "", "", "", "", "", "", ""],
        ["1", "甲", "措施", "发改局", "", "2024-09-30", "", "", ""],
        ["二、作风建设方面", "", "", "", "", "", "", "", ""],
        ["2", "乙", "措施", "发改局", "", "2024-09-30", "", "", ""],
    ]
    parsed = preview(round=rnd, data=_csv(rows), filename="台账.csv")
    assert [r.number for _n, r in parsed.rows] == ["1", "2"] and not parsed.warnings


def test_a_file_without_the_columns_is_refused(p: Personas, rnd: Round) -> None:
    with pytest.raises(LuoshiError):
        preview(round=rnd, data="名称,日期\n甲,2024-01-01\n".encode(), filename="x.csv")


def test_import_is_for_the_office(p: Personas, rnd: Round) -> None:
    with pytest.raises(NotAllowed):
        ledger_import(actor=p.head_a, round=rnd, data=_csv(GOOD), filename="台账.csv")


def test_the_published_sample_ledger(p: Personas, rnd: Round) -> None:
    """The shared sample (English headers, units of three places): its units known, it imports."""
    for i, name in enumerate(
        ["铁东区河湖管理中心", "县民政局", "县发改局", "县税务局", "县卫健局", "区文化和旅游体育局党组"]
    ):
        make_unit(name, parent=p.district, code=f"S{i}")
    parsed = preview(round=rnd, data=SAMPLE.read_bytes(), filename=SAMPLE.name)
    assert parsed.errors == []
    assert [n for _row, n in [(r, x.number) for r, x in parsed.rows]] == [
        "十",
        "1",
        "4",
        "13",
        "17",
        "18",
        "(一)1.(1)",
    ]
    made = ledger_import(actor=p.officer, round=rnd, data=SAMPLE.read_bytes(), filename=SAMPLE.name)
    assert len(made) == 7
    # in the natural order of their numbers: 1, 4, 10 (十), 13, 17, 18 and the outline number
    ordered = list(Problem.objects.filter(round=rnd).values_list("number", flat=True))
    assert ordered.index("4") < ordered.index("十") < ordered.index("13")


def test_import_pages_preview_then_commit(p: Personas, rnd: Round) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.helpers import client_for

    url = reverse("rectification:round_import", args=[rnd.pk])
    c = client_for(p.officer)
    assert 'id="import-form"' in c.get(reverse("rectification:round", args=[rnd.pk])).content.decode()
    bad = c.post(
        url,
        {
            "file": SimpleUploadedFile(
                "台账.csv", _csv([GOOD[0], ["2", "", "x", "发改局", "", "", "", "", ""]])
            )
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and 'id="import-errors"' in body and 'id="import-commit"' not in body
    assert "问题内容为空" in body
    assert not Problem.objects.exists()
    good = c.post(url, {"file": SimpleUploadedFile("台账.xlsx", _xlsx(GOOD))})
    body = good.content.decode()
    assert 'id="import-commit"' in body and not Problem.objects.exists()
    token = body.split('name="token" value="')[1].split('"')[0]
    assert client_for(p.officer2).post(url, {"token": token}).status_code == 302  # not their upload
    assert not Problem.objects.exists()
    assert c.post(url, {"token": "../../etc/passwd"}).status_code == 404
    done = c.post(url, {"token": token})
    assert done.status_code == 302
    assert sorted(Problem.objects.values_list("number", flat=True)) == ["1", "2"]
    assert c.post(url, {"token": token}).status_code == 302  # used up: nothing imported twice
    assert Problem.objects.count() == 2


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader"])
def test_import_page_is_for_the_office(p: Personas, rnd: Round, problem: Problem, who: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.helpers import client_for

    c = client_for(getattr(p, who))
    response = c.post(
        reverse("rectification:round_import", args=[rnd.pk]),
        {"file": SimpleUploadedFile("a.csv", _csv(GOOD))},
    )
    assert response.status_code == 403
    assert 'id="import-form"' not in c.get(reverse("rectification:round", args=[rnd.pk])).content.decode()


@pytest.mark.parametrize(
    ("written", "linked", "note"),
    [
        ("王区长", True, ""),
        ("王区长（副区长）", True, ""),
        ("王区长、李四", True, "填写了多人，仅关联第一位：王区长。"),
        ("李四", False, "找不到人员「李四」，未关联牵头领导。"),
    ],
)
def test_a_leader_is_linked_when_known_and_otherwise_said(
    p: Personas, rnd: Round, written: str, linked: bool, note: str
) -> None:
    """As the task importer does with people: a leader the organisation does not hold (or holds
    twice) is left unlinked with a note, not a reason to refuse the ledger."""
    data = _csv([["1", "问题", "措施", "发改局", written, "2024-09-30", "", "", ""]])
    parsed = preview(round=rnd, data=data, filename="台账.csv")
    assert not parsed.errors
    (row,) = [r for _n, r in parsed.rows]
    assert (row.responsible_leader == p.leader.person) is linked
    assert [str(w.message) for w in parsed.warnings] == ([note] if note else [])
    (made,) = ledger_import(actor=p.officer, round=rnd, data=data, filename="台账.csv")
    assert (made.responsible_leader_id is not None) is linked


def test_a_name_two_people_have_is_not_linked(p: Personas, rnd: Round) -> None:
    from luoshi.org.models import Person

    Person.objects.create(name="王区长")
    parsed = preview(
        round=rnd,
        data=_csv([["1", "问题", "措施", "发改局", "王区长", "2024-09-30", "", "", ""]]),
        filename="a.csv",
    )
    assert parsed.rows[0][1].responsible_leader is None
    assert [w.message for w in parsed.warnings] == ["人员「王区长」有重名，未关联牵头领导。"]


def test_an_inspection_ledger_with_group_headings_and_specific_forms(p: Personas, rnd: Round) -> None:
    """A 巡察 ledger as offices lay it out: a title, a line for the filing unit, group headings
    merged across the table (their text the category of the rows below), each fed-back problem
    merged down over its specific forms (具体表现), one row each."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区委第二巡察组反馈意见整改落实台账"])
    ws.merge_cells("A1:H1")
    ws.append(["填报单位（盖章）：区财政局", "", "", "", "", "填报时间：2024年5月10日", "", ""])
    ws.append(["序号", "反馈问题", "具体表现", "整改措施", "责任领导", "责任单位", "完成时限", "整改进展"])
    ws.append(["一、贯彻落实党中央决策部署方面"] * 8)
    ws.merge_cells("A4:H4")
    ws.append(
        [
            1,
            "意识形态责任制落实不到位",
            "学习不深入",
            "制定学习计划",
            "王区长",
            "区财政局",
            "2024年6月底前",
            "",
        ]
    )
    ws.append([2, None, "阵地管理不严", "建立阵地台账", "王区长", "区财政局", "2024年12月底前", ""])
    ws.merge_cells("B5:B6")
    ws.append(["（二）落实全面从严治党方面"] * 8)
    ws.merge_cells("A7:H7")
    ws.append(
        [3, "三重一大制度执行不严格", "个别事项未集体研究", "修订议事规则", "", "发改局", "2024.9.30", ""]
    )
    out = io.BytesIO()
    wb.save(out)
    parsed = preview(round=rnd, data=out.getvalue(), filename="巡察台账.xlsx")
    assert not parsed.errors, parsed.errors
    got = [(n, r.number, r.text, r.category, r.kind) for n, r in parsed.rows]
    assert got == [
        (5, "1", "意识形态责任制落实不到位：学习不深入", "贯彻落实党中央决策部署方面", "immediate"),
        (6, "2", "意识形态责任制落实不到位：阵地管理不严", "贯彻落实党中央决策部署方面", "immediate"),
        (8, "3", "三重一大制度执行不严格：个别事项未集体研究", "落实全面从严治党方面", "immediate"),
    ]
    made = ledger_import(actor=p.officer, round=rnd, data=out.getvalue(), filename="巡察台账.xlsx")
    assert [m.category for m in made] == ["贯彻落实党中央决策部署方面"] * 2 + ["落实全面从严治党方面"]


def test_a_missing_column_is_named_in_chinese(p: Personas, rnd: Round) -> None:
    """A long-term problem needs its 长效机制; a ledger without that column is told so by the
    column's Chinese name, not the importer's key."""
    data = "序号,问题,责任单位,整改时限\n1,问题甲,发改局,长期坚持\n".encode()
    (refusal,) = preview(round=rnd, data=data, filename="a.csv").errors
    assert (refusal.row, refusal.column) == (2, "长效机制")


@pytest.mark.parametrize("written", ["区财政局、发改局", "牵头：区财政局；配合：发改局", "发改局、★区财政局"])
def test_several_units_in_the_cell_make_the_lead_responsible(p: Personas, rnd: Round, written: str) -> None:
    parsed = preview(
        round=rnd, data=_csv([["1", "问题", "措施", written, "", "2024-09-30", "", "", ""]]), filename="a.csv"
    )
    assert not parsed.errors and parsed.rows[0][1].responsible_unit == p.unit_b
    assert "责任单位取牵头的“区财政局”" in parsed.warnings[0].message


@pytest.mark.parametrize("written", ["立行立改", "立即整改", "即知即改"])
def test_at_once_for_a_deadline_is_a_month_from_the_feedback(p: Personas, rnd: Round, written: str) -> None:
    """A ledger that writes 立行立改 in the 整改时限 column: due a month after the feedback (10 May →
    10 June), said in the preview; the problem is immediate."""
    data = _csv([["1", "问题", "措施", "发改局", "", written, "", "", ""]])
    parsed = preview(round=rnd, data=data, filename="a.csv")
    assert not parsed.errors
    (row,) = [r for _n, r in parsed.rows]
    assert (row.deadline, row.kind) == (date(2024, 6, 10), "immediate")
    assert [(w.row, w.column) for w in parsed.warnings] == [(2, "整改时限")]
    assert "按反馈后一个月记为 2024-06-10" in parsed.warnings[0].message


def test_a_month_from_the_feedback_stays_in_the_month_and_the_plan() -> None:
    from types import SimpleNamespace

    from luoshi.rectification.importer import immediate_due

    def rnd(feedback: date | None, end: date, due: date) -> Any:
        return SimpleNamespace(feedback=feedback, end=end, plan=SimpleNamespace(due=due))

    assert immediate_due(rnd(date(2024, 1, 31), date(2024, 1, 1), date(2024, 12, 31))) == date(2024, 2, 29)
    assert immediate_due(rnd(date(2024, 12, 15), date(2024, 1, 1), date(2025, 6, 30))) == date(2025, 1, 15)
    assert immediate_due(rnd(None, date(2024, 4, 30), date(2024, 12, 31))) == date(2024, 5, 30)
    assert immediate_due(rnd(date(2024, 12, 10), date(2024, 1, 1), date(2024, 12, 31))) == date(2024, 12, 31)


@pytest.mark.parametrize("written", ["已完成", "已整改到位", "已办结"])
def test_fixed_already_for_a_deadline_is_due_at_the_feedback(p: Personas, rnd: Round, written: str) -> None:
    """A ledger that writes 已完成 in the 整改时限 column: the problem is due at the feedback (10 May)
    and still signed off with evidence, said in the preview; it was refused as an unreadable date."""
    data = _csv([["1", "问题", "措施", "发改局", "", written, "", "", ""]])
    parsed = preview(round=rnd, data=data, filename="a.csv")
    assert not parsed.errors
    assert [r.deadline for _n, r in parsed.rows] == [date(2024, 5, 10)]
    assert "销号仍须责任单位申请并上传佐证材料" in parsed.warnings[0].message


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("立行立改", "immediate"),
        ("限期整改", "immediate"),
        ("长期整改", "long_term"),
        ("持续整改", "long_term"),
    ],
)
def test_the_kinds_ledgers_write(p: Personas, rnd: Round, written: str, kind: str) -> None:
    """限期整改 (by a set date) is fixed as 立行立改 is; 持续整改 lasts, with its mechanism."""
    data = _csv([["1", "问题", "措施", "发改局", "", "2024-09-30", written, "建立制度", ""]])
    parsed = preview(round=rnd, data=data, filename="a.csv")
    assert not parsed.errors, parsed.errors
    assert [r.kind for _n, r in parsed.rows] == [kind]
