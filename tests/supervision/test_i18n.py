"""Supervision's pages: Chinese pages show no English, English pages no Chinese but the users' data."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.org.models import Person, Unit
from luoshi.supervision import services
from luoshi.supervision.models import Item, Notice
from luoshi.work.models import Plan, Task
from tests.factories import Personas
from tests.helpers import client_for
from tests.web.test_i18n import chinese_left, english_words, visible_text

from .conftest import age_item, make_item, set_task

pytestmark = pytest.mark.django_db


def _user_data() -> list[str]:
    data: set[str] = {"简体中文", "已制定方案", "推诿扯皮", "不属于我局职责"}
    for model, fields in (
        (Item, ("title", "instruction_text", "effect")),
        (Task, ("title",)),
        (Plan, ("name",)),
        (Unit, ("name", "short_name")),
        (Person, ("name",)),
        (Notice, ("body", "issuer")),
    ):
        for f in fields:
            data.update(model.objects.values_list(f, flat=True))
    data.update(f"督〔{y}〕{s}号" for y, s in Notice.objects.values_list("year", "seq"))
    data.update(line for body in Notice.objects.values_list("body", flat=True) for line in body.splitlines())
    return sorted((d for d in data if d), key=len, reverse=True)


@pytest.mark.parametrize("who", ["head_a", "officer", "leader"])
def test_pages_in_both_languages(p: Personas, who: str) -> None:
    item = make_item(p)
    services.item_handoff(actor=p.reporter_a, item=item, kind="sign")
    services.item_handoff(actor=p.reporter_a, item=item, kind="transfer", to_unit=p.unit_b)
    services.item_handoff(actor=p.reporter_b, item=item, kind="return", note="不属于我局职责")
    notice = services.notice_issue(actor=p.officer, item=item, level="account")
    services.response_submit(actor=p.reporter_a, notice=notice, text="已制定方案")
    services.accountability_record(
        actor=p.officer,
        item=item,
        person=p.head_a.person,
        finding="推诿扯皮",
        outcome="interview",
        decided_on=timezone.localdate(),
    )
    other = make_item(p, title="背街小巷环境整治", source_kind="hotline", instruction_text="")
    set_task(other.task_id, report_late=True)
    age_item(other, 9)
    services.escalations_step(timezone.localdate())
    urls = [
        reverse("supervision:items"),
        reverse("supervision:idle"),
        reverse("supervision:item", args=[item.pk]),
        reverse("supervision:item", args=[other.pk]),
        reverse("supervision:accountability"),
    ]
    if who == "officer":
        urls += [reverse("supervision:queue"), reverse("supervision:item_new")]
    zh, en = client_for(getattr(p, who)), client_for(getattr(p, who))
    en.cookies["django_language"] = "en"
    known = _user_data()
    codes = set(Unit.objects.values_list("code", flat=True))
    for url in urls:
        r = zh.get(url)
        if r.status_code == 404:
            continue
        html = r.content.decode()
        assert not (english_words(html) - codes), (url, english_words(html) - codes)
        english = en.get(url).content.decode()
        assert '<html lang="en">' in english
        assert not chinese_left(visible_text(english), known), (
            url,
            chinese_left(visible_text(english), known),
        )
