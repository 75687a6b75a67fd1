"""The study room's router of the JSON API: courses, starting and submitting an exam, a person's
record, a course's completion per unit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.org.access import context_for, require_officer

from . import rules, selectors, services
from .models import Attempt, Course

router = Router(tags=["learning"])


class CourseOut(Schema):
    id: int
    title: str
    deadline: date | None
    pass_mark: int
    attempts_allowed: int = Field(..., description="0 means unlimited")
    time_limit: int = Field(..., description="minutes")


class CoursePage(Schema):
    count: int
    items: list[CourseOut]


class QuestionOut(Schema):
    id: int
    kind: str = Field(..., description="single, multiple or judge")
    text: str
    options: list[str]


class AttemptOut(Schema):
    id: int
    course_id: int
    number: int
    started_at: datetime
    deadline_at: datetime
    submitted_at: datetime | None
    seconds_left: int
    score: int | None
    passed: bool
    late: bool = Field(..., description="submitted after the deadline: not counted")


class AttemptStarted(AttemptOut):
    questions: list[QuestionOut]


class AttemptPage(Schema):
    count: int
    items: list[AttemptOut]


class SubmitIn(Schema):
    answers: dict[str, list[int]] = Field(..., description="question id → chosen option indexes (0-based)")


class UnitCompletionOut(Schema):
    unit_id: int
    unit: str
    assigned: int
    completed: int
    rate: int
    best_avg: float | None


def _attempt(a: Attempt) -> dict[str, Any]:
    return {
        "id": a.pk,
        "course_id": a.course_id,
        "number": a.number,
        "started_at": a.started_at,
        "deadline_at": a.deadline_at,
        "submitted_at": a.submitted_at,
        "seconds_left": rules.seconds_left(timezone.now(), a.deadline_at) if a.is_open else 0,
        "score": a.score,
        "passed": a.passed,
        "late": a.late,
    }


@router.get("/learning/courses", response={200: CoursePage, **ERRORS})
def learning_courses(request: HttpRequest, page: Query[Page]) -> Any:
    """Courses the caller sees: all for officers, else those assigned to a post the caller holds."""
    return paginate(Course.objects.visible_to(caller(request)).order_by("deadline", "pk"), page)


@router.post("/learning/courses/{course_id}/attempts", response={200: AttemptStarted, **ERRORS})
def learning_start(request: HttpRequest, course_id: int) -> Any:
    """Start the exam (or get the open attempt back): the drawn questions, without their answers."""
    user = caller(request)
    course = get_object_or_404(Course.objects.visible_to(user), pk=course_id)
    a = services.attempt_start(actor=user, course=course)
    qs = selectors.attempt_questions(a)
    return {
        **_attempt(a),
        "questions": [{"id": q.pk, "kind": q.kind, "text": q.text, "options": q.options} for q in qs],
    }


@router.post("/learning/attempts/{attempt_id}/submit", response={200: AttemptOut, **ERRORS})
def learning_submit(request: HttpRequest, attempt_id: int, body: SubmitIn) -> Any:
    """Hand in an attempt; after the deadline the answers are not counted."""
    user = caller(request)
    a = get_object_or_404(
        Attempt.objects.select_related("course"), pk=attempt_id, person_id=context_for(user).person_id
    )
    return _attempt(services.attempt_submit(actor=user, attempt=a, answers=body.answers))


@router.get("/learning/record", response={200: AttemptPage, **ERRORS})
def learning_record(request: HttpRequest, page: Query[Page]) -> Any:
    """The caller's exams, newest first."""
    pid = context_for(caller(request)).person_id
    qs = (
        Attempt.objects.filter(person_id=pid).order_by("-started_at", "-pk")
        if pid
        else Attempt.objects.none()
    )
    out = paginate(qs, page)
    return {"count": out["count"], "items": [_attempt(a) for a in out["items"]]}


@router.get("/learning/courses/{course_id}/completion", response={200: list[UnitCompletionOut], **ERRORS})
def learning_completion(request: HttpRequest, course_id: int) -> Any:
    """Completion per unit of a course's assignees (officers)."""
    require_officer(caller(request))
    course = get_object_or_404(Course, pk=course_id)
    units, _people = selectors.completion(course)
    return [{**u.__dict__, "rate": u.rate} for u in units]
