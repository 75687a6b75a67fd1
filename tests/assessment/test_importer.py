"""Scheme import from the sample rules table: every readable rule becomes data, the rest is listed
for the office to map by hand, and the import is all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from luoshi.assessment import importer
from luoshi.assessment.models import DeductionRule, Indicator, Scheme
from luoshi.audit.models import Entry
from luoshi.errors import LuoshiError, NotAllowed
from tests.factories import Personas

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "assessment" / "assessment_rules.csv"
D = Decimal

DUCHA_MAPPING = {
    "map-r12-action": "use",
    "map-r12-points": "5",
    "map-r12-kind": "assessment.other",
    "map-r16-action": "use",
    "map-r16-points": "10",
    "map-r16-kind": "assessment.other",
    "map-r20-action": "use",
    "map-r20-points": "5",
    "map-r20-kind": "assessment.other",
    "map-r22-action": "ignore",
    "map-w0-action": "use",
    "map-w0-points": "50",
    "map-w1-action": "use",
    "map-w1-points": "30",
}


@pytest.fixture
def data() -> bytes:
    return SAMPLE.read_bytes()


def test_every_scheme_in_the_sample_is_read(data: bytes) -> None:
    first = importer.preview(data, "rules.csv")
    assert [s for s, _n in first.schemes] == [
        "wzdkw2012",
        "ducha_xize",
        "gd2020",
        "ziyang2009",
        "xiangzhen_kaoping",
    ]
    # 千分制 with 按实绩/按排名赋分: all nine indicators read, weights 1000.
    assert first.source == "wzdkw2012" and first.ready
    assert first.data is not None and first.data.total == 1000
    assert [i.method for i in first.data.groups[0].indicators] == [
        "measure", "rank", "rank", "rank", "rank", "rank", "measure", "measure", "measure"
    ]  # fmt: skip
    ducha = importer.preview(data, "rules.csv", source="ducha_xize")
    assert ducha.data is not None and ducha.data.total == 100 and ducha.data.base_score == 100
    rules = [d for i in ducha.data.groups[0].indicators for d in i.deductions]
    assert [(r.kind, r.points) for r in rules] == [
        ("work.late_report", D(10)),  # 未报扣10分
        ("work.late_report", D(10)),
        ("work.late_report", D(10)),
        ("work.late_report", D(10)),
        ("meetings.absence", D(5)),  # 每次扣5分
        ("work.late_report", D(10)),  # 未上报每件扣10分
    ]
    pending = {p.key: p for p in ducha.pending}
    assert pending["r16"].need == "points" and (pending["r16"].low, pending["r16"].high) == (
        D(5),
        D(10),
    )  # 扣5-10分
    assert pending["r20"].need == "kind"  # a report's quality names no event: not guessed
    assert pending["r12"].need == "kind"
    assert pending["w0"].need == "weight" and pending["w1"].need == "weight"
    assert not ducha.ready and "6 条规则未处理" in ducha.problem
    gd = importer.preview(data, "rules.csv", source="gd2020")
    assert gd.data is not None
    assert [(g.name, g.minimum) for g in gd.data.grades] == [("优秀", D(90)), ("良好", D(80)), ("一般", D(0))]
    kp = importer.preview(data, "rules.csv", source="xiangzhen_kaoping")
    assert kp.data is not None and kp.data.total == 1000 and len(kp.data.vetoes) == 1
    assert {p.need for p in kp.pending} == {"indicator", "note"}


def test_import_wzdkw_directly(p: Personas, data: bytes) -> None:
    scheme = importer.scheme_import(actor=p.officer, data=data, filename="rules.csv", source="wzdkw2012")
    assert scheme.total == 1000
    assert sum(i.weight for i in Indicator.objects.filter(group__scheme=scheme)) == 1000
    assert Entry.objects.filter(action="assessment.scheme.imported").count() == 1


def test_ducha_mapped_by_hand_then_imported(p: Personas, data: bytes) -> None:
    scheme = importer.scheme_import(
        actor=p.officer, data=data, filename="rules.csv", source="ducha_xize", mapping=DUCHA_MAPPING
    )
    groups = list(scheme.groups.all())
    assert [g.multiplier for g in groups] == [D(1), D(2)]  # 列督事项 only: deductions doubled
    first = list(groups[0].indicators.all())
    assert [(i.name, i.weight, i.method) for i in first] == [
        ("区政府重点工作", D(50), "deduction"),
        ("区政府领导对实施情况的评价", D(20), "manual"),
        ("市、区两级政府列督事项", D(30), "deduction"),
    ]
    assert DeductionRule.objects.filter(indicator=first[0]).count() == 7
    assert DeductionRule.objects.filter(indicator=first[2]).count() == 2
    assert DeductionRule.objects.filter(indicator=first[0], kind="assessment.other").count() == 2


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"map-r22-action": ""}, "1 条规则未处理"),
        ({"map-r16-points": "12"}, "5 到 10 分之间"),
        ({"map-r20-kind": "", "map-r20-points": ""}, "请填写扣分分值并选择事项类型"),
        ({"map-w1-points": "40"}, "应等于总分"),
        ({"map-w0-points": ""}, "请填写分值"),
    ],
)
def test_refused_imports_write_nothing(p: Personas, data: bytes, change: dict[str, str], words: str) -> None:
    with pytest.raises(LuoshiError) as err:
        importer.scheme_import(
            actor=p.officer,
            data=data,
            filename="rules.csv",
            source="ducha_xize",
            mapping={**DUCHA_MAPPING, **change},
        )
    assert words in err.value.message
    assert not Scheme.objects.exists()


def test_import_needs_the_office_and_a_readable_table(p: Personas, data: bytes) -> None:
    with pytest.raises(NotAllowed):
        importer.scheme_import(actor=p.head_a, data=data, filename="rules.csv")
    with pytest.raises(LuoshiError, match="缺少列"):
        importer.preview(b"a,b\n1,2\n", "x.csv")


def _office_table() -> bytes:
    """An office's own 考核细则, not the sample's columns: a title, 一级指标 merged down its rows,
    分值 and 评分标准, a deduction row and a veto row."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年度区直部门目标管理绩效考核细则"])
    ws.merge_cells("A1:E1")
    ws.append(["一级指标", "二级指标", "分值", "评分标准", "考核单位"])
    ws.append(
        [
            "重点工作（60分）",
            "区政府重点工作任务完成情况",
            40,
            "按序时进度完成计满分，每滞后一项扣2分",
            "区委督查室",
        ]
    )
    ws.append([None, "上级督办事项落实", 20, "每项未按期办结扣2分", "区委督查室"])
    ws.merge_cells("A3:A4")
    ws.append(["日常工作（40分）", "信息报送", 10, "按实绩赋分", "区委办"])
    ws.append([None, "会议出席", 10, "未按要求参加会议每次扣1分", "区委督查室"])
    ws.append([None, "综合评价", 20, "由区领导评价", "区考核办"])
    ws.merge_cells("A5:A7")
    ws.append(["扣分项", "未按时报送季度进展报告", "", "未报扣5分", "区委督查室"])
    ws.append(["一票否决", "发生重大安全生产责任事故", "", "实行一票否决", "区应急局"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_office_s_own_table_is_read_without_the_sample_s_columns(p: Personas) -> None:
    parsed = importer.preview(_office_table(), "细则.xlsx")
    assert parsed.schemes == [("table", "2025年度区直部门目标管理绩效考核细则")]
    assert parsed.parsed == [
        "第5行 指标“信息报送” 10分，按实绩赋分",
        "第8行 扣分规则“未按时报送季度进展报告”：每次扣5分（work.late_report）",
        "第9行 一票否决：发生重大安全生产责任事故 — 实行一票否决",
    ]
    # indicators whose method the table does not name wait for the office, with their points
    assert [(x.key, x.need, x.low) for x in parsed.pending] == [
        ("r3", "indicator", D(40)),
        ("r4", "indicator", D(20)),
        ("r6", "indicator", D(10)),
        ("r7", "indicator", D(20)),
        ("w0", "weight", None),
    ]
    mapping = {f"map-r{n}-action": "use" for n in (3, 4, 6, 7)} | {
        "map-r3-method": "measure",
        "map-r4-method": "measure",
        "map-r6-method": "measure",
        "map-r7-method": "manual",
        "map-w0-action": "use",
        "map-w0-points": "0",
    }
    scheme = importer.scheme_import(
        actor=p.officer, data=_office_table(), filename="细则.xlsx", mapping=mapping
    )
    assert (scheme.name, scheme.total) == ("2025年度区直部门目标管理绩效考核细则", 100)
    named = dict(Indicator.objects.filter(group__scheme=scheme).values_list("name", "weight"))
    assert named["区政府重点工作任务完成情况"] == 40 and named["综合评价"] == 20
    assert sum(named.values()) == 100
    assert DeductionRule.objects.filter(indicator__group__scheme=scheme, kind="work.late_report").count() == 1
