"""Importing key-project lists: one identity across years, stage moves, bad input refused with row and
column and nothing written, the CLI and the import page."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from luoshi.audit.models import Entry
from luoshi.errors import LuoshiError, NotAllowed
from luoshi.projects import importer, rules
from luoshi.projects.models import Project, ProjectImport, ProjectYear, StageChange
from tests.helpers import client_for

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent.parent / "data" / "projects" / "shanghai_major_projects_2021_2023.csv"
HEADER = "年度,序号,项目名称,状态,类别,牵头单位,总投资,年度计划投资,纬度,经度\n"


def run(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_projects", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_2021_then_2022_keeps_one_project_per_real_project(p: Any) -> None:
    out, _err = run(str(SAMPLE), "--year", "2021", "--as", "officer")
    assert "nothing written" in out and not Project.objects.exists()  # a preview by default
    run(str(SAMPLE), "--year", "2021", "--commit", "--as", "officer")
    assert Project.objects.count() == 30
    out, _err = run(str(SAMPLE), "--year", "2022", "--as", "officer")
    assert "中芯国际12英寸芯片项目 ≈ 中芯国际12英寸芯片SN1项目" in out
    run(str(SAMPLE), "--year", "2022", "--commit", "--as", "officer")
    # 2022 lists 26 projects: 21 known (one by a drifted name), 5 new.
    assert Project.objects.count() == 35
    smic = Project.objects.get(years__name="中芯国际12英寸芯片SN1项目")
    assert smic.name == "中芯国际12英寸芯片项目"
    assert list(smic.years.values_list("year", "name")) == [
        (2021, "中芯国际12英寸芯片SN1项目"),
        (2022, "中芯国际12英寸芯片项目"),
    ]
    light_source = Project.objects.get(years__name="上海光源二期")
    assert light_source.stage == "producing"  # 在建 in 2021, 建成 in 2022
    assert list(light_source.stage_changes.order_by("met").values_list("stage", "met__year")) == [
        ("building", 2021),
        ("producing", 2022),
    ]
    avionics = Project.objects.get(name="民用飞机航电系统集成平台")
    assert (avionics.stage, avionics.stage_since.year) == ("building", 2022)  # 新开工 → 在建
    same = Project.objects.get(name="张江实验室研发大楼")
    assert same.stage_changes.count() == 1  # 在建 both years: no move
    assert ProjectYear.objects.filter(year=2022).count() == 26
    assert Entry.objects.filter(action="projects.import.committed").count() == 2
    # Importing the same year again changes nothing but the audit trail.
    run(str(SAMPLE), "--year", "2022", "--commit", "--as", "officer")
    assert Project.objects.count() == 35 and ProjectYear.objects.count() == 56


def test_a_rejected_drift_is_a_new_project(p: Any) -> None:
    run(str(SAMPLE), "--year", "2021", "--commit", "--as", "officer")
    data = SAMPLE.read_bytes()
    (row,) = importer.proposed_drifts(data, filename=SAMPLE.name, year=2022)
    run(str(SAMPLE), "--year", "2022", "--commit", "--reject", str(row), "--as", "officer")
    assert Project.objects.count() == 36
    assert Project.objects.get(name="中芯国际12英寸芯片SN1项目").years.count() == 1


def test_a_file_of_several_years_needs_a_year(p: Any) -> None:
    with pytest.raises(CommandError, match="refused"):
        run(str(SAMPLE), "--commit", "--as", "officer")
    assert not Project.objects.exists()


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("2024,1,甲项目,快完了,产业转型,,100,50,,", "状态", "未知的阶段"),
        ("2024,1,甲项目,在建,产业转型,,-100,50,,", "总投资", "负数"),
        ("2024,1,甲项目,在建,产业转型,,100,abc,,", "年度计划投资", "有效金额"),
        ("2024,1,甲项目,在建,产业转型,不存在局,100,50,,", "牵头单位", "未知的单位"),
        ("2024,1,甲项目,在建,产业转型,,100,50,95,121", "纬度", "纬度"),
        ("2024,1,甲项目,在建,产业转型,,100,50,31,", "经度", "同时"),
    ],
)
def test_bad_rows_are_refused_with_row_and_column(p: Any, row: str, column: str, words: str) -> None:
    data = csv("2024,1,好项目,在建,民生改善,区财政局,1,1,31.2,121.4", row.replace(",1,", ",2,", 1))
    result = importer.preview(data, filename="list.csv")
    (problem,) = result.problems
    assert (problem.row, problem.column) == (3, column)
    assert words in problem.message and f"第 3 行「{column}」列" in str(problem)
    with pytest.raises(LuoshiError):
        importer.commit(data=data, actor=p.officer, filename="list.csv")
    assert not Project.objects.exists() and not Entry.objects.filter(action__startswith="projects").exists()


def test_a_stage_before_the_recorded_one_is_refused(p: Any) -> None:
    importer.commit(data=csv("2023,1,乙项目,建成,基础设施,,1,1,,"), actor=p.officer, filename="a.csv")
    result = importer.preview(csv("2024,1,乙项目,在建,基础设施,,1,1,,"), filename="b.csv")
    (problem,) = result.problems
    assert (problem.row, problem.column) == (2, "状态") and "早于" in problem.message
    with pytest.raises(LuoshiError):
        importer.commit(data=csv("2024,1,乙项目,在建,基础设施,,1,1,,"), actor=p.officer, filename="b.csv")
    assert ProjectYear.objects.count() == 1


def test_written_fields(p: Any) -> None:
    importer.commit(
        data=csv(
            "2024,7,丙项目,新开工,民生改善,财政局,12000,3000,31.2,121.4", "2024,8,丁项目,签约,科创主题,,0,0,,"
        ),
        actor=p.officer,
        filename="c.csv",
    )
    c = Project.objects.get(name="丙项目")
    assert (c.category, c.lead_unit, c.code, c.stage, str(c.lat)) == (
        "livelihood",
        p.unit_b,
        "2024-007",
        "started",
        "31.200000",
    )
    assert c.years.get().annual_plan == 3000
    d = Project.objects.get(name="丁项目")
    assert (d.category, d.theme, d.stage) == ("", "科创主题", "signed")
    assert StageChange.objects.count() == 2


def test_only_the_office_imports(p: Any) -> None:
    with pytest.raises(NotAllowed):
        importer.commit(data=csv("2024,1,甲项目,在建,,,1,1,,"), actor=p.head_a, filename="a.csv")
    assert not Project.objects.exists()


def test_xlsx_is_read_like_csv(p: Any) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["重点项目清单"])
    ws.append(["年度", "序号", "项目名称", "状态"])
    ws.append([2024, 1, "戊项目", "在建"])
    buf = io.BytesIO()
    wb.save(buf)
    result = importer.preview(buf.getvalue(), filename="list.xlsx")
    assert result.ok and [r.name for r in result.rows] == ["戊项目"]


def test_import_page_preview_confirm_and_commit(p: Any) -> None:
    c = client_for(p.officer)
    c.post("/projects/import/", {"file": SimpleUploadedFile("l.csv", SAMPLE.read_bytes()), "year": 2021})
    batch = ProjectImport.objects.get()
    c.post(f"/projects/import/{batch.pk}/", {"commit": "1"})
    assert Project.objects.count() == 30
    c.post("/projects/import/", {"file": SimpleUploadedFile("l.csv", SAMPLE.read_bytes()), "year": 2022})
    batch = ProjectImport.objects.filter(committed__isnull=True).get()
    page = c.get(f"/projects/import/{batch.pk}/").content.decode()
    assert "中芯国际12英寸芯片SN1项目" in page and 'name="accept"' in page
    c.post(f"/projects/import/{batch.pk}/", {"commit": "1"})  # no box ticked: the drift is not taken
    assert Project.objects.count() == 36
    assert c.post(f"/projects/import/{batch.pk}/", {"commit": "1"}).status_code == 302  # once only
    assert Project.objects.count() == 36


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "auditor"])
def test_import_page_is_for_the_office(p: Any, who: str) -> None:
    assert client_for(getattr(p, who)).get("/projects/import/").status_code == 403


def test_rules_match_the_sample_drift() -> None:
    assert rules.name_match("中芯国际12英寸芯片SN1项目", "中芯国际12英寸芯片项目") == rules.DRIFT


def test_lead_units_are_resolved_as_the_task_importer_does(p: Any) -> None:
    """The task importer's `UnitMatcher`: a mapped alias, the name with a note in brackets, the
    abbreviation rules; a near miss is only suggested, never taken."""
    from luoshi.org.models import UnitAlias

    UnitAlias.objects.create(name="发展改革委", unit=p.unit_a)
    data = csv(
        "2024,1,甲项目,在建,产业转型,发展改革委,1,1,,",
        "2024,2,乙项目,在建,产业转型,区财政局（牵头）,1,1,,",
        "2024,3,丙项目,在建,产业转型,财政局,1,1,,",
        "2024,4,丁项目,在建,产业转型,区发展和改革局,1,1,,",
    )
    result = importer.preview(data, filename="list.csv")
    assert not result.problems
    importer.commit(data=data, actor=p.officer, filename="list.csv")
    leads = dict(Project.objects.values_list("name", "lead_unit_id"))
    assert leads == {
        "甲项目": p.unit_a.pk,
        "乙项目": p.unit_b.pk,
        "丙项目": p.unit_b.pk,
        "丁项目": p.unit_a.pk,
    }
    near = importer.preview(csv("2024,1,戊项目,在建,产业转型,区财政,1,1,,"), filename="x.csv")
    (problem,) = near.problems
    assert problem.column == "牵头单位" and "未知的单位" in problem.message and "区财政局" in problem.message
    assert not Project.objects.filter(name="戊项目").exists()


def office_list() -> bytes:
    """A list laid out as a district's 重点建设项目计划表: a merged title with the year, a unit line
    (单位：亿元), the year in the plan's header, a total row, group headings merged across the table,
    建设性质 words (新建, 续建, 竣工投产, 前期) and no year or category column."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某区2024年重点建设项目计划表"])
    ws.merge_cells("A1:H1")
    ws.append(["", "", "", "", "", "", "单位：亿元", ""])
    ws.append(
        ["序号", "项目名称", "建设性质", "建设起止年限", "总投资", "2024年计划投资", "责任单位", "备注"]
    )
    ws.append(["", "合计（4个）", "", "", 50.5, 18.7, "", ""])
    ws.append(["一、产业项目（2个）"] * 8)
    ws.merge_cells("A5:H5")
    ws.append([1, "年产10万吨新材料项目", "新建", "2024-2025", 12, 5.5, "区财政局", ""])
    ws.append([2, "智能装备产业园二期", "续建", "2023-2025", "20.5", 8, "区财政局", ""])
    ws.append(["二、社会民生项目（2个）"] * 8)
    ws.merge_cells("A8:H8")
    ws.append([3, "食品药品检验中心", "竣工投产", "2022-2024", 3, 1.2, "", ""])
    ws.append([4, "妇幼保健院迁建工程", "前期", "2024-2027", 15, 4, "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_office_list_reads_its_year_unit_totals_and_headings(p: Any) -> None:
    result = importer.preview(office_list(), filename="计划表.xlsx")
    assert result.ok, result.problems
    assert result.year == 2024
    got = [(r.name, r.stage, r.category, r.theme, r.total_investment, r.annual_plan) for r in result.rows]
    assert got == [
        ("年产10万吨新材料项目", "started", "industry", "产业项目", 120000, 55000),
        ("智能装备产业园二期", "building", "industry", "产业项目", 205000, 80000),
        ("食品药品检验中心", "producing", "livelihood", "社会民生项目", 30000, 12000),
        ("妇幼保健院迁建工程", "packaged", "livelihood", "社会民生项目", 150000, 40000),
    ]
    notes = [str(w) for w in result.warnings]
    assert "年度取自表头或表题：2024 年。" in notes
    assert "总投资：金额以亿元填写，已换算为万元。" in notes  # from the unit line above the header
    assert "第 4 行：合计行，未作为项目导入：合计（4个）" in notes
    assert "第 5 行：分组标题：一、产业项目（2个）" in notes
    importer.commit(data=office_list(), actor=p.officer, filename="计划表.xlsx")
    steel = Project.objects.get(name="年产10万吨新材料项目")
    assert (steel.total_investment, steel.lead_unit, steel.years.get().annual_plan) == (
        120000,
        p.unit_b,
        55000,
    )
    assert Project.objects.count() == 4


@pytest.mark.parametrize(
    ("header", "written", "stored"),
    [("总投资（亿元）", "1.5", 15000), ("总投资(元)", "1,250,000", 125), ("总投资（万元）", "320", 320)],
)
def test_a_column_s_unit_is_read_from_its_header(p: Any, header: str, written: str, stored: int) -> None:
    data = f'年度,项目名称,状态,{header}\n2024,甲项目,在建,"{written}"\n'.encode()
    result = importer.preview(data, filename="list.csv")
    assert result.ok and result.rows[0].total_investment == stored
    assert bool(result.warnings) == ("万元" not in header)  # a conversion is said


def test_a_heading_in_the_first_column_with_subtotals_is_not_a_project(p: Any) -> None:
    data = "序号,项目名称,状态,类别,总投资\n（一）基础设施类,,,,900\n1,环城北路,续建,,900\n2,无状态项目,,,5\n".encode()
    result = importer.preview(data, filename="list.csv", year=2024)
    assert [r.category for r in result.rows] == ["infrastructure"]
    (problem,) = result.problems  # a project row without its stage is still refused
    assert (problem.row, problem.column) == (4, "状态") and "未知的阶段" in problem.message


@pytest.mark.parametrize(
    ("word", "stage"),
    [
        ("新建", "started"),
        ("改扩建", "started"),
        ("前期", "packaged"),
        ("已签约", "signed"),
        ("竣工投产", "producing"),
        ("建成投用", "producing"),
        ("续建", "building"),
        ("续建项目", "building"),
        ("新建类", "started"),
        ("开工建设", "started"),
        ("正在建设", "building"),
        ("主体完工", "building"),
        ("试运行", "producing"),
        ("部分投产", "producing"),
    ],
)
def test_construction_words_of_a_year_s_plan_name_a_stage(word: str, stage: str) -> None:
    assert rules.stage_of_word(word) == stage


def test_the_import_page_shows_how_the_list_was_read(p: Any) -> None:
    c = client_for(p.officer)
    c.post("/projects/import/", {"file": SimpleUploadedFile("计划表.xlsx", office_list())})
    batch = ProjectImport.objects.get()
    page = c.get(f"/projects/import/{batch.pk}/").content.decode()
    assert 'id="import-warnings"' in page and "已换算为万元" in page and "产业转型" in page
    assert "120000" in page and 'id="import-problems"' not in page
    c.post(f"/projects/import/{batch.pk}/", {"commit": "1"})
    assert Project.objects.count() == 4


def test_the_year_s_completed_investment_to_a_month_is_stored_as_that_month_s_difference(p: Any) -> None:
    """ "1-10月完成投资" is the year's total to October: a new project's October gets all of it, a known
    project with months reported gets what they lack, and a figure below them is refused."""
    from datetime import date

    from luoshi.projects import services
    from tests.projects.factories import make_project

    header = "年度,项目名称,状态,年度计划投资,2024年1-10月完成投资（亿元）\n"
    importer.commit(data=(header + "2024,甲项目,在建,2,1.5\n").encode(), actor=p.officer, filename="a.csv")
    first = Project.objects.get(name="甲项目")
    assert list(first.investments.values_list("month", "amount")) == [(date(2024, 10, 1), 15000)]
    assert first.years.get(year=2024).completed == 15000
    second = make_project(p, name="乙项目", code="B")
    services.investment_report(actor=p.officer, project=second, month=date(2024, 3, 1), amount=4000)
    importer.commit(data=(header + "2024,乙项目,在建,2,1\n").encode(), actor=p.officer, filename="b.csv")
    assert second.years.get(year=2024).completed == 10000  # 4,000 in March, 6,000 in October
    low = importer.preview((header + "2024,乙项目,在建,2,0.3\n").encode(), filename="c.csv")
    (problem,) = low.problems
    assert (
        problem.column == "2024年1-10月完成投资（亿元）"
        and "少于此前各月已填报的合计 4000" in problem.message
    )
    c = client_for(p.officer)
    c.post(
        "/projects/import/",
        {"file": SimpleUploadedFile("c.csv", (header + "2024,乙项目,在建,2,1.2\n").encode())},
    )
    page = c.get(f"/projects/import/{ProjectImport.objects.get().pk}/").content.decode()
    assert "2024年1-10月完成投资（亿元）" in page and "12000.00" in page


def test_a_completed_column_without_its_month_is_left_out(p: Any) -> None:
    """累计完成投资 says to no month (and may mean since the project began): left out, and said."""
    result = importer.preview(
        "年度,项目名称,状态,累计完成投资\n2024,甲项目,在建,5\n".encode(), filename="a.csv"
    )
    assert result.ok and result.rows[0].completed is None
    assert [str(w) for w in result.warnings] == [
        "累计完成投资：没有写明截至哪个月（如“1-10月完成投资”），这一列未导入。"
    ]


def test_a_completed_figure_for_a_month_to_come_is_refused(p: Any) -> None:
    from django.utils import timezone

    year = timezone.localdate().year + 1
    data = f"年度,项目名称,状态,1-3月完成投资\n{year},甲项目,在建,5\n".encode()
    (problem,) = importer.preview(data, filename="a.csv").problems
    assert problem.column == "1-3月完成投资" and "这个月还没有到" in problem.message


def test_a_web_page_list_named_xls_is_taken_by_the_page(p: Any) -> None:
    page = (
        '<html><head><meta charset="gbk"></head><body><table>'
        "<tr><td colspan=3>2024年重点项目清单</td></tr>"
        "<tr><th>项目名称</th><th>建设性质</th><th>总投资（亿元）</th></tr>"
        "<tr><td>甲项目</td><td>续建</td><td>1.5</td></tr></table></body></html>"
    ).encode("gbk")
    c = client_for(p.officer)
    c.post("/projects/import/", {"file": SimpleUploadedFile("清单.xls", page)})
    batch = ProjectImport.objects.get()
    c.post(f"/projects/import/{batch.pk}/", {"commit": "1"})
    made = Project.objects.get(name="甲项目")
    assert (made.stage, made.total_investment) == ("building", 15000)


@pytest.mark.parametrize(
    ("span", "stage"),
    [
        ("2024-2026", "started"),
        ("2022年—2025年", "building"),
        ("2021-2023", "producing"),
        ("2025-2027", "packaged"),
    ],
)
def test_without_a_status_column_the_stage_comes_from_the_construction_years(
    p: Any, span: str, stage: str
) -> None:
    data = f"项目名称,建设起止年限,总投资\n甲项目,{span},100\n".encode()
    result = importer.preview(data, filename="a.csv", year=2024)
    assert result.ok and [r.stage for r in result.rows] == [stage]
    assert "阶段按建设起止年限推定" in str(result.warnings[0])


def test_construction_years_that_cannot_be_read_are_refused(p: Any) -> None:
    (problem,) = importer.preview(
        "项目名称,建设年限\n甲项目,待定\n".encode(), filename="a.csv", year=2024
    ).problems
    assert (problem.row, problem.column) == (2, "建设年限") and "待定" in problem.message


@pytest.mark.parametrize(
    "written",
    ["区财政局、发改局", "区财政局（牵头）、发改局", "牵头：区财政局；配合：发改局", "发改局、★区财政局"],
)
def test_several_units_in_the_cell_give_the_lead(p: Any, written: str) -> None:
    """As the task importer reads a 责任单位 cell: the ★ or 牵头 unit, else the first, leads."""
    data = f'年度,项目名称,状态,责任单位\n2024,甲项目,在建,"{written}"\n'.encode()
    result = importer.preview(data, filename="a.csv")
    assert result.ok and result.rows[0].lead_unit == p.unit_b
    assert "牵头单位取" in str(result.warnings[0])


def test_the_month_gets_the_exact_difference_from_months_in_cents(p: Any) -> None:
    """October gets the list's figure less the months before, to the cent."""
    from datetime import date

    from luoshi.projects import services
    from tests.projects.factories import make_project

    project = make_project(p, name="丙项目", code="C")
    services.investment_report(actor=p.officer, project=project, month=date(2024, 2, 1), amount="1000.10")
    services.investment_report(actor=p.officer, project=project, month=date(2024, 3, 1), amount="2000.20")
    data = "年度,项目名称,状态,1-10月完成投资\n2024,丙项目,在建,5000\n".encode()
    importer.commit(data=data, actor=p.officer, filename="a.csv")
    assert project.investments.get(month=date(2024, 10, 1)).amount == Decimal("1999.70")
    assert project.years.get(year=2024).completed == 5000


def test_the_four_owners_named_in_the_list_are_set_by_their_posts(p: Any) -> None:
    """包抓领导, 属地负责人… as names (张三, 张三（副区长）, 副区长 张三): each person's one post
    now is assigned the role; a name nobody has is left unset with a note, not refused. Next
    year's list naming another holder moves the role."""
    from luoshi.projects.models import ProjectOwner

    data = (
        "年度,项目名称,状态,包抓领导,项目经理,属地负责人\n"
        "2024,甲项目,在建,王区长（副区长）,外企张经理,副局长 甲局长\n"
    ).encode()
    result = importer.preview(data, filename="a.csv")
    assert result.ok
    assert result.rows[0].owner_lines == [
        "包抓领导：王区长",
        "项目经理：外企张经理（未设置）",
        "属地负责人：甲局长",
    ]
    assert [(w.row, w.column) for w in result.warnings] == [(2, "项目经理")]
    assert "找不到人员「外企张经理」" in str(result.warnings[0])
    importer.commit(data=data, actor=p.officer, filename="a.csv")
    project = Project.objects.get()
    leader_post = p.leader.person.memberships.get().post_id
    head_post = p.head_a.person.memberships.get().post_id
    assert dict(ProjectOwner.objects.values_list("role", "post_id")) == {
        "leader": leader_post,
        "local_head": head_post,
    }
    assert Entry.objects.filter(action__startswith="projects.owner").count() == 2
    importer.commit(
        data="年度,项目名称,状态,包抓领导\n2025,甲项目,在建,甲局长\n".encode(),
        actor=p.officer,
        filename="b.csv",
    )
    assert dict(ProjectOwner.objects.filter(project=project).values_list("role", "post_id")) == {
        "leader": head_post,
        "local_head": head_post,
    }


def test_an_owner_with_several_posts_or_a_shared_name_is_left_for_the_page(p: Any) -> None:
    from datetime import date

    from luoshi.org.models import Membership, Person, Post, Role

    other = Post.objects.create(unit=p.unit_b, title="兼职", role=Role.HEAD)
    Membership.objects.create(person=p.head_a.person, post=other, start=date(2020, 1, 1))
    Person.objects.create(name="王区长")
    data = "年度,项目名称,状态,包抓领导,属地负责人\n2024,甲项目,在建,甲局长,王区长\n".encode()
    result = importer.preview(data, filename="a.csv")
    assert result.ok and not result.rows[0].owners
    assert [str(w) for w in result.warnings] == [
        "第 2 行「包抓领导」列：「甲局长」现任多个岗位，未设置，请在项目页选择。",
        "第 2 行「属地负责人」列：人员「王区长」有重名，未设置。",
    ]


def test_the_import_page_shows_the_owners_read(p: Any) -> None:
    c = client_for(p.officer)
    data = "年度,项目名称,状态,包抓领导\n2024,甲项目,在建,王区长\n".encode()
    c.post("/projects/import/", {"file": SimpleUploadedFile("list.csv", data)})
    batch = ProjectImport.objects.get()
    page = c.get(f"/projects/import/{batch.pk}/").content.decode()
    assert "<th>四包一</th>" in page and "包抓领导：王区长" in page


def test_next_year_s_list_imported_before_the_year_records_no_stage(p: Any) -> None:
    """December: next year's list. Its projects and plans are written; its stages are not met
    yet, so none is recorded (the commit refused every row: a stage met in the future), and the
    preview says to import the list again in the year."""
    from django.utils import timezone

    from luoshi.projects.models import StageChange
    from tests.projects.factories import make_project

    year = timezone.localdate().year + 1
    known = make_project(p, name="乙项目", code="B")
    data = f"年度,项目名称,状态,年度计划投资\n{year},甲项目,新开工,100\n{year},乙项目,建成,50\n".encode()
    result = importer.preview(data, filename="next.csv")
    assert result.ok and result.future and result.counts()["moves"] == 0
    assert f"{year} 年尚未开始" in str(result.warnings[-1])
    changes = StageChange.objects.count()
    importer.commit(data=data, actor=p.officer, filename="next.csv")
    new = Project.objects.get(name="甲项目")
    assert (new.stage, new.years.get().annual_plan) == ("", 100)
    known.refresh_from_db()
    assert known.years.get(year=year).annual_plan == 50
    assert StageChange.objects.count() == changes


def test_planned_start_and_completion_dates_are_the_stages_plans(p: Any) -> None:
    """计划开工时间 / 计划竣工时间 as offices write them become the planned dates of 开工 and 投产
    (倒排工期), so a date passed unmet turns the project red; a stage the list says is reached
    already gets no plan (it could only be missed), a status word is left alone and an unreadable
    date is noted."""
    from datetime import date

    from luoshi.projects.models import ProjectStage

    data = (
        "年度,项目名称,状态,计划开工时间,计划竣工时间\n"
        "2024,甲项目,签约,2024年3月,2025.12\n"
        "2024,乙项目,在建,2023年5月,2024年底\n"
        "2024,丙项目,签约,已开工,待定\n"
    ).encode()
    result = importer.preview(data, filename="a.csv")
    assert result.ok
    assert [r.planned for r in result.rows] == [
        {"started": date(2024, 3, 31), "producing": date(2025, 12, 31)},
        {"producing": date(2024, 12, 31)},
        {},
    ]
    assert [(w.row, w.column) for w in result.warnings] == [(4, "计划竣工时间")]
    assert result.rows[0].plan_lines == ["开工 2024-03-31", "投产 2025-12-31"]
    importer.commit(data=data, actor=p.officer, filename="a.csv")
    planned = dict(
        ProjectStage.objects.filter(project__name="甲项目", planned__isnull=False).values_list(
            "stage", "planned"
        )
    )
    assert planned == {"started": date(2024, 3, 31), "producing": date(2025, 12, 31)}
    assert Entry.objects.filter(action="projects.stage.planned").count() == 2


def test_a_number_before_a_project_s_name_is_the_row_s_not_the_name_s(p: Any) -> None:
    """ "3.甲项目" in a list without 序号 is 甲项目, number 3, so next year's "甲项目" is the same
    project; a figure (1.5万吨…) stays in the name."""
    data = "年度,项目名称,状态\n2024,3.甲项目,在建\n2024,（4）乙项目,在建\n2024,1.5万吨冷链仓储项目,在建\n".encode()
    result = importer.preview(data, filename="a.csv")
    assert result.ok
    assert [(r.name, r.seq) for r in result.rows] == [
        ("甲项目", 3),
        ("乙项目", 4),
        ("1.5万吨冷链仓储项目", None),
    ]
    importer.commit(data=data, actor=p.officer, filename="a.csv")
    again = importer.preview("年度,项目名称,状态\n2025,甲项目,在建\n".encode(), filename="b.csv")
    assert again.rows[0].match == rules.SAME
