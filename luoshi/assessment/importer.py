"""Scheme import from a rules table (考核细则), like `samples/assessment/assessment_rules.csv`.

One row per rule: `source_id, scheme, level1, level2, points, scoring_method, lead_unit,
assessing_unit, rule_type, rule_text, …`. A file may hold several schemes (by `source_id`); the
office picks one. Every rule that can be read becomes data:

- the scheme's total from its name: 千分制 → 1000, 百分制 → 100, 起评分N分 → N (and 起评分 N);
- `indicator` rows with points and a known method (按实绩赋分 → measure, 按排名赋分 → rank): an
  indicator of section `level1` named `level2` (or `level1` when `level2` is a placeholder);
- `deduction` rows "text | 未报扣10分", "每次扣5分", "未上报每件扣10分", "每件扣5分": a deduction rule
  of `level1`'s deduction indicator with its points per event, and the event kind its text names
  (报告/上报/未报 → reports late or missing; 会议 → meeting absences; 督办 → 督办 received; 投诉 →
  verified complaints) — shown in the preview to be changed;
- `evaluation` rows "… | 占20分": a manual (评分) indicator of that many points;
- `grade` rows with "90-100", "80-90", "<80": grade bands with their thresholds;
- `veto` rows: a veto (一票否决) of its text, fed by the office's 一票否决情形 records;
- `multiplier` rows "…的部门和单位,考核扣分分值加倍": a second group of those units whose
  deductions count double (the office picks its units after the import).

Everything else — a range "扣5-10分", a deduction whose text names no event kind, a deduction
indicator without points, an indicator without points or with another method, grades, compositions
and notes in prose — is **pending**: listed in the preview for the office to map by hand (method,
points, kind) or to leave out, never guessed. The import refuses while a pending rule is undecided,
and refuses a scheme that is not valid (weights, caps, quotas) with the message naming where;
nothing is written then (all or nothing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from luoshi.audit.services import record
from luoshi.errors import InvalidField, LuoshiError
from luoshi.imports.sheets import HEADING, Sheet, SheetError, find_table, norm_header, read_sheets, text
from luoshi.org.access import require_officer

from . import services
from .models import EventKind, Method, Scheme
from .services import GradeData, GroupData, IndicatorData, RuleData, SchemeData

COLUMNS = ("source_id", "scheme", "level1", "level2", "points", "scoring_method", "rule_type", "rule_text")
METHODS = {"按实绩赋分": Method.MEASURE, "按排名赋分": Method.RANK}
# The event kind a deduction's text names: a report not filed (the condition says 未报 / 未上报),
# a meeting missed, 督办 received, a verified complaint. Nothing else is matched: a rule about a
# report's quality ("无实质性内容") names no event, so the office maps it.
KIND_WORDS = (
    ("未上报", "work.late_report"),
    ("未报", "work.late_report"),
    ("会议", "meetings.absence"),
    ("督办", "supervision.supervise"),
    ("投诉", EventKind.COMPLAINT.value),
)
PER_EVENT = re.compile(
    r"^(?:未报|未上报)?(?:每次|每件|每项)?扣(\d+(?:\.\d+)?)分$|^未(?:上)?报(?:每件|每次)?扣(\d+(?:\.\d+)?)分$"
)
RANGE = re.compile(r"扣(\d+(?:\.\d+)?)\s*[-–~至]\s*(\d+(?:\.\d+)?)分")
SHARE = re.compile(r"^占(\d+(?:\.\d+)?)分$")
BAND = re.compile(r"^(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)$")
BELOW = re.compile(r"^[<＜](\d+(?:\.\d+)?)$")
BASE = re.compile(r"起评分(\d+)分")
PLACEHOLDER = re.compile(r"^[(（].*[)）]$")


@dataclass
class Pending:
    """A rule the office must map by hand: its row, what it says, and what is missing."""

    key: str
    row: int
    rule_type: str
    section: str
    text: str
    need: str  # "points" (a range), "kind", "weight", "indicator", "note"
    low: Decimal | None = None
    high: Decimal | None = None
    kind: str = ""  # the event kind its text names, if any (shown, for the office to confirm)
    # The office's choices so far (the preview shows them again).
    action: str = ""
    points: str = ""
    chosen_kind: str = ""
    method: str = ""

    @property
    def type_label(self) -> str:
        return str(RULE_TYPES.get(self.rule_type, self.rule_type))

    @property
    def shown(self) -> str:
        """The rule's text as read: what it is about, then how it is scored (the table's two columns)."""
        return self.text.replace("|", " — ")


# What each rule type reads as on the preview (the sample's rule_type column, or read from an office's row).
RULE_TYPES: dict[str, Any] = {
    "indicator": _lazy("指标"),
    "deduction": _lazy("扣分"),
    "evaluation": _lazy("评价"),
    "grade": _lazy("等次"),
    "veto": _lazy("一票否决"),
    "multiplier": _lazy("扣分系数"),
    "composition": _lazy("构成"),
    "penalty": _lazy("惩戒"),
    "grouping": _lazy("分档"),
    "method": _lazy("考核方法"),
    "weighting": _lazy("权重"),
    "reward": _lazy("奖励"),
    "note": _lazy("说明"),
}


@dataclass
class Preview:
    schemes: list[tuple[str, str]]
    source: str
    name: str
    data: SchemeData | None = None
    parsed: list[str] = field(default_factory=list)  # one line per rule read into data
    pending: list[Pending] = field(default_factory=list)
    problem: str = ""  # why the scheme, as mapped so far, cannot be imported

    @property
    def ready(self) -> bool:
        return self.data is not None and not self.problem


def _dec(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError):
        return None


# An office's own 考核细则 table (no source_id or rule_type columns): its headings, as offices write them.
OFFICE_HEADERS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "考核项目", "考核类别", "考核内容类别", "项目", "类别", "考核大项"),
    "level2": ("二级指标", "考核指标", "考核内容", "具体指标", "考核要点", "指标", "工作任务", "考核事项"),
    "points": ("分值", "分数", "标准分", "满分", "权重", "分值（分）"),
    "scoring_method": ("评分方法", "计分方法", "考核方法", "评分办法", "计分办法"),
    "tail": ("评分标准", "考核标准", "评分细则", "扣分标准", "计分标准", "评分办法及标准", "考核评分标准"),
    "assessing_unit": ("考核单位", "考核部门", "牵头考核单位", "评分单位"),
}
OFFICE_ALIASES = {norm_header(h): key for key, names in OFFICE_HEADERS.items() for h in names}
_DEDUCTS = re.compile(r"扣\s*\d")


def _office_type(cells: dict[str, Any]) -> str:
    """The kind of rule an office's row is, read from what it says (the sample's rule_type)."""
    words = " ".join(str(cells.get(k, "")) for k in ("level1", "level2", "rule_text"))
    if "一票否决" in words:
        return "veto"
    if _dec(str(cells.get("points", ""))) is not None:
        return "indicator"
    if _DEDUCTS.search(str(cells.get("rule_text", ""))):
        return "deduction"
    return "note"


def _office_rows(sheets: list[Sheet], filename: str) -> list[dict[str, Any]] | None:
    """An office's 考核细则 in the sample's shape: one scheme named by the title above the table (else
    the file's name), each row's rule type read from what it says, a deduction's text written as
    what | how much (上报实施方案。|未报扣10分), group headings (一、…) as the section of the rows below."""
    for sheet in sheets:
        table = find_table(sheet, OFFICE_ALIASES, required=("points",)) or find_table(
            sheet, OFFICE_ALIASES, required=("level2", "tail")
        )
        if table is None:
            continue
        above = [text(c) for r in sheet.rows if r.number < table.header_row for c in r.cells if text(c)]
        stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        scheme = (above[0] if above else stem or _("考核细则"))[:200]
        out: list[dict[str, Any]] = []
        section = ""
        for row in table.rows:
            values = [text(c) for c in row.cells if text(c)]
            if not values:
                continue
            if row.spans_all or (HEADING.match(values[0]) and len(set(values)) == 1):
                section = HEADING.sub("", values[0]).strip(" 、.．") or values[0]
                continue
            cells: dict[str, Any] = {k: text(table.get(row, k)) for k in OFFICE_HEADERS}
            if cells["level2"] and cells["level2"] == cells["level1"]:
                cells["level2"] = ""
            level1 = cells["level1"] or section
            what, tail = cells["level2"], cells.pop("tail")
            cells.update(
                source_id="table",
                scheme=scheme,
                level1=level1,
                rule_text=f"{what}|{tail}" if what and tail else (tail or what),
                _row=row.number,
            )
            cells["rule_type"] = _office_type(cells)
            if tail in METHODS:  # 评分标准 that names the method (按实绩赋分)
                cells["scoring_method"] = cells["scoring_method"] or tail
            if cells["rule_type"] == "veto" and what:
                cells["level1"] = what  # the veto is named by what it is about, not by "一票否决"
            out.append(cells)
        return out
    return None


def _rows(data: bytes, filename: str) -> list[dict[str, Any]]:
    try:
        sheets = read_sheets(data, filename=filename)
    except SheetError as exc:
        raise LuoshiError(str(exc), code="unreadable") from exc
    if not sheets or not sheets[0].rows:
        raise LuoshiError(_("文件是空的。"), code="empty")
    rows = sheets[0].rows
    header = [text(c).strip().lower() for c in rows[0].cells]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        office = _office_rows(sheets, filename)
        if office:
            return office
        raise LuoshiError(_("第1行缺少列：%(cols)s。") % {"cols": "、".join(missing)}, code="columns")
    out = []
    for row in rows[1:]:
        cells: dict[str, Any] = {
            h: text(row.cells[i]).strip() if i < len(row.cells) else "" for i, h in enumerate(header)
        }
        if any(cells.values()):
            cells["_row"] = row.number
            out.append(cells)
    return out


def _kind_of(rule_text: str) -> str:
    for word, kind in KIND_WORDS:
        if word in rule_text:
            return kind
    return ""


def _total_of(name: str) -> tuple[Decimal, Decimal | None]:
    base = BASE.search(name)
    if base:
        return Decimal(base.group(1)), Decimal(base.group(1))
    if "千分制" in name:
        return Decimal(1000), None
    return Decimal(100), None


def _period(name: str) -> tuple[date, date]:
    year = re.search(r"(19|20)\d\d", name)
    y = int(year.group(0)) if year else date.today().year
    return date(y, 1, 1), date(y, 12, 31)


def preview(
    data: bytes, filename: str, *, source: str = "", mapping: Mapping[str, str] | None = None
) -> Preview:
    """Read the table, pick a scheme (`source`, else the first), parse its rules and apply the
    office's `mapping` (`map-<key>-action` use/ignore, `-points`, `-kind`, `-weight`, `-method`)."""
    rows = _rows(data, filename)
    schemes: list[tuple[str, str]] = []
    for r in rows:
        if r["source_id"] and r["source_id"] not in [s for s, _n in schemes]:
            schemes.append((r["source_id"], r["scheme"]))
    if not schemes:
        raise LuoshiError(_("文件中没有考核方案（source_id 列为空）。"), code="no_scheme")
    source = source if source in [s for s, _n in schemes] else schemes[0][0]
    name = dict(schemes)[source]
    mine = [r for r in rows if r["source_id"] == source]
    mapping = mapping or {}
    total, base = _total_of(name)
    start, end = _period(name)
    out = Preview(schemes=schemes, source=source, name=name)

    sections: dict[str, IndicatorData] = {}  # deduction indicators by section
    indicators: list[IndicatorData] = []
    grades: list[GradeData] = []
    vetoes: list[tuple[str, str]] = []
    multiplier_groups: list[str] = []

    def key(r: dict[str, Any]) -> str:
        return f"r{r['_row']}"

    def decided(p: Pending) -> str:
        return mapping.get(f"map-{p.key}-action", "")

    def note(r: dict[str, Any]) -> None:
        """A rule in prose: the office may make it an indicator (method and points) or leave it out."""
        p = Pending(key(r), r["_row"], r["rule_type"], r["level1"], r["rule_text"] or r["level2"], "note")
        out.pending.append(p)
        if decided(p) != "use":
            return
        weight = _dec(mapping.get(f"map-{p.key}-points", "") or "")
        m = mapping.get(f"map-{p.key}-method", "")
        if weight is None or m not in Method.values or m == Method.DEDUCTION:
            out.problem = out.problem or _("第%(row)s行：请填写分值并选择计分方法。") % {"row": p.row}
            return
        name = (r["level2"] if r["level2"] and not PLACEHOLDER.match(r["level2"]) else p.text)[:300]
        indicators.append(IndicatorData(name=name, weight=weight, method=m, section=r["level1"], text=p.text))

    def deduction_indicator(section: str) -> IndicatorData:
        if section not in sections:
            ind = IndicatorData(
                name=section or _("扣分项"), weight=Decimal(0), method=Method.DEDUCTION, section=section
            )
            sections[section] = ind
            indicators.append(ind)
        return sections[section]

    for r in mine:
        rt, section, label = r["rule_type"], r["level1"], r["level2"]
        body = r["rule_text"]
        what, _sep, tail = body.rpartition("|")
        what, tail = what.strip(), tail.strip()
        if rt == "indicator":
            points = _dec(r["points"])
            method = METHODS.get(r["scoring_method"])
            ind_name = section if (not label or PLACEHOLDER.match(label)) else label
            if points is not None and method is not None:
                indicators.append(
                    IndicatorData(
                        name=ind_name,
                        weight=points,
                        method=method,
                        section=section,
                        assessor=r.get("assessing_unit", ""),
                        text=body,
                    )
                )
                out.parsed.append(
                    _("第%(row)s行 指标“%(name)s” %(points)s分，%(method)s")
                    % {
                        "row": r["_row"],
                        "name": ind_name,
                        "points": r["points"],
                        "method": r["scoring_method"],
                    }
                )
                continue
            p = Pending(key(r), r["_row"], rt, section, body or ind_name, "indicator", low=points)
            out.pending.append(p)
            if decided(p) == "use":
                weight = _dec(mapping.get(f"map-{p.key}-points", "") or "") if points is None else points
                m = mapping.get(f"map-{p.key}-method", "")
                if weight is None or m not in Method.values or m == Method.DEDUCTION:
                    out.problem = out.problem or _("第%(row)s行：请填写分值并选择计分方法。") % {"row": p.row}
                else:
                    indicators.append(
                        IndicatorData(
                            name=(ind_name or body)[:300], weight=weight, method=m, section=section, text=body
                        )
                    )
        elif rt == "deduction":
            ind = deduction_indicator(section)
            per = PER_EVENT.match(tail)
            kind = _kind_of(tail) or ("" if "报告" in what and "未" not in tail else _kind_of(what))
            rng = RANGE.search(tail)
            if per and kind:
                points = Decimal(per.group(1) or per.group(2))
                ind.deductions.append(RuleData(kind, points, None, f"{what} {tail}".strip()))
                out.parsed.append(
                    _("第%(row)s行 扣分规则“%(text)s”：每次扣%(points)s分（%(kind)s）")
                    % {"row": r["_row"], "text": what, "points": rules_fmt(points), "kind": kind}
                )
                continue
            p = Pending(key(r), r["_row"], rt, section, body, "points" if rng else "kind", kind=kind)
            if per:
                p.low = Decimal(per.group(1) or per.group(2))
            if rng:
                p.low, p.high = Decimal(rng.group(1)), Decimal(rng.group(2))
            out.pending.append(p)
            if decided(p) == "use":
                pts = _dec(mapping.get(f"map-{p.key}-points", "") or "")
                chosen_kind = mapping.get(f"map-{p.key}-kind", "") or kind
                if pts is None or not chosen_kind:
                    out.problem = out.problem or _("第%(row)s行：请填写扣分分值并选择事项类型。") % {
                        "row": p.row
                    }
                elif p.high is not None and not (p.low is not None and p.low <= pts <= p.high):
                    out.problem = out.problem or _("第%(row)s行：扣分应在 %(low)s 到 %(high)s 分之间。") % {
                        "row": p.row,
                        "low": p.low,
                        "high": p.high,
                    }
                else:
                    ind.deductions.append(RuleData(chosen_kind, pts, None, body.replace("|", " ")))
        elif rt == "evaluation":
            share = SHARE.match(tail)
            if share:
                indicators.append(
                    IndicatorData(
                        name=what.rstrip("。"),
                        weight=Decimal(share.group(1)),
                        method=Method.MANUAL,
                        section=section,
                        text=body,
                    )
                )
                out.parsed.append(
                    _("第%(row)s行 评分指标“%(text)s” %(points)s分")
                    % {"row": r["_row"], "text": what, "points": share.group(1)}
                )
                continue
            note(r)
        elif rt == "grade":
            band, below = BAND.match(r["points"]), BELOW.match(r["points"])
            if label and (band or below):
                minimum = Decimal(band.group(1)) if band else Decimal(0)
                grades.append(GradeData(name=label, minimum=minimum))
                out.parsed.append(
                    _("第%(row)s行 等次“%(name)s”：%(band)s分")
                    % {"row": r["_row"], "name": label, "band": r["points"]}
                )
                continue
            note(r)
        elif rt == "veto":
            label_text = section.strip("（）()一二三四五六七八九十") or body[:60]
            vetoes.append((EventKind.VETO.value, _("一票否决：%(what)s") % {"what": label_text}))
            out.parsed.append(
                _("第%(row)s行 一票否决：%(text)s") % {"row": r["_row"], "text": body.replace("|", " — ")}
            )
        elif rt == "multiplier" and "加倍" in body:
            who = body.split("的部门和单位")[0] if "的部门和单位" in body else _("扣分加倍的单位")
            multiplier_groups.append(who[:120])
            out.parsed.append(_("第%(row)s行 “%(who)s”扣分分值加倍") % {"row": r["_row"], "who": who})
        else:
            note(r)

    # Deduction indicators need their points (the table gives only the rules).
    for index, (section, ind) in enumerate(sections.items()):
        p = Pending(f"w{index}", 0, "deduction", section, section, "weight")
        out.pending.append(p)
        if decided(p) == "use":
            weight = _dec(mapping.get(f"map-{p.key}-points", "") or "")
            if weight is None:
                out.problem = out.problem or _("扣分指标“%(name)s”：请填写分值。") % {"name": section}
            else:
                ind.weight = weight
        elif decided(p) == "ignore":
            indicators.remove(ind)

    for p in out.pending:
        p.action = decided(p)
        p.points = mapping.get(f"map-{p.key}-points", "") or (
            rules_fmt(p.low) if p.need in ("kind", "indicator") and p.low is not None else ""
        )
        p.chosen_kind = mapping.get(f"map-{p.key}-kind", "") or p.kind
        p.method = mapping.get(f"map-{p.key}-method", "")
    undecided = [p for p in out.pending if decided(p) not in ("use", "ignore")]
    if undecided and not out.problem:
        out.problem = _("还有 %(n)s 条规则未处理：请逐条选择计分方法和分值，或选择不导入。") % {
            "n": len(undecided)
        }
    if grades and grades[-1].minimum != 0:
        grades.append(GradeData(name=_("其他"), minimum=Decimal(0)))
    group = GroupData(name=_("考核对象"), indicators=indicators)
    groups = [group]
    for who in multiplier_groups:
        groups.append(
            GroupData(
                name=who,
                multiplier=Decimal(2),
                indicators=[
                    IndicatorData(
                        name=i.name,
                        weight=i.weight,
                        method=i.method,
                        params=dict(i.params),
                        cap=i.cap,
                        section=i.section,
                        assessor=i.assessor,
                        text=i.text,
                        deductions=list(i.deductions),
                    )
                    for i in indicators
                ],
            )
        )
    out.data = SchemeData(
        name=_clean_name(name),
        start=start,
        end=end,
        total=total,
        base_score=base,
        groups=groups,
        grades=grades,
        vetoes=_unique(vetoes),
        source=source,
    )
    if not out.problem:
        try:
            services.validate(out.data)
        except InvalidField as exc:
            out.problem = exc.message
    return out


def rules_fmt(value: Decimal) -> str:
    from .rules import fmt

    return fmt(value)


def _grade_name(r: dict[str, Any]) -> str:
    m = re.search(r"“(.+?)”", r["rule_text"])
    return m.group(1) if m else (r["level2"] or _("等次"))


def _unique(vetoes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One veto kind per scheme: the office's 一票否决 records, every veto named in its label."""
    if not vetoes:
        return []
    labels = "；".join(label for _k, label in vetoes)
    return [(vetoes[0][0], labels[:200])]


def _clean_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()[:200]


@transaction.atomic
def scheme_import(
    *, actor: Any, data: bytes, filename: str, source: str = "", mapping: Mapping[str, str] | None = None
) -> Scheme:
    """Import the chosen scheme, every rule mapped, all or nothing."""
    require_officer(actor)
    parsed = preview(data, filename, source=source, mapping=mapping)
    if parsed.problem or parsed.data is None:
        raise LuoshiError(parsed.problem or _("方案无法导入。"), code="not_ready")
    scheme = services.scheme_create(actor=actor, data=parsed.data)
    record(
        scheme,
        "assessment.scheme.imported",
        actor=actor,
        after={
            "source": parsed.source,
            "parsed": len(parsed.parsed),
            "mapped": {k: v for k, v in (mapping or {}).items() if k.startswith("map-")},
        },
    )
    return scheme
