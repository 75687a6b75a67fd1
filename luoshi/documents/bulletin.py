"""The weekly bulletin (督查通报) of a plan as of a date: lights per unit, red and overdue items named,
light changes since the previous issue, the late reports since then, and corrections of what the
previous issue said; as xlsx and as an official PDF.

A bulletin not yet published is computed on demand: lights are recomputed with `compute_lights` as
known at the end of its date, so a bulletin for a past date shows the state of that date, not today's
stored lights. Once published (`documents.services.bulletin_publish`) its figures are frozen
(`freeze`/`thaw`) and it is shown from them, never recomputed; facts about its periods that become
known later are listed in the next issue's corrections (更正说明). Counts are of leaf tasks (the work
items), so a goal and its decomposed tasks are not counted twice; cancelled and draft tasks are left
out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from luoshi.org.models import Unit
from luoshi.work.models import LateCause, LateReport, Light, Plan, Report, ReportState, Task
from luoshi.work.selectors import compute_lights, counted_rows

from .exporters import DATE, INTEGER, NUMBER, PERCENT, Column, Exporter, Sheet

# Closed below the measure's target (完成（未达标））: counted apart from the tasks done in full.
DONE_SHORT = "done_short"
# Column order of the per-unit table, and severity for "better"/"worse" (worst last).
LIGHT_ORDER = [Light.GREEN, Light.YELLOW, Light.RED, Light.OVERDUE, Light.DONE, DONE_SHORT, Light.NOT_STARTED]
SEVERITY: dict[str, int] = {
    Light.DONE: 0,
    Light.NOT_STARTED: 1,
    Light.GREEN: 2,
    Light.YELLOW: 3,
    Light.RED: 4,
    Light.OVERDUE: 5,
}
CN_NUMERALS = "一二三四五六七八九十"
# What a correction (更正说明) is: a correction of an earlier report, or a report of a period the
# previous issue covered that became known (approved, or filed) only after it.
CORRECTED = "corrected"
LATE_KNOWN = "late_known"
# The version of the frozen figures' layout (`freeze`), so a later layout can still read old issues.
FROZEN_VERSION = 1


@dataclass
class UnitLights:
    unit_id: int
    name: str
    counts: dict[str, int]
    total: int

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(light, 0) for light in LIGHT_ORDER]


@dataclass
class NamedItem:
    task_id: int
    title: str
    unit: str
    leader: str
    light: str
    light_label: str
    expected: Decimal
    actual: Decimal
    lag: Decimal
    overdue_days: int | None


@dataclass
class LightChange:
    task_id: int
    title: str
    unit: str
    before: str
    after: str
    before_label: str
    after_label: str
    worse: bool


@dataclass
class LateItem:
    unit: str
    title: str
    period_end: date
    due_on: date
    # Why (LateCause): not filed by the deadline, or filed in time and approved after it.
    cause: str = "filing"

    @property
    def cause_label(self) -> str:
        return str(LateCause(self.cause).label)


@dataclass
class Correction:
    """A fact about a period the previous issue covered that became known after it (更正说明)."""

    task_id: int
    title: str
    unit: str
    period_end: date
    known_on: date
    kind: str  # CORRECTED or LATE_KNOWN
    old: Decimal | None  # the corrected report's progress, else the previous issue's progress
    new: Decimal | None

    @property
    def kind_label(self) -> str:
        return _("更正填报") if self.kind == CORRECTED else _("补报或延后审核")


@dataclass
class Previous:
    """The previous published issue a bulletin compares with."""

    number: int
    on: date


@dataclass
class Bulletin:
    plan: Plan
    on: date
    since: date
    number: int
    issuer: str
    units: list[UnitLights]
    totals: dict[str, int]
    total: int
    named: list[NamedItem]
    changes: list[LightChange]
    late: list[LateItem]
    light_labels: dict[str, str] = field(default_factory=dict)
    plan_name: str = ""
    # The previous published issue the changes are measured against; None: the week before.
    previous: Previous | None = None
    corrections: list[Correction] = field(default_factory=list)
    # Each counted task's (light, actual progress), frozen with a published issue for the next one.
    task_lights: dict[int, tuple[str, Decimal]] = field(default_factory=dict)
    # Sections other apps add (`register_section`): {"key", "title", "columns", "rows"} of strings.
    extra: list[dict[str, Any]] = field(default_factory=list)

    @property
    def doc_number(self) -> str:
        return _("〔%(y)s〕第%(n)s期") % {"y": self.on.year, "n": self.number}

    @property
    def date_cn(self) -> str:
        return _("%(y)s年%(m)s月%(d)s日") % {"y": self.on.year, "m": self.on.month, "d": self.on.day}

    @property
    def light_columns(self) -> list[str]:
        return [self.light_labels[light] for light in LIGHT_ORDER]

    @property
    def total_cells(self) -> list[int]:
        return [self.totals.get(light, 0) for light in LIGHT_ORDER]

    @property
    def worse_count(self) -> int:
        return sum(1 for c in self.changes if c.worse)

    @property
    def better_count(self) -> int:
        return sum(1 for c in self.changes if not c.worse)

    @property
    def red_count(self) -> int:
        return sum(1 for n in self.named if n.light == Light.RED)

    @property
    def overdue_count(self) -> int:
        return sum(1 for n in self.named if n.light == Light.OVERDUE)

    @property
    def against(self) -> str:
        """What the changes compare with: the previous issue when one was published, else last week."""
        if self.previous is None:
            return _("与上周相比")
        return _("与第%(n)s期通报（%(date)s）相比") % {"n": self.previous.number, "date": self.previous.on}

    @property
    def summary(self) -> str:
        # Translators: the separator between the items of a list (Chinese 顿号).
        parts = _("、").join(
            _("%(label)s%(n)s项") % {"label": self.light_labels[light], "n": self.totals.get(light, 0)}
            for light in LIGHT_ORDER
        )
        text = _(
            "截至%(date)s，%(plan)s共有末级任务%(total)s项（不含草稿和已取消），其中%(parts)s。"
            "%(against)s，亮灯变化%(changed)s项（转差%(worse)s项、好转%(better)s项）；迟报%(late)s次。"
        ) % {
            "date": self.date_cn,
            "plan": self.plan_name or self.plan.name,
            "total": self.total,
            "parts": parts,
            "against": self.against,
            "changed": len(self.changes),
            "worse": self.worse_count,
            "better": self.better_count,
            "late": len(self.late),
        }
        if self.corrections:
            text += _("上期通报发布后，更正和补充已通报期间的进度%(n)s项。") % {"n": len(self.corrections)}
        return text

    def section(self, n: int) -> str:
        return CN_NUMERALS[n - 1] if 0 < n <= len(CN_NUMERALS) else str(n)


# Sections other apps contribute (supervision's 通报 entries): key -> build(plan, since, on) giving
# {"title", "columns", "rows"} (strings) or None for no section this issue. Registered from the app's
# `AppConfig.ready`; frozen with a published issue like the rest.
_SECTIONS: dict[str, Callable[[Plan, date, date], dict[str, Any] | None]] = {}


def register_section(key: str, build: Callable[[Plan, date, date], dict[str, Any] | None]) -> None:
    _SECTIONS[key] = build


def extra_sections(plan: Plan, since: date, on: date) -> list[dict[str, Any]]:
    out = []
    for key, build in sorted(_SECTIONS.items()):
        section = build(plan, since, on)
        if section:
            out.append({"key": key, **section})
    return out


def light_labels() -> dict[str, str]:
    return {k: str(v) for k, v in Light.choices} | {DONE_SHORT: _("完成（未达标）")}


def previous_published(plan: Plan, on: date) -> Any:
    """The plan's latest published bulletin before `on` (a PublishedBulletin), or None."""
    from .models import PublishedBulletin

    return PublishedBulletin.objects.filter(plan_id=plan.pk, on__lt=on).order_by("-on").first()


def build_bulletin(*, plan: Plan, on: date) -> Bulletin:
    """Everything a bulletin says, computed in a fixed number of queries whatever the plan's size.

    Changes and late reports are counted since the previous published issue when there is one
    (against its frozen lights), else since the week before (against recomputed lights); its issue
    number is the one it would get if published now (the previous issue's + 1).
    """
    prev = previous_published(plan, on)
    now_rows = counted_rows(compute_lights(plan_id=plan.pk, on=on))
    if prev is not None:
        since = prev.on
        before = {int(k): v[0] for k, v in prev.figures["tasks"].items()}
    else:
        since = on - timedelta(days=7)
        before = {r.id: r.light for r in compute_lights(plan_id=plan.pk, on=since)}
    labels = light_labels()
    unit_ids = {r.lead_unit_id for r in now_rows}
    units = {
        uid: (short or name, sort, code)
        for uid, short, name, sort, code in Unit.objects.filter(pk__in=unit_ids).values_list(
            "id", "short_name", "name", "sort", "code"
        )
    }
    leaders = dict(
        Task.objects.filter(plan_id=plan.pk, responsible_leader__isnull=False).values_list(
            "id", "responsible_leader__name"
        )
    )

    per_unit: dict[int, dict[str, int]] = {}
    totals: dict[str, int] = {}
    named: list[NamedItem] = []
    changes: list[LightChange] = []
    for r in now_rows:
        # A closed task keeps its reported progress: below 100% it closed short of its target.
        column = DONE_SHORT if r.light == Light.DONE and r.actual < Decimal(100) else r.light
        per_unit.setdefault(r.lead_unit_id, {})
        per_unit[r.lead_unit_id][column] = per_unit[r.lead_unit_id].get(column, 0) + 1
        totals[column] = totals.get(column, 0) + 1
        unit_name = units.get(r.lead_unit_id, ("", 0, ""))[0]
        if r.light in (Light.RED, Light.OVERDUE):
            named.append(
                NamedItem(
                    task_id=r.id,
                    title=r.title,
                    unit=unit_name,
                    leader=leaders.get(r.id, ""),
                    light=r.light,
                    light_label=labels[r.light],
                    expected=r.expected,
                    actual=r.actual,
                    lag=max(r.expected - r.actual, Decimal(0)),
                    overdue_days=(on - r.due).days if r.light == Light.OVERDUE else None,
                )
            )
        old = before.get(r.id)
        if old is not None and old != r.light:
            changes.append(
                LightChange(
                    task_id=r.id,
                    title=r.title,
                    unit=unit_name,
                    before=old,
                    after=r.light,
                    before_label=labels.get(old, old),
                    after_label=labels[r.light],
                    worse=SEVERITY.get(r.light, 0) > SEVERITY.get(old, 0),
                )
            )
    # Ties in the order of the plan's table (the rows come in the natural order of their codes).
    place = {r.id: i for i, r in enumerate(now_rows)}
    named.sort(
        key=lambda n: (n.light != Light.OVERDUE, -(n.overdue_days or 0), -n.lag, n.unit, place[n.task_id])
    )
    changes.sort(key=lambda c: (not c.worse, -SEVERITY.get(c.after, 0), c.unit, place[c.task_id]))

    unit_rows = [
        UnitLights(unit_id=uid, name=units.get(uid, ("", 0, ""))[0], counts=c, total=sum(c.values()))
        for uid, c in per_unit.items()
    ]
    unit_rows.sort(
        key=lambda u: (
            -(u.counts.get(Light.OVERDUE, 0) + u.counts.get(Light.RED, 0)),
            -u.counts.get(Light.YELLOW, 0),
            units.get(u.unit_id, ("", 0, ""))[1],
            units.get(u.unit_id, ("", 0, ""))[2],
        )
    )

    late = [
        LateItem(unit=short or name, title=title, period_end=period, due_on=due_on, cause=cause)
        for short, name, title, period, due_on, cause in LateReport.objects.counted()
        .filter(task__plan_id=plan.pk, due_on__gt=since, due_on__lte=on)
        .order_by("unit__sort", "unit__code", "due_on", "task__sort_path")
        .values_list("unit__short_name", "unit__name", "task__title", "period_end", "due_on", "cause")
    ]
    issuer = ""
    if plan.owner_unit_id:
        issuer = Unit.objects.filter(pk=plan.owner_unit_id).values_list("name", flat=True).first() or ""
    return Bulletin(
        plan=plan,
        on=on,
        since=since,
        number=prev.number + 1 if prev is not None else 1,
        issuer=issuer or _("督查室"),
        units=unit_rows,
        totals=totals,
        total=len(now_rows),
        named=named,
        changes=changes,
        late=late,
        light_labels=labels,
        plan_name=plan.name,
        previous=Previous(number=prev.number, on=prev.on) if prev is not None else None,
        corrections=_corrections(plan, on, prev) if prev is not None else [],
        task_lights={r.id: (r.light, r.actual) for r in now_rows},
        extra=extra_sections(plan, since, on),
    )


def _corrections(plan: Plan, on: date, prev: Any) -> list[Correction]:
    """Reports about periods the previous issue covered (period_end <= its date) that became known to
    the office after it and by `on`: corrections of earlier reports, late filings and late approvals.
    Each with the figure before (the corrected report's, else the previous issue's progress of the
    task) and after."""
    published = prev.figures["tasks"]
    rows = (
        Report.objects.filter(
            task__plan_id=plan.pk,
            state=ReportState.SUBMITTED,
            known_on__lte=on,
            period_end__lte=prev.on,
        )
        # Known after the previous issue was published: on a later day, or later on its own day.
        .filter(
            Q(known_on__gt=prev.on)
            | Q(known_on=prev.on, approved_at__gt=prev.published_at)
            | Q(known_on=prev.on, approved_at__isnull=True, created__gt=prev.published_at)
        )
        .order_by("unit__sort", "unit__code", "task__sort_path", "period_end", "known_on", "id")
        .values_list(
            "task_id",
            "task__title",
            "unit__short_name",
            "unit__name",
            "period_end",
            "known_on",
            "corrects_id",
            "corrects__percent",
            "percent",
        )
    )
    out = []
    for task_id, title, short, name, period_end, known_on, corrects_id, old_pct, pct in rows:
        if corrects_id is None:
            old = published.get(str(task_id))
            old_pct = Decimal(old[1]) if old is not None else None
        out.append(
            Correction(
                task_id=task_id,
                title=title,
                unit=short or name,
                period_end=period_end,
                known_on=known_on or on,  # never None: the query asks for known_on <= on
                kind=CORRECTED if corrects_id is not None else LATE_KNOWN,
                old=old_pct,
                new=pct,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Frozen figures of a published issue


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def freeze(b: Bulletin) -> dict[str, Any]:
    """Everything the bulletin shows, as JSON values (decimals as strings, dates ISO), with each
    counted task's light and progress (`tasks`) for the next issue to compare with."""
    return {
        "version": FROZEN_VERSION,
        "plan_id": b.plan.pk,
        "plan_name": b.plan_name or b.plan.name,
        "on": b.on.isoformat(),
        "since": b.since.isoformat(),
        "number": b.number,
        "issuer": b.issuer,
        "previous": None
        if b.previous is None
        else {"number": b.previous.number, "on": b.previous.on.isoformat()},
        "summary": b.summary,
        "total": b.total,
        "totals": dict(b.totals),
        "units": [
            {"unit_id": u.unit_id, "name": u.name, "counts": dict(u.counts), "total": u.total}
            for u in b.units
        ],
        "named": [
            {
                "task_id": n.task_id,
                "title": n.title,
                "unit": n.unit,
                "leader": n.leader,
                "light": n.light,
                "expected": _dec(n.expected),
                "actual": _dec(n.actual),
                "lag": _dec(n.lag),
                "overdue_days": n.overdue_days,
            }
            for n in b.named
        ],
        "changes": [
            {
                "task_id": c.task_id,
                "title": c.title,
                "unit": c.unit,
                "before": c.before,
                "after": c.after,
                "worse": c.worse,
            }
            for c in b.changes
        ],
        "late": [
            {
                "unit": x.unit,
                "title": x.title,
                "period_end": x.period_end.isoformat(),
                "due_on": x.due_on.isoformat(),
                "cause": x.cause,
            }
            for x in b.late
        ],
        "corrections": [
            {
                "task_id": c.task_id,
                "title": c.title,
                "unit": c.unit,
                "period_end": c.period_end.isoformat(),
                "known_on": c.known_on.isoformat(),
                "kind": c.kind,
                "old": _dec(c.old),
                "new": _dec(c.new),
            }
            for c in b.corrections
        ],
        "tasks": {str(tid): [light, str(actual)] for tid, (light, actual) in b.task_lights.items()},
        "extra": b.extra,
    }


def thaw(plan: Plan, data: dict[str, Any]) -> Bulletin:
    """The bulletin as published, from its frozen figures (no task, report or light is read)."""
    labels = light_labels()
    prev = data.get("previous")
    return Bulletin(
        plan=plan,
        on=date.fromisoformat(data["on"]),
        since=date.fromisoformat(data["since"]),
        number=data["number"],
        issuer=data["issuer"],
        units=[UnitLights(**u) for u in data["units"]],
        totals=dict(data["totals"]),
        total=data["total"],
        named=[
            NamedItem(
                task_id=n["task_id"],
                title=n["title"],
                unit=n["unit"],
                leader=n["leader"],
                light=n["light"],
                light_label=labels.get(n["light"], n["light"]),
                expected=Decimal(n["expected"]),
                actual=Decimal(n["actual"]),
                lag=Decimal(n["lag"]),
                overdue_days=n["overdue_days"],
            )
            for n in data["named"]
        ],
        changes=[
            LightChange(
                task_id=c["task_id"],
                title=c["title"],
                unit=c["unit"],
                before=c["before"],
                after=c["after"],
                before_label=labels.get(c["before"], c["before"]),
                after_label=labels.get(c["after"], c["after"]),
                worse=c["worse"],
            )
            for c in data["changes"]
        ],
        late=[
            LateItem(
                unit=x["unit"],
                title=x["title"],
                period_end=date.fromisoformat(x["period_end"]),
                due_on=date.fromisoformat(x["due_on"]),
                # Issues published before late marks had a cause list filing marks only.
                cause=x.get("cause", LateCause.FILING),
            )
            for x in data["late"]
        ],
        light_labels=labels,
        plan_name=data["plan_name"],
        previous=None if prev is None else Previous(number=prev["number"], on=date.fromisoformat(prev["on"])),
        corrections=[
            Correction(
                task_id=c["task_id"],
                title=c["title"],
                unit=c["unit"],
                period_end=date.fromisoformat(c["period_end"]),
                known_on=date.fromisoformat(c["known_on"]),
                kind=c["kind"],
                old=_undec(c["old"]),
                new=_undec(c["new"]),
            )
            for c in data["corrections"]
        ],
        task_lights={int(k): (v[0], Decimal(v[1])) for k, v in data["tasks"].items()},
        extra=list(data.get("extra", [])),
    )


# ---------------------------------------------------------------------------------------------
# Renderings


class BulletinExporter(Exporter):
    """The bulletin as a workbook: one sheet per section."""

    def __init__(self, bulletin: Bulletin) -> None:
        self.b = bulletin
        self.filename = f"bulletin-{bulletin.plan.pk}-{bulletin.on:%Y%m%d}"

    def sheets(self) -> Iterator[Sheet]:
        b = self.b
        head = _("督查通报 %(no)s") % {"no": b.doc_number}
        yield Sheet(
            name=_("亮灯统计"),
            title=f"{head}　{_('各单位亮灯情况')}",
            subtitle=b.summary,
            columns=[Column(_("单位"), width=22), Column(_("任务数"), width=9, kind=INTEGER)]
            + [Column(label, width=9, kind=INTEGER) for label in b.light_columns],
            rows=[[u.name, u.total, *u.cells] for u in b.units] + [[_("合计"), b.total, *b.total_cells]],
        )
        yield Sheet(
            name=_("严重滞后和逾期"),
            title=f"{head}　{_('严重滞后和逾期事项')}",
            columns=[
                Column(_("序号"), width=6, kind=INTEGER),
                Column(pgettext("表头", "任务"), width=46, wrap=True),
                Column(_("牵头单位"), width=16),
                Column(_("责任领导"), width=10),
                Column(_("亮灯"), width=10),
                Column(_("均衡进度"), width=10, kind=PERCENT),
                Column(_("实际进度"), width=10, kind=PERCENT),
                Column(_("滞后(百分点)"), width=12, kind=NUMBER),
                Column(_("逾期天数"), width=10, kind=INTEGER),
            ],
            rows=[
                [i, n.title, n.unit, n.leader, n.light_label, n.expected, n.actual, n.lag, n.overdue_days]
                for i, n in enumerate(b.named, 1)
            ],
        )
        changes_title = _("亮灯变化情况（%(against)s）") % {"against": b.against}
        yield Sheet(
            name=_("亮灯变化"),
            title=f"{head}　{changes_title}",
            columns=[
                Column(_("序号"), width=6, kind=INTEGER),
                Column(pgettext("表头", "任务"), width=46, wrap=True),
                Column(_("牵头单位"), width=16),
                Column(_("上周"), width=10),
                Column(_("本周"), width=10),
                Column(_("变化"), width=8),
            ],
            rows=[
                [i, c.title, c.unit, c.before_label, c.after_label, _("转差") if c.worse else _("好转")]
                for i, c in enumerate(b.changes, 1)
            ],
        )
        yield Sheet(
            name=_("迟报"),
            title=f"{head}　{_('本周迟报情况')}",
            columns=[
                Column(_("序号"), width=6, kind=INTEGER),
                Column(_("单位"), width=18),
                Column(pgettext("表头", "任务"), width=46, wrap=True),
                Column(_("所属期"), width=12, kind=DATE),
                Column(_("应报日期"), width=12, kind=DATE),
                Column(_("原因"), width=12),
            ],
            rows=[
                [i, x.unit, x.title, x.period_end, x.due_on, x.cause_label] for i, x in enumerate(b.late, 1)
            ],
        )
        for x in b.extra:
            yield Sheet(
                name=str(x["title"])[:31],
                title=f"{head}　{x['title']}",
                columns=[Column(_("序号"), width=6, kind=INTEGER)]
                + [Column(c, width=18) for c in x["columns"]],
                rows=[[i, *row] for i, row in enumerate(x["rows"], 1)],
            )
        yield Sheet(
            name=_("更正说明"),
            title=f"{head}　{_('更正说明')}",
            columns=[
                Column(_("序号"), width=6, kind=INTEGER),
                Column(_("单位"), width=18),
                Column(pgettext("表头", "任务"), width=46, wrap=True),
                Column(_("所属期"), width=12, kind=DATE),
                Column(_("类型"), width=14),
                Column(_("原进度"), width=10, kind=PERCENT),
                Column(_("现进度"), width=10, kind=PERCENT),
                Column(_("获知日期"), width=12, kind=DATE),
            ],
            rows=[
                [i, c.unit, c.title, c.period_end, c.kind_label, c.old, c.new, c.known_on]
                for i, c in enumerate(b.corrections, 1)
            ],
        )


def bulletin_context(b: Bulletin) -> dict[str, Any]:
    sections: list[tuple[str, str]] = []
    english = (get_language() or "").startswith("en")
    for key, title in (
        ("overview", _("总体情况")),
        ("named", _("严重滞后和逾期事项")),
        ("changes", _("亮灯变化情况（%(against)s）") % {"against": b.against}),
        ("late", _("迟报情况")),
        *[(f"extra-{x['key']}", x["title"]) for x in b.extra],
        ("corrections", _("更正说明")),
    ):
        n = len(sections) + 1
        # Chinese official documents number sections 一、二、…; English reads "1. …".
        sections.append((key, f"{n}. {title}" if english else f"{b.section(n)}、{title}"))
    heads = dict(sections)
    return {"b": b, "sections": heads, "extra": [(heads[f"extra-{x['key']}"], x) for x in b.extra]}


def render_bulletin_html(b: Bulletin) -> str:
    return render_to_string("documents/bulletin_pdf.html", bulletin_context(b))


def render_bulletin_pdf(b: Bulletin) -> bytes:
    """The bulletin as an official-looking PDF (WeasyPrint; fonts Noto Serif/Sans CJK SC)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_bulletin_html(b), base_url=".").write_pdf()
    return pdf
