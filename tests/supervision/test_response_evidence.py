"""Evidence files (佐证材料) on a unit's written response to a notice: checked by content like every
upload, pinned in the audit entry, shown on the item's page, served only to those who see the item."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.audit.models import Entry
from luoshi.errors import InvalidField
from luoshi.supervision import services
from luoshi.supervision.models import Item, Response, ResponseEvidence
from tests.factories import Personas, evidence
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_a_response_carries_its_evidence_into_the_audit(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    response = services.response_submit(
        actor=p.reporter_a, notice=notice, text="已完成方案编制", files=[*evidence(), photo]
    )
    files = list(response.evidence.order_by("pk"))
    assert [(f.name, f.content_type) for f in files] == [
        ("验收报告.pdf", "application/pdf"),
        ("现场.png", "image/png"),
    ]
    assert all(len(f.sha256) == 64 and f.size > 0 for f in files)
    entry = Entry.objects.get(action="supervision.response.submitted", object_id=str(response.pk))
    assert entry.after["evidence"] == [[f.name, f.sha256] for f in files]
    # Without files a response is still a response (the evidence is optional).
    later = services.response_submit(actor=p.head_a, notice=notice, text="方案已报区政府")
    assert not later.evidence.exists()


def test_a_refused_file_leaves_nothing(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    page = SimpleUploadedFile("说明.pdf", b"<html><script>x</script></html>", content_type="application/pdf")
    with pytest.raises(InvalidField) as e:
        services.response_submit(actor=p.reporter_a, notice=notice, text="已完成", files=[*evidence(), page])
    assert e.value.field == "files"
    assert not Response.objects.exists() and not ResponseEvidence.objects.exists()
    assert not Entry.objects.filter(action="supervision.response.submitted").exists()


def test_too_large_a_file_is_refused(p: Personas, item: Item, settings: Any) -> None:
    settings.LUOSHI_EVIDENCE_MAX_BYTES = 10
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    with pytest.raises(InvalidField):
        services.response_submit(actor=p.reporter_a, notice=notice, text="已完成", files=evidence())
    assert not Response.objects.exists()


def test_evidence_through_the_page_and_its_download(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    c = client_for(p.reporter_a)
    page = c.get(reverse("supervision:item", args=[item.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="evidence"' in page
    r = c.post(
        reverse("supervision:respond", args=[notice.pk]),
        {"text": "已完成方案编制", "evidence": evidence("整改方案.pdf")},
        follow=True,
    )
    body = r.content.decode()
    assert "书面反馈已提交" in body
    ev = ResponseEvidence.objects.get()
    link = reverse("supervision:evidence", args=[ev.pk])
    assert link in body and "整改方案.pdf" in body
    for who in ("reporter_a", "head_a", "leader", "officer"):
        download = client_for(getattr(p, who)).get(link)
        assert download.status_code == 200, who
        assert download["Content-Type"] == "application/pdf"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert client_for(p.reporter_b).get(link).status_code == 404  # does not see the item
    assert client_for(None).get(link).status_code == 302


def test_a_refused_file_through_the_page_says_why(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    bad = SimpleUploadedFile("说明.pdf", b"<html></html>", content_type="application/pdf")
    r = client_for(p.reporter_a).post(
        reverse("supervision:respond", args=[notice.pk]), {"text": "已完成", "evidence": bad}, follow=True
    )
    assert r.status_code == 200
    assert "书面反馈已提交" not in r.content.decode()
    assert not Response.objects.exists()
