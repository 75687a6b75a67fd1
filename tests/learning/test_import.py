import io

import pytest
from openpyxl import Workbook

from luoshi.errors import InvalidField
from luoshi.learning import importer, services
from luoshi.learning.models import Question
from tests.learning.helpers import course_for

pytestmark = pytest.mark.django_db

CSV = """题库（第一期）
题号,题型,题干,选项A,选项B,选项C,选项D,答案
1,单选,党的最高领导机关是,全国代表大会,中央委员会,政治局,,A
2,多选,以下哪些属于三单,权力清单,责任清单,负面清单,工作清单,ABC
3,判断,督查工作应当实事求是,,,,,对
"""


def test_parse_csv_rows():
    parsed = importer.parse("q.csv", CSV.encode("utf-8-sig"))
    assert parsed.problems == []
    assert [(r["code"], r["kind"], r["answer"]) for r in parsed.rows] == [
        ("1", "single", [0]),
        ("2", "multiple", [0, 1, 2]),
        ("3", "judge", [0]),
    ]
    assert parsed.rows[0]["options"] == ["全国代表大会", "中央委员会", "政治局"]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_a_csv_saved_in_gbk_or_as_unicode_text_reads_the_same(encoding):
    """Excel on a Chinese Windows saves csv in GBK; its "Unicode text" is UTF-16."""
    parsed = importer.parse("q.csv", CSV.encode(encoding))
    assert parsed.problems == [] and [r["code"] for r in parsed.rows] == ["1", "2", "3"]


def test_parse_xlsx_and_problems():
    wb = Workbook()
    ws = wb.active
    ws.append(["题型", "题干", "选项A", "选项B", "答案"])
    ws.append(["单选", "一", "甲", "乙", "C"])
    ws.append(["问答", "二", "甲", "乙", "A"])
    ws.append(["多选", "三", "甲", "乙", "AB"])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = importer.parse("q.xlsx", buf.getvalue())
    assert [(r, c) for r, c, _m in parsed.problems] == [(2, "答案"), (3, "题型")]
    assert len(parsed.rows) == 1


def test_parse_bad_file():
    assert importer.parse("q.xlsx", b"not a workbook").problems
    assert importer.parse("q.csv", b"a,b\n1,2\n").problems


def test_import_all_or_nothing_and_idempotent(p):
    c = course_for(p, p.reporter_a, n_single=0, n_multiple=0, n_judge=0)
    rows = importer.parse("q.csv", CSV.encode()).rows
    assert services.questions_import(actor=p.officer, course=c, rows=rows) == {"created": 3, "updated": 0}
    rows[0]["text"] = "党的最高领导机关是（修订）"
    assert services.questions_import(actor=p.officer, course=c, rows=rows) == {"created": 0, "updated": 3}
    assert Question.objects.filter(course=c).count() == 3
    bad = [
        *rows,
        {"row": 9, "code": "9", "kind": "single", "text": "x", "options": ["a", "b"], "answer": [5]},
    ]
    with pytest.raises(InvalidField):
        services.questions_import(actor=p.officer, course=c, rows=bad)
    assert Question.objects.filter(course=c).count() == 3
