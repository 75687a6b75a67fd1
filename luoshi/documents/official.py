"""The official-document layout (公文格式, after GB/T 9704) shared by every document Luoshi issues —
meeting memos (会议纪要), supervision notices (督办单) — as .docx (python-docx) and PDF (WeasyPrint
with the bulletin's CJK fonts and stylesheet).

A document is its elements in the standard's order: the issuer's masthead (发文机关标志) in red, the
document number (发文字号), the red rule, the title (标题), the main recipient (主送机关), the body
(正文: numbered headings and indented paragraphs), the issuer's signature (落款) and the date
written in Chinese (成文日期). Callers build an `OfficialDocument`; this module draws it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

HEADING = "heading"
PARAGRAPH = "para"


@dataclass(frozen=True)
class Block:
    """One piece of the body: a section heading (一、…, 黑体) or an indented paragraph (仿宋)."""

    text: str
    kind: str = PARAGRAPH


@dataclass
class OfficialDocument:
    """Everything a document shows, in GB/T 9704 order; `recipient` and `signer` may be empty."""

    masthead: str
    number: str
    title: str
    date_cn: str
    recipient: str = ""
    body: list[Block] = field(default_factory=list)
    signer: str = ""

    def heading(self, text: str) -> None:
        self.body.append(Block(text, HEADING))

    def para(self, text: str) -> None:
        self.body.append(Block(text, PARAGRAPH))


def date_cn(day: date) -> str:
    """成文日期 as documents write it: 2026年3月5日."""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF: A4, the standard's margins, page numbers in — N — form."""
    from weasyprint import HTML

    html = render_to_string("documents/official_pdf.html", {"d": doc, "heading": HEADING})
    pdf: bytes = HTML(string=html, base_url=".").write_pdf()
    return pdf


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as Word: A4, 仿宋 body, 方正小标宋-like title (宋体 bold where that font is absent)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    out_doc = Document()
    sec = out_doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)

    def para(
        text: str,
        *,
        size: float = 16,
        bold: bool = False,
        font: str = "仿宋",
        align: Any = None,
        color: RGBColor | None = None,
        indent: bool = False,
    ) -> None:
        p = out_doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.font.name = font
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if color is not None:
            run.font.color.rgb = color

    red = RGBColor(0xD4, 0, 0)
    para(doc.masthead, size=36, bold=True, font="宋体", align=WD_ALIGN_PARAGRAPH.CENTER, color=red)
    para(doc.number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("—" * 24, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, color=red)
    para(doc.title, size=22, bold=True, font="宋体", align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.recipient:
        para(f"{doc.recipient}：")
    for block in doc.body:
        if block.kind == HEADING:
            para(block.text, size=16, font="黑体")
        else:
            para(block.text, indent=True)
    if doc.signer:
        para(doc.signer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc.date_cn, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    out_doc.save(out)
    return out.getvalue()
