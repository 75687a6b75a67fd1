"""The weekly bulletin (督查通报) of a plan as of a date: lights per unit, red and overdue items named,
light changes since the week before, and the week's late reports; as xlsx and as an official PDF.

Lights are recomputed for both dates with `compute_lights`, so a bulletin for a past date shows
the state of that date, not today's stored lights. Counts are of leaf tasks (the work items), so a
goal and its decomposed tasks are not counted twice; cancelled and draft tasks are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from luoshi.org.models import Unit
from luoshi.work.models import LateCause, LateReport, Light, Plan, Task
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
    def summary(self) -> str:
        # Translators: the separator between the items of a list (Chinese 顿号).
        parts = _("、").join(
            _("%(label)s%(n)s项") % {"label": self.light_labels[light], "n": self.totals.get(light, 0)}
            for light in LIGHT_ORDER
        )
        return _(
            "截至%(date)s，%(plan)s共有末级任务%(total)s项（不含草稿和已取消），其中%(parts)s。"
            "与上周相比，亮灯变化%(changed)s项（转差%(worse)s项、好转%(better)s项）；本周迟报%(late)s次。"
        ) % {
            "date": self.date_cn,
            "plan": self.plan.name,
            "total": self.total,
            "parts": parts,
            "changed": len(self.changes),
            "worse": self.worse_count,
            "better": self.better_count,
            "late": len(self.late),
        }

    def section(self, n: int) -> str:
        return CN_NUMERALS[n - 1] if 0 < n <= len(CN_NUMERALS) else str(n)


def issue_number(plan: Plan, on: date) -> int:
    """The issue (期) number: weeks since the plan started, counting from 1."""
    return max((on - plan.start).days // 7 + 1, 1)


def build_bulletin(*, plan: Plan, on: date) -> Bulletin:
    """Everything a bulletin says, computed in a fixed number of queries whatever the plan's size."""
    since = on - timedelta(days=7)
    now_rows = counted_rows(compute_lights(plan_id=plan.pk, on=on))
    before = {r.id: r.light for r in compute_lights(plan_id=plan.pk, on=since)}
    labels = {k: str(v) for k, v in Light.choices} | {DONE_SHORT: _("完成（未达标）")}
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
        number=issue_number(plan, on),
        issuer=issuer or _("督查室"),
        units=unit_rows,
        totals=totals,
        total=len(now_rows),
        named=named,
        changes=changes,
        late=late,
        light_labels=labels,
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
        yield Sheet(
            name=_("亮灯变化"),
            title=f"{head}　{_('亮灯变化情况（与上周相比）')}",
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


def bulletin_context(b: Bulletin) -> dict[str, Any]:
    sections: list[tuple[str, str]] = []
    english = (get_language() or "").startswith("en")
    for key, title in (
        ("overview", _("总体情况")),
        ("named", _("严重滞后和逾期事项")),
        ("changes", _("亮灯变化情况（与上周相比）")),
        ("late", _("迟报情况")),
    ):
        n = len(sections) + 1
        # Chinese official documents number sections 一、二、…; English reads "1. …".
        sections.append((key, f"{n}. {title}" if english else f"{b.section(n)}、{title}"))
    return {"b": b, "sections": dict(sections)}


def render_bulletin_html(b: Bulletin) -> str:
    return render_to_string("documents/bulletin_pdf.html", bulletin_context(b))


def render_bulletin_pdf(b: Bulletin) -> bytes:
    """The bulletin as an official-looking PDF (WeasyPrint; fonts Noto Serif/Sans CJK SC)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_bulletin_html(b), base_url=".").write_pdf()
    return pdf
