"""Free-text deadlines (完成时限) as offices write them, turned into dates. Pure: no database.

`parse_deadline("6月底前", year=2024, plan_due=date(2024, 12, 31))` → Deadline(due=2024-06-30).
Open-ended phrases (长期坚持, 持续推进, 常态化) get the plan's due date and `needs_review`, so a
person decides; text that names no date at all is `due=None` (an error in the preview).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise

from luoshi.lib.natural import CN_DIGITS, cn_number


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23, 12 → 12; None when it is not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch not in "十百" for ch in text):
        return None
    return cn_number(text)


@dataclass(frozen=True)
class Deadline:
    due: date | None
    needs_review: bool = False
    note: str = ""
    # Earlier dates named in the same cell ("6月底前完成方案，12月底前建成"): milestones (时间节点).
    milestones: tuple[tuple[str, date], ...] = field(default=())


OPEN_ENDED = (
    "长期坚持",
    "长期",
    "持续推进",
    "持续",
    "常态化",
    "常年",
    "长效",
    "久久为功",
    "每季度",
    "每月",
    "按月",
    "序时",  # 按序时推进: at the pace of the year, no date of its own
    "逐年",
    "按进度",
    # a reporting rhythm, not a date (每周五报送): the task runs to the plan's end
    "每周",
    "每日",
    "每天",
    "每半月",
    "每半年",
    "每年",
    "按季",
    "按周",
    # set by others (按省市要求, 根据上级部署): a person decides
    "按要求",
    "按上级",
    "按省",
    "按市",
    "根据上级",
    "上级要求",
    "适时",
)
WHOLE_YEAR = ("全年", "年内", "年底前", "年底", "年末", "年终", "本年度", "年度内", "全年持续", "12月底前")
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}

_NUM = r"[0-9]{1,4}|[〇零一二两三四五六七八九十]{1,3}"
_FULL_DATE = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})(?!\d)\s*日?")
_YEAR_MONTH = re.compile(
    rf"(?:(\d{{4}})\s*年\s*)?({_NUM})\s*月\s*(?:(份)?\s*(底|末|中旬|上旬|下旬|中|初)?)\s*(前|以前|之前)?"
)
_MONTH_DAY = re.compile(rf"(?:(\d{{4}})\s*年\s*)?({_NUM})\s*月\s*({_NUM})\s*[日号]\s*(前|以前|之前)?")
_QUARTER = re.compile(rf"(?:(\d{{4}})\s*年\s*)?(?:第\s*)?({_NUM})\s*季度\s*(末|底)?\s*(前)?")
_HALF = re.compile(r"(?:(\d{4})\s*年\s*)?(上半年|下半年|年中)")
_YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:底|末|年底|内|全年)?\s*(?:前)?")
# The end of the plan's year named without its year, among other dates (6月底前完成招标，年底前开工).
_BARE_YEAR_END = re.compile(r"(?:年底|年末|年终)(?:前|以前|之前)?")
# A year alone (2024, or the number 2024.0 of a cell): by the end of that year.
_YEAR_ALONE = re.compile(r"((?:19|20)\d{2})(?:\.0)?")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Year and month with a dot, slash or dash (2024.10, 2024/9, 2024-10底前): the end of that month.
_YEAR_DOT_MONTH = re.compile(
    r"(?<![\d.．])((?:19|20)\d{2})\s*[.．/\-]\s*(\d{1,2})(?!\d|[.．/]\d)\s*月?\s*(?:底|末)?\s*(?:前|以前|之前)?"
)
# Between two dates, a span (3月至10月, 2024.3—2024.10): the first is when the work starts, no milestone.
_SPAN = frozenset(("-", "—", "——", "–", "－", "~", "～", "至", "到"))
# "2024.1" alone: Excel keeps a typed 2024.10 as the number 2024.1, so October may be meant.
_DOT_JANUARY = re.compile(r"(?:19|20)\d{2}[.．]1(?:月)?(?:底|末)?(?:前|以前|之前)?")
# Month.day without a year, as tables write it (6.30前, 9.30): not a decimal inside a figure (6.2%).
_DOTTED = re.compile(r"(?<![\d.．])(\d{1,2})[.．](\d{1,2})(?![\d.．%％万亿])\s*[日号]?\s*(前|以前|之前)?")
# Years named relative to the plan's: 明年6月 is June of the next year.
_RELATIVE_YEARS = (("明年", 1), ("次年", 1), ("来年", 1), ("下一年", 1), ("今年", 0), ("当年", 0))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _candidates(text: str, year: int) -> list[tuple[int, date | None, str]]:
    """Every date named in the text, as (position, date or None if impossible, matched text)."""
    found: list[tuple[int, date | None, str]] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    def add(m: re.Match[str], value: date | None) -> None:
        taken.append((m.start(), m.end()))
        found.append((m.start(), value, m.group(0)))

    for m in _FULL_DATE.finditer(text):
        add(m, _safe(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _YEAR_DOT_MONTH.finditer(text):
        if free(m):
            month = int(m.group(2))
            add(m, _month_end(int(m.group(1)), month) if 1 <= month <= 12 else None)
    for m in _MONTH_DAY.finditer(text):
        if not free(m):
            continue
        y = int(m.group(1)) if m.group(1) else year
        mo, d = cn_to_int(m.group(2)), cn_to_int(m.group(3))
        add(m, _safe(y, mo or 0, d or 0))  # "3月15日前" is still 3月15日
    for m in _DOTTED.finditer(text):
        if free(m) and 1 <= int(m.group(1)) <= 12:
            add(m, _safe(year, int(m.group(1)), int(m.group(2))))
    for m in _QUARTER.finditer(text):
        if not free(m):
            continue
        y = int(m.group(1)) if m.group(1) else year
        q = cn_to_int(m.group(2))
        add(m, date(y, *QUARTER_END[q]) if q in QUARTER_END else None)
    for m in _YEAR_MONTH.finditer(text):
        if not free(m):
            continue
        y = int(m.group(1)) if m.group(1) else year
        mo = cn_to_int(m.group(2))
        if mo is None or not 1 <= mo <= 12:
            add(m, None)
            continue
        part, before = m.group(4) or "", m.group(5)
        if part in ("上旬", "初"):
            value = date(y, mo, 10)
        elif part in ("中旬", "中"):
            value = date(y, mo, 20)
        elif before and not part:
            # "9月前": before September begins, i.e. by the end of August.
            value = _month_end(y - 1, 12) if mo == 1 else _month_end(y, mo - 1)
        else:
            value = _month_end(y, mo)
        add(m, value)
    for m in _HALF.finditer(text):
        if not free(m):
            continue
        y = int(m.group(1)) if m.group(1) else year
        add(m, date(y, 12, 31) if m.group(2) == "下半年" else date(y, 6, 30))
    for m in _YEAR_END.finditer(text):
        if not free(m):
            continue
        add(m, date(int(m.group(1)), 12, 31))
    for m in _BARE_YEAR_END.finditer(text):
        if free(m):
            add(m, date(year, 12, 31))
    return sorted(found, key=lambda f: f[0])


def parse_deadline(value: object, *, year: int, plan_due: date) -> Deadline:
    """A deadline cell (text, date or Excel datetime) as a due date, flagged when a person must decide."""
    if value is None or value == "":
        return Deadline(due=plan_due)
    if isinstance(value, datetime):
        return Deadline(due=value.date())
    if isinstance(value, date):
        return Deadline(due=value)
    text = re.sub(r"\s+", "", str(value)).replace("（", "(").replace("）", ")")
    if not text:
        return Deadline(due=plan_due)
    for word, ahead in _RELATIVE_YEARS:
        text = text.replace(word, f"{year + ahead}年")
    alone = _YEAR_ALONE.fullmatch(text)
    if alone:
        return Deadline(due=date(int(alone.group(1)), 12, 31))
    iso = _ISO.fullmatch(text[:10]) if len(text) >= 10 else None
    if iso and len(text) in (10, 19):
        d = _safe(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        return Deadline(due=d, note="" if d else "impossible")
    found = _candidates(text, year)
    if found:
        if any(d is None for _, d, _ in found):
            return Deadline(due=None, note="impossible")
        dates = [d for _, d, _ in found if d is not None]
        due = max(dates)
        starts = {
            at for (at, _d, label), (nxt, _n, _l) in pairwise(found) if text[at + len(label) : nxt] in _SPAN
        }
        milestones = tuple(
            (label, d) for at, d, label in found if d is not None and d != due and at not in starts
        )
        if _DOT_JANUARY.fullmatch(text):
            return Deadline(due=due, needs_review=True, note="dot_month")
        open_ended = any(word in text for word in OPEN_ENDED)
        return Deadline(
            due=due, needs_review=open_ended, note="open" if open_ended else "", milestones=milestones
        )
    if any(word in text for word in WHOLE_YEAR) or text in ("年度", "当年", "本年"):
        return Deadline(due=date(year, 12, 31))
    if any(word in text for word in OPEN_ENDED):
        return Deadline(due=plan_due, needs_review=True, note="open")
    return Deadline(due=None, note="unreadable")
