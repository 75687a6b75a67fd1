"""Task decomposition import against the real sample tables (tests/data/imports), all-or-nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from luoshi.audit.models import Entry
from luoshi.imports.common import ImportRefused
from luoshi.imports.task_import import import_tasks, parse_tasks
from luoshi.lib.text import pinyin_forms
from luoshi.org.models import Role, Unit, UnitCategory
from luoshi.work.models import Milestone, Plan, Task, TaskUnit
from luoshi.work.tasks import fill_search_text
from tests.factories import Personas, make_unit, make_user

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


def build_district(p: Personas) -> dict[str, Any]:
    """The units and leaders the three sample tables name (区发改局 is p.unit_a, 区财政局 p.unit_b)."""
    d = p.district
    u = {
        "gxj": make_unit("区工业和信息化局", parent=d, short_name="工信局"),
        "swj": make_unit("区商务局", parent=d),
        "scj": make_unit("区市场监督管理局", parent=d),
        "kfq": make_unit("立山经济开发区", parent=d, category=UnitCategory.ZONE),
        "sg": make_unit("曙光街道", parent=d, category=UnitCategory.ZONE),
        "gx": make_unit("宫学街道", parent=d, category=UnitCategory.ZONE),
        "tax": make_unit(
            "国家税务总局立山区税务局", parent=d, short_name="区税务局", category=UnitCategory.RESIDENT
        ),
        "zs": make_unit("招商工作部", parent=d),
        "as": make_unit("安商工作部", parent=d),
        "gg": make_unit("改革办", parent=d),
        "gh": make_unit("规划建设局", parent=d),
        "kjjx": make_unit("区科技和经信局", parent=d),
    }
    for username, name in (("yelin", "叶林"), ("mazm", "马振明"), ("zhangyf", "张云峰")):
        u[username] = make_user(username, unit=d, role=Role.LEADER, name=name)
    return u


def plan(p: Personas, year: int, name: str = "") -> Plan:
    return p.plan(name=name or f"{year}年重点工作", year=year, start=date(year, 1, 1), due=date(year, 12, 31))


def edited_copy(tmp_path: Path, name: str, **cells: Any) -> Path:
    """A copy of a sample with some cells changed (e.g. C11="区发改局")."""
    target = tmp_path / name
    shutil.copy(DATA / name, target)
    wb = openpyxl.load_workbook(target)
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(target)
    return target


@pytest.fixture
def org(p: Personas) -> dict[str, Any]:
    return build_district(p)


def test_lishan_preview_reads_the_section_the_seven_tasks_and_the_one_gap(p: Personas, org: dict) -> None:
    preview = parse_tasks(DATA / "lishan2023_tasks.xlsx", plan=plan(p, 2023))
    assert preview.header_row == 3
    section, *tasks = preview.rows
    assert section.is_section and section.code == "1" and section.title == "经济社会发展的主要预期目标"
    assert [t.code for t in tasks] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]
    assert all(t.parent_code == "1" for t in tasks)
    assert tasks[0].title == "努力实现地区生产总值增长6.2%左右。"
    assert tasks[0].lead_id == p.unit_a.pk
    assert tasks[0].co_names == ["立山经济开发区"]  # 全区经济运行各专班 is a collective, not a unit
    assert tasks[1].lead_id == org["gxj"].pk
    # 各街道 → the streets, 区直各部门 → the departments directly under the district (the lead excepted).
    departments = set(
        Unit.objects.filter(parent=p.district, category=UnitCategory.DEPARTMENT)
        .exclude(pk=p.unit_a.pk)
        .values_list("name", flat=True)
    )
    assert "区商务局" in departments and "区委督查室" in departments
    assert set(tasks[2].co_names) == {"立山经济开发区", "曙光街道", "宫学街道"} | departments
    assert tasks[4].lead_id == p.unit_b.pk and "国家税务总局立山区税务局" in tasks[4].co_names
    assert all(t.due == "2023-12-31" and t.deadline_text == "全年" for t in tasks)
    assert section.due == "2023-12-31" and section.lead_id == p.unit_a.pk
    errors = [(x.row, x.column) for x in preview.problems if x.level == "error"]
    # 区市场局 is a near miss (suggested), row 11 has no unit at all.
    assert errors == [(8, "责任单位"), (11, "牵头单位")]
    miss = next(x for x in preview.problems if x.row == 8 and x.level == "error")
    assert "区市场局" in miss.message and "区市场监督管理局" in miss.suggestions
    warnings = {(x.row, x.column) for x in preview.problems if x.level == "warning"}
    assert (5, "责任单位") in warnings  # 全区经济运行各专班
    assert not preview.ok


def test_lishan_commits_exactly_the_tasks_a_person_reads(p: Personas, org: dict, tmp_path: Path) -> None:
    org["scj"].aliases = "区市场局"
    org["scj"].save()
    fixed = edited_copy(tmp_path, "lishan2023_tasks.xlsx", C11="区发改局")
    target = plan(p, 2023)
    audit_before = Entry.objects.count()
    result = import_tasks(fixed, plan=target, actor=p.officer, dry_run=False)
    assert result.created == 8 and result.updated == 0
    tasks = Task.objects.filter(plan=target)
    assert tasks.count() == 8
    parent = tasks.get(code="1")
    assert parent.title == "经济社会发展的主要预期目标" and parent.parent_id is None
    assert tasks.filter(parent=parent).count() == 7
    t4 = tasks.get(code="1.4")
    assert t4.lead_unit == org["swj"] and t4.due == date(2023, 12, 31) and t4.deadline_text == "全年"
    assert set(t4.co_units.values_list("name", flat=True)) == {"曙光街道", "宫学街道", "区市场监督管理局"}
    assert Entry.objects.filter(action="work.import.committed").count() == 1
    assert Entry.objects.filter(action="work.task.created").count() == 8
    assert Entry.objects.count() == audit_before + 9


def test_huoshan_leaders_and_first_unit_leads(p: Personas, org: dict) -> None:
    target = plan(p, 2025)
    result = import_tasks(DATA / "huoshan2025_tasks.xlsx", plan=target, actor=p.officer)
    assert result.created == 3
    t1, t2, t3 = Task.objects.filter(plan=target).order_by("code")
    assert t1.code == "1" and t1.parent_id is None
    assert t1.title.startswith("坚持服务跟着项目走")
    assert t1.lead_unit == org["zs"] and list(t1.co_units.all()) == [org["as"]]
    assert t1.responsible_leader == org["yelin"].person
    assert t2.responsible_leader == org["mazm"].person and t2.lead_unit == org["gg"]
    assert t3.lead_unit == org["gh"] and t3.due == date(2025, 12, 31)


def test_caidian_prefix_chinese_sequence_and_the_truncated_row(p: Personas, org: dict) -> None:
    preview = parse_tasks(DATA / "caidian2023_tasks.xlsx", plan=plan(p, 2023))
    assert [r.code for r in preview.rows] == ["1", "2", "3", "4"]
    assert [r.lead_id for r in preview.rows[:3]] == [p.unit_a.pk, org["kjjx"].pk, p.unit_a.pk]
    assert preview.rows[1].title == "规上工业增加值增长12%以上"
    assert all(r.due == "2023-12-31" for r in preview.rows)  # no deadline column: the whole plan
    assert [(x.row, x.column, x.level) for x in preview.problems] == [(6, "责任单位", "error")]


def test_broken_file_writes_nothing_and_lists_every_problem(p: Personas, org: dict, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年重点工作任务分解表", None, None, None, None])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    ws.append([1, "任务甲", "区发改局", "区财政局", "6月底前"])
    ws.append([2, "任务乙", "区不存在局", None, "全年"])
    ws.append([3, "任务丙", "区财政局", None, "2026年13月40日"])
    ws.append([1, "任务丁（编号重复）", "区财政局", None, "三季度"])
    path = tmp_path / "broken.xlsx"
    wb.save(path)
    target = plan(p, 2026)
    counts = (
        Task.objects.count(),
        TaskUnit.objects.count(),
        Milestone.objects.count(),
        Entry.objects.count(),
    )
    with pytest.raises(ImportRefused) as exc:
        import_tasks(path, plan=target, actor=p.officer, dry_run=False)
    got = [(x.row, x.column) for x in exc.value.problems if x.level == "error"]
    assert got == [(4, "牵头单位"), (5, "完成时限"), (6, "序号")]
    after = (Task.objects.count(), TaskUnit.objects.count(), Milestone.objects.count(), Entry.objects.count())
    assert after == counts


def test_new_plan_name_is_created_and_refusal_creates_no_plan(p: Personas, org: dict, tmp_path: Path) -> None:
    with pytest.raises(ImportRefused):
        import_tasks(DATA / "caidian2023_tasks.xlsx", plan="新计划甲", actor=p.officer)
    assert not Plan.objects.filter(name="新计划甲").exists()
    fixed = edited_copy(tmp_path, "caidian2023_tasks.xlsx", C6="区发改局")
    result = import_tasks(fixed, plan="新计划甲", actor=p.officer)
    new = Plan.objects.get(name="新计划甲")
    # the year of the title rows (蔡甸区2023年…), not the current year
    assert new.year == 2023 and result.preview.year_source == "title"
    assert result.plan_id == new.pk and result.created == 4


def test_a_new_plan_s_file_is_read_once_and_writes_what_two_reads_wrote(
    p: Personas, org: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan the import creates is read once for its year. Read against the new, empty plan, the
    file gives the same preview, so it is not read again. A plan that already has a task, or an
    owner unit, is read against itself."""
    from luoshi.imports import task_import

    reads: list[Any] = []
    real = task_import.parse_tasks

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(kwargs.get("plan"))
        return real(*args, **kwargs)

    monkeypatch.setattr(task_import, "parse_tasks", counted)
    fixed = edited_copy(tmp_path, "caidian2023_tasks.xlsx", C6="区发改局")
    once = import_tasks(fixed, plan="新计划乙", actor=p.officer)
    assert reads == [None]
    new = Plan.objects.get(name="新计划乙")
    assert once.created == 4 and once.preview.year_source == "title"
    # The same file read against the created plan (as before: twice) gives the same rows.
    again = real(fixed, plan=None, filename="")
    against = real(fixed, plan=Plan(name="x", year=2023, start=date(2023, 1, 1), due=date(2023, 12, 31)))
    assert [(r.row, r.title, r.action, r.lead_id, r.due) for r in again.rows] == [
        (r.row, r.title, r.action, r.lead_id, r.due) for r in against.rows
    ]
    titles = sorted(Task.objects.filter(plan=new).values_list("title", flat=True))
    assert titles == sorted(r.title for r in again.rows)
    assert not task_import._read_alike(new, again)  # it has tasks now


def test_reimport_after_editing_updates_instead_of_duplicating(
    p: Personas, org: dict, tmp_path: Path
) -> None:
    target = plan(p, 2025)
    import_tasks(DATA / "huoshan2025_tasks.xlsx", plan=target, actor=p.officer)
    again = import_tasks(DATA / "huoshan2025_tasks.xlsx", plan=target, actor=p.officer, dry_run=True)
    assert [r.action for r in again.preview.rows] == ["unchanged"] * 3
    edited = edited_copy(tmp_path, "huoshan2025_tasks.xlsx", E3="6月底前", D5="规划建设局、改革办")
    t2_before = Task.objects.get(plan=target, code="2")
    result = import_tasks(edited, plan=target, actor=p.officer)
    assert (result.created, result.updated) == (0, 2)
    assert Task.objects.filter(plan=target).count() == 3
    t1 = Task.objects.get(plan=target, code="1")
    assert t1.due == date(2025, 6, 30) and t1.deadline_text == "6月底前" and t1.version == 2
    t3 = Task.objects.get(plan=target, code="3")
    assert list(t3.co_units.all()) == [org["gg"]]
    assert Task.objects.get(pk=t2_before.pk).version == t2_before.version
    assert Entry.objects.filter(action="work.task.updated").count() == 2
    assert Entry.objects.filter(action="work.import.committed").count() == 2


def test_star_marks_the_lead_and_open_deadlines_are_flagged(p: Personas, org: dict, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "项目", "重点工作目标任务", "牵头领导", "责任单位(★为牵头)", "完成时限"])
    ws.append([1, "产业发展", "任务一", "叶林", "区财政局、★区发改局", "长期坚持"])
    ws.append([2, None, "任务二", None, "区商务局，区财政局", "6月底前完成方案，12月底前建成"])
    ws.append([3, "民生", "任务三", "马振明", "牵头：区工信局；配合：区财政局", "三季度"])
    ws.merge_cells("B2:B3")
    ws.merge_cells("D2:D3")
    path = tmp_path / "wujiang.xlsx"
    wb.save(path)
    target = plan(p, 2024)
    preview = parse_tasks(path, plan=target)
    assert preview.ok, preview.problems
    codes = [(r.code, r.parent_code, r.title) for r in preview.rows]
    assert codes == [
        ("S1", "", "产业发展"),
        ("S1.1", "S1", "任务一"),
        ("S1.2", "S1", "任务二"),
        ("S2", "", "民生"),
        ("S2.3", "S2", "任务三"),
    ]
    one, two, three = preview.rows[1], preview.rows[2], preview.rows[4]
    assert one.lead_id == p.unit_a.pk and one.co_ids == [p.unit_b.pk]
    assert one.needs_review and one.due == "2024-12-31"
    assert two.leader_id == org["yelin"].person.pk  # the leader cell is merged over rows 2–3
    assert two.milestones == [["6月底前", "2024-06-30"]] or two.milestones == [("6月底前", "2024-06-30")]
    assert three.lead_id == org["gxj"].pk and three.due == "2024-09-30"
    assert [(x.row, x.column) for x in preview.problems] == [(2, "完成时限")]
    result = import_tasks(path, plan=target, actor=p.officer)
    assert result.created == 5
    assert Milestone.objects.get(task__code="S1.2", task__plan=target).due == date(2024, 6, 30)


def test_a_year_month_deadline_kept_by_excel_as_a_number_is_asked_about(
    p: Personas, org: dict, tmp_path: Path
) -> None:
    """2024.10 typed into a General cell is the number 2024.1: read as January and said so; 2024.9
    and the text 2024.10 are read as written."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "重点工作目标任务", "责任单位", "完成时限"])
    ws.append([1, "任务一", "区发改局", 2024.1])
    ws.append([2, "任务二", "区发改局", 2024.9])
    ws.append([3, "任务三", "区发改局", "2024.10"])
    path = tmp_path / "dots.xlsx"
    wb.save(path)
    preview = parse_tasks(path, plan=plan(p, 2024))
    assert preview.ok, preview.problems
    assert [(r.due, r.needs_review) for r in preview.rows] == [
        ("2024-01-31", True),
        ("2024-09-30", False),
        ("2024-10-31", False),
    ]
    (warning,) = preview.problems
    assert (warning.row, warning.column, warning.code) == (2, "完成时限", "deadline.dot_month")


def test_unit_cells_with_marks_and_joining_words_name_their_units(
    p: Personas, org: dict, tmp_path: Path
) -> None:
    """责任单位 as offices write it: 牵头 and 配合 after the names, 会同, 及各街道, 等, 按职责分工负责.
    Each was refused as an unknown unit."""
    path = tmp_path / "units.csv"
    path.write_text(
        "序号,工作任务,责任单位,完成时限\n"
        "1,任务一,区发改局牵头，区财政局、区商务局配合,6月底\n"
        "2,任务二,区发改局（牵头）、区财政局,6月底\n"
        "3,任务三,区财政局会同区发改局,6月底\n"
        "4,任务四,区商务局及各街道,6月底\n"
        "5,任务五,区发改局等,6月底\n"
        "6,任务六,区发改局、区财政局按职责分工负责,6月底\n",
        encoding="utf-8",
    )
    preview = parse_tasks(path, plan=plan(p, 2024))
    assert preview.ok, preview.problems
    a, b, swj = p.unit_a.pk, p.unit_b.pk, org["swj"].pk
    streets = sorted([org["sg"].pk, org["gx"].pk])
    got = [(r.lead_id, sorted(r.co_ids)) for r in preview.rows]
    assert got == [
        (a, sorted([b, swj])),
        (a, [b]),
        (b, [a]),
        (swj, streets),
        (a, []),
        (a, [b]),
    ]


@pytest.mark.parametrize("header", ["责任领导", "包抓领导", "包联区领导"])
def test_a_leader_written_with_a_title_is_linked(p: Personas, org: dict, tmp_path: Path, header: str) -> None:
    """叶林（副区长）, 叶林副区长, 副区长 叶林: the leader 叶林, linked; each was unknown before. A
    包抓领导 column is the leader's column too."""
    path = tmp_path / "leaders.csv"
    path.write_text(
        f"序号,工作任务,{header},牵头单位,完成时限\n"
        "1,任务一,叶林（副区长）,区发改局,6月底\n"
        "2,任务二,叶林副区长,区发改局,6月底\n"
        "3,任务三,副区长 叶林,区发改局,6月底\n",
        encoding="utf-8",
    )
    preview = parse_tasks(path, plan=plan(p, 2024))
    assert preview.ok and not preview.problems, preview.problems
    assert {r.leader_id for r in preview.rows} == {org["yelin"].person.pk}


def test_sub_headings_under_a_section_hold_their_tasks(p: Personas, org: dict, tmp_path: Path) -> None:
    """一、 then （一）: a work report's two levels of headings, the second as 序号 with its title or
    merged across the table. Each （一） is a sub-section under its 一、, its tasks under it; the
    （一） rows were read as tasks without a unit and their tasks' codes collided."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "牵头单位", "完成时限"])
    ws.append(["一、", "经济发展", None, None])
    ws.append(["（一）", "扩大有效投资", None, None])
    ws.append([1, "推进重点项目建设", "区发改局", "6月底"])
    ws.append([2, "加快专项债发行", "区财政局", "9月底"])
    ws.append(["（二）促进消费", None, None, None])
    ws.merge_cells("A6:D6")
    ws.append([3, "举办消费节", "区商务局", "10月底"])
    ws.append(["二、", "民生保障", None, None])
    ws.append([1, "新建学校", "区发改局", "年底"])
    path = tmp_path / "nested.xlsx"
    wb.save(path)
    target = plan(p, 2024)
    preview = parse_tasks(path, plan=target)
    assert preview.ok and not preview.problems, preview.problems
    got = [(r.code, r.parent_code, r.title, r.is_section) for r in preview.rows]
    assert got == [
        ("1", "", "经济发展", True),
        ("1.1", "1", "扩大有效投资", True),
        ("1.1.1", "1.1", "推进重点项目建设", False),
        ("1.1.2", "1.1", "加快专项债发行", False),
        ("1.2", "1", "促进消费", True),
        ("1.2.3", "1.2", "举办消费节", False),
        ("2", "", "民生保障", True),
        ("2.1", "2", "新建学校", False),
    ]
    sub = preview.rows[1]
    assert (sub.lead_id, sub.due) == (p.unit_a.pk, "2024-09-30")  # its tasks' most common lead, latest due
    result = import_tasks(path, plan=target, actor=p.officer)
    assert result.created == 8
    made = Task.objects.get(plan=target, code="1.1.2")
    assert made.parent.code == "1.1" and made.parent.parent.code == "1"


def test_a_number_written_before_the_task_is_its_sequence(p: Personas, org: dict, tmp_path: Path) -> None:
    """ "1.推进…", "2、…", "（3）…" with no 序号 column, or the same number in it: the number is the
    task's, not its title's; a figure (1.5万亩) and a name (5G) stay in the title."""
    path = tmp_path / "inline.csv"
    path.write_text(
        "序号,工作任务,牵头单位,完成时限\n"
        ",1.推进重点项目建设,区发改局,6月底\n"
        ",2、加快专项债发行,区财政局,9月底\n"
        "3,（3）新建学校,区发改局,年底\n"
        ",1.5万亩高标准农田建设,区发改局,年底\n"
        ",5G基站建设,区发改局,年底\n",
        encoding="utf-8",
    )
    preview = parse_tasks(path, plan=plan(p, 2024))
    assert preview.ok, preview.problems
    assert [(r.code, r.title) for r in preview.rows] == [
        ("1", "推进重点项目建设"),
        ("2", "加快专项债发行"),
        ("3", "新建学校"),
        ("R.4", "1.5万亩高标准农田建设"),
        ("R.5", "5G基站建设"),
    ]


def test_cli_exit_codes(p: Personas, org: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = plan(p, 2023)
    with pytest.raises(CommandError, match="refused"):
        call_command(
            "import_tasks", str(DATA / "caidian2023_tasks.xlsx"), plan=str(target.pk), username="officer"
        )
    err = capsys.readouterr().err
    assert "第6行" in err and "责任单位" in err
    assert Task.objects.filter(plan=target).count() == 0
    fixed = edited_copy(tmp_path, "caidian2023_tasks.xlsx", C6="区发改局")
    call_command("import_tasks", str(fixed), plan=target.name, username="officer", dry_run=True)
    assert "4 to create" in capsys.readouterr().out
    assert Task.objects.filter(plan=target).count() == 0
    call_command("import_tasks", str(fixed), plan=str(target.pk), username="officer")
    assert "4 created" in capsys.readouterr().out
    assert Task.objects.filter(plan=target).count() == 4


def test_cli_through_the_luoshi_console_command_exits_non_zero(p: Personas, org: dict) -> None:
    from luoshi.__main__ import main

    with pytest.raises(SystemExit) as exc:
        main(
            [
                "luoshi",
                "import-tasks",
                str(DATA / "caidian2023_tasks.xlsx"),
                "--plan",
                "9999",
                "--as",
                "officer",
            ]
        )
    assert exc.value.code != 0


def test_large_imports_are_created_set_based_with_the_same_result(
    p: Personas,
    org: dict,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    monkeypatch.setattr("luoshi.imports.task_import.BULK_CREATE_ROWS", 2)
    org["scj"].aliases = "区市场局"
    org["scj"].save()
    fixed = edited_copy(tmp_path, "lishan2023_tasks.xlsx", C11="区发改局", E6="6月底前完成方案，12月底前建成")
    target = plan(p, 2023)
    before = Entry.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = import_tasks(fixed, plan=target, actor=p.officer)
    assert result.created == 8
    # The titles' pinyin is left to a job queued on commit (PostgreSQL writes by COPY, SQLite by
    # bulk_create); the new tasks' lights are announced on commit too (work.signals).
    assert sorted(c.__qualname__.split(".")[0] for c in callbacks) == ["job_create", "send_on_commit"]
    for task in Task.objects.filter(plan=target, code="1"):
        assert pinyin_forms(task.title)[0] not in task.search_text
    ranges = Entry.objects.get(action="work.import.committed").data["bulk_created_ids"]
    assert fill_search_text.call_local(ranges) == 8
    for task in Task.objects.filter(plan=target):
        full, initials = pinyin_forms(task.title)
        assert full in task.search_text and initials in task.search_text, task.title
    parent = Task.objects.get(plan=target, code="1")
    assert parent.path == f"/p{target.pk}/{parent.pk}/" and parent.depth == 0
    kids = Task.objects.filter(plan=target, parent=parent)
    assert kids.count() == 7
    for kid in kids:
        assert kid.path == f"{parent.path}{kid.pk}/" and kid.depth == 1
        assert kid.search_text and kid.title.lower() in kid.search_text
    t2 = kids.get(code="1.2")
    assert list(t2.co_units.values_list("name", flat=True)) == ["立山经济开发区"]
    assert list(t2.milestones.values_list("due", flat=True)) == [date(2023, 6, 30)]
    assert t2.due == date(2023, 12, 31)
    # One audit entry for the whole set-based import, listing what it created.
    assert Entry.objects.count() == before + 1
    entry = Entry.objects.get(action="work.import.committed")
    ids = sorted(Task.objects.filter(plan=target).values_list("pk", flat=True))
    assert entry.data["created"] == 8 and entry.data["bulk_created_ids"] == [[ids[0], ids[-1]]]
    # And the tasks are seen by the task engine's own queries.
    assert Task.objects.visible_to(p.reporter_a).filter(plan=target).count() == 5
    again = import_tasks(fixed, plan=target, actor=p.officer, dry_run=True)
    assert {r.action for r in again.preview.rows} == {"unchanged"}


@pytest.mark.parametrize("year", [2023, date.today().year])
def test_a_set_based_import_writes_first_lights_the_refresh_leaves_alone(
    p: Personas,
    org: dict,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
    year: int,
) -> None:
    """New tasks created set-based are written with their first lights (`work.bulk.task_create_many`,
    `lights_on`): what the plan's refresh computes for them, so on PostgreSQL it rewrites none, and
    the lights are announced as the refresh announced them (task id, 未开始, the first light)."""
    from luoshi.work import signals
    from luoshi.work.models import Light
    from luoshi.work.selectors import compute_lights
    from luoshi.work.services import lights as lights_service

    monkeypatch.setattr("luoshi.imports.task_import.BULK_CREATE_ROWS", 2)
    org["scj"].aliases = "区市场局"
    org["scj"].save()
    fixed = edited_copy(tmp_path, "lishan2023_tasks.xlsx", C11="区发改局", E6="6月底前完成方案，12月底前建成")
    target = plan(p, year)
    rewritten: list[int] = []
    real_update_rows = lights_service.update_rows
    monkeypatch.setattr(
        lights_service,
        "update_rows",
        lambda model, fields, rows: rewritten.append(len(rows)) or real_update_rows(model, fields, rows),
    )
    heard: list[tuple[Any, ...]] = []

    def hear(sender: Any, *, changes: Any, plan_ids: Any, **kwargs: Any) -> None:
        heard.append((sorted((c.task_id, c.old, c.new) for c in changes), plan_ids))

    signals.task_light_changed.connect(hear, dispatch_uid="test.first_lights")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert import_tasks(fixed, plan=target, actor=p.officer).created == 8
    finally:
        signals.task_light_changed.disconnect(dispatch_uid="test.first_lights")
    today = date.today()
    stored = {
        t[0]: t[1:]
        for t in Task.objects.filter(plan=target).values_list(
            "pk",
            "light",
            "actual_pct",
            "expected_pct",
            "slack_days",
            "report_late",
            "last_report_on",
            "light_on",
        )
    }
    computed = {
        r.id: (r.light, r.actual, r.expected, r.slack, r.report_late, r.last_report_on, today)
        for r in compute_lights(plan_id=target.pk, on=today)
    }
    assert stored == computed and len(stored) == 8
    if connection.vendor == "postgresql":  # written with the rows (ids first): nothing to rewrite
        assert sum(rewritten) == 0
    announced = [
        (pk, Light.NOT_STARTED, row[0]) for pk, row in sorted(stored.items()) if row[0] != Light.NOT_STARTED
    ]
    assert announced, "the lights of a plan under way are not all 未开始"
    assert [c for changes, _plans in heard for c in changes] == announced
    assert {pid for _changes, plans in heard for pid in plans} == {target.pk}


def test_real_rows_csv_in_gbk_with_a_section_column(p: Personas, org: dict, tmp_path: Path) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO((DATA / "task_decomposition_rows.csv").read_text("utf-8-sig"))))
    lishan = [rows[0]] + [r for r in rows[1:] if r[0] == "lishan2023"]
    buf = io.StringIO()
    csv.writer(buf).writerows(lishan)
    path = tmp_path / "lishan_rows.csv"
    path.write_bytes(buf.getvalue().encode("gbk"))
    preview = parse_tasks(path, plan=plan(p, 2023))
    assert [(r.code, r.parent_code) for r in preview.rows] == [("1", "")] + [
        (f"1.{i}", "1") for i in range(1, 8)
    ]
    assert preview.rows[1].lead_id == p.unit_a.pk and preview.rows[1].co_names == ["立山经济开发区"]
    assert preview.rows[4].lead_id == org["swj"].pk
    assert [(x.row, x.column) for x in preview.problems if x.level == "error"] == [
        (5, "other_units"),  # 区市场局: a near miss
        (8, "lead_unit"),  # the excerpt ends before the units
    ]
