"""Early warning pages: Chinese pages show no English, English pages no Chinese but the users' data."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from luoshi.alerts.models import Warning
from luoshi.alerts.services import flags_step, warnings_step
from luoshi.org.models import Person, Unit
from luoshi.work.models import Plan, Report, Task
from luoshi.work.services import report_submit
from luoshi.work.services.lights import mark_late_reports
from tests.factories import Personas
from tests.helpers import client_for
from tests.web.test_i18n import chinese_left, english_words, visible_text

pytestmark = pytest.mark.django_db


def _user_data() -> list[str]:
    data: set[str] = {"简体中文"}
    for model, fields in (
        (Task, ("title",)),
        (Plan, ("name",)),
        (Unit, ("name", "short_name")),
        (Person, ("name",)),
        (Report, ("narrative",)),
    ):
        for f in fields:
            data.update(model.objects.values_list(f, flat=True))
    return sorted((d for d in data if d), key=len, reverse=True)


@pytest.mark.parametrize("who", ["officer", "leader", "head_a"])
def test_pages_in_both_languages(p: Personas, who: str) -> None:
    plan = p.plan(head_approval=False)
    task = p.task(plan, title="优化营商环境", responsible_person=p.head_a.person)
    p.task(plan, unit=p.unit_b, title="财政收支")
    report_submit(
        actor=p.reporter_a,
        task=task,
        percent=100,
        narrative="高度重视，压实责任，扎实推进各项工作。",
        on=date(2024, 1, 30),
    )
    day = date(2024, 4, 10)
    mark_late_reports(plan_id=plan.pk, on=day)
    warnings_step(day)
    flags_step(date(2024, 1, 31))
    flags_step(day)
    w = Warning.objects.filter(subject="unit", unit=p.unit_a).first()
    assert w is not None
    urls = [reverse("alerts:timeliness") + "?day=2024-04-10&weeks=16"]
    if who in ("officer", "leader"):
        urls += [
            reverse("alerts:board"),
            reverse("alerts:board") + "?subject=person",
            reverse("alerts:warning", args=[w.pk]),
        ]
    if who == "officer":
        urls += [reverse("alerts:flags"), reverse("alerts:plan_settings", args=[plan.pk])]
    zh, en = client_for(getattr(p, who)), client_for(getattr(p, who))
    en.cookies["django_language"] = "en"
    known = _user_data()
    codes = set(Unit.objects.values_list("code", flat=True))
    for url in urls:
        r = zh.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert not (english_words(html) - codes), (url, english_words(html) - codes)
        english = en.get(url).content.decode()
        assert '<html lang="en">' in english
        assert not chinese_left(visible_text(english), known), (
            url,
            chinese_left(visible_text(english), known),
        )
