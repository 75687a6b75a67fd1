"""The assessment event interface: how other apps feed facts to schemes.

An app registers a **source** of one event kind from its `AppConfig.ready`:

    from luoshi.assessment import events
    events.register_source("meetings.absence", _("缺席调度会"), collect)

`collect(unit_ids, start, end)` returns the `EventRow`s of that kind for those units that occurred
between `start` and `end` (both included), reading its own app's tables set-based (a fixed number
of queries whatever the number of units). A scheme names kinds in its deduction, bonus and veto
rules and in its task/measure/rating indicators; a run calls each source it needs once and freezes
the rows it gets as `RunInput`s, so later changes to the facts never change the run.

Each row carries the text a breakdown line shows ("二季度实施情况报告未报，报告应于7月5日提交"), a
link to the record behind it (report, task, meeting, notice, rating) and a `ref` ("work.Task:12"),
and optionally a `scope` ("plan:3", "round:5") an indicator may narrow to (`params.plans`,
`params.round`). The appeals and early-warning areas read the same registry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.errors import LuoshiError


@dataclass(frozen=True)
class EventRow:
    unit_id: int
    kind: str
    occurred_on: date
    value: Decimal
    text: str
    link: str = ""
    ref: str = ""
    scope: str = ""


Collect = Callable[[Sequence[int], date, date], Iterable[EventRow]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any
    collect: Collect


_SOURCES: dict[str, Source] = {}


def register_source(kind: str, label: Any, collect: Collect) -> None:
    """Register (or replace) the source of one event kind."""
    _SOURCES[kind] = Source(kind, label, collect)


def sources() -> list[Source]:
    return [_SOURCES[k] for k in sorted(_SOURCES)]


def kinds() -> list[tuple[str, str]]:
    """(kind, label) of every registered source, for the scheme form's choices."""
    return [(s.kind, str(s.label)) for s in sources()]


def source(kind: str) -> Source:
    try:
        return _SOURCES[kind]
    except KeyError:
        raise LuoshiError(_("未知的考核事项类型：%(kind)s") % {"kind": kind}, code="unknown_kind") from None


def collect(kind: str, unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    """The rows of one kind, in a fixed order (unit, day, ref, text)."""
    if not unit_ids or end < start:
        return []
    rows = [r for r in source(kind).collect(unit_ids, start, end) if start <= r.occurred_on <= end]
    return sorted(rows, key=lambda r: (r.unit_id, r.occurred_on, r.ref, r.text))


def md(day: date) -> str:
    return f"{day.month}月{day.day}日"


# ---------------------------------------------------------------------------------------------
# Built-in sources: the task engine, ratings and the office's own records


def late_reports(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    """Reporting periods whose report was late (迟报) or is still missing (未报), two queries."""
    from luoshi.work.models import LateReport, Report

    late = list(
        LateReport.objects.filter(unit_id__in=unit_ids, due_on__gte=start, due_on__lte=end)
        .order_by("unit_id", "due_on", "task_id")
        .values_list("unit_id", "task_id", "task__title", "task__plan_id", "period_end", "due_on")
    )
    filed = set(
        Report.objects.filter(
            task_id__in={r[1] for r in late}, period_end__in={r[4] for r in late}
        ).values_list("task_id", "period_end")
    )
    out = []
    for unit_id, task_id, title, plan_id, period_end, due_on in late:
        missing = (task_id, period_end) not in filed
        state = _("未报") if missing else _("迟报")
        out.append(
            EventRow(
                unit_id=unit_id,
                kind="work.late_report",
                occurred_on=due_on,
                value=Decimal(1),
                text=_("%(title)s %(period)s期报告%(state)s，报告应于%(due)s提交")
                % {"title": title, "period": period_end.strftime("%Y-%m"), "state": state, "due": md(due_on)},
                link=reverse("task_detail", args=[task_id]),
                ref=f"work.Task:{task_id}",
                scope=f"plan:{plan_id}",
            )
        )
    return out


def task_completion(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    """The unit's tasks due within the period: value 1 when closed by the deadline, else 0; one
    query (the closing day from the task's transitions)."""
    from luoshi.work.choices import Status
    from luoshi.work.models import Task

    tasks = (
        Task.objects.filter(lead_unit_id__in=unit_ids, due__gte=start, due__lte=end)
        .exclude(status__in=[Status.DRAFT, Status.CANCELLED])
        .annotate(closed_at=Min("transitions__at", filter=Q(transitions__to_status=Status.CLOSED)))
        .order_by("lead_unit_id", "due", "pk")
        .values_list("pk", "lead_unit_id", "title", "plan_id", "due", "status", "closed_at")
    )
    out = []
    for pk, unit_id, title, plan_id, due, status, closed_at in tasks:
        closed_on = closed_at.date() if closed_at and status == Status.CLOSED else None
        on_time = closed_on is not None and closed_on <= due
        if on_time:
            state = _("按时完成")
        elif closed_on is not None:
            state = _("逾期完成（%(day)s）") % {"day": md(closed_on)}
        else:
            state = _("逾期未完成")
        out.append(
            EventRow(
                unit_id=unit_id,
                kind="work.task",
                occurred_on=due,
                value=Decimal(1 if on_time else 0),
                text=_("%(title)s，完成时限%(due)s，%(state)s")
                % {"title": title, "due": md(due), "state": state},
                link=reverse("task_detail", args=[pk]),
                ref=f"work.Task:{pk}",
                scope=f"plan:{plan_id}",
            )
        )
    return out


def measure_completion(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    """Measured tasks (量化指标) of the unit running in the period: value = completion percent as
    the engine keeps it (`actual_pct`); one query."""
    from luoshi.work.choices import Status
    from luoshi.work.models import Task

    tasks = (
        Task.objects.filter(lead_unit_id__in=unit_ids, target__isnull=False, start__lte=end, due__gte=start)
        .exclude(status__in=[Status.DRAFT, Status.CANCELLED])
        .order_by("lead_unit_id", "pk")
        .values_list("pk", "lead_unit_id", "title", "plan_id", "due", "actual_pct", "metric_name")
    )
    return [
        EventRow(
            unit_id=unit_id,
            kind="work.measure",
            occurred_on=min(due, end),
            value=Decimal(pct),
            text=_("%(title)s（%(metric)s）完成%(pct)s%%")
            % {"title": title, "metric": metric or "-", "pct": pct},
            link=reverse("task_detail", args=[pk]),
            ref=f"work.Task:{pk}",
            scope=f"plan:{plan_id}",
        )
        for pk, unit_id, title, plan_id, due, pct, metric in tasks
    ]


def _rating_rounds(start: date, end: date) -> list[Any]:
    """Rounds opened within the period, open or closed (an open round's results are as of the run;
    the run freezes them, and its line says the round was still open)."""
    from luoshi.ratings.models import RatingRound, RoundState

    return list(
        RatingRound.objects.filter(
            state__in=[RoundState.OPEN, RoundState.CLOSED], opens__date__gte=start, opens__date__lte=end
        ).order_by("opens", "pk")
    )


def rating_scores(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    """Each ratings round opened in the period: a rated unit's score (mean over the panels that
    rated it with enough ballots), scope `round:<id>`."""
    from luoshi.ratings.selectors import round_results

    wanted = set(unit_ids)
    out = []
    for rnd in _rating_rounds(start, end):
        scores: dict[int, list[Decimal]] = defaultdict(list)
        for res in round_results(rnd).units:
            if res.unit_id in wanted and res.score is not None:
                scores[res.unit_id].append(res.score)
        for unit_id, values in sorted(scores.items()):
            mean = sum(values, Decimal(0)) / len(values)
            out.append(
                EventRow(
                    unit_id=unit_id,
                    kind="ratings.score",
                    occurred_on=rnd.opens.date(),
                    value=mean.quantize(Decimal("0.01")),
                    text=(
                        _("%(round)s 评议得分")
                        if rnd.state == "closed"
                        else _("%(round)s 评议得分（评议中）")
                    )
                    % {"round": rnd.name},
                    link=reverse("ratings:results", args=[rnd.pk]),
                    ref=f"ratings.RatingRound:{rnd.pk}",
                    scope=f"round:{rnd.pk}",
                )
            )
    return out


def rating_vetoes(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    """The ratings' service veto (不满意率超过否决线) of a unit in a round of the period."""
    from luoshi.ratings.selectors import round_results

    wanted = set(unit_ids)
    out = []
    for rnd in _rating_rounds(start, end):
        vetoed = {r.unit_id: r for r in round_results(rnd).units if r.unit_id in wanted and r.veto}
        for unit_id, res in sorted(vetoed.items()):
            out.append(
                EventRow(
                    unit_id=unit_id,
                    kind="ratings.veto",
                    occurred_on=rnd.opens.date(),
                    value=Decimal(1),
                    text=_("%(round)s 不满意率%(pct)s%%，超过否决线")
                    % {"round": rnd.name, "pct": res.unsatisfied_percent},
                    link=reverse("ratings:results", args=[rnd.pk]),
                    ref=f"ratings.RatingRound:{rnd.pk}",
                    scope=f"round:{rnd.pk}",
                )
            )
    return out


def office_events(kind: str) -> Collect:
    """The office's own records of one kind (`Event`)."""

    def collect_kind(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
        from .models import Event

        rows = Event.objects.filter(
            kind=kind, unit_id__in=unit_ids, occurred_on__gte=start, occurred_on__lte=end
        ).order_by("unit_id", "occurred_on", "pk")
        return [
            EventRow(
                unit_id=e.unit_id,
                kind=kind,
                occurred_on=e.occurred_on,
                value=e.count,
                text=e.text,
                link=e.link or reverse("assessment:events") + f"#event-{e.pk}",
                ref=f"assessment.Event:{e.pk}",
            )
            for e in rows
        ]

    return collect_kind


def register_builtin() -> None:
    from .models import EventKind

    register_source("work.late_report", gettext_lazy("报告迟报/未报"), late_reports)
    register_source("work.task", gettext_lazy("任务按时完成情况"), task_completion)
    register_source("work.measure", gettext_lazy("量化指标完成率"), measure_completion)
    register_source("ratings.score", gettext_lazy("评议得分"), rating_scores)
    register_source("ratings.veto", gettext_lazy("评议不满意率否决"), rating_vetoes)
    for value, label in EventKind.choices:
        register_source(value, label, office_events(value))
