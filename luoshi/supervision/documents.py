"""A notice (督办单 / 催办单 / 通报 / 问责通知) as an official document (`documents.official`, after
GB/T 9704): the issuing office's masthead, 文号, title, 主送 unit, body, 落款 and 成文日期."""

from __future__ import annotations

from luoshi.documents import official
from luoshi.documents.official import OfficialDocument

from .models import Notice
from .services import notice_kind, notice_title


def notice_document(notice: Notice) -> OfficialDocument:
    doc = OfficialDocument(
        masthead=f"{notice.issuer}{notice_kind(notice.level)}",
        number=notice.number,
        title=notice_title(notice.level, notice.item.title),
        recipient=notice.unit.name,
        date_cn=official.date_cn(notice.issued_on),
        signer=notice.issuer,
    )
    for line in notice.body.splitlines():
        if line.strip():
            doc.para(line.strip())
    return doc


def notice_docx(notice: Notice) -> bytes:
    return official.render_docx(notice_document(notice))


def notice_pdf(notice: Notice) -> bytes:
    return official.render_pdf(notice_document(notice))
