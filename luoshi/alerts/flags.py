"""Finding report quality flags (填报质量提示): reads the reports of a stretch of days and what they are
compared with (the same task's previous report, other units' reports of the same period, the
reports' evidence, late marks) in a fixed number of queries, applies `rules` and `text`, and
returns the flags to raise. Writing them is `services.flags_step`'s job."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from luoshi.lib.ids import id_array

from . import rules, text
from .rules import Flag


@dataclass(frozen=True)
class Found:
    """A flag to raise: kind, the fact's key, unit, task and report (None for a unit-level flag), the
    other report (for a copy), and the reason's parameters."""

    kind: str
    key: str
    unit_id: int
    task_id: int | None
    report_id: int | None
    other_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Row:
    id: int
    task_id: int
    unit_id: int
    period_end: date
    reported_on: date
    percent: Decimal | None
    value: Decimal | None
    narrative: str
    no_change: bool
    cumulative: bool
    target: Decimal | None


def _rows(qs: Any) -> list[Row]:
    return [
        Row(
            id=r[0],
            task_id=r[1],
            unit_id=r[2],
            period_end=r[3],
            reported_on=r[4],
            percent=r[5],
            value=r[6],
            narrative=r[7],
            no_change=r[8],
            cumulative=bool(r[9]),
            target=r[10],
        )
        for r in qs.values_list(
            "pk",
            "task_id",
            "unit_id",
            "period_end",
            "reported_on",
            "percent",
            "value",
            "narrative",
            "no_change",
            "task__metric_name",
            "task__target",
        )
    ]


def find(start: date, end: date, *, report_ids: Iterable[int] | None = None) -> list[Found]:
    """The flags raised by the submitted reports known to the office from `start` to `end` (or the
    given reports), and the phantom units as of `end`."""
    from luoshi.work.models import Evidence, Report, ReportState

    live = Report.objects.filter(state=ReportState.SUBMITTED)
    batch_qs = (
        live.filter(pk__in=list(report_ids))
        if report_ids is not None
        else live.filter(known_on__gte=start, known_on__lte=end)
    )
    batch = _rows(batch_qs.order_by("pk"))
    out: list[Found] = []
    if batch:
        periods = {r.period_end for r in batch}
        # The same tasks' earlier reports and every report of the batch's periods: one query.
        from django.db.models import Q

        context_qs = live.filter(
            Q(task_id__in=batch_qs.values("task_id"), period_end__lte=max(periods))
            | Q(period_end__in=batch_qs.values("period_end"))
        ).order_by("task_id", "period_end", "known_on", "pk")
        # A province's week: 169,000 reports and a context of 4 million. The context is read as four
        # numbers a report (`Ctx`), and its narratives streamed into the copy check, which keeps only
        # each text's sketch: once read as whole rows they took 26 s and 4 GB.
        context = [Ctx(*r) for r in context_qs.values_list("pk", "task_id", "unit_id", "period_end")]
        by_id: dict[int, Row | Ctx] = {r.id: r for r in context}
        by_id.update({r.id: r for r in batch})  # a batch report is in its context: the same place
        previous = _previous(context, batch)
        evidenced = set(
            Evidence.objects.filter(report_id__in=batch_qs.values("pk")).values_list("report_id", flat=True)
        )
        schedules = _schedules(batch_qs)
        # The previous reports whole (their figures: a jump, a drop), one query.
        prev_ids = {p for p in previous.values() if p is not None}
        full = {r.id: r for r in batch}
        full |= {r.id: r for r in _rows(live.filter(pk__in_ids=id_array(sorted(prev_ids - full.keys()))))}
        found: list[Found] = []
        for r in batch:
            prev_id = previous.get(r.id)
            prev = full.get(prev_id) if prev_id is not None else None
            found.extend(_row_flags(r, prev, r.id in evidenced, schedules.get(r.task_id)))
        narratives = (
            text.Doc(pk, narrative)
            for pk, narrative in context_qs.filter(no_change=False)
            .values_list("pk", "narrative")
            .iterator(chunk_size=20_000)
        )
        found.extend(_copies(batch, narratives, previous, by_id))
        out.extend(one_per_report(found))
    out.extend(phantoms(end))
    return out


class Ctx(NamedTuple):
    """A report of the context (the batch's tasks' earlier reports and the batch's periods' reports):
    what the previous-report rule and the copy check read of it besides its narrative."""

    id: int
    task_id: int
    unit_id: int
    period_end: date


def _previous(context: Sequence[Row | Ctx], batch: list[Row]) -> dict[int, int | None]:
    """report id -> the id of the same task's latest report of an earlier period."""
    per_task: dict[int, list[Row | Ctx]] = defaultdict(list)
    for r in context:
        per_task[r.task_id].append(r)
    out: dict[int, int | None] = {}
    for r in batch:
        earlier = [x for x in per_task.get(r.task_id, []) if x.period_end < r.period_end]
        out[r.id] = earlier[-1].id if earlier else None
    return out


@dataclass
class Schedule:
    """What a task's schedule says about a report of it: the task's dates and measure (for expected
    progress, 均衡进度) and its milestones (due, met on)."""

    start: date
    due: date
    monthly_plan: dict[str, Any]
    baseline: Decimal | None
    target: Decimal | None
    direction: str
    milestones: list[tuple[date, date | None]] = field(default_factory=list)

    def expected(self, on: date) -> Decimal:
        """Expected progress on `on` in percent: from the monthly plan where the task has one and a
        measure, else by time (DESIGN.md, work.rules)."""
        from luoshi.work import rules as work_rules

        if self.monthly_plan and self.target is not None and self.baseline is not None:
            return work_rules.expected_by_plan(
                self.monthly_plan, baseline=self.baseline, target=self.target, direction=self.direction, on=on
            )
        if self.due < self.start:
            return Decimal(0)
        return work_rules.expected_by_time(self.start, self.due, on)


def _schedules(batch_qs: Any) -> dict[int, Schedule]:
    """task id -> its schedule, for the batch's tasks: two queries."""
    from luoshi.work.models import Milestone, Task

    task_ids = batch_qs.values("task_id")
    out = {
        pk: Schedule(start, due, plan or {}, baseline, target, direction)
        for pk, start, due, plan, baseline, target, direction in Task.objects.filter(
            pk__in=task_ids
        ).values_list("pk", "start", "due", "monthly_plan", "baseline", "target", "direction")
    }
    for task_id, due, met in Milestone.objects.filter(task_id__in=task_ids).values_list(
        "task_id", "due", "met_on"
    ):
        if task_id in out:
            out[task_id].milestones.append((due, met))
    return out


def one_per_report(found: list[Found]) -> list[Found]:
    """Of a report's findings only the strongest is raised (`rules.strongest`, whose docstring says
    why); the others are named in its detail as `also`. Unit-level flags pass through."""
    per_report: dict[int, list[Found]] = defaultdict(list)
    out: list[Found] = []
    for f in found:
        if f.report_id is None:
            out.append(f)
        else:
            per_report[f.report_id].append(f)
    for fs in per_report.values():
        first, others = rules.strongest(f.kind for f in fs)
        chosen = next(f for f in fs if f.kind == first)
        if others:
            chosen = Found(
                chosen.kind,
                chosen.key,
                chosen.unit_id,
                chosen.task_id,
                chosen.report_id,
                chosen.other_id,
                {**chosen.detail, "also": list(others)},
            )
        out.append(chosen)
    return out


def _row_flags(r: Row, prev: Row | None, has_evidence: bool, schedule: Schedule | None) -> list[Found]:
    out = []
    prev_pct = prev.percent if prev else None
    expected = schedule.expected(r.period_end) if schedule is not None else None
    milestone_met = schedule is not None and rules.milestone_met_between(
        schedule.milestones, prev.period_end if prev else None, r.period_end
    )
    if rules.is_jump(
        prev_pct,
        r.percent,
        r.reported_on,
        expected_pct=expected,
        evidenced=has_evidence,
        milestone_met=milestone_met,
    ):
        out.append(
            Found(
                Flag.JUMP,
                f"jump:{r.id}",
                r.unit_id,
                r.task_id,
                r.id,
                prev.id if prev else None,
                {
                    "from": str(prev_pct),
                    "to": str(r.percent),
                    "days": rules.days_to_assessment(r.reported_on),
                    **({"expected": str(expected)} if expected is not None else {}),
                },
            )
        )
    if rules.is_drop(prev.value if prev else None, r.value, r.cumulative):
        assert prev is not None
        out.append(
            Found(
                Flag.DROP,
                f"drop:{r.id}",
                r.unit_id,
                r.task_id,
                r.id,
                prev.id,
                {"from": str(prev.value), "to": str(r.value)},
            )
        )
    if rules.claims_completion(r.percent, r.value, r.target) and not has_evidence:
        out.append(Found(Flag.NO_EVIDENCE, f"no_evidence:{r.id}", r.unit_id, r.task_id, r.id))
    if not r.no_change and text.is_empty_talk(r.narrative):
        out.append(Found(Flag.EMPTY, f"empty:{r.id}", r.unit_id, r.task_id, r.id))
    return out


def _copies(
    batch: list[Row], docs: Iterable[text.Doc], previous: dict[int, int | None], by_id: dict[int, Row | Ctx]
) -> list[Found]:
    """Narratives copied from the same task's previous report, or from another unit's report of the
    same period; the batch's report is flagged (of two in the batch, the later one). `docs` are the
    narratives of every report in `by_id` but those marked "no change", in `by_id`'s order, read once."""
    batch_ids = {r.id for r in batch}
    prev_pairs = {(min(a, b), max(a, b)) for a, b in previous.items() if b}

    def related(a: int, b: int) -> bool:
        ra, rb = by_id[a], by_id[b]
        if (a, b) in prev_pairs:
            return True
        return ra.unit_id != rb.unit_id and ra.period_end == rb.period_end

    out = []
    for m in text.near_duplicates(
        docs, related, threshold=rules.COPY_SIMILARITY, min_chars=rules.COPY_MIN_CHARS, pairs=prev_pairs
    ):
        a, b = by_id[m.a], by_id[m.b]
        flagged, source = (b, a) if b.id in batch_ids else (a, b)
        if flagged.id not in batch_ids:
            continue
        scope = "previous" if (m.a, m.b) in prev_pairs else "other_unit"
        out.append(
            Found(
                Flag.COPIED,
                f"copied:{flagged.id}",
                flagged.unit_id,
                flagged.task_id,
                flagged.id,
                source.id,
                {"similarity": m.similarity, "scope": scope},
            )
        )
    # One flag per report: the most similar source.
    best: dict[str, Found] = {}
    for f in out:
        if f.key not in best or f.detail["similarity"] > best[f.key].detail["similarity"]:
            best[f.key] = f
    return list(best.values())


def phantoms(on: date) -> list[Found]:
    """Units that owe reports (late marks up to `on`) and have never filed one (从未填报): two queries."""
    from django.db.models import Count

    from luoshi.work.models import LateReport, Report

    owed = dict(
        LateReport.objects.filter(due_on__lte=on)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    if not owed:
        return []
    filed = set(
        Report.objects.filter(unit_id__in=LateReport.objects.filter(due_on__lte=on).values("unit_id"))
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return [
        Found(Flag.PHANTOM, f"phantom:{unit_id}", unit_id, None, None, None, {"owed": n})
        for unit_id, n in sorted(owed.items())
        if rules.is_phantom(n, 1 if unit_id in filed else 0)
    ]
