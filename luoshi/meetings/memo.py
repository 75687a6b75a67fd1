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
    # the lines past MEMO_AGENDA_LINES, summed up by reason: (label, lines)
    agenda_rest: list[tuple[str, int]] = field(default_factory=list)
    decisions: list[tuple[str, str, date]] = field(default_factory=list)  # text, owner unit, deadline
    minutes: list[str] = field(default_factory=list)

    def section(self, n: int) -> str:
        return CN_NUMERALS[n - 1] if 0 < n <= len(CN_NUMERALS) else str(n)


# Agenda lines the memo lists one by one; past them it counts the rest by reason. A city-wide
# meeting's agenda runs to 19,296 lines: a memo of that many paragraphs is some 400 pages, which no
# one signs, and took minutes to lay out as PDF.
MEMO_AGENDA_LINES = 50


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
    for item in meeting.agenda.select_related("lead_unit").order_by("sort", "pk")[: MEMO_AGENDA_LINES + 1]:
        unit = item.lead_unit.short_name or item.lead_unit.name
        memo.agenda.append((item.title, unit, "、".join(label for _code, label in item.reason_labels)))
    memo.agenda_count = len(memo.agenda)
    if memo.agenda_count > MEMO_AGENDA_LINES:
        from .selectors import agenda_reasons

        memo.agenda = memo.agenda[:MEMO_AGENDA_LINES]
        memo.agenda_count = meeting.agenda.count()
        listed = meeting.agenda.order_by("sort", "pk")[:MEMO_AGENDA_LINES].values("pk")
        memo.agenda_rest = [(label, n) for _code, label, n in agenda_reasons(meeting, exclude=listed) if n]
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
        if memo.agenda_count > len(memo.agenda):
            doc.para(
                _("以上列出前%(shown)s项；另有%(rest)s项（按上会原因：%(reasons)s），详见会议议程。")
                % {
                    "shown": len(memo.agenda),
                    "rest": memo.agenda_count - len(memo.agenda),
                    "reasons": "、".join(
                        _("%(label)s%(n)s项") % {"label": label, "n": n} for label, n in memo.agenda_rest
                    ),
                }
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
