"""Importing published statistics tables: the three sample files as published, region matching
(code, exact name, name without its suffix within a parent, ambiguous names refused and listed),
bad rows refused with row and column and nothing written, re-import idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from luoshi.audit.models import Entry
from luoshi.benchmark import importer, rules
from luoshi.benchmark.models import Region, Value
from luoshi.errors import LuoshiError, NotAllowed
from tests.factories import Personas

from .conftest import csv_bytes, region, sample

pytestmark = pytest.mark.usefixtures("divisions")


def test_the_divisions_are_imported_with_levels_and_parents(p: Personas) -> None:
    assert Region.objects.count() == 3213
    assert region("420112").parent == region("420100")
    assert region("420100").parent == region("420000")
    assert region("110101").parent == region("110000")  # a municipality's district
    assert region("429004").parent == region("420000")  # 省直辖: no 429000 in the table
    assert (region("420000").level, region("420100").level, region("420112").level) == (
        "province",
        "city",
        "county",
    )


def _value(code: str, indicator: str, year: int, quarter: int = 4) -> Decimal:
    return Value.objects.get(
        region__code=code, indicator__code=indicator, period__year=year, period__quarter=quarter
    ).value


def test_the_chongqing_ranking_by_code(p: Personas) -> None:
    done = importer.stats_import(
        actor=p.officer, data=sample("chongqing_districts_2019_gdp_rank.csv"), filename="cq.csv"
    )
    assert (done.rows, done.created, done.periods) == (18, 18, ["2019年"])
    assert _value("500112", "gdp", 2019) == Decimal("1848.24")
    v = Value.objects.get(region__code="500112")
    assert (v.source, v.source_row) == ("cq.csv", 2)


def test_the_nanjing_yearbook_with_thousands_separators_and_short_city_names(p: Personas) -> None:
    parsed = importer.preview(data=sample("peer_cities_2016_nanjing_yearbook_t18-2.csv"), filename="nj.csv")
    assert parsed.errors == []
    assert [r.region.code for r in parsed.rows][:4] == ["110000", "120000", "310000", "500000"]
    assert "第一产业" in " ".join(parsed.ignored) and "source_url" in parsed.ignored
    importer.stats_import(actor=p.officer, data=sample("peer_cities_2016_nanjing_yearbook_t18-2.csv"))
    assert _value("110000", "gdp", 2016) == Decimal("24899.30")
    assert _value("320100", "gdp", 2016) == Decimal("10503.02")
    assert _value("110000", "gdp_growth", 2016) == Decimal("6.7")
    assert _value("500000", "industry", 2016) == Decimal("6040.53")
    assert not Value.objects.filter(
        region__code="210100", indicator__code="gdp_growth"
    ).exists()  # 沈阳 blank


def test_the_bulletin_snippets_with_parents_and_written_periods(p: Personas) -> None:
    parsed = importer.preview(data=sample("county_district_bulletin_snippets.csv"), filename="b.csv")
    assert parsed.errors == []
    by_name = {r.written: r for r in parsed.rows}
    assert by_name["市中区"].region.code == "370402"  # 山东省枣庄市: one of several 市中区
    assert by_name["涪陵区"].period == rules.PeriodKey(2025, 3)
    assert by_name["盖州市"].period == rules.PeriodKey(2024, 4)
    assert by_name["涪陵区"].values["revenue_growth"] == Decimal("-19.4")
    assert by_name["宁远县"].values["gdp"] == Decimal("261.6611")


def test_an_ambiguous_name_is_refused_with_the_candidates(p: Personas) -> None:
    data = csv_bytes("地区,年份,地区生产总值(亿元)", "市中区,2024,100")
    parsed = importer.preview(data=data)
    assert len(parsed.errors) == 1
    e = parsed.errors[0]
    assert (e.row, e.column) == (2, "地区")
    assert "370402" in e.message and "511002" in e.message
    # The office chooses the parent: then the name is one region.
    within = importer.preview(data=data, within=region("370400"))
    assert within.errors == [] and within.rows[0].region.code == "370402"


def test_a_name_without_its_suffix_matches_within_the_parent(p: Personas) -> None:
    parsed = importer.preview(
        data=csv_bytes("地区,年份,GDP增长%", "江夏,2024,增长6.5%"), within=region("420100")
    )
    assert parsed.errors == [] and parsed.rows[0].region.code == "420115"
    assert parsed.rows[0].values == {"gdp_growth": Decimal("6.5")}


def test_bad_rows_are_refused_with_row_and_column_and_nothing_is_written(p: Personas) -> None:
    data = csv_bytes(
        "地区,年份,地区生产总值(万元),GDP增长%",
        '东西湖区,2024,"8,000,000",下降1.2%',
        "无此区,2024,100,1",
        "江夏区,2024,一百亿,6.5",
        "黄陂区,2024,100,增长",
        "新洲区,2024年1-10月,100,1",
    )
    parsed = importer.preview(data=data)
    assert [(e.row, e.column) for e in parsed.errors] == [
        (3, "地区"),
        (4, "地区生产总值(万元)"),
        (5, "GDP增长%"),
        (6, "年份"),
    ]
    assert "一百亿" in parsed.errors[1].message
    with pytest.raises(LuoshiError, match="第 3 行「地区」"):
        importer.stats_import(actor=p.officer, data=data)
    assert not Value.objects.exists()
    assert not Entry.objects.filter(action="benchmark.stats.imported").exists()
    good = importer.preview(data=data.split(b"\n")[0] + b"\n" + data.split(b"\n")[1] + b"\n")
    assert good.rows[0].values == {"gdp": Decimal("800"), "gdp_growth": Decimal("-1.2")}


def test_reimport_changes_nothing_and_an_edited_file_updates(p: Personas) -> None:
    data = sample("chongqing_districts_2019_gdp_rank.csv")
    importer.stats_import(actor=p.officer, data=data, filename="cq.csv")
    again = importer.stats_import(actor=p.officer, data=data, filename="cq.csv")
    assert (again.created, again.updated) == (0, 0)
    assert Value.objects.count() == 18
    edited = data.replace(b"1848.24", b"1900.00")
    changed = importer.stats_import(actor=p.officer, data=edited, filename="cq.csv")
    assert (changed.created, changed.updated) == (0, 1)
    assert _value("500112", "gdp", 2019) == Decimal("1900.00")
    entry = Entry.objects.filter(action="benchmark.stats.imported").latest("pk")
    assert entry.data["updated"] == 1


def test_a_code_that_does_not_fit_the_name_is_refused(p: Personas) -> None:
    parsed = importer.preview(
        data=csv_bytes("地区,adcode,年份,地区生产总值(亿元)", "渝北区,500101,2019,1", "渝北区,999999,2019,1")
    )
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "adcode"), (3, "adcode")]
    assert "万州区" in parsed.errors[0].message


def test_only_the_office_imports(p: Personas) -> None:
    with pytest.raises(NotAllowed):
        importer.stats_import(actor=p.leader, data=sample("chongqing_districts_2019_gdp_rank.csv"))
    assert not Value.objects.exists()


def _bureau_table() -> bytes:
    """A statistics bureau's table as published: the period in the title, the indicators merged over
    their sub-headings (绝对值（亿元） | 增长（%）), a row for the whole city, 位次, 缺数 marked with —
    and …, and a note under the table."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年前三季度各区主要经济指标"])
    ws.merge_cells("A1:E1")
    ws.append(["地区", "地区生产总值", "", "规模以上工业增加值", ""])
    ws.append(["", "绝对值（亿元）", "增长（%）", "增长（%）", "位次"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:E2")
    ws.append(["全市", "8,123.45", 5.6, 6.1, ""])
    ws.append(["江岸区", 1234.5, 5.8, "—", 1])
    ws.append(["江汉区", "1,100.2", "5.1", 4.2, 2])
    ws.append(["硚口区", 800, -1.2, "…", 3])
    ws.append(["注：1.地区生产总值为初步核算数；2.“—”表示数据暂缺。"])
    ws.merge_cells("A8:E8")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_bureau_s_table_with_a_two_row_heading_a_titled_period_a_total_and_a_note(p: Personas) -> None:
    parsed = importer.preview(data=_bureau_table(), filename="三季度.xlsx", within=region("420100"))
    assert parsed.errors == []
    assert [(c.header, c.indicator.code) for c in parsed.columns] == [
        ("地区生产总值（亿元）", "gdp"),
        ("地区生产总值增长%", "gdp_growth"),
        ("规模以上工业增加值增长%", "industry_growth"),
    ]
    assert parsed.ignored == ["规模以上工业增加值 位次"]
    assert parsed.notes == [
        "统计期取自表题：2024年前三季度。",
        "第 4 行是合计（全市），未作为地区导入。",
        "第 8 行是表注，未导入：注：1.地区生产总值为初步核算数；2.“—”表示数据暂缺。",
    ]
    got = [(r.number, r.region.code, r.values) for r in parsed.rows]
    assert got == [
        (5, "420102", {"gdp": Decimal("1234.5"), "gdp_growth": Decimal("5.8")}),
        (
            6,
            "420103",
            {"gdp": Decimal("1100.2"), "gdp_growth": Decimal("5.1"), "industry_growth": Decimal("4.2")},
        ),
        (7, "420104", {"gdp": Decimal("800"), "gdp_growth": Decimal("-1.2")}),
    ]
    importer.stats_import(
        actor=p.officer, data=_bureau_table(), filename="三季度.xlsx", within=region("420100")
    )
    assert _value("420103", "industry_growth", 2024, 3) == Decimal("4.2")


def test_a_period_given_wins_over_the_title(p: Personas) -> None:
    parsed = importer.preview(
        data=_bureau_table(), filename="t.xlsx", within=region("420100"), period=rules.PeriodKey(2023, 4)
    )
    assert {r.period for r in parsed.rows} == {rules.PeriodKey(2023, 4)}
    assert not any("表题" in n for n in parsed.notes)
