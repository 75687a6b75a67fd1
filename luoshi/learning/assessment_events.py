"""The study room's facts for assessment (`luoshi.assessment.events`): a person holding a post a
course is assigned to who had not passed its exam by the course's deadline (未按期完成学习)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.assessment.events import EventRow, md, register_source
from luoshi.org.models import Membership

from .models import Attempt, Course

KIND = "learning.not_completed"


def not_completed(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
    today = timezone.localdate()
    courses = {
        c.pk: c
        for c in Course.objects.filter(
            deadline__gte=start, deadline__lte=end, deadline__lt=today
        ).prefetch_related("posts")
    }
    if not courses:
        return []
    holders = Membership.objects.filter(
        post__unit_id__in=unit_ids, post__in={p.pk for c in courses.values() for p in c.posts.all()}
    ).values_list("person_id", "person__name", "post_id", "post__unit_id", "start", "end")
    done = set(
        Attempt.objects.filter(course_id__in=courses, passed=True).values_list(
            "course_id", "person_id", "submitted_at"
        )
    )
    passed_by: dict[tuple[int, int], date] = {}
    for course_id, person_id, at in done:
        day = timezone.localtime(at).date()
        key = (course_id, person_id)
        passed_by[key] = min(day, passed_by.get(key, day))
    out: list[EventRow] = []
    seen: set[tuple[int, int]] = set()
    post_courses: dict[int, list[Course]] = {}
    for c in courses.values():
        for p in c.posts.all():
            post_courses.setdefault(p.pk, []).append(c)
    for person_id, name, post_id, unit_id, m_start, m_end in holders:
        for c in post_courses.get(post_id, []):
            assert c.deadline is not None
            if m_start > c.deadline or (m_end is not None and m_end < c.deadline):
                continue
            if (c.pk, person_id) in seen:
                continue
            seen.add((c.pk, person_id))
            passed_on = passed_by.get((c.pk, person_id))
            if passed_on is not None and passed_on <= c.deadline:
                continue
            out.append(
                EventRow(
                    unit_id=unit_id,
                    kind=KIND,
                    occurred_on=c.deadline,
                    value=Decimal(1),
                    text=_("%(person)s 未在%(day)s前完成课程《%(course)s》")
                    % {"person": name, "day": md(c.deadline), "course": c.title},
                    link=reverse("learning:course", args=[c.pk]),
                    ref=f"learning.Course:{c.pk}:person:{person_id}",
                )
            )
    out.sort(key=lambda e: (e.unit_id, e.occurred_on, e.ref))
    return out


def register() -> None:
    register_source(KIND, gettext_lazy("未按期完成学习"), not_completed)
