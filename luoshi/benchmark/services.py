"""Benchmark use cases: the reference table of administrative divisions, the district's own figures,
and its peer groups. Each runs in one transaction, checks the office's duty and writes the audit
trail. Importing published statistics tables is `importer.stats_import`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import InvalidField, LuoshiError
from luoshi.lib.regions import office_unit_id, unit_region_id
from luoshi.org.access import require_officer
from luoshi.org.models import Unit

from . import rules
from .models import Indicator, IndicatorKind, PeerGroup, Period, Region, Value

DIVISIONS = Path(__file__).resolve().parent / "data" / "admin_division_codes_2024.csv"


@dataclass(frozen=True)
class DivisionsResult:
    created: int
    updated: int
    total: int


def read_divisions(data: bytes) -> list[tuple[str, str]]:
    """The (code, name) rows of a division table with a `code,name` header (UTF-8, BOM allowed);
    a bad code or an empty name is refused with its row, nothing read."""
    body = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(body))
    header = [h.strip().lower() for h in next(reader, [])]
    if "code" not in header or "name" not in header:
        raise LuoshiError(_("行政区划表的表头应为 code,name。"), code="divisions_header")
    ci, ni = header.index("code"), header.index("name")
    rows: list[tuple[str, str]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        code = cells[ci].strip() if ci < len(cells) else ""
        name = cells[ni].strip() if ni < len(cells) else ""
        try:
            rules.division_level(code)
        except rules.Unreadable as exc:
            problems.append(_("第 %(row)s 行「code」：%(msg)s") % {"row": number, "msg": exc})
            continue
        if not name or len(name) > 60:
            problems.append(_("第 %(row)s 行「name」：名称为空或超过 60 字。") % {"row": number})
            continue
        if code in seen:
            problems.append(_("第 %(row)s 行「code」：代码 %(code)s 重复。") % {"row": number, "code": code})
            continue
        seen.add(code)
        rows.append((code, name))
    if problems:
        shown = "；".join(problems[:10])
        raise LuoshiError(_("行政区划表未导入：%(e)s") % {"e": shown}, code="import_refused")
    return rows


@transaction.atomic
def divisions_import(*, actor: Any, data: bytes | None = None, filename: str = "") -> DivisionsResult:
    """Import (or refresh) the administrative divisions: every code with its name, level and parent
    (the nearest existing one: a county's city, else its province). Idempotent: a code already
    there keeps its row (and its link to a unit) and takes the new name."""
    require_officer(actor)
    if data is None:
        data, filename = DIVISIONS.read_bytes(), filename or DIVISIONS.name
    rows = read_divisions(data)
    existing = {r.code: r for r in Region.objects.all()}
    ids = {code: r.pk for code, r in existing.items()}
    created: list[Region] = []
    updated: list[Region] = []
    # Provinces, then cities, then counties: each level's parents exist before it is written.
    for level in ("province", "city", "county"):
        new = []
        for code, name in rows:
            if rules.division_level(code) != level:
                continue
            parent = next((ids[c] for c in rules.division_parents(code) if c in ids), None)
            region = existing.get(code)
            if region is None:
                new.append(Region(code=code, name=name, level=level, parent_id=parent))
            elif (region.name, region.level, region.parent_id) != (name, level, parent):
                region.name, region.level, region.parent_id = name, level, parent
                updated.append(region)
        Region.objects.bulk_create(new, batch_size=1000)
        created.extend(new)
        ids.update(Region.objects.filter(level=level).values_list("code", "pk"))
    Region.objects.bulk_update(updated, ["name", "level", "parent"], batch_size=1000)
    result = DivisionsResult(created=len(created), updated=len(updated), total=len(rows))
    record(
        None,
        "benchmark.divisions.imported",
        actor=actor,
        data={"file": filename, "created": result.created, "updated": result.updated, "rows": result.total},
        object_type="benchmark.region",
        object_repr=filename,
    )
    return result


def period_for(key: rules.PeriodKey) -> Period:
    period, _created = Period.objects.get_or_create(year=key.year, quarter=key.quarter)
    return period


@transaction.atomic
def home_region_set(*, actor: Any, region: Region, unit: Unit) -> Region:
    """Link the district's own region to its org root unit (one region per unit)."""
    require_officer(actor)
    if unit.parent_id is not None:
        raise InvalidField(_("本区应对应组织架构的根单位。"), field="unit")
    Region.objects.filter(unit=unit).exclude(pk=region.pk).update(unit=None)
    region.unit = unit
    region.save(update_fields=["unit"])
    return region


@transaction.atomic
def own_value_set(
    *,
    actor: Any,
    region: Region,
    indicator: Indicator,
    period: rules.PeriodKey,
    value: Any = None,
    task: Any = None,
) -> Value:
    """The district's own figure of an indicator for a period, typed by the office (as printed:
    '1,234.5', '增长6.5%') or taken from a task's measured figure (the task's known value, in its
    measure's unit: 亿元/万元/元 for amounts, % for growth). Replaces an earlier figure."""
    require_officer(actor)
    if region.unit_id is None:
        raise InvalidField(_("只能填报本区（已对应本单位）的指标值。"), field="region")
    if task is not None:
        if task.known_value is None:
            raise InvalidField(_("任务「%(t)s」还没有填报的量化值。") % {"t": task.title}, field="task")
        raw: Any = task.known_value
        unit = (task.metric_unit or "").strip()
        try:
            number = (
                rules.to_canonical(Decimal(raw), unit or rules.AMOUNT_UNIT)
                if indicator.kind == IndicatorKind.AMOUNT
                else Decimal(raw)
            )
        except rules.Unreadable as exc:
            raise InvalidField(str(exc), field="task") from None
        source = _("任务：%(t)s") % {"t": task.title[:150]}
    else:
        if value is None or str(value).strip() == "":
            raise InvalidField(_("请填写数值。"), field="value")
        try:
            number = (
                rules.parse_amount(value)
                if indicator.kind == IndicatorKind.AMOUNT
                else rules.parse_growth(value)
            )
        except rules.Unreadable as exc:
            raise InvalidField(str(exc), field="value") from None
        source = _("本区填报")
    if abs(number) >= Decimal(10) ** 15:
        raise InvalidField(_("数值过大。"), field="value")
    stored, _created = Value.objects.update_or_create(
        region=region,
        indicator=indicator,
        period=period_for(period),
        defaults={"value": number, "source": source, "source_row": None, "task": task, "entered_by": actor},
    )
    record(
        stored,
        "benchmark.value.set",
        actor=actor,
        data={
            "region": region.code,
            "indicator": indicator.code,
            "period": period.label(),
            "value": str(number),
            "task": task.pk if task is not None else None,
        },
    )
    return stored


@transaction.atomic
def group_save(
    *,
    actor: Any,
    name: str,
    home: Region,
    members: Iterable[Region],
    benchmark: Region | None = None,
    group: PeerGroup | None = None,
) -> PeerGroup:
    """Create or change a peer group: its name, the district's own region, the peers and the 标杆
    (one of the peers). The district is always a member."""
    require_officer(actor)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidField(_("请填写对标组名称（不超过 100 字）。"), field="name")
    office = group.office_id if group is not None else office_unit_id(actor)
    region = group.region_id if group is not None else unit_region_id(office)
    if PeerGroup.objects.filter(region_id=region, name=name).exclude(pk=group.pk if group else None).exists():
        raise InvalidField(_("已有同名的对标组。"), field="name")
    peers = {r.pk: r for r in members}
    peers[home.pk] = home
    if len(peers) < 2:
        raise InvalidField(_("至少选择一个对标地区。"), field="members")
    if benchmark is not None and benchmark.pk not in peers:
        raise InvalidField(_("标杆地区应是对标地区之一。"), field="benchmark")
    if benchmark is not None and benchmark.pk == home.pk:
        raise InvalidField(_("标杆地区不能是本区。"), field="benchmark")
    before = None
    if group is None:
        group = PeerGroup.objects.create(
            name=name, home=home, benchmark=benchmark, office_id=office, created_by=actor
        )
    else:
        before = {
            "name": group.name,
            "home": group.home_id,
            "benchmark": group.benchmark_id,
            "members": sorted(group.members.values_list("pk", flat=True)),
        }
        group.name, group.home, group.benchmark = name, home, benchmark
        group.save(update_fields=["name", "home", "benchmark"])
    group.members.set(list(peers.values()))
    record(
        group,
        "benchmark.group.saved",
        actor=actor,
        before=before,
        after={
            "name": name,
            "home": home.pk,
            "benchmark": benchmark.pk if benchmark else None,
            "members": sorted(peers),
        },
    )
    return group
