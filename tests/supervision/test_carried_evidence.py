"""One fact typed once, for files (一个事实只填一次): a response to a notice carries (沿用) the evidence
files the unit already handed in with its task report and completion claim — listed on the form,
ticked, attached without a new upload or a copied byte, checked on the server to be this task's files
the responder sees, named apart in the audit, served and shown like the response's own uploads."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField
from luoshi.supervision import services
from luoshi.supervision.models import Item, Notice, Response, ResponseEvidence
from luoshi.work.models import Evidence, Task
from luoshi.work.selectors import carryable_evidence, latest_report
from luoshi.work.services.reports import report_submit
from tests.factories import Personas, claim_task, evidence
from tests.helpers import client_for, exact_queries

from .conftest import make_item

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


def _report(p: Personas, item: Item, *names: str) -> list[Evidence]:
    """The unit files a report on the item's task with these evidence files; returns them."""
    task = Task.objects.get(pk=item.task_id)
    files = [f for name in names for f in evidence(name)]
    report = report_submit(
        actor=p.reporter_a, task=task, percent=40, narrative="管网改造完成三个小区", files=files
    )
    return list(report.evidence.order_by("pk"))


def _stored_files() -> list[Path]:
    return [f for f in Path(settings.MEDIA_ROOT).rglob("*") if f.is_file()]


def _notice(p: Personas, item: Item) -> Notice:
    return services.notice_issue(actor=p.officer, item=item, level="supervise")


def _other_task_of_mine(p: Personas) -> Evidence:
    """Evidence reporter A sees, of another task of unit A: not this item's."""
    task = p.task(p.plan(), title="甲单位的另一任务")
    report = report_submit(
        actor=p.reporter_a, task=task, percent=10, narrative="甲", files=evidence("甲.pdf")
    )
    return report.evidence.get()


def _foreign(p: Personas) -> Evidence:
    """Evidence of another unit's task (unit B's), which reporter A does not see."""
    task = p.task(p.plan(), unit=p.unit_b, title="乙单位的任务")
    report = report_submit(
        actor=p.reporter_b, task=task, percent=10, narrative="乙", files=evidence("乙.pdf")
    )
    return report.evidence.get()


# ---------------------------------------------------------------------------------------------
# The service


def test_carried_files_attach_without_a_copy_and_the_audit_names_them_apart(p: Personas, item: Item) -> None:
    notice = _notice(p, item)
    report_files = _report(p, item, "现场照片说明.pdf", "验收单.pdf")
    task = Task.objects.get(pk=item.task_id)
    claim_task(p.reporter_a, task, note="已完成")
    claim_file = Evidence.objects.get(claim__task=task)
    before = _stored_files()
    photo = SimpleUploadedFile("新照片.png", b"\x89PNG\r\n\x1a\n" + b"1" * 40, content_type="image/png")
    response = services.response_submit(
        actor=p.reporter_a,
        notice=notice,
        text="已完成",
        files=[photo],
        carried=[
            report_files[1].pk,
            claim_file.pk,
            report_files[0].pk,
            claim_file.pk,
        ],  # a repeat counts once
    )
    rows = list(response.evidence.order_by("pk"))
    carried = [r for r in rows if r.source_id]
    uploaded = [r for r in rows if not r.source_id]
    assert [r.source_id for r in carried] == [report_files[1].pk, claim_file.pk, report_files[0].pk]
    for row in carried:
        src = row.source
        assert (row.file.name, row.name, row.size, row.sha256, row.content_type) == (
            src.file.name,
            src.name,
            src.size,
            src.sha256,
            src.content_type,
        )
    assert [u.name for u in uploaded] == ["新照片.png"]
    # Only the new upload was written to storage: the carried files are the work app's own.
    assert len(_stored_files()) == len(before) + 1
    entry = Entry.objects.get(action="supervision.response.submitted", object_id=str(response.pk))
    assert entry.after["evidence"] == [["新照片.png", uploaded[0].sha256]]
    assert entry.after["carried"] == [
        ["验收单.pdf", report_files[1].sha256],
        ["验收报告.pdf", claim_file.sha256],
        ["现场照片说明.pdf", report_files[0].sha256],
    ]
    assert entry.after["carried_from"] == [report_files[1].pk, claim_file.pk, report_files[0].pk]


@pytest.mark.parametrize("which", ["seen_other_task", "other_task", "missing", "not_a_number"])
def test_a_foreign_id_is_refused_and_nothing_is_stored(p: Personas, item: Item, which: str) -> None:
    notice = _notice(p, item)
    (mine,) = _report(p, item, "本任务材料.pdf")
    bad: Any = {
        "seen_other_task": lambda: _other_task_of_mine(p).pk,
        "other_task": lambda: _foreign(p).pk,
        "missing": lambda: 10**9,
        "not_a_number": lambda: "x",
    }[which]()
    before = _stored_files()
    with pytest.raises(InvalidField) as e:
        services.response_submit(
            actor=p.reporter_a,
            notice=notice,
            text="已完成",
            files=evidence("新上传.pdf"),
            carried=[mine.pk, bad],
        )
    assert e.value.field == "carried"
    assert not Response.objects.exists() and not ResponseEvidence.objects.exists()
    assert not Entry.objects.filter(action="supervision.response.submitted").exists()
    assert len(_stored_files()) == len(before)  # the upload was never stored


def test_evidence_of_the_same_task_the_responder_does_not_see_is_refused(p: Personas, item: Item) -> None:
    """Reporter B is made a reporter of the holder unit's item by a transfer, but a report of unit A
    still waiting for its head is unit A's alone: its file cannot be carried by unit B."""
    from luoshi.work.models import Plan

    task = Task.objects.get(pk=item.task_id)
    Plan.objects.filter(pk=task.plan_id).update(head_approval=True)
    task.refresh_from_db()
    pending = report_submit(
        actor=p.reporter_a, task=task, percent=20, narrative="待审", files=evidence("待审.pdf")
    )
    services.item_handoff(actor=p.officer, item=item, kind="transfer", to_unit=p.unit_b)
    notice = _notice(p, item)
    assert notice.unit_id == p.unit_b.pk
    with pytest.raises(InvalidField):
        services.response_submit(
            actor=p.reporter_b, notice=notice, text="乙单位反馈", carried=[pending.evidence.get().pk]
        )
    assert not Response.objects.exists()


def test_carryable_lists_the_latest_report_and_the_open_claim(p: Personas, item: Item) -> None:
    _report(p, item, "旧的.pdf")
    latest = _report(p, item, "新的.pdf")
    task = Task.objects.get(pk=item.task_id)
    claim_task(p.reporter_a, task)
    got = carryable_evidence(p.reporter_a, item.task_id, latest_report(p.reporter_a, item.task_id))
    assert [ev.name for ev in got] == ["新的.pdf", "验收报告.pdf"]
    assert got[0].pk == latest[0].pk
    assert carryable_evidence(p.reporter_b, item.task_id, None) == []


# ---------------------------------------------------------------------------------------------
# The page


def _page(who: Any, item: Item) -> str:
    return html.unescape(client_for(who).get(reverse("supervision:item", args=[item.pk])).content.decode())


def test_the_form_lists_the_files_ticked_and_posting_carries_them(p: Personas, item: Item) -> None:
    notice = _notice(p, item)
    a, b = _report(p, item, "照片.pdf", "台账.pdf")
    page = _page(p.reporter_a, item)
    assert "沿用最近一次填报的佐证材料" in page
    for ev in (a, b):
        assert f'name="carried" value="{ev.pk}" id="notice-{notice.pk}-carried-{ev.pk}" checked>' in page
        assert ev.name in page
    assert "沿用最近一次填报的佐证材料" not in _page(p.leader, item)  # no form for who may not respond
    c = client_for(p.reporter_a)
    r = c.post(
        reverse("supervision:respond", args=[notice.pk]),
        {"text": "已完成", "carried": [b.pk], "evidence": evidence("补充.pdf")},  # A unticked
        follow=True,
    )
    body = html.unescape(r.content.decode())
    assert "书面反馈已提交" in body
    rows = list(ResponseEvidence.objects.order_by("pk"))
    assert [(row.name, row.source_id) for row in rows] == [("台账.pdf", b.pk), ("补充.pdf", None)]
    for row in rows:  # listed like uploaded ones, each through the response's own download
        assert reverse("supervision:evidence", args=[row.pk]) in body


def test_an_htmx_post_with_a_foreign_id_comes_back_marked_with_the_boxes_as_left(
    p: Personas, item: Item
) -> None:
    notice = _notice(p, item)
    a, b = _report(p, item, "照片.pdf", "台账.pdf")
    foreign = _foreign(p)
    r = client_for(p.reporter_a).post(
        reverse("supervision:respond", args=[notice.pk]),
        {"text": "已完成", "carried": [a.pk, foreign.pk]},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    body = html.unescape(r.content.decode())
    assert f'id="notice-{notice.pk}-carried-error"' in body and "未能沿用" in body
    assert f'value="{a.pk}" id="notice-{notice.pk}-carried-{a.pk}" checked>' in body
    assert f'value="{b.pk}" id="notice-{notice.pk}-carried-{b.pk}">' in body
    assert f"#notice-{notice.pk}-carried" in r["HX-Trigger-After-Settle"]
    assert not Response.objects.exists()
    # Then, corrected, it goes through and the fresh form ticks every file again.
    ok = client_for(p.reporter_a).post(
        reverse("supervision:respond", args=[notice.pk]),
        {"text": "已完成", "carried": [a.pk]},
        headers={"HX-Request": "true"},
    )
    fresh = html.unescape(ok.content.decode())
    assert ResponseEvidence.objects.get().source_id == a.pk
    assert f'value="{b.pk}" id="notice-{notice.pk}-carried-{b.pk}" checked>' in fresh


def test_a_carried_file_downloads_through_the_response_check(p: Personas, item: Item) -> None:
    notice = _notice(p, item)
    (ev,) = _report(p, item, "验收报告.pdf")
    response = services.response_submit(actor=p.reporter_a, notice=notice, text="已完成", carried=[ev.pk])
    row = response.evidence.get()
    link = reverse("supervision:evidence", args=[row.pk])
    for who in ("reporter_a", "head_a", "leader", "officer"):
        got = client_for(getattr(p, who)).get(link)
        assert got.status_code == 200, who
        assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
        assert b"".join(got.streaming_content) == b"%PDF-1.4 evidence"  # type: ignore[attr-defined]
    assert client_for(p.reporter_b).get(link).status_code == 404
    assert client_for(None).get(link).status_code == 302
    assert Entry.objects.filter(action="audit.evidence.downloaded", object_id=str(row.pk)).count() == 4


def test_the_notice_document_lists_carried_and_uploaded_files(p: Personas, item: Item) -> None:
    from docx import Document

    notice = _notice(p, item)
    (ev,) = _report(p, item, "沿用的台账.pdf")
    services.response_submit(
        actor=p.reporter_a, notice=notice, text="已完成", carried=[ev.pk], files=evidence("新传的.pdf")
    )
    r = client_for(p.officer).get(reverse("supervision:notice_file", args=[notice.pk, "docx"]))
    text = "\n".join(par.text for par in Document(io.BytesIO(r.content)).paragraphs)
    assert "书面反馈（" in text and "已完成" in text
    assert "附件：1．沿用的台账.pdf；2．新传的.pdf" in text
    pdf = client_for(p.officer).get(reverse("supervision:notice_file", args=[notice.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_responder_page_query_count_does_not_grow_with_files(p: Personas) -> None:
    """The responder's item page with 1 and 3 files to carry: the same queries, exactly."""
    counts = []
    for n in (1, 3):
        item = make_item(p, title=f"沿用{n}")
        _notice(p, item)
        _report(p, item, *[f"材料{i}.pdf" for i in range(n)])
        c = client_for(p.reporter_a)
        url = reverse("supervision:item", args=[item.pk])
        c.get(url)
        with exact_queries(f"supervision.item[reporter_a /supervision/items/{{item}}/]@{n}") as counted:
            r = c.get(url)
        assert r.content.decode().count('name="carried"') == n
        counts.append(counted.count)
    assert counts[1] <= counts[0]


# ---------------------------------------------------------------------------------------------
# The API


def test_api_submit_carries_and_read_shows_them(p: Personas, item: Item) -> None:
    notice = _notice(p, item)
    a, b = _report(p, item, "照片.pdf", "台账.pdf")
    c = client_for(p.reporter_a)
    r = c.post(
        f"{API}/notices/{notice.pk}/responses",
        {"text": "已完成", "carried": [a.pk, b.pk], "files": evidence("补充.pdf")},
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert [(e["name"], e["carried_from"]) for e in out["evidence"]] == [
        ("照片.pdf", a.pk),
        ("台账.pdf", b.pk),
        ("补充.pdf", None),
    ]
    assert out["evidence"][0]["sha256"] == a.sha256
    listed = client_for(p.officer).get(f"{API}/notices/{notice.pk}/responses")
    assert listed.status_code == 200
    assert [e["carried_from"] for e in listed.json()[0]["evidence"]] == [a.pk, b.pk, None]
    assert client_for(p.reporter_b).get(f"{API}/notices/{notice.pk}/responses").status_code == 404


def test_api_refuses_a_foreign_id_and_stores_nothing(p: Personas, item: Item) -> None:
    notice = _notice(p, item)
    (a,) = _report(p, item, "照片.pdf")
    foreign = _foreign(p)
    r = client_for(p.reporter_a).post(
        f"{API}/notices/{notice.pk}/responses", {"text": "已完成", "carried": [a.pk, foreign.pk]}
    )
    assert r.status_code == 400 and r.json()["field"] == "carried"
    assert not Response.objects.exists() and not ResponseEvidence.objects.exists()
    # Who may not respond is refused whatever they carry; the leader sees the notice but is no responder.
    r = client_for(p.leader).post(f"{API}/notices/{notice.pk}/responses", {"text": "x", "carried": [a.pk]})
    assert r.status_code == 403


def test_the_carried_files_read_in_english_too(p: Personas, item: Item) -> None:
    from tests.web.test_i18n import chinese_left, visible_text

    from .test_i18n import _user_data

    notice = _notice(p, item)
    (ev,) = _report(p, item, "照片.pdf")
    claim_task(p.reporter_a, Task.objects.get(pk=item.task_id))
    services.response_submit(actor=p.reporter_a, notice=notice, text="已完成", carried=[ev.pk])
    en = client_for(p.reporter_a)
    en.cookies["django_language"] = "en"
    page = en.get(reverse("supervision:item", args=[item.pk])).content.decode()
    assert "Carry over the evidence of the latest report" in page and "(completion claim)" in page
    known = [*_user_data(), "照片.pdf", "验收报告.pdf", "已完成", "管网改造完成三个小区"]
    assert not chinese_left(visible_text(page), known)


def test_api_responses_query_count(p: Personas) -> None:
    """A notice's responses through the API at 1 and 4 responses, each with a carried and an uploaded
    file: the same queries, exactly."""
    counts = []
    for n in (1, 4):
        item = make_item(p, title=f"反馈{n}")
        notice = _notice(p, item)
        (ev,) = _report(p, item, "台账.pdf")
        for i in range(n):
            services.response_submit(
                actor=p.reporter_a,
                notice=notice,
                text=f"反馈{i}",
                carried=[ev.pk],
                files=evidence(f"补{i}.pdf"),
            )
        c = client_for(p.officer)
        url = f"{API}/notices/{notice.pk}/responses"
        c.get(url)
        with exact_queries(
            f"supervision.api[officer /supervision/notices/{{notice}}/responses]@{n}"
        ) as counted:
            r = c.get(url)
        assert [len(x["evidence"]) for x in r.json()] == [2] * n
        assert [x["superseded"] for x in r.json()] == [True] * (n - 1) + [False]
        counts.append(counted.count)
    assert counts[1] <= counts[0]
