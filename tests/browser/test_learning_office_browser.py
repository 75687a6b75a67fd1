"""The office edits a course's pass mark on a phone-sized screen, then withdraws another course that
people have sat: the confirm page says it will be archived, and after it learners no longer see it."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.learning import services
from luoshi.learning.models import Attempt, Course
from tests.learning.helpers import course_for, right_answers

pytestmark = pytest.mark.browser


def test_officer_edits_one_course_and_archives_another(p: Any, page: Any, login: Any, shot: Any) -> None:
    edited = course_for(p, p.reporter_a, title="督查工作规范")
    taken = course_for(p, p.reporter_a, title="保密知识测试")
    a = services.attempt_start(actor=p.reporter_a, course=taken)
    services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a))
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "officer")
    page.goto(f"/learning/office/{edited.pk}/")
    page.click("#edit-course")
    page.fill("#id_pass_mark", "85")
    page.fill("#id_title", "督查工作规范（修订）")
    shot(page, "course-edit")
    page.click("#course-edit-form button[type=submit]")
    page.wait_for_url(f"**/learning/office/{edited.pk}/")
    assert "督查工作规范（修订）" in page.inner_text("h1")
    edited.refresh_from_db()
    assert (edited.pass_mark, edited.version) == (85, 2)

    page.goto(f"/learning/office/{taken.pk}/")
    page.click("#withdraw-course")
    outcome = page.inner_text("#withdraw-outcome")
    assert "归档" in outcome and "1 次考试记录" in outcome
    shot(page, "course-withdraw")
    page.click("#confirm-withdraw")
    page.wait_for_url("**/learning/office/")
    assert "已归档" in page.inner_text("#office-courses")
    taken.refresh_from_db()
    assert taken.is_archived and Attempt.objects.filter(course=taken).count() == 1
    assert Course.objects.count() == 2
