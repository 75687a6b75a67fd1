"""Matching unit names as offices write them to the organisation (区发展和改革局 ↔ 区发改局 ↔ 发改局).

`UnitMatcher` is built once from plain (id, name, short name, aliases, category) tuples, so one
query loads every unit and matching a 100,000-row table costs dictionary look-ups. Pure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from luoshi.work.paths import path_ids, prefixes

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
COLLECTIVE = re.compile(
    r"^(各|全区|全县|全市|有关|相关|其他)|各(相关|有关)?(单位|部门)$|(有关|相关)(单位|部门)$|各专班$|等$"
)
# Marks written after a name in the cell (区发改局牵头，区财政局配合; 区发改局（牵头）): its part.
INLINE_LEAD = re.compile(r"\(?(?:牵头|主办|主责)\)?$")
INLINE_CO = re.compile(r"\(?(?:配合|协办|协助|参与)\)?$")
# Words after the names that say how, not who (按职责分工负责), and "and others" (区发改局等).
DUTY_TAIL = re.compile(
    r"(?:按职责分工负责|按职责分工落实|按职责分工|分工负责|按职责负责|负责落实|具体落实|负责)$"
)
ETC_TAIL = re.compile(r"等(?:单位|部门)?$")
# Joining words between names: 区发改局会同区财政局, 区发改局及各街道 (before a group word only:
# 和 and 及 are inside names such as 区发展和改革局).
JOINS = re.compile(r"会同|联合|协同(?!单位)|(?:及|和|与)(?=各|有关|相关|区直|县直)")


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
    by_alias: bool = False  # matched through a name an office mapped (UnitAlias)
    candidate_ids: list[int] = field(default_factory=list)  # the units of `ambiguous` or `suggestions`


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    short_name: str = ""
    aliases: str = ""
    category: str = ""
    code: str = ""
    path: str = ""
    parent_id: int | None = None


@dataclass(frozen=True)
class AliasInfo:
    """A name an office mapped to a unit, valid for plans owned inside `scope_path` ("" = everywhere)."""

    name: str
    unit_id: int
    scope_path: str = ""


# Group words (泛指) that name a definite set of units, and which units: streets, towns, both, the
# functional zones, or the departments directly under the region (区直部门).
GROUP_WORDS: dict[str, str] = {
    **dict.fromkeys(("各街道", "各街道办事处", "各街道办"), "streets"),
    **dict.fromkeys(("各乡镇", "各镇", "各乡"), "towns"),
    **dict.fromkeys(
        (
            "各街镇",
            "各镇街",
            "各镇(街道)",
            "各街道(乡镇)",
            "各乡镇(街道)",
            "各镇(街)",
            "各乡镇街道",
            "各镇街道",
        ),
        "streets_towns",
    ),
    **dict.fromkeys(("各功能区", "各园区", "各开发区"), "zones"),
    **dict.fromkeys(
        (
            "区直各部门",
            "区直各单位",
            "县直各部门",
            "县直各单位",
            "各区直部门",
            "各区直单位",
            "区直部门",
            "各部门",
        ),
        "departments",
    ),
}
_ZONE_SUFFIXES = ("办事处", "人民政府", "政府", "管委会", "管理委员会")


def _zone_kind(u: UnitInfo) -> str:
    """ "street", "town" or "zone" for a 功能区/街镇 unit, by its name as written without 办事处/人民政府."""
    for n in (u.name, u.short_name):
        n = _norm(n or "")
        for suffix in _ZONE_SUFFIXES:
            if n.endswith(suffix) and len(n) > len(suffix) + 1:
                n = n[: -len(suffix)]
                break
        if n.endswith(("街道", "街")):
            return "street"
        if n.endswith(("镇", "乡")):
            return "town"
    return "zone"


class UnitMatcher:
    """Name → unit, by name, short name, aliases and abbreviation rules; near misses only suggested.

    With a scope (the plan owner's path), a name is looked for in the owner's subtree first, then in
    its parent's, and so on upward, so that the 区发改局 of one district is not confused with the
    区发改局 of another; names an office mapped (`AliasInfo`) apply inside the subtree they were
    mapped for."""

    def __init__(
        self, units: Iterable[UnitInfo], *, aliases: Iterable[AliasInfo] = (), scope_path: str = ""
    ) -> None:
        self.units = {u.id: u for u in units}
        self.index: dict[str, set[int]] = {}
        self.exact: dict[str, set[int]] = {}
        for u in self.units.values():
            names = [u.name, u.short_name, *SEPARATORS.split(u.aliases or "")]
            for n in names:
                if not n:
                    continue
                self.exact.setdefault(_norm(n), set()).add(u.id)
                for form in name_forms(n):
                    self.index.setdefault(form, set()).add(u.id)
            # the names in brackets only as other spellings: a unit of that very name comes first
            for n in _bracketed_names(u.name):
                for form in name_forms(n):
                    self.index.setdefault(form, set()).add(u.id)
            if u.code:
                self.exact.setdefault(u.code, set()).add(u.id)
        self.scope_path = scope_path
        # Subtrees searched in turn: the owner's, its parent's, … the whole organisation ("").
        self.levels = [*prefixes(scope_path), ""]
        self.mapped: dict[str, tuple[int, int]] = {}  # written → (unit, scope depth) of the nearest alias
        for a in aliases:
            if a.unit_id not in self.units:
                continue
            if a.scope_path and not scope_path.startswith(a.scope_path):
                continue
            key, depth = _norm(a.name), len(a.scope_path)
            if key not in self.mapped or self.mapped[key][1] < depth:
                self.mapped[key] = (a.unit_id, depth)
        self._keys = sorted(self.index)
        self._memo: dict[str, Match] = {}
        self._groups: dict[str, list[UnitInfo]] = {}
        self._district_names: list[str] | None = None

    @classmethod
    def from_db(cls, *, owner_id: int | None = None) -> UnitMatcher:
        from luoshi.org.models import Unit, UnitAlias

        rows = Unit.objects.filter(is_active=True).values_list(
            "id", "name", "short_name", "aliases", "category", "code", "path", "parent_id"
        )
        units = [UnitInfo(*r) for r in rows]
        scope = next((u.path for u in units if u.id == owner_id), "") if owner_id else ""
        aliases = [
            AliasInfo(name, unit_id, scope_path or "")
            for name, unit_id, scope_path in UnitAlias.objects.values_list("name", "unit_id", "scope__path")
        ]
        return cls(units, aliases=aliases, scope_path=scope)

    def _nearest(self, ids: set[int]) -> set[int]:
        """The candidates in the closest subtree around the owner that has any."""
        for level in self.levels:
            found = {i for i in ids if self.units[i].path.startswith(level)} if level else ids
            if found:
                return found
        return set()

    def match(self, written: str) -> Match:
        found = self._memo.get(written)
        if found is None:
            found = self._memo[written] = self._match(written)
        return found

    def _match(self, written: str) -> Match:
        w = _norm(written)
        if w in self.mapped:
            uid = self.mapped[w][0]
            return Match(uid, self.units[uid].name, written, by_alias=True)
        hits = self._nearest(self.exact.get(w, set()))
        if not hits:
            forms: set[int] = set()
            for form in name_forms(w):
                forms |= self.index.get(form, set())
            hits = self._nearest(forms)
        if len(hits) == 1:
            uid = next(iter(hits))
            return Match(uid, self.units[uid].name, written)
        if len(hits) > 1:
            ordered = sorted(hits, key=lambda i: (self.units[i].name, self.units[i].path))
            return Match(
                None, "", written, ambiguous=[self.units[i].name for i in ordered], candidate_ids=ordered
            )
        for other in self._other_spellings(w):
            # 临江区发展和改革局 for 区发展和改革局, 区发改局（张三） for 区发改局
            found = self.match(other)
            if found.unit_id is not None:
                return Match(found.unit_id, found.name, written, by_alias=found.by_alias)
        if COLLECTIVE.search(w):
            return Match(None, "", written, collective=True)
        close = difflib.get_close_matches(w, self._keys, n=6, cutoff=0.6)
        ids: list[int] = []
        for key in close:
            for uid in sorted(self._nearest(self.index[key]) or self.index[key]):
                if uid not in ids and self.units[uid].name not in (self.units[i].name for i in ids):
                    ids.append(uid)
        ids = ids[:3]
        return Match(None, "", written, suggestions=[self.units[i].name for i in ids], candidate_ids=ids)

    def _other_spellings(self, w: str) -> list[str]:
        """The written name with a note in brackets dropped (区发改局（张三）), or with a district's
        own name in front read as 区 / 县 (临江区财政局 → 区财政局), tried when it matches as written
        nowhere."""
        out = []
        bare = re.sub(r"\([^)]*\)", "", w).strip()
        if bare and bare != w:
            out.append(bare)
        if self._district_names is None:
            names = {_norm(u.name) for u in self.units.values() if u.category == "district"}
            self._district_names = sorted((n for n in names if len(n) > 1), key=len, reverse=True)
        for name in self._district_names:
            if w.startswith(name) and len(w) > len(name) + 1:
                out.append(name[-1] + w[len(name) :])
                break
        return out

    def region(self) -> UnitInfo | None:
        """The district (区/县) the plan owner belongs to: the nearest ancestor-or-self of category
        district; without an owner, the organisation's only district if it has just one."""
        for level in self.levels:
            if not level:
                break
            uid = path_ids(level)[-1]
            u = self.units.get(uid)
            if u is not None and u.category == "district":
                return u
        if not self.scope_path:
            districts = [u for u in self.units.values() if u.category == "district"]
            if len(districts) == 1:
                return districts[0]
        return None

    def in_scope(self) -> list[UnitInfo]:
        """The units an office chooses from: the owner's district, or the whole organisation."""
        region = self.region()
        units: Iterable[UnitInfo] = self.units.values()
        if region is not None:
            units = [u for u in units if u.path.startswith(region.path)]
        return sorted(units, key=lambda u: u.path)

    def group(self, written: str) -> list[UnitInfo] | None:
        """The units a group word (各街道, 区直各部门 …) names inside the owner's district; None if not one."""
        kind = GROUP_WORDS.get(_norm(written))
        if kind is None:
            return None
        if kind not in self._groups:
            self._groups[kind] = self._group(kind)
        return self._groups[kind]

    def _group(self, kind: str) -> list[UnitInfo]:
        region = self.region()
        if region is None and any(u.category == "district" for u in self.units.values()):
            return []  # several districts and no owner to say which one: name none of them
        units = self.in_scope()
        if kind == "departments":
            return [
                u
                for u in units
                if u.category == "department" and (region is None or u.parent_id == region.id)
            ]
        wanted = {
            "streets": {"street"},
            "towns": {"town"},
            "streets_towns": {"street", "town"},
            "zones": {"zone"},
        }[kind]
        return [u for u in units if u.category == "zone" and _zone_kind(u) in wanted]


class NameChoices:
    """Collects the unit names an import preview asks the office about, each once with its rows:
    unknown, near miss (fuzzy: suggestions only), ambiguous, or already mapped by an alias."""

    def __init__(self, into: list[dict[str, Any]]) -> None:
        self.into = into
        self.seen: dict[str, dict[str, Any]] = {}

    def add(self, m: Match, row: int) -> None:
        if m.collective or (m.unit_id is not None and not m.by_alias):
            return
        entry = self.seen.get(m.written)
        if entry is None:
            status = "alias" if m.by_alias else "ambiguous" if m.ambiguous else "unknown"
            if status == "unknown" and m.suggestions:
                status = "fuzzy"
            entry = self.seen[m.written] = {
                "written": m.written,
                "status": status,
                "rows": [],
                "suggestions": m.ambiguous or m.suggestions,
                "suggestion_ids": m.candidate_ids,
                "unit_id": m.unit_id,
                "unit_name": m.name,
            }
            self.into.append(entry)
        if row not in entry["rows"]:
            entry["rows"].append(row)


_STRONG = re.compile(r"[、，,;；/]+")
_NOTE = re.compile(r"[(（][^)）]*[)）]")
# A word that is a title, not a name (副区长, 区委常委, 同志): never taken for the person as written.
_TITLE = re.compile(r"(长|书记|主任|常委|委员|同志|主席|部长|经理|干事|科员)$")


def _bracketed_names(name: str) -> list[str]:
    """The names a unit's own name carries in brackets, and the name without them: 区委办公室（区档案局）
    is also 区委办公室 and 区档案局; 区城市管理局（挂区综合行政执法局牌子） also 区综合行政执法局.
    A note such as （筹） names nothing."""
    m = re.search(r"[(（]([^)）]*)[)）]", name)
    if not m:
        return []
    out = [(name[: m.start()] + name[m.end() :]).strip()]
    for inner in SEPARATORS.split(m.group(1)):
        inner = re.sub(r"^(?:加挂|挂)|(?:牌子|牌)$", "", inner)
        if len(inner) >= 3 and inner[-1] in "局委办室部院会所站队中心":
            out.append(inner)
    return [n for n in out if len(n) >= 2]


def person_names(written: str, known: Container[str]) -> list[str]:
    """The people a 责任领导 / 牵头领导 cell names, in order: 赵晓东（副区长）, 赵晓东副区长, 副区长
    赵晓东, 赵晓东同志 and 赵  东 (a name spaced out to the column's width) all name 赵晓东 / 赵东.
    A word is a known name, or begins or ends with exactly one known name (the rest a title), or
    else is kept as written (to be reported unknown) unless it is a title (副区长)."""
    out: list[str] = []
    words: list[str] = []
    for part in _STRONG.split(_NOTE.sub(" ", written)):
        tokens = part.split()
        if len(tokens) > 1 and all(len(t) == 1 for t in tokens):
            tokens = ["".join(tokens)]
        words += tokens
    for word in words:
        if word in known:
            found = {word}
        else:
            # the longest known name at its start and at its end (王明华副区长 is 王明华, not 王明)
            starts = [word[:n] for n in (4, 3, 2) if len(word) > n and word[:n] in known][:1]
            ends = [word[-n:] for n in (4, 3, 2) if len(word) > n and word[-n:] in known][:1]
            found = set(starts + ends)
        name = found.pop() if len(found) == 1 else None if _TITLE.search(word) else word
        if name is not None and name not in out:
            out.append(name)
    return out or words[:1]


class People:
    """Person names → ids, loaded in one query (and the current leaders in one more); leaders preferred
    when names repeat. What every importer reads a named person through (`person_names` first)."""

    def __init__(self) -> None:
        from luoshi.org.models import Membership, Person, Role

        self.by_name: dict[str, list[int]] = {}
        for pk, name in Person.objects.values_list("pk", "name"):
            self.by_name.setdefault(name.strip(), []).append(pk)
        self.leaders = set(
            Membership.objects.current().filter(post__role=Role.LEADER).values_list("person_id", flat=True)
        )

    def find(self, name: str, *, leader: bool = False) -> tuple[int | None, str]:
        ids = self.by_name.get(name, [])
        if leader and len(ids) > 1:
            ids = [i for i in ids if i in self.leaders] or ids
        if len(ids) == 1:
            return ids[0], ""
        return None, ("ambiguous" if ids else "missing")


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
    s = JOINS.sub("、", s)
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
    marked: list[str] = []
    for name in unlabelled:
        name = ETC_TAIL.sub("", DUTY_TAIL.sub("", name)).strip() or name
        if INLINE_LEAD.search(name) and INLINE_LEAD.sub("", name):
            marked.append(INLINE_LEAD.sub("", name).strip())
            continue
        if INLINE_CO.search(name) and INLINE_CO.sub("", name):
            name = INLINE_CO.sub("", name).strip()
        if "★" in name or "☆" in name:
            starred = True
            clean_name = name.replace("★", "").replace("☆", "").strip()
            if lead is None:
                lead = clean_name
            else:
                others.append(clean_name)
        else:
            others.append(name)
    if marked:  # written 牵头 after the name: the lead, as a ★ is
        starred = True
        if lead is None:
            lead = marked.pop(0)
        others = marked + others
    if lead is None and others and lead_marked_first:
        lead = others.pop(0)
    others = [o for o in others if o and o != lead]
    # Keep the order, drop repeats.
    seen: set[str] = set()
    uniq = [o for o in others if not (o in seen or seen.add(o))]  # type: ignore[func-returns-value]
    return UnitCell(lead, tuple(uniq), starred)
