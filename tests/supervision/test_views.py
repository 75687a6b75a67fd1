"""Supervision's pages per persona, the queue and the idle list (exact query counts at two sizes),
the notice documents (.docx opens with python-docx, the PDF's text holds Chinese), the export."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.supervision import services
from luoshi.supervision.models import Handoff, Item, Proposal
from tests.factories import Personas
from tests.helpers import TABLE, client_for, exact_queries

from .conftest import age_item, make_item, set_task

pytestmark = pytest.mark.django_db

SEES_ITEM = {"reporter_a", "head_a", "leader", "officer"}


@pytest.mark.parametrize("who", TABLE)
def test_item_page_per_persona(p: Personas, item: Item, who: str) -> None:
    r = client_for(getattr(p, who)).get(reverse("supervision:item", args=[item.pk]))
    if who == "anonymous":
        assert r.status_code == 302
    elif who in SEES_ITEM:
        assert r.status_code == 200
        body = r.content.decode()
        assert item.title in body and "流转轨迹" in body and "请发改局牵头" in body
    else:
        assert r.status_code == 404


@pytest.mark.parametrize("who", TABLE)
def test_list_per_persona(p: Personas, item: Item, who: str) -> None:
    r = client_for(getattr(p, who)).get(reverse("supervision:items"))
    if who == "anonymous":
        assert r.status_code == 302
        return
    assert r.status_code == 200
    assert (item.title in r.content.decode()) is (who in SEES_ITEM)


@pytest.mark.parametrize("who", TABLE)
def test_queue_is_the_office_s(p: Personas, who: str) -> None:
    r = client_for(getattr(p, who)).get(reverse("supervision:queue"))
    assert r.status_code == {"anonymous": 302, "officer": 200}.get(who, 403)


def test_journey_and_handoffs_through_the_page(p: Personas, item: Item) -> None:
    c = client_for(p.reporter_a)
    url = reverse("supervision:handoff", args=[item.pk])
    assert c.post(url, {"kind": "sign", "version": item.version}).status_code == 302
    r = c.post(url, {"kind": "transfer", "to_unit": p.unit_b.pk, "note": "转财政局"}, follow=True)
    assert "已转办" in r.content.decode()
    body = client_for(p.officer).get(reverse("supervision:item", args=[item.pk])).content.decode()
    assert body.count("<li") >= 3 and "转财政局" in body and "区财政局" in body
    assert Handoff.objects.filter(item=item).count() == 3


def test_out_of_scope_handoff_page_says_why(p: Personas, item: Item) -> None:
    from tests.factories import make_unit

    outside = make_unit("邻区发改局", parent=make_unit("邻区", category="district", code="D9"), code="D9F")
    r = client_for(p.officer).post(
        reverse("supervision:handoff", args=[item.pk]),
        {"kind": "transfer", "to_unit": outside.pk},
        follow=True,
    )
    assert "不在本督办事项的范围内" in r.content.decode()
    assert Item.objects.get(pk=item.pk).holder_unit_id == p.unit_a.pk


def _items(p: Personas, n: int, start: int) -> list[Item]:
    out = []
    for i in range(start, start + n):
        item = make_item(p, title=f"事项{i}", lead_unit=p.unit_a if i % 2 else p.unit_b)
        set_task(item.task_id, report_late=True)
        age_item(item, 10 + i)
        out.append(item)
    return out


def test_queue_query_count(p: Personas) -> None:
    c = client_for(p.officer)
    url = reverse("supervision:queue")
    counts = []
    start = 0
    for n in (3, 30):
        _items(p, n - start if start else n, start)
        start = n
        services.escalations_step(timezone.localdate())
        c.get(url)
        with exact_queries(
            f"supervision.queue[officer /supervision/queue/]@{Proposal.objects.count()}"
        ) as counted:
            r = c.get(url)
        assert r.status_code == 200 and "迟报" in r.content.decode()
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_idle_list_query_count_and_order(p: Personas) -> None:
    c = client_for(p.leader)
    url = reverse("supervision:idle")
    counts = []
    start = 0
    for n in (3, 30):
        _items(p, n - start if start else n, start)
        start = n
        c.get(url)
        with exact_queries(f"supervision.idle[leader /supervision/idle/]@{n}") as counted:
            r = c.get(url)
        counts.append(counted.count)
    assert counts[1] <= counts[0]
    body = r.content.decode()
    # the leader's portfolio holds unit A (odd numbers); the longest held first
    assert body.index("事项29") < body.index("事项27") and "事项28" not in body


def test_item_list_query_count(p: Personas) -> None:
    c = client_for(p.officer)
    url = reverse("supervision:items")
    counts = []
    start = 0
    for n in (3, 30):
        _items(p, n - start if start else n, start)
        start = n
        c.get(url)
        with exact_queries(f"supervision.items[officer /supervision/]@{n}") as counted:
            assert c.get(url).status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_queue_accept_in_bulk_then_documents(p: Personas) -> None:
    _items(p, 2, 0)
    services.escalations_step(timezone.localdate())
    c = client_for(p.officer)
    ids = list(Proposal.objects.filter(reason="late_report").values_list("pk", flat=True))
    r = c.post(
        reverse("supervision:queue_decide"),
        {"proposals": ids, "action": "accept", "level": "supervise"},
        follow=True,
    )
    body = r.content.decode()
    year = timezone.localdate().year
    assert f"督〔{year}〕1号" in body and f"督〔{year}〕2号" in body
    # the second officer's stale page: a clear conflict, nothing written
    r = client_for(p.officer2).post(
        reverse("supervision:queue_decide"),
        {"proposals": ids[:1], "action": "dismiss", "reason": "x"},
        follow=True,
    )
    assert "已由他人处理" in r.content.decode()
    item = Item.objects.get(title="事项1")
    notice = item.notices.get()
    docx_r = client_for(p.head_a).get(reverse("supervision:notice_file", args=[notice.pk, "docx"]))
    from docx import Document

    text = "\n".join(par.text for par in Document(io.BytesIO(docx_r.content)).paragraphs)
    assert notice.number in text and "关于督办“事项1”的通知" in text and "区发展和改革局：" in text
    assert "区委督查室督办单" in text
    pdf_r = client_for(p.head_a).get(reverse("supervision:notice_file", args=[notice.pk, "pdf"]))
    from pypdf import PdfReader

    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_r.content)).pages)
    assert "督办" in pdf_text and "事项1" in pdf_text
    assert (
        client_for(p.reporter_b).get(reverse("supervision:notice_file", args=[notice.pk, "pdf"])).status_code
        == 404
    )
    assert c.get(reverse("supervision:notice_file", args=[notice.pk, "exe"])).status_code == 404


def test_dismiss_needs_reason_on_the_page(p: Personas) -> None:
    _items(p, 1, 0)
    services.escalations_step(timezone.localdate())
    ids = list(Proposal.objects.values_list("pk", flat=True))
    r = client_for(p.officer).post(
        reverse("supervision:queue_decide"), {"proposals": ids, "action": "dismiss"}, follow=True
    )
    assert "驳回须写明理由" in r.content.decode()
    assert set(Proposal.objects.values_list("state", flat=True)) == {"pending"}


def test_unit_responds_through_the_page(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    c = client_for(p.reporter_a)
    page = c.get(reverse("supervision:item", args=[item.pk])).content.decode()
    assert "提交书面反馈" in page and "查进度" in page
    r = c.post(reverse("supervision:respond", args=[notice.pk]), {"text": "已完成方案编制"}, follow=True)
    assert "书面反馈已提交" in r.content.decode() and "已完成方案编制" in r.content.decode()


def test_office_creates_an_item_through_the_page(p: Personas) -> None:
    today = timezone.localdate()
    c = client_for(p.officer)
    assert c.get(reverse("supervision:item_new")).status_code == 200
    assert client_for(p.reporter_a).get(reverse("supervision:item_new")).status_code == 403
    data = {
        "title": "解决企业用地问题",
        "source_kind": "instruction",
        "instruction_text": "请抓紧协调。",
        "instruction_leader": p.leader.person.pk,
        "instruction_date": today.isoformat(),
        "lead_unit": p.unit_a.pk,
        "co_units": [p.unit_b.pk],
        "deadline": (today + timedelta(days=30)).isoformat(),
        "cadence_days": 7,
    }
    r = c.post(reverse("supervision:item_new"), data, follow=True)
    assert "督办事项已交办" in r.content.decode()
    bad = dict(data, instruction_text="", title="另一事项")
    r = c.post(reverse("supervision:item_new"), bad)
    assert "须填写批示内容" in r.content.decode() and not Item.objects.filter(title="另一事项").exists()


def test_accountability_page_visibility(p: Personas, item: Item) -> None:
    services.notice_issue(actor=p.officer, item=item, level="account")
    services.accountability_record(
        actor=p.officer,
        item=item,
        person=p.head_a.person,
        finding="推诿扯皮",
        outcome="interview",
        decided_on=timezone.localdate(),
    )
    url = reverse("supervision:accountability")
    for who, sees in (("officer", True), ("auditor", True), ("leader", True)):
        r = client_for(getattr(p, who)).get(url)
        assert r.status_code == 200 and ("推诿扯皮" in r.content.decode()) is sees
    assert client_for(p.head_a).get(url).status_code == 404
    assert (
        "推诿扯皮"
        not in client_for(p.head_a).get(reverse("supervision:item", args=[item.pk])).content.decode()
    )
    assert (
        "推诿扯皮" in client_for(p.leader).get(reverse("supervision:item", args=[item.pk])).content.decode()
    )


def test_export_escalated(p: Personas, item: Item) -> None:
    from openpyxl import load_workbook

    make_item(p, title="未升级事项")
    services.notice_issue(actor=p.officer, item=item, level="remind")
    c = client_for(p.officer)
    c.get(reverse("supervision:export"))
    with exact_queries("supervision.export[officer /supervision/export.xlsx]@1"):
        r = c.get(reverse("supervision:export"))
        content = b"".join(r.streaming_content)
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]
    flat = str(rows)
    assert item.title in flat and "未升级事项" not in flat and "催办" in flat


def test_item_page_query_count(p: Personas) -> None:
    """The item's page at two lengths of journey and of notices: the same number of queries."""
    counts = []
    for n in (1, 6):
        item = make_item(p, title=f"往返{n}")
        for i in range(n):
            services.item_handoff(
                actor=p.officer, item=item, kind="transfer", to_unit=p.unit_b if i % 2 == 0 else p.unit_a
            )
            notice = services.notice_issue(actor=p.officer, item=item, level="remind")
            holder = p.reporter_b if i % 2 == 0 else p.reporter_a
            services.response_submit(actor=holder, notice=notice, text=f"反馈{i}")
        c = client_for(p.leader)
        url = reverse("supervision:item", args=[item.pk])
        c.get(url)
        with exact_queries(f"supervision.item[leader /supervision/items/{{item}}/]@{n}") as counted:
            assert c.get(url).status_code == 200
        counts.append(counted.count)
    assert counts[1] <= counts[0]


def test_idle_list_past_the_count_cap_says_more_than(p: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    from functools import partial

    from luoshi.lib.paging import CappedPaginator
    from luoshi.supervision import views

    monkeypatch.setattr(views, "CappedPaginator", partial(CappedPaginator, cap=2))
    monkeypatch.setattr(views, "ROWS_PER_PAGE", 2)
    _items(p, 5, 0)
    c = client_for(p.officer)
    body = c.get(reverse("supervision:idle")).content.decode()
    assert "第 1 页，超过 2 条" in body and "下一页" in body and "共 " not in body
    last = c.get(reverse("supervision:idle") + "?page=3").content.decode()
    assert "事项0" in last and "下一页" not in last and "上一页" in last


def test_unit_responds_by_htmx(p: Personas, item: Item) -> None:
    """By HTMX the notice comes back in place: with the new response (focus on it, the live region says
    it was submitted), or refused with the field marked, described and focused; never a 4xx."""
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    c = client_for(p.reporter_a)
    url = reverse("supervision:respond", args=[notice.pk])
    bad = c.post(url, {"text": "  "}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    said = json.loads(bad["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {"message": "有 1 处需要修改", "focus": f"#notice-{notice.pk}-text"}
    box = bad.content.decode()
    assert box.lstrip().startswith(f'<div class="claim-box notice" id="notice-{notice.pk}">')
    field = re.search(r"<textarea name=\"text\"[^>]*>", box)
    assert field and 'aria-invalid="true"' in field.group()
    assert f'aria-describedby="notice-{notice.pk}-text-error"' in field.group()
    assert f'id="notice-{notice.pk}-text-error"' in box
    assert not notice.responses.exists()

    good = c.post(url, {"text": "已完成方案编制"}, HTTP_HX_REQUEST="true")
    assert good.status_code == 200
    response = notice.responses.get()
    said = json.loads(good["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said == {"message": "书面反馈已提交。", "focus": f"#response-{response.pk}"}
    box = good.content.decode()
    assert f'id="response-{response.pk}"' in box and "已完成方案编制" in box
    assert "aria-invalid" not in box and 'hx-post="' in box  # a fresh form for a later response
    # Without HTMX the same post goes back to the item's page with the message.
    plain = c.post(url, {"text": ""})
    assert plain.status_code == 302 and plain["Location"] == reverse("supervision:item", args=[item.pk])


def test_a_stalled_item_s_response_without_a_reason_is_refused_in_place(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    from unittest import mock

    with mock.patch("luoshi.supervision.services.is_stalled", return_value=True):
        bad = client_for(p.reporter_a).post(
            reverse("supervision:respond", args=[notice.pk]), {"text": "已推进"}, HTTP_HX_REQUEST="true"
        )
    said = json.loads(bad["HX-Trigger-After-Settle"])["luoshi:announce"]
    assert said["focus"] == f"#notice-{notice.pk}-stall_reason"
    assert f'id="notice-{notice.pk}-stall_reason-error">该事项长期没有进展' in bad.content.decode()
    assert not notice.responses.exists()
