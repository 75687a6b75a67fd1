"""The study room's router of the JSON API: courses, starting and submitting an exam, a person's
record, a course's completion per unit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import Day, Id, Message, Text
from luoshi.errors import InvalidField
from luoshi.org.access import context_for, require_officer

from . import rules, selectors, services
from .models import Attempt, Course, Material, Question

router = Router(tags=["learning"])


class CourseOut(Schema):
    id: int
    title: str
    deadline: date | None
    pass_mark: int
    attempts_allowed: int = Field(..., description="0 means unlimited")
    time_limit: int = Field(..., description="minutes")
    version: int = Field(..., description="send it back with a change (PATCH); a newer one means a conflict")
    archived: bool = Field(
        ..., description="withdrawn after attempts: hidden from learners, closed to new attempts"
    )

    @staticmethod
    def resolve_archived(obj: Course | dict[str, Any]) -> bool:
        if isinstance(obj, dict):  # a detail built by `_course_detail`
            return bool(obj["archived"])
        return obj.archived_at is not None


class CourseDetail(CourseOut):
    description: str
    draw_single: int
    draw_multiple: int
    draw_judge: int
    post_ids: list[int]


class CoursePatchIn(Schema):
    """Only the fields sent are changed; `version` is the one the client last saw (409 if newer).
    A new pass mark or draw count applies to attempts started afterwards; attempts already taken
    keep their paper, score and pass mark."""

    version: int = Field(..., ge=1, le=2**31 - 1)
    title: str | None = Field(None, min_length=1, max_length=200)
    description: Text | None = None
    deadline: Day | None = None
    pass_mark: int | None = Field(None, ge=0, le=100)
    attempts_allowed: int | None = Field(None, ge=0, le=99, description="0 means unlimited")
    time_limit: int | None = Field(None, ge=1, le=600, description="minutes")
    draw_single: int | None = Field(None, ge=0, le=200)
    draw_multiple: int | None = Field(None, ge=0, le=200)
    draw_judge: int | None = Field(None, ge=0, le=200)
    post_ids: list[Id] | None = Field(None, max_length=10_000, description="replaces the course's posts")


class WithdrawOut(Schema):
    outcome: Literal["deleted", "archived"] = Field(
        ..., description="deleted: nobody had sat the exam; archived: kept with its attempts"
    )


class MaterialOut(Schema):
    id: int
    course_id: int
    kind: str
    title: str
    url: str


class MaterialPatchIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    url: str | None = Field(None, max_length=500, description="links and videos only")


class BankQuestionOut(Schema):
    id: int
    course_id: int
    kind: str
    text: str
    options: list[str]
    answer: list[int] = Field(..., description="right option indexes (0-based)")
    code: str


class QuestionPatchIn(Schema):
    """The whole question as it should be. Attempts that drew it keep the question as they were given it."""

    kind: Literal["single", "multiple", "judge"]
    text: Text = Field(..., min_length=1)
    options: list[Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=list, max_length=8, description="ignored for judge (true/false) questions"
    )
    answer: list[Annotated[int, Field(ge=0, le=7)]] = Field(..., min_length=1, max_length=8)


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
    """Courses the caller sees: all for officers (archived ones marked), else those assigned to a post
    the caller holds and not archived."""
    user = caller(request)
    qs = Course.objects.visible_to(user)
    if not context_for(user).is_officer:
        qs = qs.filter(archived_at__isnull=True)
    return paginate(qs.order_by("deadline", "pk"), page)


def _course_detail(course: Course) -> dict[str, Any]:
    return {
        **{f: getattr(course, f) for f in (*services.COURSE_FIELDS, "version")},
        "id": course.pk,
        "archived": course.is_archived,
        "post_ids": sorted(course.posts.values_list("pk", flat=True)),
    }


@router.patch("/learning/courses/{course_id}", response={200: CourseDetail, 409: Message, **ERRORS})
def learning_course_change(request: HttpRequest, course_id: int, payload: CoursePatchIn) -> Any:
    """Change a course (officers); `version` must be the course's current one, or the answer is 409."""
    user = caller(request)
    require_officer(user)
    course = get_object_or_404(Course, pk=course_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    post_ids = changes.pop("post_ids", None)
    for name, value in changes.items():
        if value is None and name not in ("deadline", "description"):
            raise InvalidField(_("该项不能为空。"), field=name)
    course = services.course_update(actor=user, course=course, seen=version, post_ids=post_ids, **changes)
    return _course_detail(course)


@router.delete("/learning/courses/{course_id}", response={200: WithdrawOut, 409: Message, **ERRORS})
def learning_course_withdraw(request: HttpRequest, course_id: int) -> Any:
    """Withdraw a course (officers): deleted when nobody has sat its exam, else archived (409 when it
    is archived already)."""
    user = caller(request)
    require_officer(user)
    course = get_object_or_404(Course, pk=course_id)
    return {"outcome": services.course_withdraw(actor=user, course=course)}


@router.patch("/learning/materials/{material_id}", response={200: MaterialOut, **ERRORS})
def learning_material_change(request: HttpRequest, material_id: int, payload: MaterialPatchIn) -> Any:
    """Rename a material, or change a link's or a video's address (officers)."""
    user = caller(request)
    require_officer(user)
    material = get_object_or_404(Material, pk=material_id)
    return services.material_update(actor=user, material=material, title=payload.title, url=payload.url)


@router.delete("/learning/materials/{material_id}", response={204: None, **ERRORS})
def learning_material_remove(request: HttpRequest, material_id: int) -> Any:
    """Remove a material and its file (officers)."""
    user = caller(request)
    require_officer(user)
    services.material_remove(actor=user, material=get_object_or_404(Material, pk=material_id))
    return Status(204, None)


@router.patch("/learning/questions/{question_id}", response={200: BankQuestionOut, **ERRORS})
def learning_question_change(request: HttpRequest, question_id: int, payload: QuestionPatchIn) -> Any:
    """Correct a bank question (officers); attempts that drew it keep it as they were given it."""
    user = caller(request)
    require_officer(user)
    question = get_object_or_404(Question, pk=question_id)
    return services.question_update(
        actor=user,
        question=question,
        kind=payload.kind,
        text=payload.text,
        options=payload.options,
        answer=payload.answer,
    )


@router.delete("/learning/questions/{question_id}", response={204: None, **ERRORS})
def learning_question_remove(request: HttpRequest, question_id: int) -> Any:
    """Remove a question from the bank (officers); attempts that drew it keep it on their paper."""
    user = caller(request)
    require_officer(user)
    services.question_remove(actor=user, question=get_object_or_404(Question, pk=question_id))
    return Status(204, None)


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
