"""A notice (督办单 / 催办单 / 通报 / 问责通知) as an official document (`documents.official`, after
GB/T 9704): the issuing office's masthead, 文号, title, 主送 unit, body, 落款 and 成文日期; once the
unit has answered, its standing written response (书面反馈) follows as the notice's 回执, with its
evidence files listed as 附件 — uploaded and carried from the task report (沿用) alike."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.documents import official
from luoshi.documents.official import OfficialDocument

from .models import Notice, Response
from .services import notice_kind, notice_title


def standing_response(notice: Notice) -> Response | None:
    """The notice's response that no later one superseded, with its unit and evidence files."""
    return (
        Response.objects.filter(notice=notice, superseded_by__isnull=True)
        .select_related("unit")
        .prefetch_related("evidence")
        .order_by("-submitted_at", "-pk")
        .first()
    )


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
    response = standing_response(notice)
    if response is not None:
        doc.heading(
            _("书面反馈（%(unit)s，%(day)s）")
            % {"unit": response.unit.name, "day": official.date_cn(timezone.localdate(response.submitted_at))}
        )
        for line in response.text.splitlines():
            if line.strip():
                doc.para(line.strip())
        if response.stall_reason.strip():
            doc.para(_("未推进原因：%(r)s") % {"r": " ".join(response.stall_reason.split())})
        files = list(response.evidence.all())
        if files:
            doc.para(
                _("附件：%(list)s")
                % {
                    "list": _("；").join(
                        _("%(n)s．%(name)s") % {"n": i, "name": f.name} for i, f in enumerate(files, 1)
                    )
                }
            )
    return doc


def notice_docx(notice: Notice) -> bytes:
    return official.render_docx(notice_document(notice))


def notice_pdf(notice: Notice) -> bytes:
    return official.render_pdf(notice_document(notice))
