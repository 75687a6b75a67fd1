"""Natural order of task codes (编号): 1.2 before 1.10, 二 before 十, (一)(二) and ①② as numbers.

`code_key` turns a code into a string of digits whose plain string order is the codes' natural
order; `tree_segment` adds the task's id so that siblings with equal codes still differ, and a
task's tree sort path is its parent's path followed by its own segment. Ordering by that path lists
a plan in the order of its source table — each task after its parent, siblings by their codes —
with one indexed ORDER BY, no sorting in Python.

Only digits are used so that every database collation orders the keys alike (a locale collation
such as en_US ignores punctuation, which would break separators). The encoding is prefix-free:
no segment is the beginning of another, so comparing two paths compares their segments in turn,
and an ancestor's path, being a prefix of its descendants', comes first.

Encoding of a segment: one token per number, letter or other character, then "0", then the id.
- a number n (Arabic, full-width, circled or Chinese numerals): "1", its digit count, its digits;
- a Latin letter (case ignored): "2" and its place in the alphabet as two digits;
- any other character except separators: "3" and its code point as seven digits;
- the end of the code: "0", lower than every token, so "1.2" comes before "1.2.1";
- the id: its digit count as two digits, then its digits.
"""

from __future__ import annotations

import re
import unicodedata

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "".join(CN_DIGITS) + "".join(CN_UNITS)
TOKEN = re.compile(rf"[0-9]+|[{CN_NUMERAL}]+|[a-z]|[^\W\d_]", re.UNICODE)
# Longest numbers and key kept: a code beyond them still sorts, its tail by id.
MAX_DIGITS = 9
MAX_KEY = 120


def cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 一百零五 → 105, 两千 → 2000; 二〇二六 → 2026 (digit by digit)."""
    if not any(ch in CN_UNITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + CN_DIGITS[ch]
        return value
    total = 0
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (1 to 99; `cn_number` reads them back)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return "零一二三四五六七八九"[ones]
    return (
        ("" if tens == 1 else "零一二三四五六七八九"[tens])
        + "十"
        + ("零一二三四五六七八九"[ones] if ones else "")
    )


def _number(n: int) -> str:
    digits = str(min(n, 10**MAX_DIGITS - 1))
    return f"1{len(digits)}{digits}"


def code_key(code: str) -> str:
    """The code's natural sort key: digits only, compared as plain strings (see the module doc)."""
    text = unicodedata.normalize("NFKC", code or "").lower()
    out: list[str] = []
    size = 0
    for m in TOKEN.finditer(text):
        tok = m.group()
        if tok[0].isdigit():
            part = _number(int(tok))
        elif tok[0] in CN_NUMERAL:
            part = _number(cn_number(tok))
        elif "a" <= tok <= "z":
            part = f"2{ord(tok) - 96:02d}"
        else:
            part = f"3{ord(tok):07d}"
        size += len(part)
        if size > MAX_KEY:
            break
        out.append(part)
    return "".join(out)


def tree_segment(code: str, pk: int) -> str:
    """One task's part of a tree sort path: its code's key, the end mark, its id."""
    digits = str(pk)
    return f"{code_key(code)}0{len(digits):02d}{digits}"


def sort_path(parent_sort_path: str, code: str, pk: int) -> str:
    """A task's tree sort path: its parent's (empty for a top-level task) and its own segment."""
    return parent_sort_path + tree_segment(code, pk)
