"""Chinese text helpers for search: pinyin and initials (e.g. 发改局 → fagaiju, fgj)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=20000)
def pinyin_forms(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials) of the CJK characters in `text`."""
    if not text:
        return "", ""
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return full, initials
