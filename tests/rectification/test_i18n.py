"""Rectification's pages: Chinese pages show no English, English pages no Chinese but the users' data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from luoshi.org.models import Person, Unit
from luoshi.rectification.models import Problem, Round
from luoshi.rectification.services import signoff_approve, signoff_submit
from luoshi.work.models import Task
from tests.factories import Personas, evidence
from tests.helpers import client_for
from tests.web.test_i18n import chinese_left, english_words, visible_text

from .conftest import close_measures, make_problem


def _pages(p: Personas, rnd: Round) -> list[str]:
    done = make_problem(p, rnd, "2", kind="long_term", mechanism="每季度开展财务抽查")
    close_measures(p, done)
    signoff = signoff_submit(actor=p.reporter_a, problem=done, note="已整改", files=evidence())
    signoff_approve(actor=p.head_a, signoff=signoff, step="unit_head", note="同意")
    return [
        reverse("rectification:rounds"),
        reverse("rectification:round_new"),
        reverse("rectification:problem_new", args=[rnd.pk]),
        *(
            reverse("rectification:round", args=[rnd.pk]) + f"?list={tab}"
            for tab in ("problems", "tasks", "duties")
        ),
        reverse("rectification:problem", args=[done.pk]),
    ]


def _user_data() -> list[str]:
    data: set[str] = {"简体中文"}
    data.update(Round.objects.values_list("name", flat=True))
    data.update(Round.objects.values_list("body", flat=True))
    for f in ("text", "mechanism", "category", "number"):
        data.update(Problem.objects.values_list(f, flat=True))
    data.update(Task.objects.values_list("title", flat=True))
    for f in ("name", "short_name"):
        data.update(Unit.objects.values_list(f, flat=True))
    data.update(Person.objects.values_list("name", flat=True))
    data.update({"已整改", "同意", "验收报告.pdf", "甲填报员", "甲局长"})
    return sorted((d for d in data if d), key=len, reverse=True)


@pytest.mark.parametrize("who", ["head_a", "officer"])
def test_pages_in_both_languages(p: Personas, rnd: Round, problem: Problem, who: str) -> None:
    urls = _pages(p, rnd)
    zh, en = client_for(getattr(p, who)), client_for(getattr(p, who))
    en.cookies["django_language"] = "en"
    known = _user_data()
    for url in urls:
        html = zh.get(url).content.decode()
        codes = set(Unit.objects.values_list("code", flat=True))
        assert not (english_words(html) - codes), (url, english_words(html) - codes)
        english = en.get(url).content.decode()
        assert '<html lang="en">' in english
        assert not chinese_left(visible_text(english), known), (
            url,
            chinese_left(visible_text(english), known),
        )
