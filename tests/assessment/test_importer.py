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
