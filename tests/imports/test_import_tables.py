"""Task import of tables as offices lay them out: headers over one to three rows, the plan's year
from the title rows, and what a commit leaves behind (stored lights, late reports from the day of
import), with problems stored as codes and read in the reader's language.

The tables are written here with openpyxl in the offices' style (title and document number above
the header, merged cells, section rows across the table); they are not copies of the samples."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone, translation

from luoshi.imports.common import ImportRefused, Problem
from luoshi.imports.models import BatchState, ImportBatch
from luoshi.imports.services import batch_create
from luoshi.imports.task_import import import_tasks, parse_tasks
from luoshi.jobs.services import tick_run
from luoshi.work import rules
from luoshi.work.models import LateReport, Light, Plan, Task
from luoshi.work.selectors import compute_lights
from luoshi.work.services.lights import mark_late_reports
from tests.factories import Personas
from tests.imports.test_import_tasks import build_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(p: Personas) -> dict[str, Any]:
    return build_district(p)


def two_row_header_table(
    path: Path, *, year: int | None = 2024, doc_year: int = 2024, header_rows: int = 2
) -> Path:
    """青溪区's 责任分工方案: title and document number, then 序号 | 重点工作任务 | 责任分工 (牵头领导 |
    责任单位 | 配合单位) | 完成时限 over two rows (or the same names in one row), a section row across
    the table, free-text deadlines."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "分工方案"
    title = f"青溪区{year}年重点工作任务责任分工方案" if year else "青溪区重点工作任务责任分工方案"
    ws.append([title, None, None, None, None, None])
    ws.append([f"青政办发〔{doc_year}〕12号", None, None, None, None, None])
    if header_rows == 1:
        ws.append(["序号", "重点工作任务", "牵头领导", "责任单位", "配合单位", "完成时限"])
        ws.append([None] * 6)  # the two-row layout's rows, one row down
    else:
        ws.append(["序号", "重点工作任务", "责任分工", None, None, "完成时限"])
        ws.append([None, None, "牵头领导", "责任单位", "配合单位", None])
    ws.append(["一、扩大有效投资", None, None, None, None, None])
    ws.append(
        [
            1,
            "谋划储备专项债券项目不少于20个，争取债券资金5亿元以上",
            "叶林",
            "区发改局",
            "区财政局",
            "12月底前",
        ]
    )
    ws.append(
        [
            2,
            "推进青溪产业园标准厂房二期建设并投入使用",
            None,
            "立山经济开发区",
            "区工信局、区商务局",
            "三季度末",
        ]
    )
    ws.append(["二、优化营商环境", None, None, None, None, None])
    ws.append(
        [
            3,
            "深化“一网通办”，政务服务事项网上可办率达到98%",
            "马振明",
            "区市场监督管理局",
            None,
            f"{year or 2024}年12月31日",
        ]
    )
    header = ("A3:A4", "B3:B4", "C3:E3", "F3:F4") if header_rows == 2 else ()
    for ref in ("A1:F1", "A2:F2", *header, "A5:F5", "C6:C7", "A8:F8"):
        ws.merge_cells(ref)
    wb.save(path)
    return path


def three_row_header_table(path: Path) -> Path:
    """A header over three rows: 责任分工 over 责任领导 (牵头领导 | 分管领导) and 责任单位 (牵头单位 | 配合单位)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["东湖镇2024年度重点工作目标任务分解表", None, None, None, None, None, None])
    ws.append(["序号", "工作任务", "责任分工", None, None, None, "时间节点"])
    ws.append([None, None, "责任领导", None, "责任单位", None, None])
    ws.append([None, None, "牵头领导", "分管领导", "牵头单位", "配合单位", None])
    ws.append(
        [
            1,
            "完成农村人居环境整治提升年度任务",
            "叶林",
            "马振明",
            "区财政局",
            "曙光街道、宫学街道",
            "11月底前",
        ]
    )
    ws.append([2, "新增规模以上工业企业5家", "张云峰", None, "区工信局", "区商务局", "年底前"])
    for ref in ("A1:G1", "A2:A4", "B2:B4", "C2:F2", "C3:D3", "E3:F3", "G2:G4"):
        ws.merge_cells(ref)
    wb.save(path)
    return path


def test_two_row_header_under_a_merged_group_cell(p: Personas, org: dict, tmp_path: Path) -> None:
    path = two_row_header_table(tmp_path / "qingxi.xlsx")
    target = p.plan(name="青溪2024", year=2024, start=date(2024, 1, 1), due=date(2024, 12, 31))
    preview = parse_tasks(path, plan=target)
    assert preview.ok, [str(x) for x in preview.problems]
    assert preview.header_row == 3
    assert [(r.code, r.parent_code) for r in preview.rows] == [
        ("1", ""),
        ("1.1", "1"),
        ("1.2", "1"),
        ("2", ""),
        ("2.3", "2"),
    ]
    one, two, three = preview.rows[1], preview.rows[2], preview.rows[4]
    assert (one.lead_id, one.co_ids, one.leader_id) == (p.unit_a.pk, [p.unit_b.pk], org["yelin"].person.pk)
    assert two.lead_id == org["kfq"].pk and two.co_ids == [org["gxj"].pk, org["swj"].pk]
    assert two.leader_id == org["yelin"].person.pk  # 叶林's cell is merged over both tasks
    assert three.lead_id == org["scj"].pk and three.leader_id == org["mazm"].person.pk
    assert [one.due, two.due, three.due] == ["2024-12-31", "2024-09-30", "2024-12-31"]
    result = import_tasks(path, plan=target, actor=p.officer)
    assert result.created == 5
    assert Task.objects.get(plan=target, code="1.2").responsible_leader == org["yelin"].person


def test_three_row_header(p: Personas, org: dict, tmp_path: Path) -> None:
    path = three_row_header_table(tmp_path / "donghu.xlsx")
    preview = parse_tasks(path, plan=p.plan(name="东湖2024"))
    assert preview.ok, [str(x) for x in preview.problems]
    assert preview.header_row == 2
    one, two = preview.rows
    assert (one.lead_id, one.co_ids) == (p.unit_b.pk, [org["sg"].pk, org["gx"].pk])
    assert one.leader_id == org["yelin"].person.pk and one.due == "2024-11-30"
    assert (two.lead_id, two.co_ids, two.leader_id) == (
        org["gxj"].pk,
        [org["swj"].pk],
        org["zhangyf"].person.pk,
    )


def test_a_one_row_header_does_not_swallow_the_first_task(p: Personas, org: dict, tmp_path: Path) -> None:
    """The row under a one-row header is data, even when its cells are short words."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "牵头单位", "完成时限"])
    ws.append(["一", "项目建设", None, None])
    ws.append([1, "开工建设", "区财政局", "全年"])
    wb.save(tmp_path / "short.xlsx")
    preview = parse_tasks(tmp_path / "short.xlsx", plan=p.plan(name="短表"))
    assert preview.ok and preview.header_row == 1
    assert [(r.code, r.title) for r in preview.rows] == [("1", "项目建设"), ("1.1", "开工建设")]


# ---------------------------------------------------------------------------------------------
# The plan's year


def test_new_plan_takes_the_title_year_and_says_so(
    p: Personas, org: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = two_row_header_table(tmp_path / "qingxi.xlsx", year=2024, doc_year=2023, header_rows=1)
    call_command("import_tasks", str(path), plan="青溪区2024年重点工作", username="officer", dry_run=True)
    out = capsys.readouterr().out
    assert "year 2024" in out and "青溪区2024年重点工作任务责任分工方案" in out
    assert "5 to create" in out and not Plan.objects.filter(name="青溪区2024年重点工作").exists()
    call_command("import_tasks", str(path), plan="青溪区2024年重点工作", username="officer")
    plan = Plan.objects.get(name="青溪区2024年重点工作")
    assert (plan.year, plan.start, plan.due) == (2024, date(2024, 1, 1), date(2024, 12, 31))
    dues = dict(Task.objects.filter(plan=plan).values_list("code", "due"))
    assert dues == {
        "1": date(2024, 12, 31),
        "1.1": date(2024, 12, 31),
        "1.2": date(2024, 9, 30),
        "2": date(2024, 12, 31),
        "2.3": date(2024, 12, 31),
    }


def test_year_option_wins_and_without_any_year_the_import_asks(
    p: Personas, org: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = two_row_header_table(tmp_path / "qingxi.xlsx", year=None, header_rows=1)
    with pytest.raises(CommandError, match="refused"):
        call_command("import_tasks", str(path), plan="青溪重点工作", username="officer")
    assert "--year" in capsys.readouterr().err
    assert not Plan.objects.filter(name="青溪重点工作").exists()
    preview = import_tasks(path, plan="青溪重点工作", actor=p.officer, dry_run=True).preview
    assert [x.code for x in preview.problems if x.level == "error"] == ["year.unknown"]

    call_command("import_tasks", str(path), plan="青溪重点工作", username="officer", year=2024)
    assert "year 2024" in capsys.readouterr().out
    plan = Plan.objects.get(name="青溪重点工作")
    assert plan.year == 2024
    assert Task.objects.get(plan=plan, code="1.2").due == date(2024, 9, 30)


def test_a_table_of_another_year_than_the_plan_is_flagged(p: Personas, org: dict, tmp_path: Path) -> None:
    path = two_row_header_table(tmp_path / "qingxi.xlsx", year=2024, header_rows=1)
    target = p.plan(name="青溪2025", year=2025, start=date(2025, 1, 1), due=date(2025, 12, 31))
    preview = parse_tasks(path, plan=target)
    assert (preview.year, preview.year_source) == (2025, "plan")
    # 2024年12月31日 is before the 2025 plan begins: the warning says why
    assert [(x.row, x.code, x.level) for x in preview.problems] == [
        (0, "year.differs", "warning"),
        (9, "deadline.before_start", "error"),
    ]
    with pytest.raises(ImportRefused) as exc:
        import_tasks(path, plan=target, actor=p.officer, year=2024)
    assert [x.code for x in exc.value.problems if x.level == "error"][0] == "year.option_differs"


def test_preview_page_says_which_year_and_why(p: Personas, org: dict, tmp_path: Path) -> None:
    path = two_row_header_table(tmp_path / "qingxi.xlsx", year=2024, header_rows=1)
    batch = batch_create(
        actor=p.officer, kind="tasks", data=path.read_bytes(), filename="qingxi.xlsx", plan_name="青溪新计划"
    )
    assert batch.state == BatchState.READY, batch.preview["problems"]
    client = Client()
    client.force_login(p.officer)
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "年份：2024" in html and "取自标题“青溪区2024年重点工作任务责任分工方案”" in html
    client.post(f"/imports/{batch.pk}/commit/")
    assert Plan.objects.get(name="青溪新计划").year == 2024


def test_upload_without_a_year_asks_for_one(p: Personas, org: dict, tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = two_row_header_table(tmp_path / "qingxi.xlsx", year=None, header_rows=1).read_bytes()
    client = Client()
    client.force_login(p.officer)
    form = {"kind": "tasks", "plan_name": "青溪无年份"}
    client.post("/imports/", form | {"file": SimpleUploadedFile("qingxi.xlsx", data)})
    batch = ImportBatch.objects.latest("pk")
    assert batch.state == BatchState.REFUSED
    assert [x["code"] for x in batch.preview["problems"] if x["level"] == "error"] == ["year.unknown"]
    assert "无法确定计划年份" in client.get(f"/imports/{batch.pk}/").content.decode()
    client.post("/imports/", form | {"year": "2024", "file": SimpleUploadedFile("qingxi.xlsx", data)})
    batch = ImportBatch.objects.latest("pk")
    assert batch.state == BatchState.READY, batch.preview["problems"]
    assert "年份：2024（导入时指定）" in client.get(f"/imports/{batch.pk}/").content.decode()
    client.post(f"/imports/{batch.pk}/commit/")
    plan = Plan.objects.get(name="青溪无年份")
    assert plan.year == 2024 and Task.objects.get(plan=plan, code="1.2").due == date(2024, 9, 30)


# ---------------------------------------------------------------------------------------------
# What a commit leaves behind: stored lights, and late reports only from the day of the import


def this_years_table(path: Path) -> Path:
    """A table for the current year, imported today, well into it (as in issue 8: a mid-year import)."""
    year = timezone.localdate().year
    return two_row_header_table(path, year=year, doc_year=year, header_rows=1)


def test_imported_tasks_show_their_light_at_once(p: Personas, org: dict, tmp_path: Path) -> None:
    today = timezone.localdate()
    result = import_tasks(this_years_table(tmp_path / "now.xlsx"), plan="本年重点工作", actor=p.officer)
    plan = Plan.objects.get(pk=result.plan_id)
    computed = {r.id: r for r in compute_lights(plan_id=plan.pk, on=today)}
    stored = list(Task.objects.filter(plan=plan).values_list("id", "light", "expected_pct", "light_on"))
    assert len(stored) == 5
    for tid, light, expected, light_on in stored:
        assert (light, expected, light_on) == (computed[tid].light, computed[tid].expected, today)
        # as the tick would store it: started (the plan began on 1 January), so never 未开始
        assert light != Light.NOT_STARTED or today == date(today.year, 1, 1)


def test_a_mid_year_import_is_not_late_for_the_months_before_it(
    p: Personas, org: dict, tmp_path: Path
) -> None:
    today = timezone.localdate()
    result = import_tasks(this_years_table(tmp_path / "now.xlsx"), plan="本年重点工作", actor=p.officer)
    plan = Plan.objects.get(pk=result.plan_id)
    tasks = Task.objects.filter(plan=plan)
    assert tick_run(on=today).late_reports == 0
    assert not LateReport.objects.exists()
    assert not any(r.report_late for r in compute_lights(plan_id=plan.pk, on=today))
    # Expected progress still runs from the plan's start; only reporting starts on the import day.
    assert set(tasks.values_list("start", flat=True)) == {date(today.year, 1, 1)}
    assert set(tasks.values_list("assigned_on", flat=True)) == {today}
    # The period that holds the import day is due like any other: late once its grace has passed.
    period = rules.period_end(plan.cadence, today)
    after = rules.report_due(period, grace_days=plan.grace_days) + timedelta(days=1)
    open_tasks = [t for t in tasks if t.due >= period]
    assert mark_late_reports(plan_id=plan.pk, on=after) == len(open_tasks)
    assert set(LateReport.objects.values_list("period_end", flat=True)) == {period}


def test_set_based_import_sets_the_assignment_day_too(
    p: Personas, org: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("luoshi.imports.task_import.BULK_CREATE_ROWS", 2)
    today = timezone.localdate()
    result = import_tasks(this_years_table(tmp_path / "now.xlsx"), plan="本年重点工作", actor=p.officer)
    assert result.created == 5
    tasks = Task.objects.filter(plan_id=result.plan_id)
    assert mark_late_reports(plan_id=result.plan_id, on=today) == 0
    computed = {r.id: r.light for r in compute_lights(plan_id=result.plan_id, on=today)}
    assert dict(tasks.values_list("id", "light")) == computed
    assert set(tasks.values_list("assigned_on", flat=True)) == {today}


# ---------------------------------------------------------------------------------------------
# Problems as codes, read in the reader's language


def broken_table(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年重点工作任务分解表", None, None, None])
    ws.merge_cells("A1:D1")
    ws.append(["序号", "重点任务", "牵头单位", "完成时限"])
    ws.append([1, "建成智慧停车平台", "区不存在局", "6月底前"])
    ws.append([2, "完成老旧小区改造", "区财政局", "待定"])
    wb.save(path)
    return path


def test_problems_are_stored_as_codes_and_read_in_english(p: Personas, org: dict, tmp_path: Path) -> None:
    from luoshi.imports.common import problem_text

    with translation.override("zh-hans"):
        batch = batch_create(
            actor=p.officer,
            kind="tasks",
            data=broken_table(tmp_path / "broken.xlsx").read_bytes(),
            filename="broken.xlsx",
            plan=p.plan(name="问题表"),
        )
    stored = batch.preview["problems"]
    assert [(x["row"], x["column"], x["code"], x["params"]) for x in stored] == [
        (3, "牵头单位", "unit.missing", {"n": "区不存在局"}),
        (4, "完成时限", "deadline.unreadable", {"t": "待定"}),
    ]
    with translation.override("en"):
        english = [problem_text(x) for x in stored]
    assert english[0] == "Unit “区不存在局” not found."
    assert english[1].startswith("Cannot read the due date “待定”")
    client = Client()
    client.force_login(p.officer)
    client.cookies["django_language"] = "en"
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert english[0] in html and english[1] in html and "找不到单位" not in html
    client.cookies["django_language"] = "zh-hans"
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "找不到单位“区不存在局”。" in html


def test_problems_stored_as_text_before_codes_still_show(p: Personas, org: dict) -> None:
    batch = ImportBatch.objects.create(
        kind="tasks",
        filename="old.xlsx",
        sha256="0" * 64,
        created_by=p.officer,
        state=BatchState.REFUSED,
        preview={
            "rows": [],
            "problems": [
                {
                    "row": 5,
                    "column": "责任单位",
                    "message": "找不到单位“区旧局”。",
                    "level": "error",
                    "suggestions": [],
                }
            ],
        },
    )
    client = Client()
    client.force_login(p.officer)
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "找不到单位“区旧局”。" in html


def test_cli_problems_follow_the_active_language(p: Personas) -> None:
    problem = Problem.of(6, "责任单位", "unit.missing", n="区旧局")
    with translation.override("zh-hans"):
        assert str(problem) == "第6行「责任单位」：找不到单位“区旧局”。"
    with translation.override("en"):
        assert "区旧局" in str(problem) and "找不到" not in str(problem) and "第6行" not in str(problem)


def test_org_import_problems_are_codes_too(p: Personas) -> None:
    from luoshi.imports.org_import import parse_org

    data = "单位代码,单位名称,类别,上级单位代码\n1001,区教育局,区直部门,D0\n1001,区卫健委,委办局甲,D0\n"
    with translation.override("zh-hans"):
        preview = parse_org(data.encode(), filename="单位.csv")
    assert [(x.row, x.code) for x in preview.problems] == [
        (3, "org.code.duplicate"),
        (3, "org.category.unknown"),
    ]
    with translation.override("en"):
        assert preview.problems[0].text == "Unit code 1001 is repeated (same as row 2)."


# ---------------------------------------------------------------------------------------------
# The older .xls workbook (Excel 97–2003, as many offices and WPS still save)

LISHAN = Path(__file__).resolve().parent.parent / "data" / "imports" / "lishan2023_tasks"


def test_an_xls_reads_as_its_xlsx(p: Personas, org: dict) -> None:
    """lishan2023_tasks.xls is the sample's table written as .xls (xlwt), values and merged ranges
    as they are: its preview is the .xlsx's, row for row and problem for problem."""
    from tests.imports.test_import_tasks import plan

    target = plan(p, 2023)
    old, new = (parse_tasks(LISHAN.with_suffix(s), plan=target) for s in (".xls", ".xlsx"))

    def seen(preview: Any) -> list[Any]:
        return [(r.code, r.title, r.lead_id, r.co_names, r.due, r.is_section) for r in preview.rows]

    assert seen(old) == seen(new) and len(old.rows) == 8
    assert [(x.row, x.column, x.level) for x in old.problems] == [
        (x.row, x.column, x.level) for x in new.problems
    ]


def test_an_xls_is_taken_by_the_upload_page(p: Personas, org: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(p.officer)
    data = LISHAN.with_suffix(".xls").read_bytes()
    form = {"kind": "tasks", "plan_name": "立山2023", "year": "2023"}
    client.post("/imports/", form | {"file": SimpleUploadedFile("立山.xls", data)})
    batch = ImportBatch.objects.latest("pk")
    assert batch.filename == "立山.xls" and batch.rows_total == 8  # the 8 rows of tasks
    codes = [x["code"] for x in batch.preview["problems"] if x["level"] == "error"]
    assert "sheet.xls" not in codes and codes  # read; the sample's own two unit problems remain


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        (
            "台账.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "sheet.xls",
        ),  # not a workbook inside
        ("台账.xlsx", b"not a zip at all", "sheet.not_xlsx"),
        ("台账.xlsx", b"PK\x03\x04" + b"\x00" * 100, "sheet.unreadable"),
    ],
)
def test_a_file_that_only_looks_like_a_workbook_is_refused_with_why(
    name: str, data: bytes, code: str
) -> None:
    from luoshi.imports.common import MESSAGES
    from luoshi.imports.sheets import SheetError, read_sheets

    with pytest.raises(SheetError) as exc:
        read_sheets(data, filename=name)
    assert exc.value.code == code and code in MESSAGES


def _as_web_page(xlsx: Path, encoding: str = "gb18030") -> bytes:
    """The sheet as an office system exports it under an .xls name: an HTML table in GBK, merged
    ranges as rowspan and colspan."""
    import html

    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    starts = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []}
    covered = {
        (r, c)
        for (r0, c0), (rs, cs) in starts.items()
        for r in range(r0, r0 + rs)
        for c in range(c0, c0 + cs)
        if (r, c) != (r0, c0)
    }
    out = ['<html><head><meta charset="gb2312"></head><body><table border="1">']
    for r, row in enumerate(rows):
        out.append("<tr>")
        for c, value in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = starts.get((r, c), (1, 1))
            shown = value.isoformat() if hasattr(value, "isoformat") else value
            if isinstance(shown, float) and shown.is_integer():
                shown = int(shown)  # as a page prints a number
            out.append(f'<td rowspan="{rs}" colspan="{cs}">{html.escape(str(shown))}</td>')
        out.append("</tr>")
    out.append("</table></body></html>")
    return "".join(out).encode(encoding)


def test_a_web_page_table_saved_as_xls_reads_as_the_workbook(p: Personas, org: dict, tmp_path: Path) -> None:
    """Office systems export tables as web pages named .xls (GBK, rowspan/colspan): read as the
    workbook it shows, row for row and problem for problem."""
    from tests.imports.test_import_tasks import plan

    page = tmp_path / "立山.xls"
    page.write_bytes(_as_web_page(LISHAN.with_suffix(".xlsx")))
    target = plan(p, 2023)
    web, book = parse_tasks(page, plan=target), parse_tasks(LISHAN.with_suffix(".xlsx"), plan=target)

    def seen(preview: Any) -> list[Any]:
        return [(r.code, r.title, r.lead_id, r.co_names, r.due, r.is_section) for r in preview.rows]

    assert seen(web) == seen(book) and len(web.rows) == 8
    assert [(x.row, x.column, x.level) for x in web.problems] == [
        (x.row, x.column, x.level) for x in book.problems
    ]


def test_a_web_page_without_a_table_is_refused() -> None:
    from luoshi.imports.sheets import SheetError, read_sheets

    with pytest.raises(SheetError) as exc:
        read_sheets("<html><body><p>登录超时</p></body></html>".encode(), filename="导出.xls")
    assert exc.value.code == "sheet.html_xls"


@pytest.mark.parametrize("encoding", ["utf-16", "gb18030"])
def test_text_saved_under_an_xls_name_is_read_as_text(encoding: str) -> None:
    """Some systems export tab-separated text (Excel's "Unicode text" is UTF-16) named .xls."""
    from luoshi.imports.sheets import read_sheets

    tsv = "序号\t工作任务\t责任单位\t完成时限\r\n1\t推进改革\t区发改局\t6月底前\r\n"
    (sheet,) = read_sheets(tsv.encode(encoding), filename="导出.xls")
    assert [r.cells for r in sheet.rows] == [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["1", "推进改革", "区发改局", "6月底前"],
    ]


def test_a_word_document_named_as_a_table_is_refused_as_one(tmp_path: Path) -> None:
    from docx import Document

    from luoshi.imports.sheets import SheetError, read_sheets

    path = tmp_path / "分解表.docx"
    Document().save(str(path))
    with pytest.raises(SheetError) as exc:
        read_sheets(path.read_bytes(), filename="分解表.xlsx")
    assert exc.value.code == "sheet.word" and "Word 文档" in str(exc.value)
