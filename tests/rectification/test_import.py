"""Importing a rectification ledger: the published sample, .xlsx and .csv alike, and refusals with
row and column that leave nothing written."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

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
        (["1", "问题", "措施", "发改局", "李四", "2024-09-30", "", "", ""], "牵头领导", "找不到人员"),
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
    parsed = preview(round=rnd, data=_csv([GOOD[0]]), filename="台账.csv")
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "序号")]


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
