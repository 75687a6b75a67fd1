"""Matching unit names as offices write them to the organisation (区发展和改革局 ↔ 区发改局 ↔ 发改局).

`UnitMatcher` is built once from plain (id, name, short name, aliases, category) tuples, so one
query loads every unit and matching a 100,000-row table costs dictionary look-ups. Pure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

# Common abbreviations of department names (全称 → 简称), longest first when applied.
ABBREVIATIONS: dict[str, str] = {
    "发展和改革": "发改",
    "发展改革": "发改",
    "工业和信息化": "工信",
    "经济和信息化": "经信",
    "科技和经济信息化": "科技经信",
    "科学技术": "科技",
    "住房和城乡建设": "住建",
    "住房城乡建设": "住建",
    "人力资源和社会保障": "人社",
    "人力资源社会保障": "人社",
    "自然资源和规划": "资规",
    "自然资源和城乡规划": "资规",
    "市场监督管理": "市场监管",
    "卫生健康": "卫健",
    "卫生和健康": "卫健",
    "文化和旅游": "文旅",
    "文化旅游": "文旅",
    "农业农村": "农业农村",
    "交通运输": "交通",
    "应急管理": "应急",
    "退役军人事务": "退役军人",
    "医疗保障": "医保",
    "城市管理": "城管",
    "生态环境": "环保",
    "商务和投资促进": "商务",
    "政务服务和数据管理": "政数",
    "行政审批服务": "审批",
    "统计": "统计",
    "审计": "审计",
    "教育": "教育",
}
_ABBR_ORDER = sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0]))
REGION_PREFIXES = ("区", "县", "市", "镇", "全区", "全县")
SUFFIX_GROUPS = (("局", "委", "办", "办公室", "中心"),)
SEPARATORS = re.compile(r"[、，,;；/\s]+")
LEAD_MARKS = re.compile(r"^(牵头单位|牵头部门|牵头|主办单位|主办|责任单位|责任部门|责任|主责单位)[:：]")
CO_MARKS = re.compile(r"^(配合单位|配合部门|配合|协办单位|协办|协同单位|协同|参与单位|参与)[:：]")
COLLECTIVE = re.compile(r"^(各|全区|全县|全市|有关|相关|其他)|各(相关|有关)?(单位|部门)$|各专班$|等$")


def _norm(name: str) -> str:
    s = name.replace("（", "(").replace("）", ")")
    s = re.sub(r"[\s★☆*\"“”'‘’]", "", s)
    return s


def name_forms(name: str) -> set[str]:
    """The spellings under which a unit may be written: with and without region prefix, abbreviated."""
    base = _norm(name)
    if not base:
        return set()
    forms = {base}
    for prefix in REGION_PREFIXES:
        if base.startswith(prefix) and len(base) > len(prefix) + 1:
            forms.add(base[len(prefix) :])
    for form in list(forms):
        short = form
        for full, abbr in _ABBR_ORDER:
            short = short.replace(full, abbr)
        short = short.replace("和", "") if short != form and "和" in short else short
        forms.add(short)
    return {f for f in forms if f}


@dataclass
class Match:
    unit_id: int | None
    name: str
    written: str
    suggestions: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    collective: bool = False


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    short_name: str = ""
    aliases: str = ""
    category: str = ""
    code: str = ""


class UnitMatcher:
    """Name → unit, by name, short name, aliases and abbreviation rules; near misses suggested."""

    def __init__(self, units: Iterable[UnitInfo]) -> None:
        self.units = {u.id: u for u in units}
        self.index: dict[str, set[int]] = {}
        self.exact: dict[str, int] = {}
        for u in self.units.values():
            names = [u.name, u.short_name, *SEPARATORS.split(u.aliases or "")]
            for n in names:
                if not n:
                    continue
                self.exact.setdefault(_norm(n), u.id)
                for form in name_forms(n):
                    self.index.setdefault(form, set()).add(u.id)
            if u.code:
                self.exact.setdefault(u.code, u.id)
        self._keys = sorted(self.index)
        self._memo: dict[str, Match] = {}

    @classmethod
    def from_db(cls) -> UnitMatcher:
        from luoshi.org.models import Unit

        rows = Unit.objects.filter(is_active=True).values_list(
            "id", "name", "short_name", "aliases", "category", "code"
        )
        return cls(UnitInfo(*r) for r in rows)

    def match(self, written: str) -> Match:
        found = self._memo.get(written)
        if found is None:
            found = self._memo[written] = self._match(written)
        return found

    def _match(self, written: str) -> Match:
        w = _norm(written)
        if w in self.exact:
            uid = self.exact[w]
            return Match(uid, self.units[uid].name, written)
        hits: set[int] = set()
        for form in name_forms(w):
            hits |= self.index.get(form, set())
        if len(hits) == 1:
            uid = next(iter(hits))
            return Match(uid, self.units[uid].name, written)
        if len(hits) > 1:
            names = sorted(self.units[i].name for i in hits)
            return Match(None, "", written, ambiguous=names)
        if COLLECTIVE.search(w):
            return Match(None, "", written, collective=True)
        close = difflib.get_close_matches(w, self._keys, n=6, cutoff=0.6)
        names: list[str] = []
        for key in close:
            for uid in sorted(self.index[key]):
                if self.units[uid].name not in names:
                    names.append(self.units[uid].name)
        return Match(None, "", written, suggestions=names[:3])

    def streets(self, written: str = "各街道") -> list[UnitInfo]:
        """Units meant by "各街道" / "各乡镇" / "各街镇": streets or towns among the zones (功能区/街镇)."""
        zones = [u for u in self.units.values() if u.category == "zone"]
        if "功能区" in written:
            return [u for u in zones if not u.name.endswith(("街道", "镇", "乡"))]
        wants_streets = "街" in written
        wants_towns = "镇" in written or "乡" in written
        return [
            u
            for u in zones
            if (wants_streets and u.name.endswith("街道")) or (wants_towns and u.name.endswith(("镇", "乡")))
        ]


@dataclass(frozen=True)
class UnitCell:
    """One cell of unit names split into the lead (牵头) and co-units (配合), as written."""

    lead: str | None
    others: tuple[str, ...]
    starred: bool = False


@lru_cache(maxsize=50_000)
def split_units(value: str | None, *, lead_marked_first: bool = True) -> UnitCell:
    """ "★区发改局、区财政局" / "牵头:区发改局;配合:区财政局" / "区发改局、区财政局" (first leads)."""
    if not value:
        return UnitCell(None, ())
    s = str(value).replace("：", ":").replace("（", "(").replace("）", ")")
    # "牵头单位:A;责任单位:B,C" — the labelled parts.
    parts = [p for p in re.split(r"[;；\n]+", s) if p.strip()]
    lead: str | None = None
    others: list[str] = []
    starred = False
    unlabelled: list[str] = []
    for part in parts:
        part = part.strip()
        if re.match(r"^(牵头单位|牵头部门|牵头|主办单位|主办)[:：]", part):
            names = [n for n in SEPARATORS.split(LEAD_MARKS.sub("", part)) if n]
            if names:
                lead = lead or names[0]
                others += names[1:]
        elif CO_MARKS.match(part) or (lead is not None and LEAD_MARKS.match(part)):
            others += [n for n in SEPARATORS.split(LEAD_MARKS.sub("", CO_MARKS.sub("", part))) if n]
        else:
            unlabelled += [n for n in SEPARATORS.split(LEAD_MARKS.sub("", part)) if n]
    for name in unlabelled:
        if "★" in name or "☆" in name:
            starred = True
            clean_name = name.replace("★", "").replace("☆", "").strip()
            if lead is None:
                lead = clean_name
            else:
                others.append(clean_name)
        else:
            others.append(name)
    if lead is None and others and lead_marked_first:
        lead = others.pop(0)
    others = [o for o in others if o and o != lead]
    # Keep the order, drop repeats.
    seen: set[str] = set()
    uniq = [o for o in others if not (o in seen or seen.add(o))]  # type: ignore[func-returns-value]
    return UnitCell(lead, tuple(uniq), starred)
