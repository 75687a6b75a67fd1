"""A person opens their courses on a phone-sized screen, starts the exam, sees the countdown,
answers every question rightly, hands in, and finds the score in their record."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.learning.models import Attempt, Question
from tests.learning.helpers import course_for

pytestmark = pytest.mark.browser


def test_person_takes_an_exam_and_sees_the_score(p: Any, page: Any, login: Any, shot: Any) -> None:
    course_for(p, p.reporter_a, title="督查工作规范测试")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "reporter_a")
    page.goto("/learning/")
    page.click("text=督查工作规范测试")
    page.click("#start-exam")
    page.locator("#exam-form").wait_for()
    countdown = page.inner_text("#countdown")
    assert ":" in countdown and countdown != "00:00"
    attempt = Attempt.objects.get()
    answers = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    for qid in attempt.question_ids:
        for index in answers[qid].answer:
            page.check(f"input[name=q{qid}][value='{index}']")
    shot(page, "exam")
    page.click("#submit-exam")
    page.locator("#my-record").wait_for()
    assert page.inner_text("#my-record .score") == "100"
    assert "督查工作规范测试" in page.inner_text("#my-record")
    shot(page, "record")
