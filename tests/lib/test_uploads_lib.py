"""Upload checks as pure functions: kinds by content, refusals, the type a download is served with."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.lib.uploads import UploadRefused, check_file, download_type, sniff
from tests.work.test_uploads import DOCX, EXE, HTML, JPEG, OFD, OLE, PDF, PLAIN_ZIP, PNG, RAR, SVG, XLSX


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("验收报告.pdf", PDF, "pdf"),
        ("电子公文.ofd", OFD, "ofd"),
        ("现场.png", PNG, "png"),
        ("现场.JPG", JPEG, "jpeg"),
        ("方案.doc", OLE, "doc"),
        ("方案.wps", OLE, "doc"),
        ("台账.xls", OLE, "xls"),
        ("台账.et", OLE, "xls"),
        ("汇报.dps", OLE, "ppt"),
        ("方案.docx", DOCX, "docx"),
        ("方案.wps", DOCX, "docx"),
        ("台账.xlsx", XLSX, "xlsx"),
        ("照片.zip", PLAIN_ZIP, "zip"),
        ("材料.rar", RAR, "rar"),
        ("说明.txt", "进展说明：已完成主体工程。\n".encode("gb18030"), "text"),
        ("页面.html", HTML, None),
        ("图标.svg", SVG, None),
        ("程序.exe", EXE, None),
        ("程序.txt", EXE, None),  # a program is not text whatever it is called
        ("未知.doc", b"just some bytes\x00\x01", None),
        ("表格.bin", OLE, None),  # an OLE file whose name says none of Word/Excel/PowerPoint
    ],
)
def test_kind_is_decided_by_content(name: str, data: bytes, kind: str | None) -> None:
    found = sniff(io.BytesIO(data), name)
    assert (found.key if found else None) == kind


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("页面.html", HTML, "附件 页面.html 的文件类型不被接受。"),
        ("图标.svg", SVG, "附件 图标.svg 的文件类型不被接受。"),
        ("程序.exe", EXE, "附件 程序.exe 的文件类型不被接受。"),
        ("照片.jpg", HTML, "附件 照片.jpg 的文件类型不被接受。"),  # a page called a photo
        ("报告.html", PDF, "附件 报告.html 的内容与扩展名不符（内容为 pdf 文件）。"),
    ],
)
def test_refused_files_say_why(name: str, data: bytes, message: str) -> None:
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    with pytest.raises(UploadRefused) as exc:
        check_file(upload, max_bytes=10_000)
    assert str(exc.value).startswith(message)


@pytest.mark.parametrize(
    "stored, served",
    [
        ("application/pdf", ("application/pdf", True)),
        ("image/png", ("image/png", True)),
        ("application/msword", ("application/msword", False)),
        ("application/zip", ("application/zip", False)),
        ("text/plain", ("text/plain", False)),
        # rows stored before the check kept what the browser declared
        ("text/html", ("application/octet-stream", False)),
        ("image/svg+xml", ("application/octet-stream", False)),
        ("application/x-msdownload", ("application/octet-stream", False)),
        ("", ("application/octet-stream", False)),
    ],
)
def test_download_type(stored: str, served: tuple[str, bool]) -> None:
    assert download_type(stored) == served
