"""Published bulletins (已发布通报): frozen figures and PDF, shown and exported as issued, compared
with by the next issue, and corrections (更正说明) of what they said listed in the next one."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from luoshi.audit.models import Entry
from luoshi.documents.bulletin import CORRECTED, LATE_KNOWN, build_bulletin
from luoshi.documents.models import PublishedBulletin
from luoshi.documents.services import bulletin_publish
from luoshi.errors import Conflict, LuoshiError, NotAllowed
from luoshi.work.models import Light, Report
from luoshi.work.services import report_approve, report_submit
from tests.helpers import client_for, exact_queries, personas

ON = date(2026, 6, 30)
NEXT = date(2026, 7, 7)


def _known(report: Report, day: date) -> Report:
    """Make `report` known to the office on `day` at 10:00 (`report_approve(on=)` sets the day, the
    moment of approval is the real one)."""
    at = timezone.make_aware(datetime.combine(day, time(10)))
    Report.objects.filter(pk=report.pk).update(approved_at=at, known_on=day)
    report.refresh_from_db()
    return report


def _file(p: Any, task: Any, percent: int, on: date, *, known: date | None, **kw: Any) -> Report:
    """Reporter A files on `on`; the head approves on `known` (None: left pending)."""
    r = report_submit(actor=p.reporter_a, task=task, percent=percent, on=on, acknowledge_warnings=True, **kw)
    if known is not None:
        report_approve(actor=p.head_a, report=r, on=known)
        _known(r, known)
    return r


@pytest.fixture
def plan_setup(p):  # type: ignore[no-untyped-def]
    """A plan whose reports need the head's approval: on 2026-06-30 "建设产业园区" is red (10%,
    approved in June), "优化营商环境" has a June report still pending (so it counts as not filed),
    "完成预算改革" is overdue."""
    plan = p.plan(
        name="2026年度重点工作",
        year=2026,
        start=date(2026, 1, 1),
        due=date(2026, 12, 31),
        head_approval=True,
        owner_unit=p.office,
    )
    red = p.task(plan, title="建设产业园区", unit=p.unit_a, code="1", responsible_leader=p.leader.person)
    first = _file(p, red, 10, date(2026, 6, 1), known=date(2026, 6, 1))
    pending_task = p.task(plan, title="优化营商环境", unit=p.unit_a, code="2")
    pending = _file(p, pending_task, 60, date(2026, 6, 25), known=None)
    p.task(plan, title="完成预算改革", unit=p.unit_b, code="3", due=date(2026, 5, 31))
    return plan, red, first, pending_task, pending


def _paper(html: str) -> str:
    """The bulletin itself on the page (the page around it carries per-request tokens)."""
    start = html.index('<div class="bulletin">')
    return html[start : html.index('<div class="bl-sign">', start)]


def _xlsx(data: bytes) -> list[list[list[Any]]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def _snapshot(client: Any, plan: Any, on: date) -> tuple[str, list[Any], bytes]:
    url = f"/documents/bulletin/{plan.pk}/?date={on:%Y-%m-%d}"
    html = client.get(url).content.decode()
    return (
        _paper(html),
        _xlsx(_body(client.get(url + "&format=xlsx"))),
        client.get(url + "&format=pdf").content,
    )


def test_published_bulletin_is_frozen_and_next_lists_corrections(client, p, plan_setup) -> None:  # type: ignore[no-untyped-def]
    plan, red, first, pending_task, pending = plan_setup
    pb = bulletin_publish(actor=p.officer, plan=plan, on=ON)
    assert (pb.number, pb.on, pb.published_by) == (1, ON, p.officer)
    pdf_stored = pb.pdf.read()
    assert pdf_stored.startswith(b"%PDF") and hashlib.sha256(pdf_stored).hexdigest() == pb.pdf_sha256
    figures = pb.figures
    assert figures["tasks"][str(red.pk)][0] == Light.RED
    assert figures["totals"] == {Light.RED: 2, Light.OVERDUE: 1}  # the pending report does not count
    assert figures["previous"] is None and figures["corrections"] == []
    entry = Entry.objects.filter(action="documents.bulletin.published").get()
    assert entry.object_id == str(pb.pk) and entry.after["pdf_sha256"] == pb.pdf_sha256

    client.force_login(p.officer)
    html, xlsx, pdf = _snapshot(client, plan, ON)
    assert pdf == pdf_stored
    assert "〔2026〕第1期" in html and "建设产业园区" in html

    # Later: the head approves the June report of 优化营商环境 in July, and A corrects its June report
    # of 建设产业园区 (10% → 40%) — both facts about the period the published issue covered.
    _known(report_approve(actor=p.head_a, report=pending, on=date(2026, 7, 3)), date(2026, 7, 3))
    fix = _file(p, red, 40, date(2026, 7, 2), known=date(2026, 7, 2), corrects=first)
    assert fix.period_end == first.period_end <= ON
    red.title = "建设产业园区（改名）"
    red.save(update_fields=["title"])
    plan.name = "2026年度重点工作（改名）"
    plan.save(update_fields=["name"])

    # The published issue is shown, downloaded and exported exactly as it was.
    assert _snapshot(client, plan, ON) == (html, xlsx, pdf)
    pb.refresh_from_db()
    assert pb.figures == figures
    page = client.get(f"/documents/bulletin/{plan.pk}/?date={ON:%Y-%m-%d}").content.decode()
    assert "已发布 第1期" in page and "确认发布" not in page

    # The next issue compares with the published one and lists both corrections.
    b = build_bulletin(plan=plan, on=NEXT)
    assert b.number == 2 and b.previous is not None and b.previous.number == 1 and b.since == ON
    corrections = {(c.title, c.kind): c for c in b.corrections}
    assert set(corrections) == {("建设产业园区（改名）", CORRECTED), ("优化营商环境", LATE_KNOWN)}
    c = corrections[("建设产业园区（改名）", CORRECTED)]
    assert (c.old, c.new, c.period_end, c.known_on) == (
        Decimal(10),
        Decimal(40),
        first.period_end,
        date(2026, 7, 2),
    )
    late = corrections[("优化营商环境", LATE_KNOWN)]
    assert (late.old, late.new) == (Decimal(0), Decimal(60))
    pb2 = bulletin_publish(actor=p.officer, plan=plan, on=NEXT)
    assert pb2.number == 2 and len(pb2.figures["corrections"]) == 2
    assert pb2.figures["previous"] == {"number": 1, "on": ON.isoformat()}
    html2, xlsx2, pdf2 = _snapshot(client, plan, NEXT)
    assert "更正说明" in html2 and "与第1期通报（2026-06-30）相比" in html2 and "更正填报" in html2
    assert [r[1:7] for r in xlsx2[4][2:]] == [
        ["发改局", "建设产业园区（改名）", datetime(2026, 6, 30), "更正填报", 0.1, 0.4],
        ["发改局", "优化营商环境", datetime(2026, 6, 30), "补报或延后审核", 0, 0.6],
    ]
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf2)).pages)
    assert "更正说明" in text and "第2期" in text
    # …and issue 1 is still as it was.
    assert _snapshot(client, plan, ON) == (html, xlsx, pdf)


def test_changes_compare_with_the_previous_published_issue(p, plan_setup) -> None:  # type: ignore[no-untyped-def]
    plan, red, first, pending_task, pending = plan_setup
    bulletin_publish(actor=p.officer, plan=plan, on=date(2026, 6, 16))
    # Two weeks later: changes are counted since the published issue of 06-16, not since 06-23.
    b = build_bulletin(plan=plan, on=ON)
    assert b.since == date(2026, 6, 16) and b.previous is not None and b.previous.on == date(2026, 6, 16)
    assert "与第1期通报（2026-06-16）相比" in b.summary
    # Without a published issue: the week before, recomputed, as always.
    other = p.plan(name="另一计划", year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    assert build_bulletin(plan=other, on=ON).since == date(2026, 6, 23)
    assert build_bulletin(plan=other, on=ON).previous is None


def test_publish_refusals(p, plan_setup) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = plan_setup
    for who in ("reporter_a", "head_a", "leader", "auditor"):
        with pytest.raises(NotAllowed):
            bulletin_publish(actor=getattr(p, who), plan=plan, on=ON)
    assert not PublishedBulletin.objects.exists()
    bulletin_publish(actor=p.officer, plan=plan, on=ON)
    with pytest.raises(Conflict) as twice:
        bulletin_publish(actor=p.officer2, plan=plan, on=ON)
    assert twice.value.status == 409
    with pytest.raises(LuoshiError, match="更早"):
        bulletin_publish(actor=p.officer, plan=plan, on=date(2026, 6, 23))
    with pytest.raises(LuoshiError, match="未来"):
        bulletin_publish(actor=p.officer, plan=plan, on=timezone.localdate().replace(year=2999))
    assert PublishedBulletin.objects.count() == 1
    assert Entry.objects.filter(action="documents.bulletin.published").count() == 1


@pytest.mark.parametrize("who", personas())
def test_publish_page_personas(p, plan_setup, who) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = plan_setup
    client = client_for(getattr(p, who))
    url = f"/documents/bulletin/{plan.pk}/publish/"
    response = client.post(url, {"date": "2026-06-30", "confirm": "on"})
    if who == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif who == "officer":
        assert response.status_code == 302
        assert response["Location"].endswith(f"/documents/bulletin/{plan.pk}/?date=2026-06-30")
        page = client.get(response["Location"]).content.decode()
        assert "已发布 第1期" in page and "已发布第1期通报" in page
        again = client.post(url, {"date": "2026-06-30", "confirm": "on"})
        assert again.status_code == 409 and "已经发布" in again.content.decode()
        assert client.post("/documents/bulletin/999999/publish/", {"date": "2026-06-30"}).status_code == 404
        assert client.get(url).status_code == 405
    else:
        assert response.status_code == 403
    assert PublishedBulletin.objects.count() == (1 if who == "officer" else 0)


def test_preview_offers_publish_only_to_the_office(p, plan_setup) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = plan_setup
    url = f"/documents/bulletin/{plan.pk}/?date=2026-06-30"
    assert "确认发布" in client_for(p.officer).get(url).content.decode()
    assert "确认发布" not in client_for(p.leader).get(url).content.decode()


@pytest.mark.parametrize("who", personas())
def test_index_lists_published_per_plan(p, plan_setup, who) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = plan_setup
    bulletin_publish(actor=p.officer, plan=plan, on=date(2026, 6, 23))
    bulletin_publish(actor=p.officer, plan=plan, on=ON)
    response = client_for(getattr(p, who)).get("/documents/bulletin/")
    if who == "anonymous":
        assert response.status_code == 302
    elif who in ("leader", "officer"):
        html = response.content.decode()
        assert response.status_code == 200
        assert "第2期" in html and "第1期" in html and html.index("2026-06-30") < html.index("2026-06-23")
    else:
        assert response.status_code == 403


def test_published_page_and_index_query_counts(p, plan_setup) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = plan_setup
    client = client_for(p.leader)
    bulletin_publish(actor=p.officer, plan=plan, on=date(2026, 6, 16))
    client.get("/documents/bulletin/")  # warm up
    with exact_queries("documents.bulletin_index[leader /documents/bulletin/]@1") as one:
        client.get("/documents/bulletin/")
    with exact_queries("documents.bulletin_published[leader /documents/bulletin/{plan}/]@1") as shown:
        client.get(f"/documents/bulletin/{plan.pk}/?date=2026-06-16")
    # Shown from the frozen figures: no report, late mark or light is read.
    assert not [q for q in shown.queries if "work_report" in q or "work_latereport" in q], shown.queries
    for day in (date(2026, 6, 23), ON):
        bulletin_publish(actor=p.officer, plan=plan, on=day)
    with exact_queries("documents.bulletin_index[leader /documents/bulletin/]@3") as three:
        client.get("/documents/bulletin/")
    with exact_queries("documents.bulletin_published[leader /documents/bulletin/{plan}/]@3") as page:
        client.get(f"/documents/bulletin/{plan.pk}/?date=2026-06-30")
    assert three.count == one.count and page.count == shown.count


# ---------------------------------------------------------------------------------------------
# API


@pytest.mark.parametrize("who", personas())
def test_api_published_bulletins_personas(p, plan_setup, who) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = plan_setup
    pb = bulletin_publish(actor=p.officer, plan=plan, on=ON)
    client = client_for(getattr(p, who))
    listed = client.get("/api/v1/bulletins")
    one = client.get(f"/api/v1/bulletins/{pb.pk}")
    if who == "anonymous":
        assert listed.status_code == one.status_code == 401
    elif who in ("leader", "officer"):
        assert listed.status_code == 200
        body = listed.json()
        assert body["count"] == 1
        item = body["items"][0]
        assert (item["id"], item["plan_id"], item["on"], item["number"]) == (pb.pk, plan.pk, "2026-06-30", 1)
        assert item["published_by"] == "officer" and item["pdf_sha256"] == pb.pdf_sha256
        assert "figures" not in item
        assert one.status_code == 200 and one.json()["figures"] == pb.figures
        assert client.get(f"/api/v1/bulletins?plan={plan.pk + 1}").json()["count"] == 0
        assert client.get("/api/v1/bulletins/999999").status_code == 404
    else:
        assert listed.status_code == one.status_code == 403


def test_api_bulletin_list_query_count(p, plan_setup) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = plan_setup
    client = client_for(p.officer)
    bulletin_publish(actor=p.officer, plan=plan, on=date(2026, 6, 16))
    client.get("/api/v1/bulletins")
    with exact_queries("documents.api_bulletins[officer /api/v1/bulletins]@1") as one:
        assert client.get("/api/v1/bulletins").json()["count"] == 1
    for day in (date(2026, 6, 23), ON):
        bulletin_publish(actor=p.officer, plan=plan, on=day)
    with exact_queries("documents.api_bulletins[officer /api/v1/bulletins]@3") as three:
        assert client.get("/api/v1/bulletins").json()["count"] == 3
    assert three.count == one.count


def test_published_page_in_english_keeps_the_chinese_pdf(p, plan_setup) -> None:  # type: ignore[no-untyped-def]
    plan, *_ = plan_setup
    client = client_for(p.officer)
    client.cookies["django_language"] = "en"
    response = client.post(f"/documents/bulletin/{plan.pk}/publish/", {"date": "2026-06-30", "confirm": "on"})
    html = client.get(response["Location"]).content.decode()
    assert "Published: No. 1" in html and "Corrections" in html and "This is the first bulletin" in html
    pdf = PublishedBulletin.objects.get().pdf.read()
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "督查通报" in text and "总体情况" in text  # the official document is issued in Chinese
