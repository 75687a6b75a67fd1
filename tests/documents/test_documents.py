"""Documents out: the exporter base (xlsx/csv), the "一张表" ledger and the weekly bulletin (通报)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from luoshi.documents.bulletin import BulletinExporter, build_bulletin
from luoshi.documents.exporters import DATE, INTEGER, PERCENT, Column, Exporter, write_xlsx
from luoshi.work.models import LateReport, Light, Task, TaskUnit
from luoshi.work.selectors import compute_lights
from luoshi.work.services import report_submit
from luoshi.work.services.lights import persist_lights
from tests.helpers import exact_queries

LEDGER_HEADER = [
    "任务",
    "牵头单位",
    "配合单位",
    "责任领导",
    "责任人",
    "完成时限",
    "均衡进度",
    "实际进度",
    "亮灯",
    "最近填报",
]


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _xlsx_rows(data: bytes, sheet: int = 0) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    ws = wb.worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# ---------------------------------------------------------------------------------------------
# Exporter base


class _Numbers(Exporter):
    filename = "numbers"
    title = "标题行"
    subtitle = "副标题"

    def __init__(self, n: int) -> None:
        self.n = n
        self.pulled = 0

    def columns(self):  # type: ignore[no-untyped-def]
        return [
            Column("名称", width=20),
            Column("日期", kind=DATE),
            Column("进度", kind=PERCENT),
            Column("数", kind=INTEGER),
        ]

    def rows(self):  # type: ignore[no-untyped-def]
        for i in range(self.n):
            self.pulled += 1
            yield (f"第{i}行", date(2026, 1, 1 + i % 28), Decimal("12.5") * (i % 9), i)


def test_exporter_xlsx_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "n.xlsx"
    assert write_xlsx(_Numbers(30), str(out)) == 30
    rows = _xlsx_rows(out.read_bytes())
    assert rows[0][0] == "标题行"
    assert rows[1][0] == "副标题"
    assert rows[2] == ["名称", "日期", "进度", "数"]
    assert rows[3][0] == "第0行"
    assert rows[4][1].date() == date(2026, 1, 2)
    assert rows[5][2] == pytest.approx(0.25)  # 25% stored as a fraction with a percent format
    assert rows[32][3] == 29
    assert len(rows) == 33
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.freeze_panes == "A4"  # header frozen
    assert ws["A1"].font.b and ws["A3"].font.b
    assert ws.column_dimensions["A"].width > 19
    assert ws["C4"].number_format == "0.0%"


def test_exporter_csv_streams_with_bom(client, p) -> None:  # type: ignore[no-untyped-def]
    from luoshi.documents.exporters import csv_response

    exp = _Numbers(5000)
    response = csv_response(exp)
    assert response.streaming
    assert exp.pulled == 0  # nothing read before the response is consumed
    chunks = iter(response.streaming_content)
    first = next(chunks) + next(chunks) + next(chunks)
    assert exp.pulled <= 2  # rows are pulled one by one as the response streams
    rows = _csv_rows(first + b"".join(chunks))
    assert rows[0] == ["名称", "日期", "进度", "数"]
    assert rows[1] == ["第0行", "2026-01-01", "0.0%", "0"]
    assert rows[3][2] == "25.0%"
    assert len(rows) == 5001


# ---------------------------------------------------------------------------------------------
# Ledger


@pytest.fixture
def ledger_plan(p):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    plan = p.plan(
        name="2026年度目标任务",
        year=today.year,
        start=date(today.year, 1, 1),
        due=date(today.year, 12, 31),
        head_approval=False,
    )
    t_a = p.task(
        plan,
        title="推进重大项目建设",
        unit=p.unit_a,
        co_units=[p.unit_b],
        responsible_leader=p.leader.person,
        responsible_person=p.head_a.person,
        code="1",
    )
    t_a_only = p.task(plan, title="优化营商环境", unit=p.unit_a, code="2")
    t_b = p.task(plan, title="财政收入增长", unit=p.unit_b, code="3")
    report_submit(
        actor=p.reporter_a, task=t_a, percent=90, narrative="项目已开工建设，完成投资9亿元。\n下一步加快进度"
    )
    report_submit(actor=p.reporter_b, task=t_b, percent=5, narrative="收入进度偏慢")
    persist_lights(compute_lights(plan_id=plan.pk, on=today), on=today)
    return plan, t_a, t_a_only, t_b


def test_ledger_xlsx_content(client, p, ledger_plan) -> None:  # type: ignore[no-untyped-def]
    plan, t_a, t_a_only, t_b = ledger_plan
    client.force_login(p.officer)
    response = client.get(f"/documents/ledger.xlsx?plan={plan.pk}&sort=code")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = _xlsx_rows(_body(response))
    assert "2026年度目标任务" in rows[0][0] and "一张表" in rows[0][0]
    assert rows[2] == LEDGER_HEADER
    body = rows[3:]
    assert [r[0] for r in body] == ["推进重大项目建设", "优化营商环境", "财政收入增长"]
    first = body[0]
    t_a.refresh_from_db()
    assert first[1:5] == ["发改局", "财政局", "王区长", "甲局长"]
    assert first[5].date() == t_a.due
    assert first[6] == pytest.approx(float(t_a.expected_pct) / 100)
    assert first[7] == pytest.approx(0.9)
    assert first[8] == str(Light(t_a.light).label)
    assert first[9].startswith(timezone.localdate().isoformat())
    assert "项目已开工建设" in first[9] and "\n" not in first[9]
    assert body[1][2] is None and body[1][9] is None  # no co-unit, no report yet
    assert body[2][8] == "严重滞后"  # 5% reported against ~90% expected


def test_ledger_csv_matches_filter(client, p, ledger_plan) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = ledger_plan
    client.force_login(p.officer)
    response = client.get(f"/documents/ledger.csv?plan={plan.pk}&light=red")
    assert response.status_code == 200
    assert response.streaming
    rows = _csv_rows(_body(response))
    assert rows[0] == LEDGER_HEADER
    assert [r[0] for r in rows[1:]] == ["优化营商环境", "财政收入增长"]
    assert rows[2][6].endswith("%") and rows[2][7] == "5.0%"
    rows = _csv_rows(_body(client.get(f"/documents/ledger.csv?plan={plan.pk}&light=green")))
    assert [r[0] for r in rows[1:]] == ["推进重大项目建设"]
    # the same filter through the search text: pinyin initials of the lead unit
    rows = _csv_rows(_body(client.get(f"/documents/ledger.csv?plan={plan.pk}&q=czj")))
    assert {r[0] for r in rows[1:]} == {"财政收入增长"}


def test_ledger_respects_visibility(client, p, ledger_plan) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = ledger_plan
    client.force_login(p.reporter_b)
    rows = _xlsx_rows(_body(client.get(f"/documents/ledger.xlsx?plan={plan.pk}")))
    titles = {r[0] for r in rows[3:]}
    # B sees its own task and the task it co-operates on, never A's own task
    assert titles == {"推进重大项目建设", "财政收入增长"}
    rows = _csv_rows(_body(client.get("/documents/ledger.csv")))
    assert "优化营商环境" not in {r[0] for r in rows[1:]}
    client.force_login(p.leader)  # portfolio holds A only
    rows = _csv_rows(_body(client.get(f"/documents/ledger.csv?plan={plan.pk}")))
    assert {r[0] for r in rows[1:]} == {"推进重大项目建设", "优化营商环境"}


def test_ledger_needs_login_and_valid_filter(client, p, ledger_plan) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/documents/ledger.xlsx")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(p.officer)
    assert client.get("/documents/ledger.csv?light=purple").status_code == 400
    assert client.post("/documents/ledger.csv").status_code == 405


def test_ledger_streams_5000_rows_with_constant_queries(client, p) -> None:  # type: ignore[no-untyped-def]
    plan = p.plan(name="大表", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    people = [p.leader.person, p.head_a.person]

    def make(n: int, prefix: str) -> None:
        tasks = Task.objects.bulk_create(
            [
                Task(
                    plan=plan,
                    title=f"{prefix}{i:05d}",
                    code=f"{prefix}{i}",
                    lead_unit=p.unit_a if i % 2 else p.unit_b,
                    responsible_leader=people[i % 2],
                    start=plan.start,
                    due=plan.due,
                    light=Light.GREEN,
                    path=f"/p{plan.pk}/{prefix}{i:05d}/",
                    # the order of the codes, as task_create keeps it (rows in a tie come in any order)
                    sort_path=f"{ord(prefix)}{i:05d}",
                )
                for i in range(n)
            ],
            batch_size=1000,
        )
        TaskUnit.objects.bulk_create(
            [
                TaskUnit(task=t, unit=p.unit_a if t.lead_unit_id == p.unit_b.pk else p.unit_b)
                for t in tasks[::3]
            ],
            batch_size=1000,
        )

    def export_queries(fmt: str, rows: int) -> tuple[int, list]:
        client.force_login(p.officer)
        with exact_queries(f"documents.ledger[officer {fmt}]@{rows}") as counted:
            response = client.get(f"/documents/ledger.{fmt}?plan={plan.pk}")
            body = _body(response)
        rows_out = _csv_rows(body)[1:] if fmt == "csv" else _xlsx_rows(body)[3:]
        return counted.count, rows_out

    make(50, "A")
    small_q, small_rows = export_queries("csv", 50)
    assert len(small_rows) == 50
    make(4950, "B")
    big_q, big_rows = export_queries("csv", 5000)
    assert len(big_rows) == 5000
    # one co-unit query per chunk of 2,000 rows, otherwise the same queries
    assert big_q <= small_q + 2, (small_q, big_q)
    assert big_q <= 15
    co = [r for r in big_rows if r[0] == "B00003"][0]
    assert co[1] == "发改局" and co[2] == "财政局" and co[3] == "甲局长"
    xlsx_q, xlsx_rows = export_queries("xlsx", 5000)
    assert len(xlsx_rows) == 5000 and xlsx_q <= big_q + 1
    assert xlsx_rows[-1][0] == "B04949"


# ---------------------------------------------------------------------------------------------
# Bulletin

ON = date(2026, 6, 30)


@pytest.fixture
def bulletin_plan(p):  # type: ignore[no-untyped-def]
    """A hand-built plan: on 2026-06-30 A has a red task and B an overdue one; B's third task turned
    from red to green this week, A's fourth from green to red (a milestone passed unmet)."""
    plan = p.plan(
        name="2026年度重点工作",
        year=2026,
        start=date(2026, 1, 1),
        due=date(2026, 12, 31),
        head_approval=False,
        owner_unit=p.office,
    )
    red = p.task(plan, title="建设产业园区", unit=p.unit_a, responsible_leader=p.leader.person)
    report_submit(actor=p.reporter_a, task=red, percent=10, narrative="推进缓慢", on=date(2026, 6, 1))
    overdue = p.task(plan, title="完成预算改革", unit=p.unit_b, due=date(2026, 5, 31))
    better = p.task(plan, title="盘活存量资产", unit=p.unit_b)
    report_submit(actor=p.reporter_b, task=better, percent=50, on=date(2026, 6, 28))
    worse = p.task(
        plan,
        title="开展招商引资",
        unit=p.unit_a,
        start=date(2026, 6, 1),
        milestones=[("签约", date(2026, 6, 25))],
    )
    report_submit(actor=p.reporter_a, task=worse, percent=10, on=date(2026, 6, 20))
    LateReport.objects.create(
        task=better, unit=p.unit_b, period_end=date(2026, 5, 31), due_on=date(2026, 6, 27), detected_on=ON
    )
    LateReport.objects.create(
        task=overdue, unit=p.unit_b, period_end=date(2026, 4, 30), due_on=date(2026, 5, 3), detected_on=ON
    )
    return plan, red, overdue, better, worse


def test_bulletin_content(p, bulletin_plan) -> None:  # type: ignore[no-untyped-def]
    plan, red, overdue, better, worse = bulletin_plan
    b = build_bulletin(plan=plan, on=ON)
    assert b.doc_number == "〔2026〕第1期"
    assert b.issuer == "区委督查室"
    assert b.total == 4
    assert b.totals == {Light.RED: 2, Light.OVERDUE: 1, Light.GREEN: 1}
    by_unit = {u.name: u for u in b.units}
    assert by_unit["发改局"].counts == {Light.RED: 2} and by_unit["发改局"].total == 2
    assert by_unit["财政局"].counts == {Light.OVERDUE: 1, Light.GREEN: 1}
    assert b.units[0].name == "发改局"  # most red/overdue first
    named = {n.title: n for n in b.named}
    assert set(named) == {"建设产业园区", "完成预算改革", "开展招商引资"}
    assert b.named[0].title == "完成预算改革"  # overdue first
    assert named["完成预算改革"].overdue_days == 30 and named["完成预算改革"].unit == "财政局"
    assert named["建设产业园区"].leader == "王区长"
    assert named["建设产业园区"].lag == named["建设产业园区"].expected - Decimal(10) > 15
    changes = {c.title: c for c in b.changes}
    assert set(changes) == {"盘活存量资产", "开展招商引资"}
    assert (changes["开展招商引资"].before, changes["开展招商引资"].after) == (Light.GREEN, Light.RED)
    assert changes["开展招商引资"].worse and not changes["盘活存量资产"].worse
    assert changes["盘活存量资产"].before == Light.RED and changes["盘活存量资产"].after == Light.GREEN
    assert b.changes[0].title == "开展招商引资"  # worse first
    assert [(x.unit, x.title, x.due_on) for x in b.late] == [("财政局", "盘活存量资产", date(2026, 6, 27))]
    assert "共有末级任务4项" in b.summary and "转差1项、好转1项" in b.summary and "迟报1次" in b.summary


def test_bulletin_counts_leaves_and_skips_cancelled(p, bulletin_plan) -> None:  # type: ignore[no-untyped-def]
    plan, red, *_ = bulletin_plan
    goal = p.task(plan, title="目标", unit=p.unit_a)
    p.task(plan, title="分解一", unit=p.unit_a, parent=goal)
    p.task(plan, title="草稿任务", unit=p.unit_b, status="draft")
    b = build_bulletin(plan=plan, on=ON)
    assert b.total == 5  # 4 + the one leaf; the goal and the draft are not counted
    assert "目标" not in {n.title for n in b.named}


def test_bulletin_xlsx(p, bulletin_plan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = bulletin_plan
    out = tmp_path / "b.xlsx"
    write_xlsx(BulletinExporter(build_bulletin(plan=plan, on=ON)), str(out))
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["亮灯统计", "严重滞后和逾期", "亮灯变化", "迟报", "更正说明"]
    units = _xlsx_rows(out.read_bytes(), 0)
    assert "督查通报" in units[0][0] and "〔2026〕第1期" in units[0][0]
    assert units[2][:3] == ["单位", "任务数", "正常"]
    assert units[3] == ["发改局", 2, 0, 0, 2, 0, 0, 0, 0]  # …, 完成, 完成（未达标）, 未开始
    assert units[-1][:2] == ["合计", 4]
    named = _xlsx_rows(out.read_bytes(), 1)
    assert [r[1] for r in named[2:]] == ["完成预算改革", "建设产业园区", "开展招商引资"]
    assert named[2][8] == 30 and named[2][5] == 1 and named[2][6] == 0
    assert named[3][3] == "王区长" and named[3][6] == pytest.approx(0.1)
    changes = _xlsx_rows(out.read_bytes(), 2)
    assert changes[2][1:6] == ["开展招商引资", "发改局", "正常", "严重滞后", "转差"]
    late = _xlsx_rows(out.read_bytes(), 3)
    assert late[2][1:3] == ["财政局", "盘活存量资产"]


def _png_pixels(path: Path) -> tuple[int, int, list[tuple[int, int, int]]]:
    from PIL import Image

    img = Image.open(path).convert("RGB")
    raw = img.tobytes()
    return img.width, img.height, [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]


# `make test` installs poppler-utils and sets LUOSHI_REQUIRE_BROWSER: there a missing pdftoppm fails.
@pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not os.environ.get("LUOSHI_REQUIRE_BROWSER"),
    reason="needs poppler-utils (make system-deps)",
)
def test_bulletin_pdf_renders_chinese(p, bulletin_plan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = bulletin_plan
    pdf = tmp_path / "b.pdf"
    call_command("bulletin", plan=str(plan.pk), date="2026-06-30", format="pdf", out=str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    # text is mapped to real glyphs (no tofu): it extracts back as Chinese
    text = "".join(PdfReader(pdf).pages[0].extract_text().split())
    for s in (
        "督查通报",
        "〔2026〕第1期",
        "2026年6月30日",
        "发改局",
        "财政局",
        "完成预算改革",
        "一、总体情况",
    ):
        assert s in text, s
    # and it is drawn: the page image is not blank and the red masthead is dark and red
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "pg")], check=True
    )
    png = next(tmp_path.glob("pg*.png"))
    w, h, px = _png_pixels(png)
    assert w > 400 and h > 600
    dark = [(i % w, i // w) for i, (r, g, b) in enumerate(px) if (r * 299 + g * 587 + b * 114) // 1000 < 128]
    assert len(dark) > 2000, "page is (almost) blank"
    title = [(x, y) for x, y in dark if y < h * 0.16 and w * 0.2 < x < w * 0.8]
    assert len(title) > 300, "no title drawn in the masthead region"
    red = [i for i, (r, g, b) in enumerate(px[: w * int(h * 0.16)]) if r > 150 and g < 80 and b < 80]
    assert len(red) > 300, "the masthead is not red"


def test_bulletin_cli_xlsx_and_errors(p, bulletin_plan, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = bulletin_plan
    out = tmp_path / "b.xlsx"
    buf = io.StringIO()
    call_command("bulletin", plan=plan.name, date="2026-06-30", out=str(out), stdout=buf)
    assert "〔2026〕第1期" in buf.getvalue() and "4 tasks" in buf.getvalue()
    assert _xlsx_rows(out.read_bytes(), 0)[3][0] == "发改局"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("bulletin", plan="999999", out=str(out))
    with pytest.raises(CommandError):
        call_command("bulletin", plan=str(plan.pk), date="2026-13-01", out=str(out))
    with pytest.raises(CommandError):
        call_command("bulletin", plan=str(plan.pk), out=str(tmp_path / "b.txt"))


def test_bulletin_pages_personas(client, p, bulletin_plan) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = bulletin_plan
    url = f"/documents/bulletin/{plan.pk}/?date=2026-06-30"
    assert client.get(url).status_code == 302
    for user in (p.reporter_a, p.head_a, p.reporter_b):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(p.leader)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "督查通报" in html and "〔2026〕第1期" in html and "完成预算改革" in html
    client.force_login(p.officer)
    xlsx = client.get(url + "&format=xlsx")
    assert xlsx.status_code == 200 and _xlsx_rows(_body(xlsx), 2)[2][1] == "开展招商引资"
    pdf = client.get(url + "&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert client.get(url + "&format=doc").status_code == 400
    assert client.get(f"/documents/bulletin/{plan.pk}/?date=yesterday").status_code == 400
    assert client.get("/documents/bulletin/999999/").status_code == 404
    index = client.get("/documents/bulletin/")
    assert index.status_code == 200 and "2026年度重点工作" in index.content.decode()


def test_bulletin_page_has_no_english(client, p, bulletin_plan) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_i18n import english_words

    plan, *_ = bulletin_plan
    client.force_login(p.officer)
    html = client.get(f"/documents/bulletin/{plan.pk}/?date=2026-06-30").content.decode()
    assert not english_words(html), sorted(english_words(html))
