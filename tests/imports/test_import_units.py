"""Unit names in task imports: group words, near misses as suggestions only, names an office maps
once (remembered as aliases), and matching scoped to the plan owner's part of the organisation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from luoshi.audit.models import Entry
from luoshi.demo import data as demo
from luoshi.imports.models import BatchState, ImportBatch, ImportKind
from luoshi.imports.services import batch_choose_lead, batch_commit, batch_create, batch_map_name
from luoshi.imports.task_import import parse_tasks
from luoshi.org.models import Unit, UnitAlias, UnitCategory
from luoshi.work.models import Plan, Task
from tests.factories import Personas, make_unit

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


def demo_units(p: Personas) -> dict[str, Unit]:
    """The demo district's zones, streets, town and departments (names, short names, aliases as
    `luoshi demo` writes them: 江滨街道办事处, 青山镇人民政府 …) under the personas' district."""
    units: dict[str, Unit] = {}
    for specs, category in ((demo.ZONES, UnitCategory.ZONE), (demo.DEPARTMENTS, UnitCategory.DEPARTMENT)):
        for spec in specs:
            u = Unit.objects.filter(code=spec.code).first() or make_unit(
                spec.name, parent=p.district, category=category, code=spec.code
            )
            u.short_name, u.aliases = spec.short, spec.aliases
            u.save()
            units[spec.code] = u
    return units


def table(path: Path, rows: list[list[Any]], title: str = "2026年重点工作任务分解表") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title, None, None, None, None])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def plan(p: Personas, name: str = "2026年重点工作", owner: Unit | None = None) -> Plan:
    target = p.plan(name=name, year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    if owner is not None:
        target.owner_unit = owner
        target.save()
    return target


def test_group_words_expand_to_the_demo_streets_towns_and_departments(p: Personas, tmp_path: Path) -> None:
    units = demo_units(p)
    path = table(
        tmp_path / "groups.xlsx",
        [
            [1, "背街小巷整治", "区城管局", "各街道", "全年"],
            [2, "人居环境整治", "区农业农村局", "各镇街", "全年"],
            [3, "安全生产大检查", "区应急局", "区直各部门", "全年"],
            [4, "招商引资", "区投促局", "各功能区", "全年"],
        ],
    )
    preview = parse_tasks(path, plan=plan(p))
    assert preview.ok, preview.problems
    assert [x for x in preview.problems if "街镇" in x.message or "没有" in x.message] == []
    streets = {"江滨街道办事处", "新城街道办事处", "河西街道办事处", "望湖街道办事处"}
    one, two, three, four = preview.rows
    assert set(one.co_names) == streets
    assert set(two.co_names) == streets | {"青山镇人民政府"}
    departments = {u.name for u in units.values() if u.category == UnitCategory.DEPARTMENT}
    departments.add(p.office.name)  # the personas' 区委督查室 (区发改局 and 区财政局 are the demo's)
    assert set(three.co_names) == departments - {"区应急管理局"}  # the lead is not its own co-unit
    assert set(four.co_names) == {
        "临江经济技术开发区管委会",
        "临江高新技术产业园区管委会",
        "临江港综合保税区管委会",
    }


def test_a_near_miss_is_only_suggested_and_the_demo_does_not_map_reform_office_silently(
    p: Personas,
) -> None:
    units = demo_units(p)
    preview = parse_tasks(DATA / "huoshan2025_tasks.xlsx", plan=plan(p))
    by_row = {r.row: r for r in preview.rows}
    # 改革办 was an alias of 区委政策研究室 in the demo: a guess written into the data, applied silently.
    assert by_row[4].lead_id is None and by_row[4].lead_name == "改革办"
    assert by_row[5].lead_id is None  # 规划建设局 looks like two units: neither is applied
    names = {n["written"]: n for n in preview.names}
    assert names["改革办"]["status"] == "unknown"
    fuzzy = names["规划建设局"]
    assert fuzzy["status"] == "fuzzy" and fuzzy["unit_id"] is None
    assert set(fuzzy["suggestion_ids"]) == {units["ZRJ"].pk, units["ZJJ"].pk}
    assert {"招商工作部", "安商工作部"} <= set(names)
    assert not preview.ok


def test_the_office_maps_names_once_and_the_next_import_asks_nothing(p: Personas, tmp_path: Path) -> None:
    units = demo_units(p)
    body = (DATA / "huoshan2025_tasks.xlsx").read_bytes()
    first = plan(p, "2025年开发区重点工作")
    batch = batch_create(
        actor=p.officer, kind=ImportKind.TASKS, data=body, filename="huoshan2025_tasks.xlsx", plan=first
    )
    assert batch.state == BatchState.REFUSED
    asked = [n["written"] for n in batch.preview["names"]]
    assert asked == ["招商工作部", "安商工作部", "改革办", "规划建设局"]
    before = Unit.objects.count()
    batch = batch_map_name(actor=p.officer, batch=batch, written="招商工作部", create_under=p.district)
    batch = batch_map_name(actor=p.officer, batch=batch, written="安商工作部", create_under=p.district)
    batch = batch_map_name(actor=p.officer, batch=batch, written="改革办", unit=units["ZYS"])
    assert batch.state == BatchState.REFUSED  # 规划建设局 is still open: no commit yet
    refused = batch_commit(actor=p.officer, batch=batch)
    assert refused.state == BatchState.REFUSED and not Task.objects.filter(plan=first).exists()
    batch = batch_map_name(actor=p.officer, batch=batch, written="规划建设局", unit=units["ZRJ"])
    assert batch.state == BatchState.READY, batch.preview["problems"]
    assert {n["status"] for n in batch.preview["names"]} == {"alias"}
    assert Unit.objects.count() == before + 2
    zs = Unit.objects.get(name="招商工作部")
    assert zs.parent == p.district and zs.category == UnitCategory.DEPARTMENT
    assert set(UnitAlias.objects.values_list("name", "unit__name")) == {
        ("招商工作部", "招商工作部"),
        ("安商工作部", "安商工作部"),
        ("改革办", "区委政策研究室"),
        ("规划建设局", "区自然资源和规划分局"),
    }
    assert Entry.objects.filter(action="org.unit.alias_set").count() == 4
    assert Entry.objects.filter(action="org.unit.created").count() >= 2

    batch = batch_commit(actor=p.officer, batch=batch)
    assert batch.state == BatchState.COMMITTED
    t1, t2, t3 = Task.objects.filter(plan=first).order_by("code")
    assert t1.lead_unit == zs and [u.name for u in t1.co_units.all()] == ["安商工作部"]
    assert t2.lead_unit == units["ZYS"] and t3.lead_unit == units["ZRJ"]

    # The same table into another plan: the remembered names resolve with no question.
    second = plan(p, "2026年开发区重点工作")
    again = batch_create(
        actor=p.officer, kind=ImportKind.TASKS, data=body, filename="huoshan2025_tasks.xlsx", plan=second
    )
    assert again.state == BatchState.READY, again.preview["problems"]
    assert [e["status"] for e in again.preview["names"]] == ["alias"] * 4
    again = batch_commit(actor=p.officer, batch=again)
    assert again.state == BatchState.COMMITTED
    assert Task.objects.get(plan=second, code="2").lead_unit == units["ZYS"]


def test_a_row_without_a_lead_gets_the_lead_the_office_chooses(p: Personas) -> None:
    demo_units(p)
    body = (DATA / "caidian2023_tasks.xlsx").read_bytes()
    target = plan(p, "2023年蔡甸重点任务")
    batch = batch_create(
        actor=p.officer, kind=ImportKind.TASKS, data=body, filename="caidian2023_tasks.xlsx", plan=target
    )
    assert batch.state == BatchState.REFUSED
    jxj = Unit.objects.get(code="JXJ")
    batch = batch_map_name(actor=p.officer, batch=batch, written="区科技和经信局", unit=jxj)
    assert batch.state == BatchState.REFUSED  # row 6 still names no lead
    batch = batch_choose_lead(actor=p.officer, batch=batch, row=6, unit=jxj)
    assert batch.state == BatchState.READY, batch.preview["problems"]
    batch = batch_commit(actor=p.officer, batch=batch)
    assert batch.state == BatchState.COMMITTED
    assert Task.objects.get(plan=target, code="4").lead_unit == jxj
    entry = Entry.objects.get(action="work.import.committed")
    assert entry.data["lead_choices"] == {"6": jxj.pk}


def test_only_officers_map_names(p: Personas) -> None:
    from luoshi.errors import NotAllowed

    demo_units(p)
    body = (DATA / "caidian2023_tasks.xlsx").read_bytes()
    batch = batch_create(
        actor=p.officer, kind=ImportKind.TASKS, data=body, filename="c.xlsx", plan=plan(p, "甲计划")
    )
    with pytest.raises(NotAllowed):
        batch_map_name(actor=p.reporter_a, batch=batch, written="区科技和经信局", unit=p.unit_a)
    assert not UnitAlias.objects.exists()


# ---------------------------------------------------------------------------------------------
# Matching scoped to the plan owner: a province with two districts whose units share names.


def _region(province: Unit, name: str, code: str) -> dict[str, Unit]:
    d = make_unit(name, parent=province, category=UnitCategory.DISTRICT, code=code)
    return {
        "district": d,
        "office": make_unit("区委督查室", parent=d, code=f"{code}DCS", short_name="督查室"),
        "fgj": make_unit("区发展和改革局", parent=d, code=f"{code}FGJ", short_name="区发改局"),
        "zjj": make_unit("区住房和城乡建设局", parent=d, code=f"{code}ZJJ", short_name="区住建局"),
        "street1": make_unit(
            f"{name[:2]}路街道办事处", parent=d, category=UnitCategory.ZONE, code=f"{code}S1"
        ),
        "street2": make_unit(
            f"{name[:2]}桥街道办事处", parent=d, category=UnitCategory.ZONE, code=f"{code}S2"
        ),
    }


@pytest.fixture
def province(p: Personas) -> dict[str, Any]:
    root = make_unit("江南省", category=UnitCategory.DISTRICT, code="JN")
    city = make_unit("省发展和改革委员会", parent=root, code="JNFGW", short_name="省发改委")
    return {
        "root": root,
        "fgw": city,
        "east": _region(root, "东湖区", "DH"),
        "west": _region(root, "西山区", "XS"),
    }


def _housing_table(path: Path) -> Path:
    # A district's own table: its departments by short name, its streets as a group, a provincial unit.
    return table(
        path,
        [
            [1, "老旧小区改造开工30个", "区住建局", "区发改局、各街道", "10月底前"],
            [2, "争取中央预算内投资", "区发改局", "省发改委", "全年"],
        ],
        title="东湖区2026年城市更新重点任务分解表",
    )


def test_matching_looks_in_the_plan_owners_district_first_then_upward(
    p: Personas, province: dict[str, Any], tmp_path: Path
) -> None:
    east, west = province["east"], province["west"]
    path = _housing_table(tmp_path / "donghu.xlsx")

    preview = parse_tasks(path, plan=plan(p, "东湖城市更新", owner=east["office"]))
    assert preview.ok, preview.problems
    one, two = [r for r in preview.rows if not r.is_section]
    assert one.lead_id == east["zjj"].pk
    assert set(one.co_ids) == {east["fgj"].pk, east["street1"].pk, east["street2"].pk}
    assert two.lead_id == east["fgj"].pk and two.co_ids == [province["fgw"].pk]  # found one level up

    # The same table in the other district's plan names that district's units.
    preview = parse_tasks(path, plan=plan(p, "西山城市更新", owner=west["district"]))
    one, two = [r for r in preview.rows if not r.is_section]
    assert one.lead_id == west["zjj"].pk
    assert set(one.co_ids) == {west["fgj"].pk, west["street1"].pk, west["street2"].pk}

    # Without an owner the name is ambiguous across the province: asked, never guessed.
    preview = parse_tasks(path, plan=plan(p, "无主计划"))
    assert not preview.ok
    names = {n["written"]: n for n in preview.names}
    assert names["区住建局"]["status"] == "ambiguous"
    assert set(names["区住建局"]["suggestion_ids"]) == {east["zjj"].pk, west["zjj"].pk}
    one = next(r for r in preview.rows if r.title == "老旧小区改造开工30个")
    assert one.co_ids == []  # 各街道 of which district? none are linked, and the preview says so
    assert any("各街道" in x.message and x.level == "warning" for x in preview.problems if x.row == one.row)


def test_an_alias_holds_in_the_district_it_was_mapped_for(
    p: Personas, province: dict[str, Any], tmp_path: Path
) -> None:
    east, west = province["east"], province["west"]
    path = table(tmp_path / "t.xlsx", [[1, "城市体检", "城建中心", None, "全年"]])
    east_plan = plan(p, "东湖计划", owner=east["office"])
    batch = batch_create(
        actor=p.officer, kind=ImportKind.TASKS, data=path.read_bytes(), filename="t.xlsx", plan=east_plan
    )
    batch = batch_map_name(actor=p.officer, batch=batch, written="城建中心", unit=east["zjj"])
    assert batch.state == BatchState.READY
    alias = UnitAlias.objects.get()
    assert alias.scope == east["district"]
    assert (
        parse_tasks(path, plan=plan(p, "东湖计划二", owner=east["district"])).rows[0].lead_id
        == east["zjj"].pk
    )
    west_preview = parse_tasks(path, plan=plan(p, "西山计划", owner=west["office"]))
    assert west_preview.rows[0].lead_id is None and not west_preview.ok
    assert ImportBatch.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The preview page: choices posted by HTMX, officers only, in Chinese and in English.


def test_preview_page_maps_names_by_htmx_for_officers_only(p: Personas) -> None:
    from django.test import Client
    from django.utils import translation

    from tests.web.test_i18n import chinese_left, english_words, user_data, visible_text

    units = demo_units(p)
    body = (DATA / "huoshan2025_tasks.xlsx").read_bytes()
    with translation.override("zh-hans"):  # problems are stored as text, in the uploader's language
        batch = batch_create(
            actor=p.officer,
            kind=ImportKind.TASKS,
            data=body,
            filename="huoshan.xlsx",
            plan=plan(p, "开发区计划"),
        )
    officer, reporter = Client(), Client()
    officer.force_login(p.officer)
    reporter.force_login(p.reporter_a)
    url = f"/imports/{batch.pk}/"

    html = officer.get(url).content.decode()
    assert html.count('class="name-choice') == 4 and 'id="import-commit"' not in html
    assert not english_words(html)
    officer.cookies["django_language"] = "en"
    english = officer.get(url).content.decode()
    file_text = [r["title"] for r in batch.preview["rows"]] + [
        r["leader_name"] for r in batch.preview["rows"]
    ]
    file_text += [n["written"] for n in batch.preview["names"]] + ["全年"]
    file_text += [x["column"] for x in batch.preview["problems"]]  # the file's own header
    known = sorted(set(user_data() + file_text), key=len, reverse=True)
    left = chinese_left(visible_text(english), known)
    assert not left, left
    assert "Unit names" in english and "Create “改革办” under 示范区" in english

    choice = {"written": "改革办", "choice": f"unit:{units['ZYS'].pk}"}
    assert reporter.post(f"{url}map/", choice, HTTP_HX_REQUEST="true").status_code == 403
    assert not UnitAlias.objects.exists()
    part = officer.post(f"{url}map/", choice, HTTP_HX_REQUEST="true")
    assert part.status_code == 200
    text = part.content.decode()
    assert text.startswith('<div id="import-body">') and "<html" not in text
    assert UnitAlias.objects.get().unit == units["ZYS"]
    assert 'data-written="改革办"' in text and "name-alias" in text
    # Focus goes back to that name's choice (swapped in anew); the live region says it was chosen.
    said = json.loads(part["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {
        "message": "Unit chosen for “改革办”.",
        "focus": '#import-names tr[data-written="改革办"] select',
    }
    # Without JavaScript the form posts and the page comes back.
    response = officer.post(f"{url}map/", {"written": "安商工作部", "choice": f"new:{p.district.pk}"})
    assert response.status_code == 302 and response["Location"] == url
    bad = officer.post(f"{url}map/", {"written": "招商工作部", "choice": "unit:abc"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and UnitAlias.objects.count() == 2
    said = json.loads(bad["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said["message"] and "招商工作部" in said["focus"]


def test_the_page_tells_apart_same_named_suggestions_by_their_district(
    p: Personas, province: dict[str, Any], tmp_path: Path
) -> None:
    from django.test import Client

    path = _housing_table(tmp_path / "donghu.xlsx")
    batch = batch_create(
        actor=p.officer,
        kind=ImportKind.TASKS,
        data=path.read_bytes(),
        filename="d.xlsx",
        plan=plan(p, "无主计划"),
    )
    officer = Client()
    officer.force_login(p.officer)
    html = officer.get(f"/imports/{batch.pk}/").content.decode()
    east, west = province["east"]["zjj"], province["west"]["zjj"]
    assert f'<option value="unit:{east.pk}">区住房和城乡建设局 · 东湖区</option>' in html
    assert f'<option value="unit:{west.pk}">区住房和城乡建设局 · 西山区</option>' in html
