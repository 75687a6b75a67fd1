"""Importing published statistics tables (统计公报、年鉴) into benchmark values, from .csv or .xlsx.

A table has a region column (名称, 地区, district, city…), optionally its division code (adcode) and
its parent (所属地区: 山东省枣庄市), a period (2025年前三季度) or a year column, and one column per
indicator, recognised by its heading (地区生产总值(亿元), GDP增长%, 社零增长%…); other columns (排名,
source_url, note, 第一产业…) are listed as not imported.

Regions are matched to division codes: the code when the table has one; else the exact name, then
the name without its 市/区/县 suffix, each narrowed to the parent the row names or the office chose;
a name that still fits several divisions is refused with the candidates listed. Numbers are read as
printed (`rules.parse_amount`, `rules.parse_growth`). `preview` lists every refusal with its row and
column and writes nothing; `stats_import` writes every value or none, replacing the figures an
earlier import gave the same region, indicator and period (importing a file again changes nothing).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import LuoshiError
from luoshi.imports.sheets import SheetError, Table, find_table, norm_header, read_sheets, text
from luoshi.org.access import require_officer

from . import rules
from .models import Indicator, IndicatorKind, Period, Region, Value

META: dict[str, tuple[str, ...]] = {
    "region": (
        "地区",
        "区县",
        "县区",
        "城市",
        "名称",
        "地区名称",
        "行政区",
        "区域",
        "jurisdiction",
        "district",
        "city",
        "region",
        "name",
    ),
    "code": ("adcode", "代码", "行政区划代码", "区划代码", "code"),
    "parent": ("parent", "上级", "上级地区", "所属地区", "所属", "省市"),
    "period": ("period", "统计期", "时期", "期间", "统计时期"),
    "year": ("data_year", "year", "年份", "年度"),
}
LEVEL_HINTS = {
    "城市": frozenset({"province", "city"}),
    "city": frozenset({"province", "city"}),
    "区县": frozenset({"county"}),
    "县区": frozenset({"county"}),
    "district": frozenset({"county"}),
}
MAX_ROWS = 20_000
_UNIT = re.compile(r"[(（]\s*(亿元|万元|元)\s*[)）]")
# Sub-headings under a merged indicator heading (地区生产总值 over 绝对值（亿元） | 增长（%）).
_SUB_AMOUNT = ("绝对值", "总量", "总额", "金额", "数值", "绝对数", "本期", "累计")
_SUB_GROWTH = ("增长", "增速", "增幅", "增长率", "同比增长", "比上年增长", "比上年同期增长", "同比")
# Rows that are not a region's: the whole area's total, and notes under the table.
_TOTAL_NAMES = re.compile(r"^(?:全市|全区|全县|全省|全州|全盟|全国|合计|总计|全市合计|全区合计|全县合计)$")
_NOTE_ROW = re.compile(r"^(?:注|说明|备注|资料来源|数据来源)\s*[:：0-9１-９一-九、.]")
# A period in a title above the table: 2024年前三季度各区主要经济指标.
_TITLE_PERIOD = re.compile(
    r"((?:19|20)\d{2})\s*年(前三季度|上半年|一季度|第一季度|1-\d{1,2}月|1～\d{1,2}月|全年)?"
)


def _sub_header(group: str, sub: str) -> str | None:
    """The heading a group and its sub-heading make, or None when `sub` is not one."""
    bare = norm_header(sub)
    unit = _UNIT.search(sub.replace(" ", ""))
    if any(bare == w or bare.startswith(w) for w in _SUB_AMOUNT):
        return f"{group}（{unit.group(1)}）" if unit else group
    if any(bare == w or bare.startswith(w) for w in _SUB_GROWTH):
        return f"{group}增长%"
    return None


def _merge_two_row_headers(sheet: Any, aliases: dict[str, str]) -> bool:
    """A heading over two rows, the indicator merged across its sub-headings (地区生产总值 over
    绝对值（亿元） and 增长（%）): the two rows become one (地区生产总值（亿元）, 地区生产总值增长%) so the
    table's columns are found; True when it did so."""
    rows = sheet.rows
    for pos in range(min(len(rows) - 1, 20)):
        top, below = rows[pos], rows[pos + 1]
        if top.spans_all or below.spans_all:
            continue
        merged: list[Any] = []
        made = False
        for idx in range(max(len(top.cells), len(below.cells))):
            upper = text(top.cells[idx]) if idx < len(top.cells) else ""
            lower = text(below.cells[idx]) if idx < len(below.cells) else ""
            heading = _sub_header(upper, lower) if upper and lower and upper != lower else None
            if heading is not None and heading != f"{upper} {lower}":
                made = True
            if heading is None and upper and lower and upper != lower:
                heading = f"{upper} {lower}"  # a sub-heading of no indicator (位次): named for the preview
            merged.append(heading or upper or lower or None)
        if made and any(aliases.get(norm_header(c)) for c in merged if c):
            top.cells = merged
            del rows[pos + 1]
            return True
    return False


@dataclass
class Refusal:
    """One refused cell: the row as the spreadsheet numbers it, the column's heading, why."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)s 行「%(col)s」：%(msg)s") % {
            "row": self.row,
            "col": self.column,
            "msg": self.message,
        }


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    indicator: Indicator
    unit: str  # the unit printed in the heading (亿元/万元/元) for amounts, % for growth rates


@dataclass
class StatsRow:
    number: int
    region: Region
    written: str
    period: rules.PeriodKey
    values: dict[str, Decimal] = field(default_factory=dict)  # indicator code → value


@dataclass
class Parsed:
    rows: list[StatsRow] = field(default_factory=list)
    errors: list[Refusal] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    replaced: int = 0
    # read otherwise than written: the period from the title, total and note rows left out
    notes: list[str] = field(default_factory=list)

    @property
    def values(self) -> int:
        return sum(len(r.values) for r in self.rows)

    @property
    def periods(self) -> list[str]:
        return [p.label() for p in sorted({r.period for r in self.rows})]


def _variants(name: str, growth: bool) -> set[str]:
    names = {name}
    if growth:
        for word in ("增速", "增长率", "增幅", "同比增长"):
            names.add(name.replace("增长", word))
    return {norm_header(v) for n in names for v in (n, n + "%", n + "％")}


def _aliases(indicators: list[Indicator]) -> dict[str, str]:
    aliases = {norm_header(h): key for key, names in META.items() for h in names}
    for ind in indicators:
        for name in ind.names():
            for v in _variants(name, ind.kind == IndicatorKind.GROWTH):
                aliases.setdefault(v, f"ind:{ind.code}")
    return aliases


def _table(data: bytes, filename: str, aliases: dict[str, str]) -> tuple[Table, list[Any]]:
    """The statistics table of the file and the rows above its header (the title)."""
    try:
        sheets = read_sheets(data, filename=filename)
    except SheetError as exc:
        raise LuoshiError(str(exc)) from exc
    for sheet in sheets:
        _merge_two_row_headers(sheet, aliases)
        table = find_table(sheet, aliases, required=("region",))
        if table is not None and any(k.startswith("ind:") for k in table.columns):
            return table, [r for r in sheet.rows if r.number < table.header_row]
    raise LuoshiError(
        _(
            "没有找到统计表的表头：应有地区名称列（名称、地区、district…）和至少一个指标列（地区生产总值(亿元)、GDP增长%…）。"
        )
    )


class RegionMatcher:
    """Names and codes to regions, all in memory (a few thousand divisions)."""

    def __init__(self, regions: list[Region]) -> None:
        self.by_pk = {r.pk: r for r in regions}
        self.by_code = {r.code: r for r in regions}
        self.by_name: dict[str, list[Region]] = defaultdict(list)
        self.by_stem: dict[str, list[Region]] = defaultdict(list)
        for r in regions:
            self.by_name[r.name].append(r)
            self.by_stem[rules.region_stem(r.name)].append(r)

    @classmethod
    def from_db(cls) -> RegionMatcher:
        return cls(list(Region.objects.only("pk", "code", "name", "parent_id", "level", "unit_id")))

    def ancestors(self, region: Region) -> list[Region]:
        out: list[Region] = []
        pid = region.parent_id
        while pid is not None and pid in self.by_pk and len(out) < 3:
            out.append(self.by_pk[pid])
            pid = out[-1].parent_id
        return out

    def _under(self, region: Region, parent_text: str, within: Region | None, *, nearest: bool) -> bool:
        """Whether `region` lies under the chosen region and under the parent the row writes (its
        own parent named there, or with `nearest` False any of its ancestors)."""
        ancestors = self.ancestors(region)
        if within is not None and within.pk not in {a.pk for a in ancestors}:
            return False
        if parent_text:
            written = parent_text.replace(" ", "")
            named = ancestors[:1] if nearest else ancestors
            return any(a.name in written or rules.region_stem(a.name) in written for a in named)
        return True

    def describe(self, region: Region) -> str:
        chain = "".join(a.name for a in reversed(self.ancestors(region)))
        return f"{region.code} {chain}{region.name}"

    def match(
        self,
        name: str,
        *,
        code: str = "",
        parent: str = "",
        within: Region | None = None,
        levels: frozenset[str] = frozenset(),
    ) -> Region:
        """The region a row names, or `rules.Unreadable` saying why not (unknown, or which ones fit)."""
        name = rules._normal(name).replace(" ", "")
        if code:
            code = rules._normal(code).split(".")[0]
            region = self.by_code.get(code)
            if region is None:
                raise rules.Unreadable(_("行政区划代码「%(c)s」不存在。") % {"c": code})
            if name and rules.region_stem(name) != rules.region_stem(region.name):
                raise rules.Unreadable(
                    _("行政区划代码 %(c)s 是「%(r)s」，与「%(n)s」不符。")
                    % {"c": code, "r": region.name, "n": name}
                )
            return region
        for candidates in (self.by_name.get(name, []), self.by_stem.get(rules.region_stem(name), [])):
            if not candidates:
                continue
            fitting = [r for r in candidates if self._under(r, parent, within, nearest=True)] or [
                r for r in candidates if self._under(r, parent, within, nearest=False)
            ]
            # A column headed 城市 names cities (and municipalities), one headed 区县 counties.
            leveled = [r for r in fitting if r.level in levels]
            fitting = leveled or fitting
            if len(fitting) == 1:
                return fitting[0]
            if len(fitting) > 1:
                listed = "、".join(self.describe(r) for r in fitting[:8])
                raise rules.Unreadable(
                    _("「%(n)s」对应多个行政区划：%(l)s。请在表中加上级地区或行政区划代码。")
                    % {"n": name, "l": listed}
                )
        where = parent or (within.name if within is not None else "")
        if where:
            raise rules.Unreadable(_("在「%(p)s」下找不到地区「%(n)s」。") % {"p": where, "n": name})
        raise rules.Unreadable(_("找不到地区「%(n)s」。") % {"n": name})


def preview(
    *, data: bytes, filename: str = "", period: rules.PeriodKey | None = None, within: Region | None = None
) -> Parsed:
    """Every row of the table as a region's values, or the refusals with row and column; writes
    nothing. `period` is used for rows whose table gives none; `within` narrows name matching."""
    indicators = list(Indicator.objects.all())
    by_code = {i.code: i for i in indicators}
    table, above = _table(data, filename, _aliases(indicators))
    if len(table.rows) > MAX_ROWS:
        raise LuoshiError(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
    parsed = Parsed()
    for key, idx in sorted(table.columns.items(), key=lambda kv: kv[1]):
        if key.startswith("ind:"):
            header = table.headers[idx]
            ind = by_code[key[4:]]
            found = _UNIT.search(header)
            unit = found.group(1) if found else rules.AMOUNT_UNIT
            parsed.columns.append(
                Column(key, header, ind, unit if ind.kind == IndicatorKind.AMOUNT else rules.PERCENT_UNIT)
            )
    used = set(table.columns.values())
    parsed.ignored = [h for i, h in enumerate(table.headers) if i not in used and h]
    matcher = RegionMatcher.from_db()
    levels = LEVEL_HINTS.get(norm_header(table.header_of("region")), frozenset())
    if period is None and "period" not in table.columns and "year" not in table.columns:
        period = _title_period(above, parsed)
    seen: dict[tuple[int, str, rules.PeriodKey], int] = {}
    for row in table.rows:
        first = next((text(c) for c in row.cells if text(c)), "")
        if _NOTE_ROW.match(first):
            parsed.notes.append(_("第 %(n)s 行是表注，未导入：%(t)s") % {"n": row.number, "t": first[:40]})
            continue
        if _TOTAL_NAMES.match(text(table.get(row, "region")).replace(" ", "")):
            parsed.notes.append(
                _("第 %(n)s 行是合计（%(t)s），未作为地区导入。")
                % {"n": row.number, "t": text(table.get(row, "region"))}
            )
            continue

        def cell(key: str, row: Any = row) -> str:
            return text(table.get(row, key))

        def refuse(key: str, message: Any, row: Any = row) -> None:
            parsed.errors.append(Refusal(row.number, table.header_of(key), str(message)))

        before = len(parsed.errors)
        written = cell("region")
        region: Region | None = None
        if not written and not cell("code"):
            refuse("region", _("地区名称为空。"))
        else:
            try:
                region = matcher.match(
                    written, code=cell("code"), parent=cell("parent"), within=within, levels=levels
                )
            except rules.Unreadable as exc:
                refuse("code" if cell("code") else "region", exc)
        row_period = period
        source_key = "period" if cell("period") else "year" if cell("year") else ""
        if source_key:
            try:
                row_period = rules.parse_period(cell(source_key))
            except rules.Unreadable as exc:
                refuse(source_key, exc)
        elif row_period is None:
            refuse("region", _("没有统计期：表中没有「统计期」或「年份」列时，请在导入时选择统计期。"))
        values: dict[str, Decimal] = {}
        for col in parsed.columns:
            raw = table.get(row, col.key)
            if raw is None or text(raw) in ("", "-", "—", "--", "…", "/"):
                continue
            try:
                if col.indicator.kind == IndicatorKind.AMOUNT:
                    number = rules.parse_amount(raw if not isinstance(raw, str) else text(raw), col.unit)
                else:
                    number = rules.parse_growth(raw if not isinstance(raw, str) else text(raw))
            except rules.Unreadable as exc:
                refuse(col.key, exc)
                continue
            if abs(number) >= Decimal(10) ** 15:
                refuse(col.key, _("数值过大。"))
                continue
            values[col.indicator.code] = number
            if region is not None and row_period is not None:
                key3 = (region.pk, col.indicator.code, row_period)
                if key3 in seen:
                    refuse(
                        col.key,
                        _("「%(r)s」%(p)s的这一指标已在第 %(n)s 行出现。")
                        % {"r": region.name, "p": row_period.label(), "n": seen[key3]},
                    )
                seen.setdefault(key3, row.number)
        if len(parsed.errors) > before or region is None or row_period is None:
            continue
        parsed.rows.append(StatsRow(row.number, region, written or region.name, row_period, values))
    if not parsed.rows and not parsed.errors:
        raise LuoshiError(_("表中没有数据行。"))
    if parsed.rows and not parsed.errors:
        parsed.replaced = _existing(parsed).__len__()
    return parsed


def _title_period(above: list[Any], parsed: Parsed) -> rules.PeriodKey | None:
    """The period a title above the table names (2024年前三季度各区主要经济指标), said in a note."""
    for row in above:
        for c in row.cells:
            found = _TITLE_PERIOD.search(text(c))
            if not found:
                continue
            try:
                key = rules.parse_period(found.group(0).replace("～", "-"))
            except rules.Unreadable:
                continue
            parsed.notes.append(_("统计期取自表题：%(p)s。") % {"p": key.label()})
            return key
    return None


def _existing(parsed: Parsed) -> dict[tuple[int, int, int], Value]:
    periods = {(p.year, p.quarter): p.pk for p in Period.objects.all()}
    indicators = {i.code: i.pk for i in Indicator.objects.all()}
    region_ids = {r.region.pk for r in parsed.rows}
    wanted = {
        (r.region.pk, indicators[code], periods[(r.period.year, r.period.quarter)])
        for r in parsed.rows
        for code in r.values
        if (r.period.year, r.period.quarter) in periods
    }
    if not wanted:
        return {}
    found = Value.objects.filter(
        region_id__in=region_ids,
        indicator_id__in={w[1] for w in wanted},
        period_id__in={w[2] for w in wanted},
    )
    return {
        (v.region_id, v.indicator_id, v.period_id): v
        for v in found
        if (v.region_id, v.indicator_id, v.period_id) in wanted
    }


@dataclass(frozen=True)
class Imported:
    created: int
    updated: int
    rows: int
    periods: list[str]


@transaction.atomic
def stats_import(
    *,
    actor: Any,
    data: bytes,
    filename: str = "",
    period: rules.PeriodKey | None = None,
    within: Region | None = None,
) -> Imported:
    """Import a statistics table: every value or none; a refusal names each bad row and column."""
    require_officer(actor)
    parsed = preview(data=data, filename=filename, period=period, within=within)
    if parsed.errors:
        shown = "；".join(str(e) for e in parsed.errors[:10])
        more = len(parsed.errors) - 10
        if more > 0:
            shown += _("；另有 %(n)s 处错误") % {"n": more}
        raise LuoshiError(_("统计表未导入，请改正后重试：%(e)s") % {"e": shown}, code="import_refused")
    have = {(p.year, p.quarter) for p in Period.objects.all()}
    Period.objects.bulk_create(
        [
            Period(year=y, quarter=q)
            for y, q in sorted({(r.period.year, r.period.quarter) for r in parsed.rows} - have)
        ]
    )
    periods = {(p.year, p.quarter): p.pk for p in Period.objects.all()}
    indicators = {i.code: i.pk for i in Indicator.objects.all()}
    existing = _existing(parsed)
    source = (filename or "")[:200]
    to_create, to_update = [], []
    for r in parsed.rows:
        pid = periods[(r.period.year, r.period.quarter)]
        for code, number in r.values.items():
            key = (r.region.pk, indicators[code], pid)
            old = existing.get(key)
            if old is None:
                to_create.append(
                    Value(
                        region_id=key[0],
                        indicator_id=key[1],
                        period_id=pid,
                        value=number,
                        source=source,
                        source_row=r.number,
                        entered_by=actor,
                    )
                )
            elif old.value != number or old.source != source or old.source_row != r.number:
                old.value, old.source, old.source_row, old.task, old.entered_by = (
                    number,
                    source,
                    r.number,
                    None,
                    actor,
                )
                to_update.append(old)
    Value.objects.bulk_create(to_create, batch_size=1000)
    Value.objects.bulk_update(
        to_update, ["value", "source", "source_row", "task", "entered_by"], batch_size=1000
    )
    result = Imported(
        created=len(to_create), updated=len(to_update), rows=len(parsed.rows), periods=parsed.periods
    )
    record(
        None,
        "benchmark.stats.imported",
        actor=actor,
        data={
            "file": filename,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "periods": result.periods,
            "indicators": [c.indicator.code for c in parsed.columns],
        },
        object_type="benchmark.value",
        object_repr=filename,
    )
    return result
