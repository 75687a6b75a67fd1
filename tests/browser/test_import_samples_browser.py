"""The three real sample tables imported into the demo district (临江区, `luoshi demo --small`) in
real Chromium, unedited: the office maps each unknown or near-miss unit name in the preview (or
creates the unit), gives a lead to rows that name none, and commits; a later import of the same
table asks nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from luoshi.imports.models import BatchState, ImportBatch
from luoshi.org.models import Unit, UnitAlias
from luoshi.work.models import Plan, Task
from tests.browser.htmx import choose_and_swap

pytestmark = pytest.mark.browser

# The samples of /work/shared/samples/tasks, kept in the repository (byte for byte the same files).
DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


def _upload_new_plan(page: Any, path: Path, plan_name: str) -> ImportBatch:
    page.goto("/imports/")
    form = page.locator("#import-form")
    form.locator("input[name=kind][value=tasks]").check()
    form.locator("select[name=plan]").select_option("")
    form.locator("input[name=plan_name]").fill(plan_name)
    form.locator("input[name=file]").set_input_files(str(path))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    return ImportBatch.objects.get(plan_name=plan_name)


def _unit(name: str) -> str:
    return f"unit:{Unit.objects.get(name=name).pk}"


def _map_names(page: Any, choices: dict[str, str]) -> None:
    asked = page.locator("#import-names tr.name-choice").evaluate_all(
        "rows => rows.map(r => r.dataset.written)"
    )
    assert sorted(asked) == sorted(choices), asked
    for written, value in choices.items():
        choose_and_swap(
            page, f'#import-names tr[data-written="{written}"] select[name=choice]', value, "/map/"
        )


def _commit(page: Any, batch: ImportBatch) -> ImportBatch:
    from playwright.sync_api import expect

    # The last choice's preview is swapped in by HTMX after its response: wait for it, not for time.
    expect(page.locator("#batch-state")).to_have_text("待确认")
    expect(page.locator("#import-names tr.name-unknown, #import-names tr.name-fuzzy")).to_have_count(0)
    with page.expect_navigation():
        page.locator("#import-commit button[type=submit]").click()
    expect(page.locator("#batch-state")).to_have_text("已导入")
    batch.refresh_from_db()
    assert batch.state == BatchState.COMMITTED
    return batch


def test_the_three_sample_tables_import_into_the_demo_district_through_the_page(  # type: ignore[no-untyped-def]
    page, login, shot
):
    call_command("demo", "--small")
    district = Unit.objects.get(code="LJ")
    login(page, "ducha1")

    # 立山: 各街道 and 区直各部门 expand; 立山经济开发区 is only suggested; row 11 names no lead.
    batch = _upload_new_plan(page, DATA / "lishan2023_tasks.xlsx", "立山2023年重点工作")
    assert batch.state == BatchState.REFUSED
    assert "组织中没有" not in page.inner_text("main")
    fuzzy = page.locator('#import-names tr[data-written="立山经济开发区"]')
    assert "相近，待确认" in fuzzy.inner_text()
    suggested = fuzzy.locator("optgroup").first.locator("option").all_inner_texts()
    assert suggested == ["临江经济技术开发区管委会"]
    assert page.locator("#import-commit").count() == 0  # a suggestion is not applied by itself
    shot(page, "lishan-asks")
    _map_names(page, {"立山经济开发区": _unit("临江经济技术开发区管委会")})
    lead_rows = page.locator("#import-leads tr.lead-choice").evaluate_all(
        "rows => rows.map(r => r.dataset.row)"
    )
    assert lead_rows == ["11"]
    choose_and_swap(page, "#import-leads select[name=unit]", str(Unit.objects.get(code="FGJ").pk), "/lead/")
    shot(page, "lishan-chosen")
    batch = _commit(page, batch)
    plan = Plan.objects.get(name="立山2023年重点工作")
    tasks = Task.objects.filter(plan=plan)
    assert batch.result["created"] == tasks.count() == 8
    t3 = tasks.get(code="1.3")
    names = set(t3.co_units.values_list("name", flat=True))
    streets = {"江滨街道办事处", "新城街道办事处", "河西街道办事处", "望湖街道办事处"}
    assert streets | {"临江经济技术开发区管委会", "区财政局"} <= names and "青山镇人民政府" not in names
    assert tasks.get(code="1.7").lead_unit.code == "FGJ"

    # 霍山: two units created in the page, 改革办 mapped by hand, 规划建设局 confirmed from the suggestions.
    batch = _upload_new_plan(page, DATA / "huoshan2025_tasks.xlsx", "霍山2025年重点工作")
    assert batch.state == BatchState.REFUSED
    planning = page.locator('#import-names tr[data-written="规划建设局"] optgroup').first
    assert planning.locator("option").all_inner_texts() == ["区自然资源和规划分局", "区住房和城乡建设局"]
    _map_names(
        page,
        {
            "招商工作部": f"new:{district.pk}",
            "安商工作部": f"new:{district.pk}",
            "改革办": _unit("区委政策研究室"),
            "规划建设局": _unit("区自然资源和规划分局"),
        },
    )
    shot(page, "huoshan-chosen")
    batch = _commit(page, batch)
    tasks = Task.objects.filter(plan__name="霍山2025年重点工作").order_by("code")
    assert [t.lead_unit.name for t in tasks] == ["招商工作部", "区委政策研究室", "区自然资源和规划分局"]
    assert Unit.objects.get(name="安商工作部").parent == district

    # 蔡甸: 区科技和经信局 confirmed as 区经济和信息化局; the truncated row 6 gets a lead.
    batch = _upload_new_plan(page, DATA / "caidian2023_tasks.xlsx", "蔡甸2023年重点任务")
    _map_names(page, {"区科技和经信局": _unit("区经济和信息化局")})
    choose_and_swap(page, "#import-leads select[name=unit]", str(Unit.objects.get(code="JXJ").pk), "/lead/")
    batch = _commit(page, batch)
    assert batch.result["created"] == 4
    assert {t.lead_unit.code for t in Task.objects.filter(plan__name="蔡甸2023年重点任务")} == {"FGJ", "JXJ"}
    assert UnitAlias.objects.count() == 6

    # The same table again, into another plan: every name is remembered, nothing is asked.
    batch = _upload_new_plan(page, DATA / "huoshan2025_tasks.xlsx", "霍山2026年重点工作")
    assert batch.state == BatchState.READY, batch.preview["problems"]
    assert page.locator("#import-names tr.name-alias").count() == 4
    assert page.locator("#import-names tr.name-unknown, #import-names tr.name-fuzzy").count() == 0
    shot(page, "huoshan-again")
    _commit(page, batch)
    assert Task.objects.filter(plan__name="霍山2026年重点工作").count() == 3


def test_a_county_s_plain_list_of_units_imports_through_the_page(page, login, shot):  # type: ignore[no-untyped-def]
    """The real list of 张家川县's assessed units (names and groups only: ../shared/samples/assessment)
    into the demo district: the preview says the codes are made from the names, the units go under
    临江区, and the 13 that 临江区 has already (组织部, 财政局, …, by short name) are not made twice; the
    commit creates the other 82."""
    from playwright.sync_api import expect

    call_command("demo", "--small")
    district = Unit.objects.get(code="LJ")
    before = Unit.objects.count()
    login(page, "ducha1")
    page.goto("/imports/")
    form = page.locator("#import-form")
    form.locator("input[name=kind][value=org]").check()
    form.locator("input[name=file]").set_input_files(str(DATA / "assessment_units_zhangjiachuan_2010.csv"))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#batch-state")).to_have_text("待确认")
    problems = page.locator("#import-problems").inner_text()
    assert "张川镇 → ZCZ" in problems and "82 个单位将放在“临江区”之下" in problems
    assert "单位“组织部”已存在（区委组织部，代码 ZZB），不再新建。" in problems
    assert page.locator("#import-problems tr.has-error").count() == 0
    assert page.locator("#import-problems tr.has-warning").count() == 2 + 13
    shot(page, "zhangjiachuan-preview")
    with page.expect_navigation():
        page.locator("#import-commit button[type=submit]").click()
    expect(page.locator("#batch-state")).to_have_text("已导入")
    assert Unit.objects.count() == before + 82
    assert Unit.objects.filter(short_name="组织部").count() + Unit.objects.filter(name="组织部").count() == 1
    town = Unit.objects.get(code="ZCZ")
    assert (town.name, town.parent, town.category) == ("张川镇", district, "zone")


def test_a_district_s_project_plan_table_in_xls_imports_through_the_page(page, login, shot):  # type: ignore[no-untyped-def]
    """A 重点建设项目计划表 as a district office saves it, in the older .xls: the year in the title,
    amounts in 亿元 (the unit line above the header), a total row, group headings merged across the
    table and 建设性质 words. The preview says how each was read; the commit stores 万元."""
    from playwright.sync_api import expect

    from luoshi.projects.models import Project

    call_command("demo", "--small")
    before = Project.objects.count()
    login(page, "ducha1")
    page.goto("/projects/import/")
    form = page.locator("form:has(input[name=file])")
    form.locator("input[name=file]").set_input_files(
        str(DATA.parent / "projects" / "linjiang_2026_plan_table.xls")
    )
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    notes = page.locator("#import-warnings").inner_text()
    assert "年度取自表头或表题：2026 年。" in notes and "金额以亿元填写，已换算为万元。" in notes
    assert (
        "第 4 行：合计行，未作为项目导入：合计（4个）" in notes
        and "分组标题：二、社会民生项目（2个）" in notes
    )
    assert page.locator("#import-problems").count() == 0
    rows = page.locator("#import-commit tbody tr")
    expect(rows).to_have_count(4)
    assert "民生改善" in rows.nth(3).inner_text() and "150000.00" in rows.nth(3).inner_text()
    shot(page, "project-plan-table-preview")
    with page.expect_navigation():
        page.locator("#import-commit button[type=submit]").click()
    assert Project.objects.count() == before + 4
    made = Project.objects.get(name="区妇幼保健院迁建工程")
    assert (made.stage, made.category, made.total_investment) == ("packaged", "livelihood", 150000)
    assert made.years.get(year=2026).annual_plan == 40000 and made.lead_unit.name == "区财政局"
