"""Every write of assessment (考核): schemes (create, edit with a version check, activate), the
office's facts (events, assessors' scores), runs from frozen inputs (create, publish), appeals
(file, decide: an accepted appeal makes the next version from a corrected copy).

Keyword-only, one transaction each, the duty checked through `org.access`, refusals as the shared
errors of `luoshi.errors` (nothing written), an audit entry per write (`assessment.*`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.errors import Conflict, InvalidField, LuoshiError, NotAllowed
from luoshi.lib.bulk import write_rows
from luoshi.lib.regions import office_unit_id
from luoshi.org.access import context_for, require_officer
from luoshi.org.models import Unit, UnitCategory

from . import events, rules
from .models import (
    Appeal,
    AppealState,
    BonusRule,
    DeductionRule,
    Event,
    EventKind,
    Grade,
    Group,
    GroupUnit,
    Indicator,
    ManualScore,
    Method,
    PeriodKind,
    Purpose,
    Result,
    Run,
    RunInput,
    RunState,
    Scheme,
    SchemeStatus,
    VetoRule,
)
from .models import Line as LineRow

# ---------------------------------------------------------------------------------------------
# A scheme as plain input (from the form, the import, the API)


@dataclass
class RuleData:
    kind: str
    points: Decimal
    cap: Decimal | None = None
    text: str = ""


@dataclass
class IndicatorData:
    name: str
    weight: Decimal
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    cap: Decimal | None = None
    section: str = ""
    assessor: str = ""
    text: str = ""
    deductions: list[RuleData] = field(default_factory=list)


@dataclass
class GroupData:
    name: str
    categories: list[str] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    multiplier: Decimal = Decimal(1)
    indicators: list[IndicatorData] = field(default_factory=list)


@dataclass
class GradeData:
    name: str
    minimum: Decimal
    quota: Decimal | None = None
    eligible: bool = False
    coefficient: Decimal = Decimal(1)


@dataclass
class SchemeData:
    name: str
    start: date
    end: date
    total: Decimal = Decimal(100)
    purpose: str = Purpose.ANNUAL
    period_kind: str = PeriodKind.YEAR
    base_score: Decimal | None = None
    deduction_cap: Decimal | None = None
    bonus_cap: Decimal | None = None
    bottom: int = 0
    groups: list[GroupData] = field(default_factory=list)
    grades: list[GradeData] = field(default_factory=list)
    bonuses: list[RuleData] = field(default_factory=list)
    vetoes: list[tuple[str, str]] = field(default_factory=list)
    source: str = ""


def _spec_of(data: SchemeData) -> rules.SchemeSpec:
    return rules.SchemeSpec(
        total=data.total,
        groups=tuple(
            rules.GroupSpec(
                key=str(gi),
                name=g.name,
                multiplier=g.multiplier,
                indicators=tuple(
                    rules.IndicatorSpec(
                        key=f"{gi}.{ii}",
                        name=i.name,
                        weight=i.weight,
                        method=i.method,
                        params=i.params,
                        cap=i.cap,
                        deductions=tuple(
                            rules.DeductionSpec(d.kind, d.points, d.cap, d.text) for d in i.deductions
                        ),
                    )
                    for ii, i in enumerate(g.indicators)
                ),
            )
            for gi, g in enumerate(data.groups)
        ),
        grades=tuple(
            rules.GradeSpec(g.name, g.minimum, g.quota, g.eligible, g.coefficient) for g in data.grades
        ),
        bonuses=tuple(rules.BonusSpec(b.kind, b.points, b.cap, b.text) for b in data.bonuses),
        vetoes=tuple(k for k, _label in data.vetoes),
        bonus_cap=data.bonus_cap,
        deduction_cap=data.deduction_cap,
        bottom=data.bottom,
    )


def _problem_message(p: rules.Invalid, total: Decimal) -> tuple[str, str]:
    """(message, field) for a scheme problem, naming where it is."""
    P = rules.Problem
    where = {"where": p.where, "detail": p.detail, "total": rules.fmt(total)}
    if p.problem == P.WEIGHTS:
        return _("考核类别“%(where)s”的指标分值合计为 %(detail)s：应等于总分 %(total)s。") % where, "groups"
    if p.problem == P.CAP:
        return _("“%(where)s”的上限为 %(detail)s：上限不能小于 0。") % where, "cap"
    if p.problem == P.QUOTA:
        return _("等次“%(where)s”的比例上限为 %(detail)s%%：应在 0 到 100%% 之间。") % where, "grades"
    if p.problem == P.GRADES:
        return _("等次“%(where)s”的分数线（%(detail)s）应低于上一等次。") % where, "grades"
    if p.problem == P.NEGATIVE:
        return _("“%(where)s”的分值或倍数为 %(detail)s：不能为负数。") % where, "groups"
    if p.problem == P.METHOD:
        return _("指标“%(where)s”的计分方法“%(detail)s”未知。") % where, "groups"
    if p.problem == P.NO_GROUP:
        return _("请至少设置一个考核类别。"), "groups"
    if p.problem == P.NO_INDICATOR:
        return _("考核类别“%(where)s”还没有指标。") % where, "groups"
    if p.problem == P.TOTAL:
        return _("总分应大于 0。"), "total"
    if p.problem == P.BOTTOM:
        return _("末位名次数不能为负数。"), "bottom"
    return _("指标“%(where)s”有一条扣分规则没有对应的事项类型：%(detail)s") % where, "groups"


def validate(data: SchemeData) -> None:
    """Refuse a scheme that cannot be used, with a message naming where (nothing written)."""
    if not data.name.strip():
        raise InvalidField(_("请填写方案名称。"), field="name")
    if data.end < data.start:
        raise InvalidField(_("结束日期应不早于开始日期。"), field="end")
    if data.purpose not in Purpose.values:
        raise InvalidField(_("未知的考核用途。"), field="purpose")
    if data.period_kind not in PeriodKind.values:
        raise InvalidField(_("未知的考核周期。"), field="period_kind")
    problems = rules.scheme_problems(_spec_of(data))
    if problems:
        message, fld = _problem_message(problems[0], data.total)
        raise InvalidField(message, field=fld, code=str(problems[0].problem))
    if data.base_score is not None and not (Decimal(0) <= data.base_score <= data.total):
        raise InvalidField(
            _("起评分 %(base)s 应在 0 到总分 %(total)s 之间。")
            % {"base": rules.fmt(data.base_score), "total": rules.fmt(data.total)},
            field="base_score",
        )
    veto_kinds = [k for k, _label in data.vetoes]
    if len(set(veto_kinds)) != len(veto_kinds):
        raise InvalidField(_("一票否决的事项类型不能重复。"), field="vetoes")
    known = {k for k, _label in events.kinds()}
    used = [d.kind for g in data.groups for i in g.indicators for d in i.deductions]
    used += [b.kind for b in data.bonuses] + [k for k, _label in data.vetoes]
    for kind in used:
        if kind not in known:
            raise InvalidField(
                _("未知的考核事项类型：%(kind)s") % {"kind": kind}, field="groups", code="unknown_kind"
            )
    for g in data.groups:
        if any(c not in UnitCategory.values for c in g.categories):
            raise InvalidField(_("考核类别“%(group)s”的单位类别未知。") % {"group": g.name}, field="groups")
        for i in g.indicators:
            if i.method == Method.DEDUCTION and not i.deductions:
                raise InvalidField(
                    _("扣分制指标“%(name)s”还没有扣分规则。") % {"name": i.name},
                    field="groups",
                    code="no_rule",
                )
    names = [g.name for g in data.groups]
    if len(set(names)) != len(names):
        raise InvalidField(_("考核类别名称不能重复。"), field="groups")


def _write_parts(scheme: Scheme, data: SchemeData) -> None:
    for gi, g in enumerate(data.groups):
        group = Group.objects.create(
            scheme=scheme, position=gi, name=g.name, categories=list(g.categories), multiplier=g.multiplier
        )
        if g.unit_ids:  # keyed with the group's region in hand (`.set()` would ask for it per row)
            GroupUnit.objects.bulk_create(
                [
                    GroupUnit(group=group, unit_id=pk, region_id=group.region_id)
                    for pk in sorted(set(g.unit_ids))
                ]
            )
        for ii, i in enumerate(g.indicators):
            ind = Indicator.objects.create(
                group=group,
                position=ii,
                name=i.name,
                section=i.section,
                weight=i.weight,
                method=i.method,
                params=i.params,
                cap=i.cap,
                assessor=i.assessor,
                text=i.text,
            )
            DeductionRule.objects.bulk_create(
                [
                    DeductionRule(indicator=ind, kind=d.kind, points=d.points, cap=d.cap, text=d.text)
                    for d in i.deductions
                ]
            )
    Grade.objects.bulk_create(
        [
            Grade(
                scheme=scheme,
                position=i,
                name=g.name,
                minimum=g.minimum,
                quota=g.quota,
                eligible=g.eligible,
                coefficient=g.coefficient,
            )
            for i, g in enumerate(data.grades)
        ]
    )
    BonusRule.objects.bulk_create(
        [BonusRule(scheme=scheme, kind=b.kind, points=b.points, cap=b.cap, text=b.text) for b in data.bonuses]
    )
    VetoRule.objects.bulk_create([VetoRule(scheme=scheme, kind=k, label=label) for k, label in data.vetoes])


def _summary(data: SchemeData) -> dict[str, Any]:
    return {
        "name": data.name,
        "period": [data.start.isoformat(), data.end.isoformat()],
        "total": str(data.total),
        "groups": [
            {"name": g.name, "indicators": [[i.name, str(i.weight), i.method] for i in g.indicators]}
            for g in data.groups
        ],
        "grades": [[g.name, str(g.minimum), None if g.quota is None else str(g.quota)] for g in data.grades],
        "vetoes": [k for k, _label in data.vetoes],
    }


def _scalars(data: SchemeData) -> dict[str, Any]:
    return {
        "name": data.name.strip(),
        "purpose": data.purpose,
        "period_kind": data.period_kind,
        "start": data.start,
        "end": data.end,
        "total": data.total,
        "base_score": data.base_score,
        "deduction_cap": data.deduction_cap,
        "bonus_cap": data.bonus_cap,
        "bottom": data.bottom,
        "source": data.source,
    }


@transaction.atomic
def scheme_create(*, actor: Any, data: SchemeData) -> Scheme:
    """Create a scheme (考核方案) in draft from plain data, all or nothing."""
    require_officer(actor)
    validate(data)
    if Scheme.objects.filter(name=data.name.strip()).exists():
        raise InvalidField(_("已有同名考核方案：%(name)s") % {"name": data.name}, field="name")
    # The office's unit gives the scheme its region (lib/regions.py).
    scheme = Scheme.objects.create(created_by=actor, office_id=office_unit_id(actor), **_scalars(data))
    _write_parts(scheme, data)
    record(scheme, "assessment.scheme.created", actor=actor, after=_summary(data))
    return scheme


@transaction.atomic
def scheme_update(*, actor: Any, scheme: Scheme, version: int, data: SchemeData) -> Scheme:
    """Replace a scheme's settings, groups, indicators and rules; `version` is the one the editor
    read (409 when someone saved first). Runs already made keep their frozen copy."""
    require_officer(actor)
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if locked.version != version:
        raise Conflict(_("方案已被他人修改（当前第 %(v)s 版），请刷新后再改。") % {"v": locked.version})
    if locked.status == SchemeStatus.ARCHIVED:
        raise LuoshiError(_("已归档的方案不能修改。"))
    validate(data)
    if Scheme.objects.filter(name=data.name.strip()).exclude(pk=locked.pk).exists():
        raise InvalidField(_("已有同名考核方案：%(name)s") % {"name": data.name}, field="name")
    for key, value in _scalars(data).items():
        setattr(locked, key, value)
    locked.version += 1
    locked.save()
    Group.objects.filter(scheme=locked).delete()
    Grade.objects.filter(scheme=locked).delete()
    BonusRule.objects.filter(scheme=locked).delete()
    VetoRule.objects.filter(scheme=locked).delete()
    _write_parts(locked, data)
    record(locked, "assessment.scheme.updated", actor=actor, after=_summary(data))
    return locked


@transaction.atomic
def scheme_set_status(*, actor: Any, scheme: Scheme, status: str) -> Scheme:
    require_officer(actor)
    if status not in SchemeStatus.values:
        raise InvalidField(_("未知的方案状态。"), field="status")
    before = scheme.status
    Scheme.objects.filter(pk=scheme.pk).update(status=status)
    scheme.status = status
    record(
        scheme, "assessment.scheme.status", actor=actor, before={"status": before}, after={"status": status}
    )
    return scheme


def scheme_data(scheme: Scheme) -> SchemeData:
    """A stored scheme as plain data (the edit form's starting point)."""
    groups = []
    for g in scheme.groups.prefetch_related("units", "indicators__deductions"):
        groups.append(
            GroupData(
                name=g.name,
                categories=list(g.categories),
                unit_ids=sorted(u.pk for u in g.units.all()),
                multiplier=g.multiplier,
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
                        deductions=[RuleData(d.kind, d.points, d.cap, d.text) for d in i.deductions.all()],
                    )
                    for i in g.indicators.all()
                ],
            )
        )
    return SchemeData(
        name=scheme.name,
        start=scheme.start,
        end=scheme.end,
        total=scheme.total,
        purpose=scheme.purpose,
        period_kind=scheme.period_kind,
        base_score=scheme.base_score,
        deduction_cap=scheme.deduction_cap,
        bonus_cap=scheme.bonus_cap,
        bottom=scheme.bottom,
        groups=groups,
        grades=[
            GradeData(g.name, g.minimum, g.quota, g.eligible, g.coefficient) for g in scheme.grades.all()
        ],
        bonuses=[RuleData(b.kind, b.points, b.cap, b.text) for b in scheme.bonuses.all()],
        vetoes=[(v.kind, v.label) for v in scheme.vetoes.all()],
        source=scheme.source,
    )


# ---------------------------------------------------------------------------------------------
# The office's facts


@transaction.atomic
def event_record(
    *,
    actor: Any,
    unit: Unit,
    kind: str,
    occurred_on: date,
    text: str,
    count: Decimal = Decimal(1),
    link: str = "",
) -> Event:
    """Record a fact by hand (投诉核实, 表彰, 一票否决情形 …)."""
    require_officer(actor)
    if kind not in EventKind.values:
        raise InvalidField(_("未知的事项类型。"), field="kind")
    if not text.strip():
        raise InvalidField(_("请填写事由。"), field="text")
    if count <= 0:
        raise InvalidField(_("次数应大于 0。"), field="count")
    event = Event.objects.create(
        unit=unit,
        kind=kind,
        occurred_on=occurred_on,
        text=text.strip(),
        count=count,
        link=link,
        recorded_by=actor,
    )
    record(
        event,
        "assessment.event.recorded",
        actor=actor,
        after={
            "unit": unit.pk,
            "kind": kind,
            "day": occurred_on.isoformat(),
            "count": str(count),
            "text": text,
        },
    )
    return event


@transaction.atomic
def score_record(
    *, actor: Any, indicator: Indicator, unit: Unit, score: Decimal, note: str = ""
) -> ManualScore:
    """An assessor's score (评分) of a unit on a manual or rank indicator, on the indicator's scale
    (0 to its weight; any figure ≥ 0 for a rank indicator). A second score by the same assessor
    replaces the first (audited with both)."""
    ctx = context_for(actor)
    if not (ctx.is_officer or "assessor" in ctx.roles):
        raise NotAllowed(_("只有考核评分人或考核办可以评分。"))
    if indicator.method not in (Method.MANUAL, Method.RANK):
        raise LuoshiError(_("该指标不是评分指标。"))
    if score < 0 or (indicator.method == Method.MANUAL and score > indicator.weight):
        raise InvalidField(
            _("分数应在 0 到 %(max)s 之间。") % {"max": rules.fmt(indicator.weight)}, field="score"
        )
    existing = ManualScore.objects.filter(indicator=indicator, unit=unit, assessor=actor).first()
    before = None if existing is None else {"score": str(existing.score)}
    obj, _created = ManualScore.objects.update_or_create(
        indicator=indicator,
        unit=unit,
        assessor=actor,
        defaults={"score": score, "note": note, "at": timezone.now()},
    )
    record(
        obj,
        "assessment.score.recorded",
        actor=actor,
        before=before,
        after={"score": str(score), "unit": unit.pk},
    )
    return obj


# ---------------------------------------------------------------------------------------------
# Runs


def members_of(scheme: Scheme) -> tuple[rules.SchemeSpec, list[rules.Member]]:
    """The scheme as plain values and its assessed units (a unit in two groups is in the first);
    four queries."""
    groups = list(scheme.groups.prefetch_related("units", "indicators__deductions"))
    categories = {c for g in groups for c in g.categories}
    by_category: dict[str, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.active().filter(category__in=categories).order_by("path"):
        by_category[unit.category].append(unit)
    seen: set[int] = set()
    members: list[rules.Member] = []
    for g in groups:
        units = [u for c in g.categories for u in by_category.get(c, [])] + sorted(
            g.units.all(), key=lambda u: u.path
        )
        for u in units:
            if u.pk not in seen:
                seen.add(u.pk)
                members.append(rules.Member(u.pk, u.name, f"g{g.pk}"))
    spec = rules.SchemeSpec(
        total=scheme.total,
        groups=tuple(
            rules.GroupSpec(
                key=f"g{g.pk}",
                name=g.name,
                multiplier=g.multiplier,
                indicators=tuple(
                    rules.IndicatorSpec(
                        key=f"i{i.pk}",
                        name=i.name,
                        weight=i.weight,
                        method=i.method,
                        params=i.params,
                        cap=i.cap,
                        deductions=tuple(
                            rules.DeductionSpec(d.kind, d.points, d.cap, d.text) for d in i.deductions.all()
                        ),
                    )
                    for i in g.indicators.all()
                ),
            )
            for g in groups
        ),
        grades=tuple(
            rules.GradeSpec(g.name, g.minimum, g.quota, g.eligible, g.coefficient)
            for g in scheme.grades.all()
        ),
        bonuses=tuple(rules.BonusSpec(b.kind, b.points, b.cap, b.text) for b in scheme.bonuses.all()),
        vetoes=tuple(v.kind for v in scheme.vetoes.all()),
        bonus_cap=scheme.bonus_cap,
        deduction_cap=scheme.deduction_cap,
        bottom=scheme.bottom,
    )
    return spec, members


def _in_scope(row: events.EventRow, params: Mapping[str, Any]) -> bool:
    plans = params.get("plans")
    if plans and row.scope not in {f"plan:{p}" for p in plans}:
        return False
    rnd = params.get("round")
    return not (rnd and row.scope != f"round:{rnd}")


def gather(
    spec: rules.SchemeSpec, members: Sequence[rules.Member], start: date, end: date
) -> list[rules.Fact]:
    """Every fact the scheme uses, from the event sources (each called once for all units) and the
    assessors' scores (one query)."""
    unit_ids = [m.unit_id for m in members]
    group_of = {m.unit_id: m.group for m in members}
    cache: dict[str, list[events.EventRow]] = {}

    def rows(kind: str) -> list[events.EventRow]:
        if kind not in cache:
            cache[kind] = events.collect(kind, unit_ids, start, end)
        return cache[kind]

    scored = [
        int(i.key[1:]) for g in spec.groups for i in g.indicators if i.method in (Method.MANUAL, Method.RANK)
    ]
    scores: dict[str, list[ManualScore]] = defaultdict(list)
    for s in (
        ManualScore.objects.filter(indicator_id__in=scored, unit_id__in=unit_ids)
        .select_related("assessor")
        .order_by("indicator_id", "unit_id", "assessor_id")
    ):
        scores[f"i{s.indicator_id}"].append(s)

    facts: list[rules.Fact] = []
    for g in spec.groups:
        for ind in g.indicators:

            def add(
                kind: str, row: events.EventRow, ind: rules.IndicatorSpec = ind, g: rules.GroupSpec = g
            ) -> None:
                if group_of.get(row.unit_id) == g.key and _in_scope(row, ind.params):
                    facts.append(
                        rules.Fact(row.unit_id, ind.key, kind, row.value, row.text, row.link, row.ref)
                    )

            if ind.method == Method.TASK:
                for row in rows("work.task"):
                    add("work.task", row)
            elif ind.method == Method.MEASURE:
                for row in rows("work.measure"):
                    add("work.measure", row)
            elif ind.method == Method.RATING:
                for row in rows(str(ind.params.get("source") or "ratings.score")):
                    add(row.kind, row)
            elif ind.method == Method.DEDUCTION:
                for kind in dict.fromkeys(rule.kind for rule in ind.deductions):
                    for row in rows(kind):
                        add(kind, row)
            elif ind.method == Method.RANK and ind.params.get("source"):
                for row in rows(str(ind.params["source"])):
                    add(row.kind, row)
            else:
                link = reverse("assessment:scores", args=[int(ind.key[1:])])
                for s in scores[ind.key]:
                    if group_of.get(s.unit_id) == g.key:
                        name = s.assessor.get_full_name() or s.assessor.get_username()
                        text = _("%(who)s 评分 %(score)s") % {"who": name, "score": rules.fmt(s.score)}
                        facts.append(
                            rules.Fact(
                                s.unit_id,
                                ind.key,
                                "manual",
                                s.score,
                                text,
                                link,
                                f"assessment.ManualScore:{s.pk}",
                            )
                        )
    for kind in [b.kind for b in spec.bonuses] + list(spec.vetoes):
        for row in rows(kind):
            if row.unit_id in group_of:
                facts.append(rules.Fact(row.unit_id, "", kind, row.value, row.text, row.link, row.ref))
    return facts


FOUR = Decimal("0.0001")


def frozen_fact(f: rules.Fact) -> rules.Fact:
    """A fact as a `RunInput` stores it (value to four decimals, text to 500 characters), so the run
    is computed from exactly what is kept."""
    value = f.value.quantize(FOUR)
    return rules.Fact(f.unit_id, f.indicator, f.kind, value, f.text[:500], f.link[:300], f.ref[:80])


RESULT_COLUMNS = (
    "run_id", "region_id", "unit_id", "unit_name", "group", "score", "grade", "rank", "veto", "bottom", "eligible",
    "coefficient",
)  # fmt: skip
LINE_COLUMNS = ("run_id", "region_id", "unit_id", "position", "indicator", "points", "reason", "link")
INPUT_COLUMNS = ("run_id", "region_id", "unit_id", "indicator", "kind", "value", "text", "link", "ref")
CENTS = Decimal("0.01")


def _store(
    run: Run, spec: rules.SchemeSpec, members: Sequence[rules.Member], facts: Sequence[rules.Fact]
) -> None:
    """Compute the run from its frozen spec and inputs, and store results and lines in bulk.

    Results come group by group (`rules.compute_groups`) and are written group by group (COPY on
    PostgreSQL, `luoshi.lib.bulk.write_rows`), so a province run holds one group's lines at a time
    and builds no model instance per row (600,000 breakdown lines took minutes as instances).
    Amounts are rounded to the columns' two places as the ORM rounds them (half to even)."""
    names = {m.unit_id: m.name for m in members}
    group_names = {g.key: g.name for g in spec.groups}
    ind_names = {i.key: i.name for g in spec.groups for i in g.indicators}
    for chunk in rules.compute_groups(spec, members, facts):
        write_rows(
            Result,
            RESULT_COLUMNS,
            (
                (
                    run.pk,
                    run.region_id,
                    r.unit_id,
                    names[r.unit_id],
                    group_names[r.group],
                    r.score.quantize(CENTS),
                    r.grade,
                    r.rank,
                    r.veto,
                    r.bottom,
                    r.eligible,
                    r.coefficient.quantize(CENTS),
                )  # fmt: skip
                for r in chunk
            ),
        )
        write_rows(
            LineRow,
            LINE_COLUMNS,
            (
                (
                    run.pk,
                    run.region_id,
                    r.unit_id,
                    n,
                    ind_names.get(line.indicator, ""),
                    line.points.quantize(CENTS),
                    line.reason[:600],
                    line.link,
                )  # fmt: skip
                for r in chunk
                for n, line in enumerate(r.lines)
            ),
        )


def _next_number(scheme: Scheme) -> int:
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    return int(Run.objects.filter(scheme=scheme).aggregate(n=Max("number"))["n"] or 0) + 1


def _inputs(run: Run, facts: Sequence[rules.Fact]) -> None:
    write_rows(
        RunInput,
        INPUT_COLUMNS,
        (
            (run.pk, run.region_id, f.unit_id, f.indicator, f.kind, f.value, f.text[:500], f.link, f.ref)
            for f in facts
        ),
    )


@transaction.atomic
def run_create(*, actor: Any, scheme: Scheme, as_of: date) -> Run:
    """Snapshot every fact the scheme uses as of `as_of` (within its period), freeze the scheme
    itself, and compute the results from that snapshot alone (a new version v1, v2 …)."""
    require_officer(actor)
    if scheme.status == SchemeStatus.ARCHIVED:
        raise LuoshiError(_("已归档的方案不能再计算。"))
    if as_of < scheme.start:
        raise InvalidField(_("数据截至日期早于考核期开始。"), field="as_of")
    spec, members = members_of(scheme)
    if not members:
        raise LuoshiError(_("方案没有考核对象：请为考核类别选择单位类别或单位。"), code="no_members")
    end = min(scheme.end, as_of)
    facts = [frozen_fact(f) for f in gather(spec, members, scheme.start, end)]
    spec_json = rules.spec_to_json(spec, members)
    run = Run.objects.create(
        scheme=scheme,
        number=_next_number(scheme),
        as_of=as_of,
        spec=spec_json,
        content_hash=rules.content_hash(spec_json, facts),
        created_by=actor,
    )
    _inputs(run, facts)
    _store(run, spec, members, facts)
    record(
        run,
        "assessment.run.created",
        actor=actor,
        after={
            "scheme": scheme.pk,
            "version": run.number,
            "as_of": as_of.isoformat(),
            "hash": run.content_hash,
        },
    )
    return run


def frozen(run: Run) -> tuple[rules.SchemeSpec, list[rules.Member], list[rules.Fact]]:
    """A run's frozen scheme, units and inputs (one query for the inputs)."""
    spec, members = rules.spec_from_json(run.spec)
    facts = [
        rules.Fact(unit_id, ind, kind, value, text, link, ref)
        for unit_id, ind, kind, value, text, link, ref in RunInput.objects.filter(run=run)
        .order_by("pk")
        .values_list("unit_id", "indicator", "kind", "value", "text", "link", "ref")
    ]
    return spec, members, facts


def recompute(run: Run) -> list[rules.Result]:
    """The run's results computed again from its frozen inputs alone (nothing written)."""
    spec, members, facts = frozen(run)
    return rules.compute(spec, members, facts)


@transaction.atomic
def run_publish(*, actor: Any, run: Run, appeal_until: date) -> Run:
    """Publish a run (公布) with its appeal window; earlier published versions become superseded."""
    require_officer(actor)
    locked = Run.objects.select_for_update().get(pk=run.pk)
    if locked.state != RunState.COMPUTED:
        raise Conflict(_("该版本已公布或已被更正。"))
    today = timezone.localdate()
    if appeal_until < today:
        raise InvalidField(_("申诉截止日期不能早于今天。"), field="appeal_until")
    Run.objects.filter(scheme_id=locked.scheme_id, state=RunState.PUBLISHED).update(state=RunState.SUPERSEDED)
    locked.state = RunState.PUBLISHED
    locked.published_at = timezone.now()
    locked.appeal_until = appeal_until
    locked.save(update_fields=["state", "published_at", "appeal_until"])
    record(locked, "assessment.run.published", actor=actor, after={"appeal_until": appeal_until.isoformat()})
    return locked


# ---------------------------------------------------------------------------------------------
# Appeals


@transaction.atomic
def appeal_file(*, actor: Any, run: Run, unit: Unit, text: str) -> Appeal:
    """A unit's appeal (申诉) against a published run, by its head or reporter, in the window."""
    ctx = context_for(actor)
    if unit.pk not in (ctx.head_unit_ids | ctx.reporter_unit_ids):
        raise NotAllowed(_("只有本单位的负责人或填报员可以提出申诉。"))
    if run.state != RunState.PUBLISHED or run.appeal_until is None:
        raise LuoshiError(_("该版本未公布，不能申诉。"), code="not_published")
    if timezone.localdate() > run.appeal_until:
        raise LuoshiError(
            _("申诉期已于%(day)s截止。") % {"day": run.appeal_until.isoformat()}, code="window_closed"
        )
    if not Result.objects.filter(run=run, unit=unit).exists():
        raise LuoshiError(_("本单位不在该考核结果中。"), code="not_assessed")
    if not text.strip():
        raise InvalidField(_("请填写申诉理由。"), field="text")
    appeal = Appeal.objects.create(run=run, unit=unit, text=text.strip(), filed_by=actor)
    record(
        appeal, "assessment.appeal.filed", actor=actor, after={"run": run.pk, "unit": unit.pk, "text": text}
    )
    return appeal


def _decimal(value: Any, fld: str) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidField(_("“%(v)s”不是数字。") % {"v": value}, field=fld) from None
    if not result.is_finite():
        raise InvalidField(_("“%(v)s”不是数字。") % {"v": value}, field=fld)
    return result


@transaction.atomic
def appeal_decide(
    *,
    actor: Any,
    appeal: Appeal,
    accept: bool,
    reason: str,
    remove: Sequence[int] = (),
    values: Mapping[int, Any] | None = None,
) -> Appeal:
    """Decide an appeal. Rejected: recorded with the reason. Accepted: the scheme's latest run is
    copied with the corrections (`remove`: its inputs to drop; `values`: input id → corrected value)
    as the next version, computed from that corrected snapshot."""
    require_officer(actor)
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if locked.state != AppealState.PENDING:
        raise Conflict(_("该申诉已处理。"))
    if not reason.strip():
        raise InvalidField(_("请填写处理意见。"), field="reason")
    values = dict(values or {})
    corrections: dict[str, Any] = {}
    new_run = None
    if accept:
        base = Run.objects.filter(scheme_id=locked.run.scheme_id).order_by("-number").first()
        assert base is not None
        spec, members, _facts = frozen(base)
        inputs = list(RunInput.objects.filter(run=base).order_by("pk"))
        ids = {i.pk for i in inputs}
        asked = set(remove) | {int(k) for k in values}
        if not asked:
            raise InvalidField(_("采纳申诉须指明更正哪些考核依据。"), field="corrections")
        unknown = asked - ids
        if unknown:
            raise InvalidField(
                _("考核依据 %(ids)s 不属于当前版本。") % {"ids": ", ".join(str(i) for i in sorted(unknown))},
                field="corrections",
            )
        new_values = {int(k): _decimal(v, "corrections") for k, v in values.items()}
        corrected = []
        for i in inputs:
            if i.pk in remove:
                continue
            value = new_values.get(i.pk, i.value)
            corrected.append(
                frozen_fact(rules.Fact(i.unit_id, i.indicator, i.kind, value, i.text, i.link, i.ref))
            )
        corrections = {
            "base": base.pk,
            "remove": sorted(remove),
            "values": {str(k): str(v) for k, v in new_values.items()},
        }
        new_run = Run.objects.create(
            scheme_id=base.scheme_id,
            number=_next_number(base.scheme),
            as_of=base.as_of,
            spec=base.spec,
            content_hash=rules.content_hash(base.spec, corrected),
            previous=base,
            region_id=base.region_id,
            note=_("依申诉更正（%(unit)s）") % {"unit": locked.unit.name},
            created_by=actor,
        )
        _inputs(new_run, corrected)
        _store(new_run, spec, members, corrected)
    locked.state = AppealState.ACCEPTED if accept else AppealState.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.reason = reason.strip()
    locked.corrections = corrections
    locked.new_run = new_run
    locked.save()
    record(
        locked,
        "assessment.appeal.decided",
        actor=actor,
        after={
            "state": locked.state,
            "reason": locked.reason,
            "corrections": corrections,
            "new_run": new_run.pk if new_run else None,
        },
    )
    return locked
