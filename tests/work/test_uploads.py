"""Evidence uploads (佐证材料): kinds checked by content, oversize requests refused unread, no file
left behind by a refused or rolled-back report, downloads served with the checked type."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luoshi.errors import LuoshiError
from luoshi.work.models import Evidence, Report
from luoshi.work.services import report_submit
from luoshi.work.services import reports as services

JUNE = date(2024, 6, 15)


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return buf.getvalue()


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
DOCX = _zip(["[Content_Types].xml", "word/document.xml"])
XLSX = _zip(["[Content_Types].xml", "xl/workbook.xml"])
OFD = _zip(["OFD.xml", "Doc_0/Document.xml"])
PLAIN_ZIP = _zip(["照片/1.jpg"])
RAR = b"Rar!\x1a\x07\x01\x00" + b"\x00" * 20
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60


# ---------------------------------------------------------------------------------------------
# Through the service


def _files_on_disk(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_evidence_is_stored_with_its_checked_type_not_the_declared_one(p: Any, settings: Any) -> None:
    task = p.task(p.plan())
    report = report_submit(
        actor=p.head_a,
        task=task,
        percent=40,
        on=JUNE,
        files=[SimpleUploadedFile("验收报告.pdf", PDF, content_type="text/html")],
    )
    assert report.evidence.get().content_type == "application/pdf"


@pytest.mark.django_db
@pytest.mark.parametrize("name, data", [("页面.html", HTML), ("图标.svg", SVG), ("程序.exe", EXE)])
def test_unsafe_kinds_are_refused_and_nothing_is_kept(p: Any, settings: Any, name: str, data: bytes) -> None:
    task = p.task(p.plan())
    with pytest.raises(LuoshiError) as exc:
        report_submit(
            actor=p.head_a,
            task=task,
            percent=40,
            on=JUNE,
            files=[SimpleUploadedFile(name, data, content_type="application/pdf")],
        )
    assert str(exc.value).startswith(f"附件 {name} 的文件类型不被接受。")
    assert not Evidence.objects.exists() and _files_on_disk(settings) == []


@pytest.mark.django_db
def test_one_oversize_file_of_several_leaves_no_file_behind(p: Any, settings: Any) -> None:
    task = p.task(p.plan())
    settings.LUOSHI_EVIDENCE_MAX_BYTES = 1000
    files = [
        SimpleUploadedFile("验收报告.pdf", PDF),
        SimpleUploadedFile("现场.png", PNG),
        SimpleUploadedFile("大.pdf", PDF + b"x" * 1000),
    ]
    with pytest.raises(LuoshiError) as exc:
        report_submit(actor=p.head_a, task=task, percent=40, on=JUNE, files=files)
    assert str(exc.value) == "附件 大.pdf 超过大小上限。"
    assert not Report.objects.exists()
    assert _files_on_disk(settings) == []


@pytest.mark.django_db(transaction=True)
def test_stored_files_are_deleted_when_the_transaction_rolls_back(
    p: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = p.task(p.plan())
    real_record = services.record

    def fail_after_storing(obj: Any, action: str, **kw: Any) -> Any:
        if action == "work.report.submitted":
            assert len(_files_on_disk(settings)) == 2  # stored, then the audit entry fails
            raise RuntimeError("audit store unavailable")
        return real_record(obj, action, **kw)

    monkeypatch.setattr(services, "record", fail_after_storing)
    files = [SimpleUploadedFile("验收报告.pdf", PDF), SimpleUploadedFile("现场.png", PNG)]
    with pytest.raises(RuntimeError):
        report_submit(actor=p.head_a, task=task, percent=40, on=JUNE, files=files)
    assert not Evidence.objects.exists()
    assert _files_on_disk(settings) == []
    # A committed report keeps its files.
    monkeypatch.setattr(services, "record", real_record)
    files = [SimpleUploadedFile("验收报告.pdf", PDF)]
    report = report_submit(actor=p.head_a, task=task, percent=40, on=JUNE, files=files)
    ev = report.evidence.get()
    assert [f.name for f in _files_on_disk(settings)] == [Path(ev.file.name).name]


# ---------------------------------------------------------------------------------------------
# Through HTTP


class Unreadable(io.RawIOBase):
    """A request body that must not be read."""

    read_called = False

    def read(self, *args: Any) -> bytes:
        Unreadable.read_called = True
        raise AssertionError("the oversize body was read")

    def readline(self, *args: Any) -> bytes:
        return self.read()


@pytest.mark.django_db
@pytest.mark.parametrize("hx", [False, True])
def test_oversize_upload_is_refused_before_it_is_read(p: Any, hx: bool, settings: Any) -> None:
    settings.LUOSHI_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    task = p.task(p.plan())
    c = Client()
    c.force_login(p.reporter_a)
    Unreadable.read_called = False
    extra = {"HTTP_HX_REQUEST": "true"} if hx else {}
    response = c.generic(
        "POST",
        f"/work/fill/{task.pk}/",
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
        **extra,
    )
    assert response.status_code == 413
    assert "上传内容过大（上限 50 MB），未接收。" in response.content.decode()
    assert not Unreadable.read_called
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_api_refuses_an_oversize_body_with_413(p: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    c = Client()
    c.force_login(p.officer)
    response = c.generic(
        "POST",
        "/api/v1/tasks/1/reports",
        b"",
        content_type="application/json",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("上传内容过大（上限 20 MB）")


@pytest.mark.django_db
def test_upload_within_the_limit_still_works(p: Any) -> None:
    task = p.task(p.plan())
    c = Client()
    c.force_login(p.head_a)
    response = c.post(
        f"/work/fill/{task.pk}/",
        {"percent": "30", "evidence": [SimpleUploadedFile("验收报告.pdf", PDF)]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Evidence.objects.get().content_type == "application/pdf"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data, declared, content_type, disposition",
    [
        ("验收报告.pdf", PDF, "application/pdf", "application/pdf", "inline"),
        ("现场.png", PNG, "image/png", "image/png", "inline"),
        (
            "方案.docx",
            DOCX,
            "text/html",
            f"{'application/vnd.openxmlformats-officedocument'}.wordprocessingml.document",
            "attachment",
        ),
        ("照片.zip", PLAIN_ZIP, "application/zip", "application/zip", "attachment"),
    ],
)
def test_download_is_served_with_the_checked_type(
    p: Any, name: str, data: bytes, declared: str, content_type: str, disposition: str
) -> None:
    task = p.task(p.plan())
    report = report_submit(
        actor=p.head_a,
        task=task,
        percent=40,
        on=JUNE,
        files=[SimpleUploadedFile(name, data, content_type=declared)],
    )
    c = Client()
    c.force_login(p.head_a)
    response = c.get(f"/work/evidence/{report.evidence.get().pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == data


@pytest.mark.django_db
def test_an_old_row_with_a_declared_html_type_is_served_as_a_download(p: Any) -> None:
    task = p.task(p.plan())
    report = report_submit(actor=p.head_a, task=task, percent=40, on=JUNE)
    ev = Evidence(report=report, name="页面.html", size=len(HTML), sha256="0" * 64, content_type="text/html")
    ev.file.save("页面.html", io.BytesIO(HTML), save=False)
    ev.save()
    c = Client()
    c.force_login(p.head_a)
    response = c.get(f"/work/evidence/{ev.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
