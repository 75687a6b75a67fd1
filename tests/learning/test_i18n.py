"""The study room's office pages (editing, withdrawing) in English show no Chinese but the users'
data, and in Chinese no English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.learning import services
from luoshi.learning.models import Course, Material, Question
from luoshi.org.models import Person, Post, Unit
from tests.factories import Personas
from tests.helpers import client_for
from tests.learning.helpers import course_for, right_answers
from tests.web.test_i18n import chinese_left, english_words, visible_text

pytestmark = pytest.mark.django_db

SPREADSHEET_TERMS = ["选项A", "选项H", "题号", "题型", "单选", "多选", "判断", "题干", "答案", "对", "错"]


def _user_data() -> list[str]:
    # The import hint quotes the question table's headers and cells as the spreadsheet has them.
    data: set[str] = {"简体中文", *SPREADSHEET_TERMS}
    for model, fields in (
        (Course, ("title",)),
        (Material, ("title",)),
        (Question, ("text",)),
        (Unit, ("name", "short_name")),
        (Person, ("name",)),
        (Post, ("title",)),
    ):
        for f in fields:
            data.update(model.objects.values_list(f, flat=True))
    for options in Question.objects.values_list("options", flat=True):
        data.update(options)
    return sorted((d for d in data if d), key=len, reverse=True)


def test_edit_pages_in_both_languages(p: Personas) -> None:
    c = course_for(p, p.reporter_a)
    fresh = course_for(p, p.reporter_a, title="新课")
    m = services.material_add(
        actor=p.officer, course=c, kind="link", title="学习链接", url="https://a.example/"
    )
    a = services.attempt_start(actor=p.reporter_a, course=c)
    services.attempt_submit(actor=p.reporter_a, attempt=a, answers=right_answers(a))
    judge = c.questions.filter(kind="judge").first()
    single = c.questions.filter(kind="single").first()
    assert judge is not None and single is not None
    officer_urls = [
        reverse("learning:office_course", args=[c.pk]),
        reverse("learning:course_edit", args=[c.pk]),
        reverse("learning:course_withdraw", args=[c.pk]),
        reverse("learning:course_withdraw", args=[fresh.pk]),
        reverse("learning:material_edit", args=[m.pk]),
        reverse("learning:question_edit", args=[judge.pk]),
        reverse("learning:question_edit", args=[single.pk]),
    ]
    zh, en = client_for(p.officer), client_for(p.officer)
    en.cookies["django_language"] = "en"
    known = _user_data()
    for url in officer_urls:
        r = zh.get(url)
        assert r.status_code == 200, url
        # "AC": the answer field's own example (answers are option letters in either language)
        words = english_words(r.content.decode()) - {"AC"}
        assert not words, (url, words)
        english = en.get(url).content.decode()
        assert '<html lang="en">' in english
        left = chinese_left(visible_text(english), known)
        assert not left, (url, left)
    assert 'value="True"' in en.get(reverse("learning:question_edit", args=[judge.pk])).content.decode()
    # the archived course, to the officer and to the learner
    services.course_withdraw(actor=p.officer, course=c)
    learner = client_for(p.reporter_a)
    learner.cookies["django_language"] = "en"
    for client, url in (
        (en, reverse("learning:office_course", args=[c.pk])),
        (en, reverse("learning:office")),
        (learner, reverse("learning:course", args=[c.pk])),
    ):
        english = client.get(url).content.decode()
        assert "archived" in english.lower(), url
        left = chinese_left(visible_text(english), known)
        assert not left, (url, left)
