"""Import of units and people: every problem by row and column, and nothing written unless all is well."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from luoshi.audit.models import Entry
from luoshi.imports.common import ImportRefused
from luoshi.imports.org_import import import_org, parse_org
from luoshi.org.access import context_for
from luoshi.org.models import Membership, Person, Post, Role, Unit, UnitCategory
from tests.factories import Personas

UNIT_HEADER = ["单位代码", "单位名称", "简称", "类别", "上级单位代码"]
PEOPLE_HEADER = ["姓名", "手机", "单位", "职务", "角色", "任职日期", "登录名"]


def workbook(path: Path, units: list[list], people: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "单位"
    ws.append(["示范区单位名册", None, None, None, None])
    ws.merge_cells("A1:E1")
    ws.append(UNIT_HEADER)
    for r in units:
        ws.append(r)
    ws2 = wb.create_sheet("人员")
    ws2.append(PEOPLE_HEADER)
    for r in people:
        ws2.append(r)
    wb.save(path)
    return path


GOOD_UNITS = [
    ["ZJ01", "曙光街道", "", "街道", "D0"],
    ["SQ01", "曙光社区", "", "社区", "ZJ01"],
    ["ZJJ", "区住房和城乡建设局", "住建局", "区直部门", "D0"],
]
GOOD_PEOPLE = [
    ["张三", "13800000001", "ZJ01", "联络员", "填报员", "2024-03-01", "zhangsan"],
    ["李四", "13800000002", "住建局", "局长", "单位主要负责人", date(2023, 1, 5), "lisi"],
    ["王五", "", "区发展和改革局", "", "reporter", "2024/3/1", ""],
]


def counts() -> tuple[int, ...]:
    User = get_user_model()
    return tuple(m.objects.count() for m in (Unit, Person, Post, Membership, User, Entry))


def test_good_file_creates_units_and_people_through_the_audited_services(p: Personas, tmp_path: Path) -> None:
    path = workbook(tmp_path / "org.xlsx", GOOD_UNITS, GOOD_PEOPLE)
    result = import_org(path, actor=p.officer)
    assert (result.units, result.people) == (3, 3)
    street = Unit.objects.get(code="ZJ01")
    assert street.category == UnitCategory.ZONE and street.parent == p.district
    community = Unit.objects.get(code="SQ01")
    assert community.parent == street and community.path.startswith(street.path)
    zhang = Person.objects.get(name="张三")
    assert zhang.user.username == "zhangsan" and not zhang.user.has_usable_password()
    assert context_for(zhang.user).reporter_unit_ids == {street.pk}
    li = Membership.objects.get(person__name="李四")
    assert li.post.unit.code == "ZJJ" and li.post.role == Role.HEAD and li.start == date(2023, 1, 5)
    assert Membership.objects.get(person__name="王五").post.unit == p.unit_a
    assert Entry.objects.filter(action="org.import.committed").count() == 1
    assert Entry.objects.filter(action="org.unit.created", object_id=str(street.pk)).exists()
    assert Entry.objects.filter(action="org.membership.started").count() >= 3


def test_missing_unit_bad_date_and_duplicate_code_refused_with_every_row_and_column(
    p: Personas, tmp_path: Path
) -> None:
    units = [*GOOD_UNITS, ["ZJ01", "宫学街道", "", "街道", "D0"], ["X9", "某单位", "", "神秘类", "NOPE"]]
    people = [
        ["张三", "", "不存在的单位", "联络员", "填报员", "2024-03-01", "zs"],
        ["李四", "", "ZJJ", "局长", "单位主要负责人", "2024-13-45", "ls"],
        ["赵六", "", "ZJJ", "局长", "大王", "2024-01-01", "ls"],
        ["", "", "", "", "", "", "x"],
    ]
    path = workbook(tmp_path / "bad.xlsx", units, people)
    before = counts()
    with pytest.raises(ImportRefused) as exc:
        import_org(path, actor=p.officer)
    got = [(x.row, x.column) for x in exc.value.problems if x.level == "error"]
    assert got == [
        (2, "人员!单位"),  # missing unit
        (3, "人员!任职日期"),  # malformed date
        (4, "人员!登录名"),  # duplicate login
        (4, "人员!角色"),  # unknown role
        (5, "人员!单位"),
        (5, "人员!姓名"),
        (6, "单位!单位代码"),  # duplicate code
        (7, "单位!上级单位代码"),
        (7, "单位!类别"),  # unknown category
    ]
    assert counts() == before
    dup = next(x for x in exc.value.problems if x.row == 6)
    assert "ZJ01" in dup.message and "3" in dup.message


def test_code_already_in_the_database_is_a_duplicate(p: Personas, tmp_path: Path) -> None:
    path = workbook(tmp_path / "dup.xlsx", [["FGJ", "又一个发改局", "", "部门", "D0"]], [])
    preview = parse_org(path)
    assert [(x.row, x.column) for x in preview.problems] == [(3, "单位!单位代码")]


def test_people_csv_in_gbk(p: Personas, tmp_path: Path) -> None:
    body = "姓名,电话,所在单位,职务,角色,任职日期\n孙七,139,财政局,科员,填报员,2024年3月1日\n"
    path = tmp_path / "people.csv"
    path.write_bytes(body.encode("gbk"))
    result = import_org(path, actor=p.officer)
    assert result.people == 1
    m = Membership.objects.get(person__name="孙七")
    assert m.post.unit == p.unit_b and m.start == date(2024, 3, 1)


def test_cli_exit_codes(p: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = workbook(
        tmp_path / "bad.xlsx",
        [*GOOD_UNITS, ["ZJ01", "重复", "", "街道", "D0"]],
        [["张三", "", "无此单位", "", "", "2024-02-30", ""]],
    )
    before = counts()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_org", str(bad))
    err = capsys.readouterr().err
    assert "第2行「人员!单位」" in err and "第2行「人员!任职日期」" in err and "第6行「单位!单位代码」" in err
    assert counts() == before
    good = workbook(tmp_path / "good.xlsx", GOOD_UNITS, GOOD_PEOPLE)
    call_command("import_org", str(good), dry_run=True)
    assert "would create 3 units and 3 people" in capsys.readouterr().out
    assert counts() == before
    call_command("import_org", str(good), username="officer")
    assert "created 3 units and 3 people" in capsys.readouterr().out
    assert Unit.objects.filter(code__in=["ZJ01", "SQ01", "ZJJ"]).count() == 3
    entry = Entry.objects.get(action="org.import.committed")
    assert entry.actor == p.officer


def test_console_command_exits_non_zero_on_a_refused_file(p: Personas, tmp_path: Path) -> None:
    from luoshi.__main__ import main

    bad = workbook(tmp_path / "bad.xlsx", [["", "无代码", "", "部门", ""]], [])
    with pytest.raises(SystemExit) as exc:
        main(["luoshi", "import-org", str(bad)])
    assert exc.value.code == 1


# ---------------------------------------------------------------------------------------------
# A plain list of unit names, as offices keep them: codes made from the names, parents by name


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_list_of_names_and_categories_gets_codes_from_the_names_under_the_one_top_unit(
    p: Personas, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "units.csv",
        [["单位名称", "类别"], ["曙光街道", "街道"], ["区水务局", "区直部门"], ["区税务局", "垂直管理单位"]],
    )
    preview = parse_org(path.read_bytes(), filename="units.csv")
    assert preview.ok
    assert [(u.code, u.name, u.category, u.parent_code) for u in preview.units] == [
        ("SGJD", "曙光街道", UnitCategory.ZONE, "D0"),
        ("QSWJ", "区水务局", UnitCategory.DEPARTMENT, "D0"),
        # 区税务局 has the same initials as 区水务局: the next free code
        ("QSWJ2", "区税务局", UnitCategory.RESIDENT, "D0"),
    ]
    warnings = {w.code: w for w in preview.problems if w.level == "warning"}
    assert set(warnings) == {"org.code.generated", "org.parent.default"}
    assert "曙光街道 → SGJD" in warnings["org.code.generated"].text
    assert "示范区" in warnings["org.parent.default"].text
    result = import_org(path.read_bytes(), actor=p.officer, filename="units.csv")
    assert result.units == 3  # the commit reads the file again and makes the same codes
    assert dict(Unit.objects.filter(code__startswith="QSWJ").values_list("code", "name")) == {
        "QSWJ": "区水务局",
        "QSWJ2": "区税务局",
    }
    assert Unit.objects.get(code="SGJD").parent == p.district
    # the same list again, with one more: the units it names already are left out, and said
    path.write_text(path.read_text(encoding="utf-8") + "区审计局,区直部门\n", encoding="utf-8")
    again = parse_org(path.read_bytes(), filename="units.csv")
    assert again.ok and [(u.code, u.name) for u in again.units] == [("QSJJ", "区审计局")]
    skipped = [
        (w.row, w.column, w.params["c"]) for w in again.problems if w.code == "org.unit.exists_skipped"
    ]
    assert skipped == [(2, "单位名称", "SGJD"), (3, "单位名称", "QSWJ"), (4, "单位名称", "QSWJ2")]


def test_a_parent_may_be_written_by_name_in_the_file_or_the_database(p: Personas, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "units.csv",
        [
            ["单位名称", "类别", "上级单位"],
            ["曙光街道", "街道", "示范区"],
            ["曙光社区", "社区", "曙光街道"],
            ["发改局信息中心", "其他", "发改局"],  # a short name in the database
            ["无名单位", "其他", "不存在的单位"],
        ],
    )
    preview = parse_org(path.read_bytes(), filename="units.csv")
    parents = {u.name: u.parent_code for u in preview.units}
    assert parents == {
        "曙光街道": "D0",
        "曙光社区": "SGJD",
        "发改局信息中心": "FGJ",
        "无名单位": "不存在的单位",
    }
    [error] = [e for e in preview.problems if e.level == "error"]
    assert (error.row, error.column, error.code) == (5, "上级单位", "org.parent.missing")
    with pytest.raises(ImportRefused):
        import_org(path.read_bytes(), actor=p.officer, filename="units.csv")
    assert not Unit.objects.filter(name="曙光街道").exists()


def test_without_one_top_unit_a_list_of_names_makes_top_units(p: Personas, tmp_path: Path) -> None:
    from tests.factories import make_unit

    make_unit("另一区", category=UnitCategory.DISTRICT, code="D1")
    path = _csv(tmp_path / "units.csv", [["单位名称", "类别"], ["新区", "区"]])
    preview = parse_org(path.read_bytes(), filename="units.csv")
    assert preview.ok and [u.parent_code for u in preview.units] == [""]
    assert {w.code for w in preview.problems} == {"org.code.generated"}


def test_a_sheet_with_a_code_column_still_needs_every_code(p: Personas, tmp_path: Path) -> None:
    path = _csv(tmp_path / "units.csv", [["单位代码", "单位名称", "类别"], ["", "曙光街道", "街道"]])
    preview = parse_org(path.read_bytes(), filename="units.csv")
    assert [(e.row, e.code) for e in preview.problems if e.level == "error"] == [(2, "org.code.missing")]


def test_the_zhangjiachuan_county_list_of_units_imports_as_it_is(p: Personas) -> None:
    """A real list (甘肃省张家川县, 2010 assessment units: ../shared/samples/assessment): a name and a
    group per row, no codes, no parents."""
    data = (
        Path(__file__).resolve().parent.parent
        / "data"
        / "imports"
        / "assessment_units_zhangjiachuan_2010.csv"
    ).read_bytes()
    preview = parse_org(data, filename="assessment_units_zhangjiachuan_2010.csv")
    assert preview.ok, [e.text for e in preview.problems]
    # 财政局 is the short name of the test district's 区财政局: that unit, not a new one
    [skipped] = [w for w in preview.problems if w.code == "org.unit.exists_skipped"]
    assert (skipped.params["u"], skipped.params["c"]) == ("财政局", "CZJ")
    assert len(preview.units) == 94
    by_category: dict[str, int] = {}
    for u in preview.units:
        by_category[u.category] = by_category.get(u.category, 0) + 1
    assert by_category == {UnitCategory.ZONE: 15, UnitCategory.DEPARTMENT: 60, UnitCategory.RESIDENT: 19}
    codes = [u.code for u in preview.units]
    assert len(set(codes)) == 94 and all(c.isascii() and c.isalnum() for c in codes)
    assert preview.units[0].name == "张川镇" and preview.units[0].code == "ZCZ"
    before = Unit.objects.count()
    result = import_org(data, actor=p.officer, filename="assessment_units_zhangjiachuan_2010.csv")
    assert result.units == 94 and Unit.objects.count() == before + 94
    assert Unit.objects.get(code="ZCZ").parent == p.district


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("区委组织部", UnitCategory.DEPARTMENT),
        ("区发展和改革委员会", UnitCategory.DEPARTMENT),
        ("区人民政府办公室", UnitCategory.DEPARTMENT),
        ("江滨街道办事处", UnitCategory.ZONE),
        ("十里铺镇", UnitCategory.ZONE),
        ("临江经济技术开发区", UnitCategory.ZONE),  # a zone, not a district, for its 开发区
        ("临江区", UnitCategory.DISTRICT),
        ("临江村", UnitCategory.COMMUNITY),
        ("滨江社区居委会", UnitCategory.COMMUNITY),
        ("国家税务总局临江区税务局临江分局", UnitCategory.RESIDENT),  # 分局 before 局
        ("中国移动临江分公司", UnitCategory.RESIDENT),
        ("张家川", UnitCategory.OTHER),
    ],
)
def test_a_unit_s_category_is_told_by_the_end_of_its_name(name: str, category: str) -> None:
    from luoshi.imports.org_import import guess_category

    assert guess_category(name) == category


def test_a_list_of_names_in_groups_takes_each_group_s_category(p: Personas, tmp_path: Path) -> None:
    """A 单位名册 as offices type it: a title, 序号 and 单位名称 only, and group headings (merged across the
    table, or 一/二 in 序号 beside the group's name) whose words give the units below their category."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["张家川县考核单位名册", None])
    ws.merge_cells("A1:B1")
    ws.append(["序号", "单位名称"])
    ws.append(["一、乡镇（2个）", None])
    ws.merge_cells("A3:B3")
    ws.append([1, "张川镇"])
    ws.append([2, "十里铺镇"])  # 十 is not a heading's number here
    ws.append(["二", "党群部门"])
    ws.append([1, "纪委"])  # 纪委 alone would be a department by its name too
    ws.append(["三", "垂直管理单位"])
    ws.append([1, "电力局"])  # by its name a department; its group says otherwise
    ws.append([None, "四、其他"])
    ws.append([1, "供销社"])
    path = tmp_path / "名册.xlsx"
    wb.save(path)
    preview = parse_org(path.read_bytes(), filename="名册.xlsx")
    assert preview.ok, [e.text for e in preview.problems]
    assert [(u.row, u.name, u.category) for u in preview.units] == [
        (4, "张川镇", UnitCategory.ZONE),
        (5, "十里铺镇", UnitCategory.ZONE),
        (7, "纪委", UnitCategory.DEPARTMENT),
        (9, "电力局", UnitCategory.RESIDENT),
        (11, "供销社", UnitCategory.OTHER),
    ]
    [guessed] = [w for w in preview.problems if w.code == "org.category.guessed"]
    assert "5 个单位的类别按分组标题或名称推断" in guessed.text and "驻区单位 1" in guessed.text
    assert import_org(path.read_bytes(), actor=p.officer, filename="名册.xlsx").units == 5
    # units numbered 一, 二 in 序号 are units, not headings (their names name no category)
    numbered = _csv(tmp_path / "numbered.csv", [["序号", "单位名称"], ["一", "区审计局"], ["二", "区档案馆"]])
    assert [u.name for u in parse_org(numbered.read_bytes(), filename="numbered.csv").units] == [
        "区审计局",
        "区档案馆",
    ]
    assert Unit.objects.get(name="电力局").category == UnitCategory.RESIDENT


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("局长", Role.HEAD),
        ("党组书记、局长", Role.HEAD),
        ("主任", Role.HEAD),
        ("社区书记", Role.REPORTER),  # not a title by itself: files
        ("副局长", Role.REPORTER),
        ("办公室主任", Role.REPORTER),
        ("联络员", Role.REPORTER),
        ("副区长", Role.LEADER),
        ("区委常委、常务副区长", Role.LEADER),
        ("", Role.REPORTER),
    ],
)
def test_without_a_role_a_title_that_is_a_chief_s_or_a_leader_s_tells_it(
    p: Personas, tmp_path: Path, title: str, role: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f"姓名,单位,职务\n张三,区发展和改革局,{title}\n", encoding="utf-8")
    preview = parse_org(path)
    assert preview.ok, preview.problems
    (person,) = preview.people
    assert person.role == role
    (note,) = [x for x in preview.problems if x.code == "org.role.told"]
    assert note.level == "warning"


def test_the_preview_counts_the_roles_told_by_title(p: Personas, tmp_path: Path) -> None:
    from luoshi.imports.common import render_message

    path = tmp_path / "people.csv"
    path.write_text(
        "姓名,单位,职务\n甲,区发展和改革局,局长\n乙,区发展和改革局,副局长\n丙,区发展和改革局,联络员\n丁,示范区,副区长\n",
        encoding="utf-8",
    )
    preview = parse_org(path)
    (note,) = [x for x in preview.problems if x.code == "org.role.told"]
    words = render_message(note.code, note.params)
    assert "单位主要负责人 1 人" in words and "区领导 1 人" in words and "其余 2 人为填报员" in words
    import_org(path, actor=p.officer)
    head = Person.objects.get(name="甲")
    assert Membership.objects.get(person=head).post.role == Role.HEAD
