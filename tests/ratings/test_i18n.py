"""Ratings' pages: Chinese pages show no English, English pages no Chinese but the users' data."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from luoshi.org.models import Person, Unit
from luoshi.ratings import services
from luoshi.ratings.models import Ballot, Item, Panel, Rater, RatingRound
from tests.factories import Personas
from tests.helpers import client_for
from tests.web.test_i18n import chinese_left, english_words, visible_text

from .conftest import full_answers, opened


def _user_data() -> list[str]:
    data: set[str] = {"简体中文"}
    data.update(RatingRound.objects.values_list("name", flat=True))
    data.update(RatingRound.objects.values_list("period", flat=True))
    data.update(Item.objects.values_list("text", flat=True))
    data.update(Panel.objects.values_list("name", flat=True))
    for f in ("name", "contact"):
        data.update(Rater.objects.values_list(f, flat=True))
    for f in ("name", "short_name"):
        data.update(Unit.objects.values_list(f, flat=True))
    data.update(Person.objects.values_list("name", flat=True))
    data.update({"满意", "基本满意", "不满意"})  # the round's scale, as the office wrote it
    return sorted((d for d in data if d), key=len, reverse=True)


def _check(zh: Any, en: Any, url: str, known: list[str]) -> None:
    html = zh.get(url).content.decode()
    codes = set(Unit.objects.values_list("code", flat=True))
    words = english_words(re.sub(r"/ratings/b/[A-Za-z0-9_-]+/", "", html)) - codes
    assert not words, (url, words)
    english = en.get(url).content.decode()
    assert '<html lang="en">' in english
    assert not chinese_left(visible_text(english), known), (url, chinese_left(visible_text(english), known))


def test_office_pages_and_ballot_in_both_languages(p: Personas, rnd: RatingRound) -> None:
    tokens = opened(p, rnd, raters=4)
    (bid, token), (_b2, unused), *_ = tokens.items()
    services.ballot_submit(token=token, answers=full_answers(Ballot.objects.get(pk=bid)))
    zh, en = client_for(p.officer), client_for(p.officer)
    en.cookies["django_language"] = "en"
    known = _user_data()
    for url in [
        reverse("ratings:rounds"),
        reverse("ratings:round_new"),
        reverse("ratings:round", args=[rnd.pk]),
        reverse("ratings:results", args=[rnd.pk]),
    ]:
        _check(zh, en, url, known)
    rater_zh, rater_en = Client(), Client()
    rater_en.cookies["django_language"] = "en"
    for url in [reverse("ratings:ballot", args=[unused]), reverse("ratings:ballot", args=[token])]:
        _check(rater_zh, rater_en, url, known)
