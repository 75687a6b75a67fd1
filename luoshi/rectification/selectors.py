"""Reads of rectification, set-based: the summary figures and the three lists (三个清单) of a round.

Each is a fixed number of queries whatever the number of problems; states are the SQL form of
`rules.problem_state` (done once signed off, else not done past the deadline, else in progress).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from luoshi.lib.search import capped_count, rank, title_matches

from . import rules
from .models import Measure, Problem, Round


def state_expression(today: date) -> Case:
    """`rules.problem_state` as a SQL expression."""
    return Case(
        When(stage=rules.Stage.DONE, then=Value(rules.State.DONE.value)),
        When(deadline__lt=today, then=Value(rules.State.NOT_DONE.value)),
        default=Value(rules.State.IN_PROGRESS.value),
        output_field=CharField(),
    )


def _figures(prefix: str, today: date) -> dict[str, Any]:
    done = Q(**{f"{prefix}stage": rules.Stage.DONE})
    late = ~done & Q(**{f"{prefix}deadline__lt": today})
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
    return {
        "total": Count(f"{prefix}pk" if prefix else "pk"),
        "done": Count(f"{prefix}pk" if prefix else "pk", filter=done),
        "not_done": Count(f"{prefix}pk" if prefix else "pk", filter=late),
        "money_involved": Coalesce(Sum(f"{prefix}money_involved"), Value(Decimal("0")), output_field=money),
        "money_recovered": Coalesce(Sum(f"{prefix}money_recovered"), Value(Decimal("0")), output_field=money),
    }


def _summary(row: dict[str, Any]) -> rules.Summary:
    return rules.Summary(
        total=row["total"],
        done=row["done"],
        in_progress=row["total"] - row["done"] - row["not_done"],
        not_done=row["not_done"],
        money_involved=Decimal(row["money_involved"] or 0),
        money_recovered=Decimal(row["money_recovered"] or 0),
    )


def round_summaries(rounds: list[Round], *, user: Any, today: date) -> dict[int, rules.Summary]:
    """The figures of each round over the problems `user` sees: one query."""
    rows = (
        Problem.objects.visible_to(user)
        .filter(round__in=rounds)
        .order_by()
        .values("round_id")
        .annotate(**_figures("", today))
    )
    found = {row["round_id"]: _summary(row) for row in rows}
    return {r.pk: found.get(r.pk, rules.Summary()) for r in rounds}


def unit_summaries(rnd: Round, *, user: Any, today: date) -> list[dict[str, Any]]:
    """The figures per responsible unit of a round (按责任单位统计), most problems first: one query."""
    rows = (
        Problem.objects.visible_to(user)
        .filter(round=rnd, region_id=rnd.region_id)  # routed to the round's region (docs/scaling.md)
        .order_by()
        .values("responsible_unit_id", "responsible_unit__name", "responsible_unit__short_name")
        .annotate(**_figures("", today))
        .order_by("-total", "responsible_unit__name")
    )
    return [
        {
            "unit_id": row["responsible_unit_id"],
            "unit": row["responsible_unit__short_name"] or row["responsible_unit__name"],
            "summary": _summary(row),
        }
        for row in rows
    ]


def total(units: list[dict[str, Any]]) -> rules.Summary:
    """The round's figures as the sum of its units' (no second query)."""
    sums = [u["summary"] for u in units]
    return rules.Summary(
        total=sum(s.total for s in sums),
        done=sum(s.done for s in sums),
        in_progress=sum(s.in_progress for s in sums),
        not_done=sum(s.not_done for s in sums),
        money_involved=sum((s.money_involved for s in sums), Decimal("0")),
        money_recovered=sum((s.money_recovered for s in sums), Decimal("0")),
    )


def measure_count() -> Coalesce:
    """How many measures a problem has, as a correlated count."""
    counted = (
        Measure.objects.filter(problem=OuterRef("pk"))
        .order_by()
        .values("problem")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def problem_list(rnd: Round, *, user: Any, today: date) -> QuerySet[Problem]:
    """问题清单: the round's problems the user sees, in the natural order of their numbers, each with
    its state and number of measures."""
    return (
        Problem.objects.visible_to(user)
        .filter(round=rnd, region_id=rnd.region_id)  # routed to the round's region (docs/scaling.md)
        .select_related("responsible_unit", "responsible_leader")
        # Measures counted per problem by their index (a subquery), not by grouping the round's
        # problems with a join: no GROUP BY, and the page's count is a plain count of problems.
        .annotate(state=state_expression(today), measure_count=measure_count())
        .order_by("sort_key", "pk")
    )


def task_list(rnd: Round, *, user: Any) -> QuerySet[Measure]:
    """任务清单: every measure (a task) of the problems the user sees, in the task engine's order."""
    visible = Problem.objects.visible_to(user).filter(round=rnd).values("pk")
    return (
        # The round on the joined problem too: its index finds the round's problems, instead of a
        # hash join over every problem of the install.
        Measure.objects.filter(problem__round=rnd, problem__in=visible)
        .select_related("problem", "task", "task__lead_unit", "task__responsible_leader")
        .order_by("task__sort_path")
    )


def responsibility_list(rnd: Round, *, user: Any, today: date) -> list[dict[str, Any]]:
    """责任清单: who answers for what — per responsible unit and lead leader, the problems, their
    states and the nearest deadline still open: one query."""
    done = Q(stage=rules.Stage.DONE)
    rows = (
        Problem.objects.visible_to(user)
        .filter(round=rnd, region_id=rnd.region_id)  # routed to the round's region (docs/scaling.md)
        .order_by()
        .values(
            "responsible_unit_id",
            "responsible_unit__name",
            "responsible_leader_id",
            "responsible_leader__name",
        )
        .annotate(**_figures("", today), next_deadline=Min("deadline", filter=~done))
        .order_by("responsible_unit__name", "responsible_leader__name")
    )
    return [
        {
            "unit": row["responsible_unit__name"],
            "unit_id": row["responsible_unit_id"],
            "leader": row["responsible_leader__name"] or "",
            "summary": _summary(row),
            "next_deadline": row["next_deadline"],
        }
        for row in rows
    ]


# --- Publication of results (整改结果公开) ----------------------------------------------------------


def _public_figures(s: rules.Summary) -> dict[str, Any]:
    return {
        "total": s.total,
        "done": s.done,
        "in_progress": s.in_progress,
        "not_done": s.not_done,
        "rate": str(s.rate),
        "money_involved": str(Decimal(s.money_involved).quantize(CENTS)),
        "money_recovered": str(Decimal(s.money_recovered).quantize(CENTS)),
    }


CENTS = Decimal("0.01")


def results_snapshot(rnd: Round, *, today: date) -> dict[str, Any]:
    """What publishing a round shows the public, as of `today`: the round, its figures, the figures
    per responsible unit, and the fields of its public problems (`is_public`) — the responsible unit
    and no person's name. Plain JSON values (codes for kinds and states). Two queries."""
    rows = (
        Problem.objects.filter(round=rnd)
        .order_by()
        .values("responsible_unit_id", "responsible_unit__name")
        .annotate(**_figures("", today))
        .order_by("-total", "responsible_unit__name")
    )
    units = [{"unit": row["responsible_unit__name"], "summary": _summary(row)} for row in rows]
    problems = (
        Problem.objects.filter(round=rnd, is_public=True)
        .annotate(state=state_expression(today))
        .order_by("sort_key", "pk")
        .values_list(
            "number",
            "text",
            "category",
            "responsible_unit__name",
            "deadline",
            "kind",
            "mechanism",
            "state",
            "money_involved",
            "money_recovered",
        )
    )
    return {
        "round": {
            "name": rnd.name,
            "kind": rnd.kind,
            "body": rnd.body,
            "start": rnd.start.isoformat(),
            "end": rnd.end.isoformat(),
        },
        "as_of": today.isoformat(),
        "totals": _public_figures(total(units)),
        "units": [{"unit": u["unit"], **_public_figures(u["summary"])} for u in units],
        "problems": [
            {
                "number": number,
                "text": text,
                "category": category,
                "unit": unit,
                "deadline": deadline.isoformat(),
                "kind": kind,
                "mechanism": mechanism,
                "state": state,
                "money_involved": str(Decimal(involved).quantize(CENTS)),
                "money_recovered": str(Decimal(recovered).quantize(CENTS)),
            }
            for number, text, category, unit, deadline, kind, mechanism, state, involved, recovered in problems
        ],
    }


def published_results(rnd: Round) -> dict[str, Any] | None:
    """The round's results as currently published (for the public portal), or None when they are not
    published: the snapshot with `published_at` (ISO). One query."""
    from .models import Publication

    found = (
        Publication.objects.filter(round=rnd, withdrawn_at__isnull=True)
        .values_list("snapshot", "published_at")
        .first()
    )
    if found is None:
        return None
    snapshot, published_at = found
    return {**snapshot, "published_at": published_at.isoformat()}


def published_rounds() -> list[dict[str, Any]]:
    """Every round's results as currently published (for the public portal), newest first: the
    snapshots with `published_at` (ISO). One query."""
    from .models import Publication

    rows = Publication.objects.filter(withdrawn_at__isnull=True).order_by("-published_at", "-pk")
    return [
        {**snapshot, "published_at": at.isoformat()}
        for snapshot, at in rows.values_list("snapshot", "published_at")
    ]


def problem_search(user: Any, q: str, *, limit: int = 10) -> tuple[list[Problem], int]:
    """The first `limit` visible rectification problems whose text (or number) holds every term of
    `q`, best match first (`lib.search.rank`), in round order among equals; how many (capped)."""
    qs = Problem.objects.visible_to(user).filter(title_matches(q, title="text", code="number"))
    rows = list(
        qs.annotate(search_rank=rank(q, code="number", title="text", unit="responsible_unit__name"))
        .select_related("responsible_unit", "round")
        .order_by("search_rank", "round_id", "sort_key")[:limit]
    )
    return rows, capped_count(qs, len(rows), limit)


def carryable_evidence(user: Any, task_ids: list[int], reports: dict[int, Any]) -> list[Any]:
    """The evidence files a sign-off may carry (沿用) instead of uploading them again: per measure (its
    task, in `task_ids`' order), those of its latest standing report (`reports`, from
    `work.selectors.latest_reports`) and of its latest completion claim not returned, as this user
    sees them (`Evidence.objects.visible_to`); each with `task_id`. One query, whatever the measures."""
    from django.db.models import OuterRef, Subquery

    from luoshi.work.models import Claim, ClaimKind, ClaimState, Evidence

    if not task_ids:
        return []
    latest_claim = (
        Claim.objects.visible_to(user)
        .filter(task_id=OuterRef("claim__task_id"), kind=ClaimKind.COMPLETION)
        .exclude(state=ClaimState.REJECTED)
        .order_by("-created", "-id")
        .values("pk")[:1]
    )
    mine = Q(claim__task_id__in=task_ids, claim_id=Subquery(latest_claim))
    if reports:
        mine |= Q(report_id__in=[r.pk for r in reports.values()])
    rows = (
        Evidence.objects.visible_to(user)
        .filter(mine)
        .annotate(task_id=Coalesce("report__task_id", "claim__task_id"))
        .only("id", "report_id", "claim_id", "name", "size", "sha256", "content_type")
    )
    place = {t: i for i, t in enumerate(task_ids)}
    return sorted(rows, key=lambda ev: (place.get(ev.task_id, len(place)), ev.report_id is None, ev.pk))
