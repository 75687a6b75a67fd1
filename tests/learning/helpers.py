"""Builders for the study room's tests, through the real services."""

from __future__ import annotations

from typing import Any

from luoshi.learning import services
from luoshi.learning.models import Course
from luoshi.org.models import Post


def post_of(user: Any) -> Post:
    return Post.objects.get(memberships__person=user.person)


def course_for(
    p: Any, *users: Any, n_single: int = 3, n_multiple: int = 2, n_judge: int = 2, **kw: Any
) -> Course:
    """A course assigned to the posts of `users`, with a bank: single-choice answer A, multiple AC,
    true/false 对."""
    kw.setdefault("draw_single", 2)
    kw.setdefault("draw_multiple", 1)
    kw.setdefault("draw_judge", 1)
    course = services.course_create(
        actor=p.officer, title=kw.pop("title", "党章党规学习"), post_ids=[post_of(u).pk for u in users], **kw
    )
    for i in range(n_single):
        services.question_create(
            actor=p.officer,
            course=course,
            kind="single",
            text=f"单选{i}",
            options=["甲", "乙", "丙"],
            answer=[0],
        )
    for i in range(n_multiple):
        services.question_create(
            actor=p.officer,
            course=course,
            kind="multiple",
            text=f"多选{i}",
            options=["甲", "乙", "丙"],
            answer=[0, 2],
        )
    for i in range(n_judge):
        services.question_create(
            actor=p.officer, course=course, kind="judge", text=f"判断{i}", options=[], answer=[0]
        )
    return course


def right_answers(attempt: Any) -> dict[str, list[int]]:
    from luoshi.learning.models import Question

    return {str(q.pk): q.answer for q in Question.objects.filter(pk__in=attempt.question_ids)}
