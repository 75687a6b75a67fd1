"""Benchmark pages: Chinese pages show no English, English pages no Chinese but the users' data
(region, indicator and group names, periods as statistics print them, file names)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from luoshi.benchmark.models import Indicator, PeerGroup, Period, Region, Value
from luoshi.org.models import Person, Unit
from tests.factories import Personas
from tests.helpers import client_for
from tests.web.test_i18n import chinese_left, english_words, visible_text

from .conftest import make_group

pytestmark = pytest.mark.usefixtures("divisions")


def _user_data() -> list[str]:
    data: set[str] = {"简体中文"}
    data.update(Region.objects.filter(values__isnull=False).values_list("name", flat=True))
    data.update(Region.objects.filter(unit__isnull=False).values_list("name", flat=True))
    data.update(Indicator.objects.values_list("name", flat=True))
    data.update(PeerGroup.objects.values_list("name", flat=True))
    data.update(str(p) for p in Period.objects.all())
    data.update(Value.objects.values_list("source", flat=True))
    for f in ("name", "short_name"):
        data.update(Unit.objects.values_list(f, flat=True))
    data.update(Person.objects.values_list("name", flat=True))
    return sorted((d for d in data if d), key=len, reverse=True)


def test_pages_in_both_languages(p: Personas) -> None:
    group = make_group(p)
    zh, en = client_for(p.officer), client_for(p.officer)
    en.cookies["django_language"] = "en"
    known = _user_data()
    for url in [
        reverse("benchmark:index"),
        reverse("benchmark:ranking", args=[group.pk]),
        reverse("benchmark:ranking", args=[group.pk]) + "?indicator=retail",
    ]:
        html = zh.get(url).content.decode()
        words = english_words(re.sub(r"figures\.csv", "", html)) - {
            "GDP",
            "xlsx",
            "csv",
            "district",
            "code",
            "name",
        }
        assert not words, (url, words)
        english = en.get(url).content.decode()
        assert '<html lang="en">' in english
        left = chinese_left(visible_text(english), known)
        assert not left, (url, left)
