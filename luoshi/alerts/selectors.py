"""Reads for the warning board, a subject's reasons, the flags queue and the timeliness page: set-based,
a fixed number of queries whatever the number of units and rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, QuerySet, Value, When
from django.utils import timezone

from luoshi.org.access import context_for
from luoshi.org.models import Unit

from . import rules, text
from .models import Flag, FlagState, Subject, Warning

RANK_SQL = Case(
    *[When(level=lvl, then=Value(rank)) for lvl, rank in rules.RANK.items()],
    default=Value(0),
    output_field=IntegerField(),
)


def latest_day(user: Any) -> date | None:
    """The latest day the levels were computed for (what the board shows by default)."""
    day: date | None = Warning.objects.visible_to(user).aggregate(d=Max("day"))["d"]
    return day


def board(user: Any, day: date, *, subject: str = Subject.UNIT, level: str = "") -> QuerySet[Warning]:
    """The day's levels, worst first (level, then score), with unit and person in the same query."""
    qs = (
        Warning.objects.visible_to(user)
        .filter(day=day, subject=subject)
        .annotate(rank=RANK_SQL)
        .select_related("unit", "person")
        .defer("reasons")
        .order_by("-rank", "-score", "unit__path", "pk")
    )
    if level:
        qs = qs.filter(level=level)
    return qs


def level_counts(user: Any, day: date, subject: str = Subject.UNIT) -> dict[str, int]:
    counts = dict(
        Warning.objects.visible_to(user)
        .filter(day=day, subject=subject)
        .values("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    return {lvl: counts.get(lvl, 0) for lvl in rules.LEVELS if lvl != rules.NONE}


def trend(user: Any, day: date, days: int = 56, subject: str = Subject.UNIT) -> dict[str, Any]:
    """Units (or people) at each level per day over the `days` days to `day`: one query."""
    start = day - timedelta(days=days - 1)
    rows = (
        Warning.objects.visible_to(user)
        .filter(subject=subject, day__gte=start, day__lte=day)
        .values("day", "level")
        .annotate(n=Count("id"))
        .values_list("day", "level", "n")
    )
    table: dict[date, dict[str, int]] = defaultdict(dict)
    for d, lvl, n in rows:
        table[d][lvl] = n
    dates = sorted(table)
    return {
        "dates": [d.isoformat() for d in dates],
        "series": {lvl: [table[d].get(lvl, 0) for d in dates] for lvl in rules.LEVELS if lvl != rules.NONE},
    }


def newly_warned(user: Any, day: date, subject: str = Subject.UNIT) -> list[Warning]:
    """Subjects at yellow or above on `day` that were below yellow (or had no row) a week before."""
    now = list(board(user, day, subject=subject).filter(level__in=[rules.YELLOW, rules.ORANGE, rules.RED]))
    key = "unit_id" if subject == Subject.UNIT else "person_id"
    before = dict(
        Warning.objects.filter(day=day - timedelta(days=7), subject=subject).values_list(key, "level")
    )
    return [w for w in now if rules.newly_warned(w.level, before.get(getattr(w, key), rules.NONE))]


def history(warning: Warning, days: int = 56) -> list[tuple[date, str, Any]]:
    """The same subject's level and score per day over the `days` days to the warning's day."""
    where: dict[str, Any] = {"subject": warning.subject}
    if warning.subject == Subject.UNIT:
        where["unit_id"] = warning.unit_id
    else:
        where["person_id"] = warning.person_id
    return list(
        Warning.objects.filter(day__gt=warning.day - timedelta(days=days), day__lte=warning.day, **where)
        .order_by("day")
        .values_list("day", "level", "score")
    )


def flag_queue(user: Any, *, state: str = FlagState.OPEN, kind: str = "") -> QuerySet[Flag]:
    qs = (
        Flag.objects.visible_to(user)
        .select_related("unit", "task", "report", "decided_by")
        .order_by("-found_on", "-pk")
    )
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def flag_counts(user: Any) -> dict[str, int]:
    return dict(
        Flag.objects.visible_to(user)
        .filter(state=FlagState.OPEN)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )


# ---------------------------------------------------------------------------------------------
# Timeliness and burden (报送及时性与填报负担)


@dataclass
class Burden:
    """A unit's timeliness and burden over a window."""

    unit: Unit
    owed: int = 0
    on_time: int = 0
    late: int = 0
    delay_days: int = 0
    reports: int = 0
    returned: int = 0
    fields: int = 0
    duplicates: int = 0
    weeks: float = 1.0

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.owed if self.owed else None

    @property
    def mean_delay(self) -> float | None:
        return self.delay_days / self.late if self.late else None

    @property
    def returned_share(self) -> float | None:
        return self.returned / self.reports if self.reports else None

    @property
    def fields_per_week(self) -> float:
        return self.fields / self.weeks


def timeliness_units(user: Any) -> QuerySet[Unit]:
    """Units whose timeliness the user sees: the office all, a leader the portfolio, a unit's people
    their own units (with subtrees)."""
    ctx = context_for(user)
    if ctx.is_officer:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=ctx.scope_unit_ids)


REPORT_FIELDS = ("percent", "value", "narrative", "problems", "next_steps")


def timeliness(user: Any, *, start: date, end: date, unit_ids: list[int] | None = None) -> list[Burden]:
    """Per unit, from the reports made for periods from `start` to `end`: periods owed (reports made
    plus late marks with no report), on time, late, mean delay (days from the deadline to the day the
    report became known, or to `end` while it is missing), share returned, fields typed per week (the
    report's filled fields and evidence files) and duplicate entries (a report's narrative typed
    again as a supervision response of the same unit). Five queries."""
    from luoshi.supervision.models import Response
    from luoshi.work.models import Evidence, LateReport, Report

    units_qs = timeliness_units(user).filter(is_active=True)
    if unit_ids is not None:
        units_qs = units_qs.filter(pk__in=unit_ids)
    units = {u.pk: u for u in units_qs.order_by("path")}
    weeks = max(1.0, ((end - start).days + 1) / 7)
    out = {pk: Burden(unit=u, weeks=weeks) for pk, u in units.items()}
    reports = Report.objects.filter(unit__in=units_qs, period_end__gte=start, period_end__lte=end)
    made: dict[tuple[int, date], date | None] = {}
    narratives: dict[int, list[str]] = defaultdict(list)
    for unit_id, task_id, period, known_on, returned_on, *fields in reports.values_list(
        "unit_id", "task_id", "period_end", "known_on", "returned_on", *REPORT_FIELDS
    ):
        b = out[unit_id]
        b.reports += 1
        b.returned += returned_on is not None
        b.fields += sum(1 for f in fields if f not in (None, ""))
        if returned_on is None:
            made[(task_id, period)] = known_on
            if fields[2]:
                narratives[unit_id].append(fields[2])
    for unit_id, n in (
        Evidence.objects.filter(report__in=reports)
        .values("report__unit_id")
        .annotate(n=Count("id"))
        .values_list("report__unit_id", "n")
    ):
        out[unit_id].fields += n
    late_marks = LateReport.objects.filter(unit__in=units_qs, period_end__gte=start, period_end__lte=end)
    late_keys = set()
    for unit_id, task_id, period, due in late_marks.values_list("unit_id", "task_id", "period_end", "due_on"):
        b = out[unit_id]
        b.late += 1
        late_keys.add((task_id, period))
        known = made.get((task_id, period))
        b.delay_days += max(0, ((known or end) - due).days)
        if (task_id, period) not in made:
            b.owed += 1
    per_unit_made: dict[int, int] = defaultdict(int)
    per_unit_on_time: dict[int, int] = defaultdict(int)
    for unit_id, task_id, period in reports.filter(returned_on__isnull=True).values_list(
        "unit_id", "task_id", "period_end"
    ):
        per_unit_made[unit_id] += 1
        if (task_id, period) not in late_keys:
            per_unit_on_time[unit_id] += 1
    for unit_id, n in per_unit_made.items():
        out[unit_id].owed += n
        out[unit_id].on_time += per_unit_on_time[unit_id]
    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(start, time.min), tz)
    responses: dict[int, list[str]] = defaultdict(list)
    for unit_id, body in Response.objects.filter(unit__in=units_qs, submitted_at__gte=lo).values_list(
        "unit_id", "text"
    ):
        responses[unit_id].append(body)
    for unit_id, texts in responses.items():
        if unit_id in out and narratives.get(unit_id):
            out[unit_id].duplicates = duplicate_entries(narratives[unit_id], texts)
    return [b for b in out.values() if b.reports or b.late]


def duplicate_entries(report_texts: list[str], other_texts: list[str]) -> int:
    """How many of the other module's texts repeat one of the unit's report narratives (similarity
    at or above the copy threshold): the same fact typed twice."""
    docs = [text.Doc(i, t) for i, t in enumerate(report_texts)]
    offset = len(docs)
    docs += [text.Doc(offset + i, t) for i, t in enumerate(other_texts)]
    matches = text.near_duplicates(
        docs, lambda a, b: a < offset <= b, threshold=rules.COPY_SIMILARITY, min_chars=rules.COPY_MIN_CHARS
    )
    return len({m.b for m in matches})
