"""The decisions memo (会议纪要) of a meeting, in official-document layout (after GB/T 9704): red
masthead, issue number, red rule, subject, numbered sections; as .docx (python-docx) and PDF
(WeasyPrint with the CJK fonts and stylesheet of the documents app's bulletin)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.documents.bulletin import CN_NUMERALS

from .models import AttendanceState, Meeting


@dataclass
class Memo:
    """Everything the memo shows, read in a fixed number of queries."""

    meeting: Meeting
    title: str
    number: str
    date_cn: str
    when: str
    place: str
    chair: str
    present: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    excused: list[str] = field(default_factory=list)
    agenda_count: int = 0
    decisions: list[tuple[str, str, date]] = field(default_factory=list)  # text, owner unit, deadline
    minutes: list[str] = field(default_factory=list)

    def section(self, n: int) -> str:
        return CN_NUMERALS[n - 1] if 0 < n <= len(CN_NUMERALS) else str(n)


def build_memo(meeting: Meeting) -> Memo:
    starts = timezone.localtime(meeting.starts_at)
    memo = Memo(
        meeting=meeting,
        # 区长调度会 → 区长调度会纪要, not 区长调度会会议纪要
        title=(_("%(series)s纪要") if meeting.series.name.endswith("会") else _("%(series)s会议纪要"))
        % {"series": meeting.series.name},
        number=_("〔%(y)s〕第%(n)s期") % {"y": starts.year, "n": meeting.number},
        date_cn=_("%(y)s年%(m)s月%(d)s日") % {"y": starts.year, "m": starts.month, "d": starts.day},
        when=starts.strftime("%Y-%m-%d %H:%M"),
        place=meeting.place or "—",
        chair=meeting.series.chair.name,
        agenda_count=meeting.agenda.count(),
        minutes=[p.strip() for p in meeting.minutes.splitlines() if p.strip()],
    )
    lists: dict[str, list[str]] = {
        AttendanceState.PRESENT: memo.present,
        AttendanceState.LATE: memo.late,
        AttendanceState.ABSENT: memo.absent,
        AttendanceState.EXCUSED: memo.excused,
    }
    for state, name, unit in meeting.attendance.order_by("unit__path", "person__name").values_list(
        "state", "person__name", "unit__short_name"
    ):
        if state in lists:
            lists[state].append(f"{name}（{unit}）" if unit else name)
    memo.decisions = list(
        meeting.decisions.order_by("sort", "pk").values_list("text", "owner_unit__name", "deadline")
    )
    return memo


def render_memo_pdf(memo: Memo) -> bytes:
    from weasyprint import HTML

    html = render_to_string("meetings/memo_pdf.html", {"m": memo})
    pdf: bytes = HTML(string=html, base_url=".").write_pdf()
    return pdf


def render_memo_docx(memo: Memo) -> bytes:
    """The memo as Word: A4, 仿宋 body, 方正小标宋-like title (宋体 bold where that font is absent)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    doc = Document()
    sec = doc.sections[0]
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
        p = doc.add_paragraph()
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
    para(_("会议纪要"), size=36, bold=True, font="宋体", align=WD_ALIGN_PARAGRAPH.CENTER, color=red)
    para(memo.number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("—" * 24, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, color=red)
    para(memo.title, size=22, bold=True, font="宋体", align=WD_ALIGN_PARAGRAPH.CENTER)
    n = 1
    para(f"{memo.section(n)}、{_('会议概况')}", size=16, font="黑体")
    para(
        _("%(when)s，%(chair)s在%(place)s主持召开%(title)s，听取%(n)s项滞后事项情况汇报。")
        % {
            "when": memo.when,
            "chair": memo.chair,
            "place": memo.place,
            "title": memo.meeting.series.name,
            "n": memo.agenda_count,
        },
        indent=True,
    )
    for label, names in (
        (_("出席"), memo.present),
        (_("迟到"), memo.late),
        (_("缺席"), memo.absent),
        (_("请假"), memo.excused),
    ):
        if names:
            para(f"{label}：{'、'.join(names)}", indent=True)
    n += 1
    para(f"{memo.section(n)}、{_('议定事项')}", size=16, font="黑体")
    if memo.decisions:
        for i, (text, unit, deadline) in enumerate(memo.decisions, start=1):
            para(
                _("%(i)s. %(text)s（责任单位：%(unit)s；完成时限：%(due)s）")
                % {"i": i, "text": text, "unit": unit, "due": deadline.isoformat()},
                indent=True,
            )
    else:
        para(_("无。"), indent=True)
    if memo.minutes:
        n += 1
        para(f"{memo.section(n)}、{_('会议记录')}", size=16, font="黑体")
        for line in memo.minutes:
            para(line, indent=True)
    para(memo.date_cn, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
