"""The decisions memo (会议纪要) of a meeting, in the official-document layout of
`documents.official` (after GB/T 9704): red masthead, issue number, red rule, subject, numbered
sections, date; as .docx and PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.documents import official
from luoshi.documents.bulletin import CN_NUMERALS
from luoshi.documents.official import OfficialDocument

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
    agenda: list[tuple[str, str, str]] = field(default_factory=list)  # title, lead unit, reasons
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
    for item in meeting.agenda.select_related("lead_unit").order_by("sort", "pk"):
        unit = item.lead_unit.short_name or item.lead_unit.name
        memo.agenda.append((item.title, unit, "、".join(label for _code, label in item.reason_labels)))
    memo.agenda_count = len(memo.agenda)
    memo.decisions = list(
        meeting.decisions.order_by("sort", "pk").values_list("text", "owner_unit__name", "deadline")
    )
    return memo


def memo_document(memo: Memo) -> OfficialDocument:
    """The memo laid out as an official document (`documents.official`)."""
    doc = OfficialDocument(masthead=_("会议纪要"), number=memo.number, title=memo.title, date_cn=memo.date_cn)
    n = 1
    doc.heading(f"{memo.section(n)}、{_('会议概况')}")
    doc.para(
        _("%(when)s，%(chair)s在%(place)s主持召开%(title)s，听取%(n)s项滞后事项情况汇报。")
        % {
            "when": memo.when,
            "chair": memo.chair,
            "place": memo.place,
            "title": memo.meeting.series.name,
            "n": memo.agenda_count,
        }
    )
    for label, names in (
        (_("出席"), memo.present),
        (_("迟到"), memo.late),
        (_("缺席"), memo.absent),
        (_("请假"), memo.excused),
    ):
        if names:
            doc.para(f"{label}：{'、'.join(names)}")
    if memo.agenda:
        n += 1
        doc.heading(f"{memo.section(n)}、{_('听取事项')}")
        for i, (title, unit, reasons) in enumerate(memo.agenda, start=1):
            doc.para(
                _("%(i)s. %(title)s（牵头单位：%(unit)s；上会原因：%(reasons)s）")
                % {"i": i, "title": title, "unit": unit, "reasons": reasons}
            )
    n += 1
    doc.heading(f"{memo.section(n)}、{_('议定事项')}")
    if memo.decisions:
        for i, (text, unit, deadline) in enumerate(memo.decisions, start=1):
            doc.para(
                _("%(i)s. %(text)s（责任单位：%(unit)s；完成时限：%(due)s）")
                % {"i": i, "text": text, "unit": unit, "due": deadline.isoformat()}
            )
    else:
        doc.para(_("无。"))
    if memo.minutes:
        n += 1
        doc.heading(f"{memo.section(n)}、{_('会议记录')}")
        for line in memo.minutes:
            doc.para(line)
    return doc


def render_memo_pdf(memo: Memo) -> bytes:
    return official.render_pdf(memo_document(memo))


def render_memo_docx(memo: Memo) -> bytes:
    """The memo as Word, in the official-document layout."""
    return official.render_docx(memo_document(memo))
