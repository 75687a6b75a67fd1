"""Read-only views of the study room, each a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from luoshi.org.access import context_for
from luoshi.org.models import Membership

from .models import Attempt, Course, Material, Question


def _sub_count(model: Any, outer: str, **filters: Any) -> Any:
    qs = (
        model.objects.filter(**{outer: OuterRef("pk")}, **filters)
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), 0)


def my_courses(user: Any) -> list[Course]:
    """The user's assigned courses with their own progress: attempts used, best score, passed, the
    open attempt (one query)."""
    ctx = context_for(user)
    if ctx.person_id is None:
        return []
    pid = ctx.person_id
    posts = Membership.objects.current().filter(person_id=pid).values("post_id")
    assigned = Course.posts.through.objects.filter(post_id__in=posts).values("course_id")
    mine = Attempt.objects.filter(course_id=OuterRef("pk"), person_id=pid).order_by()
    return list(
        Course.objects.filter(pk__in=assigned, archived_at__isnull=True)
        .annotate(
            used=_sub_count(Attempt, "course_id", person_id=pid),
            passed_count=_sub_count(Attempt, "course_id", person_id=pid, passed=True),
            best=Subquery(
                mine.filter(submitted_at__isnull=False)
                .values("course_id")
                .annotate(b=Max("score"))
                .values("b"),
                output_field=IntegerField(),
            ),
            open_id=Subquery(mine.filter(submitted_at__isnull=True).values("pk")[:1]),
            material_count=_sub_count(Material, "course_id"),
        )
        .order_by("deadline", "pk")
    )


def my_record(user: Any) -> list[Attempt]:
    """The user's handed-in exams, newest first (one query)."""
    ctx = context_for(user)
    if ctx.person_id is None:
        return []
    return list(
        Attempt.objects.filter(person_id=ctx.person_id, submitted_at__isnull=False)
        .select_related("course")
        .order_by("-submitted_at", "-pk")
    )


def office_courses() -> list[Course]:
    """Every course with its counts: questions by kind, materials, posts, people passed (one query)."""
    return list(
        Course.objects.annotate(
            q_single=_sub_count(Question, "course_id", kind="single"),
            q_multiple=_sub_count(Question, "course_id", kind="multiple"),
            q_judge=_sub_count(Question, "course_id", kind="judge"),
            material_count=_sub_count(Material, "course_id"),
            post_count=_sub_count(Course.posts.through, "course_id"),
            passed_people=Coalesce(
                Subquery(
                    Attempt.objects.filter(course_id=OuterRef("pk"), passed=True)
                    .order_by()
                    .values("course_id")
                    .annotate(n=Count("person_id", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        ).order_by("-created", "pk")
    )


@dataclass
class UnitCompletion:
    unit_id: int
    unit: str
    assigned: int
    completed: int
    best_avg: float | None

    @property
    def rate(self) -> int:
        return round(self.completed * 100 / self.assigned) if self.assigned else 0


@dataclass
class PersonCompletion:
    person_id: int
    name: str
    unit: str
    best: int | None
    passed: bool
    attempts: int


def completion(course: Course) -> tuple[list[UnitCompletion], list[PersonCompletion]]:
    """Who of the course's assignees (current holders of its posts) passed, per unit and per
    person, with best scores (two queries)."""
    holders = (
        Membership.objects.current()
        .filter(post__in=Course.posts.through.objects.filter(course_id=course.pk).values("post_id"))
        .order_by("post__unit__path", "person__name", "person_id")
        .values_list("person_id", "person__name", "post__unit_id", "post__unit__name")
    )
    stats = {
        pid: (best, passed, n)
        for pid, best, passed, n in Attempt.objects.filter(course=course, submitted_at__isnull=False)
        .order_by()
        .values("person_id")
        .annotate(best=Max("score"), p=Count("pk", filter=Q(passed=True)), n=Count("pk"))
        .values_list("person_id", "best", "p", "n")
    }
    people: list[PersonCompletion] = []
    units: dict[int, UnitCompletion] = {}
    scores: dict[int, list[int]] = {}
    seen: set[int] = set()
    for pid, name, unit_id, unit in holders:
        if pid in seen:
            continue
        seen.add(pid)
        best, p, n = stats.get(pid, (None, 0, 0))
        people.append(PersonCompletion(pid, name, unit, best, bool(p), n))
        u = units.setdefault(unit_id, UnitCompletion(unit_id, unit, 0, 0, None))
        u.assigned += 1
        u.completed += bool(p)
        if best is not None:
            scores.setdefault(unit_id, []).append(best)
    for unit_id, vals in scores.items():
        units[unit_id].best_avg = round(sum(vals) / len(vals), 1)
    return list(units.values()), people


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The attempt's drawn questions in drawing order, as its paper holds them (no query): unsaved
    `Question`s, so a question edited or removed from the bank since shows as it was drawn."""
    return [
        Question(
            pk=int(q["id"]),
            course_id=attempt.course_id,
            kind=q["kind"],
            text=q["text"],
            options=q["options"],
            answer=q["answer"],
        )
        for q in attempt.paper
    ]
