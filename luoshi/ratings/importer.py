"""Importing a round's raters (评议人名单) from .xlsx or .csv: one row per rater with its panel
(评议组), name, kind, contact, and optionally the org unit it is and the user account to notify.

`preview` reads the file and lists every refusal with its row and column, writing nothing;
`raters_import` writes the raters, panels and ballots only when there is none (all or nothing).
A rater is identified by kind and name, so importing an edited list again updates the raters it
named and adds only the ballots that are missing (idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import LuoshiError
from luoshi.imports.matching import UnitMatcher
from luoshi.imports.sheets import SheetError, Table, find_table, norm_header, read_sheets, text
from luoshi.org.access import require_officer
from luoshi.org.models import Unit

from .models import Ballot, Panel, Rater, RaterKind, RatingRound, RoundState

HEADERS: dict[str, tuple[str, ...]] = {
    "panel": ("评议组", "评议组别", "分组", "panel"),
    "name": ("名称", "评议人", "企业名称", "单位名称", "评议单位", "name", "rater"),
    "kind": ("类别", "类型", "评议人类别", "kind"),
    "contact": ("联系人", "联系方式", "联系人及电话", "联系电话", "contact"),
    "unit": ("对应单位", "所属单位", "组织单位", "unit"),
    "user": ("账号", "用户名", "站内账号", "user", "username"),
}
ALIASES = {norm_header(h): key for key, names in HEADERS.items() for h in names}
KINDS = {
    "企业": RaterKind.ENTERPRISE,
    "enterprise": RaterKind.ENTERPRISE,
    "社区": RaterKind.COMMUNITY,
    "村": RaterKind.COMMUNITY,
    "社区/村": RaterKind.COMMUNITY,
    "community": RaterKind.COMMUNITY,
    "部门": RaterKind.DEPARTMENT,
    "区直部门": RaterKind.DEPARTMENT,
    "department": RaterKind.DEPARTMENT,
    "其他": RaterKind.OTHER,
    "other": RaterKind.OTHER,
}
MAX_ROWS = 5000


@dataclass
class Refusal:
    """One refused cell: the row as Excel numbers it, the column's header, why."""

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
class RaterRow:
    panel: str
    name: str
    kind: str
    contact: str
    unit: Unit | None
    user_id: int | None
    user_name: str = ""


@dataclass
class Parsed:
    rows: list[tuple[int, RaterRow]] = field(default_factory=list)
    errors: list[Refusal] = field(default_factory=list)
    new_panels: list[str] = field(default_factory=list)


def _table(data: bytes, filename: str) -> Table:
    try:
        sheets = read_sheets(data, filename=filename)
    except SheetError as exc:
        raise LuoshiError(str(exc)) from exc
    for sheet in sheets:
        table = find_table(sheet, ALIASES, required=("name",))
        if table is not None:
            return table
    raise LuoshiError(_("没有找到评议人名单的表头：至少要有「名称」和「类别」或「评议组」两列。"))


def preview(*, round: RatingRound, data: bytes, filename: str = "") -> Parsed:
    """Every row of the list as a rater of a panel, or the refusals with row and column; writes nothing."""
    table = _table(data, filename)
    if len(table.rows) > MAX_ROWS:
        raise LuoshiError(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
    panels = dict(Panel.objects.filter(round=round).values_list("name", "pk"))
    default_panel = next(iter(panels)) if len(panels) == 1 else _("评议组")
    matcher = UnitMatcher.from_db()
    units = Unit.objects.in_bulk()
    users = dict(get_user_model().objects.filter(is_active=True).values_list("username", "pk"))
    existing = {
        (kind, name): panel
        for kind, name, panel in Ballot.objects.filter(round=round).values_list(
            "rater__kind", "rater__name", "panel__name"
        )
    }
    parsed = Parsed()
    seen: set[tuple[str, str]] = set()
    for row in table.rows:

        def cell(key: str, row: Any = row) -> str:
            return text(table.get(row, key))

        def refuse(key: str, message: str, row: Any = row) -> None:
            parsed.errors.append(Refusal(row.number, table.header_of(key), message))

        before = len(parsed.errors)
        name = cell("name")
        if not name:
            refuse("name", _("名称为空。"))
        elif len(name) > 200:
            refuse("name", _("名称不能超过 200 字。"))
        written_kind = cell("kind")
        kind = KINDS.get(written_kind.lower() if written_kind else "企业")
        if kind is None:
            refuse("kind", _("类别「%(k)s」无法识别：应为企业、社区/村、部门或其他。") % {"k": written_kind})
        panel = cell("panel") or default_panel
        if len(panel) > 100:
            refuse("panel", _("评议组名称不能超过 100 字。"))
        contact = cell("contact")
        if len(contact) > 200:
            refuse("contact", _("联系方式不能超过 200 字。"))
        unit = None
        written_unit = cell("unit")
        if written_unit:
            match = matcher.match(written_unit)
            if match.unit_id is None:
                hint = "、".join(match.ambiguous or match.suggestions)
                message = _("找不到单位「%(u)s」。") % {"u": written_unit}
                if hint:
                    message += _("是不是：%(h)s？") % {"h": hint}
                refuse("unit", message)
            else:
                unit = units[match.unit_id]
        user_id = None
        written_user = cell("user")
        if written_user:
            user_id = users.get(written_user)
            if user_id is None:
                refuse("user", _("找不到账号「%(u)s」。") % {"u": written_user})
        if kind is not None and name:
            key = (kind.value, name)
            if key in seen:
                refuse("name", _("「%(n)s」在名单中出现了两次。") % {"n": name})
            elif key in existing and existing[key] != panel:
                refuse(
                    "panel",
                    _("「%(n)s」已在本轮的评议组「%(p)s」中。") % {"n": name, "p": existing[key]},
                )
            seen.add(key)
        if len(parsed.errors) > before:
            continue
        assert kind is not None
        if panel not in panels and panel not in parsed.new_panels:
            parsed.new_panels.append(panel)
        parsed.rows.append(
            (row.number, RaterRow(panel, name, kind.value, contact, unit, user_id, written_user))
        )
    if not parsed.rows and not parsed.errors:
        raise LuoshiError(_("名单中没有评议人。"))
    return parsed


def _rater_region(unit: Unit | None, round: RatingRound) -> Any:
    """A rater's region (lib/regions.py): its unit's; one that is no unit (an enterprise) takes the
    region of the round that first invites it."""
    return round.region_id if unit is None else unit.region_id


@transaction.atomic
def raters_import(*, actor: Any, round: RatingRound, data: bytes, filename: str = "") -> list[Ballot]:
    """Import the list into a round: every row or none; a refusal names each bad row and column.
    Returns the ballots the import added (rows already on the round update their rater only)."""
    require_officer(actor)
    if round.state == RoundState.CLOSED:
        raise LuoshiError(_("本轮评议已结束，不能再导入评议人。"), code="closed")
    parsed = preview(round=round, data=data, filename=filename)
    if parsed.errors:
        shown = "；".join(str(e) for e in parsed.errors[:10])
        more = len(parsed.errors) - 10
        if more > 0:
            shown += _("；另有 %(n)s 处错误") % {"n": more}
        raise LuoshiError(_("名单未导入，请改正后重试：%(e)s") % {"e": shown}, code="import_refused")
    rows = [r for _n, r in parsed.rows]
    Panel.objects.bulk_create([Panel(round=round, name=name) for name in parsed.new_panels])
    panels = dict(Panel.objects.filter(round=round).values_list("name", "pk"))
    keys = {(r.kind, r.name) for r in rows}
    known = {(r.kind, r.name): r for r in Rater.objects.filter(name__in={n for _k, n in keys})}
    to_update, to_create = [], []
    for r in rows:
        rater = known.get((r.kind, r.name))
        if rater is None:
            to_create.append(
                Rater(
                    name=r.name,
                    kind=r.kind,
                    contact=r.contact,
                    unit=r.unit,
                    user_id=r.user_id,
                    region_id=_rater_region(r.unit, round),
                )
            )
        else:
            rater.contact, rater.unit, rater.user_id = r.contact, r.unit, r.user_id
            if r.unit is not None:  # a rater that is a unit lives in its unit's region
                rater.region_id = _rater_region(r.unit, round)
            to_update.append(rater)
    Rater.objects.bulk_create(to_create, batch_size=500)
    Rater.objects.bulk_update(to_update, ["contact", "unit", "user_id", "region"], batch_size=500)
    raters = {(x.kind, x.name): x.pk for x in Rater.objects.filter(name__in={n for _k, n in keys})}
    have = set(Ballot.objects.filter(round=round).values_list("rater_id", flat=True))
    new = [
        Ballot(round=round, panel_id=panels[r.panel], rater_id=raters[(r.kind, r.name)])
        for r in rows
        if raters[(r.kind, r.name)] not in have
    ]
    created = Ballot.objects.bulk_create(new, batch_size=500)
    record(
        round,
        "ratings.raters.imported",
        actor=actor,
        data={
            "file": filename,
            "rows": len(rows),
            "panels_created": parsed.new_panels,
            "raters_created": len(to_create),
            "raters_updated": len(to_update),
            "ballots_added": len(created),
        },
    )
    return list(Ballot.objects.filter(round=round, rater_id__in=[b.rater_id for b in new]))
