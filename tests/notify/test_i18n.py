"""The reminder and outbox pages and rectification's publication page: Chinese pages show no English
(but rule codes and sources, which are identifiers), English pages no Chinese but the users' data."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from luoshi.notify.models import Outbox, OutboxState
from luoshi.notify.services import notify_event
from luoshi.org.models import Person, Unit
from luoshi.rectification.models import Problem, Round
from luoshi.rectification.services import results_publish
from tests.factories import Personas
from tests.helpers import client_for
from tests.rectification.conftest import make_problem, make_round
from tests.web.test_i18n import chinese_left, english_words, visible_text


def test_pages_in_both_languages(p: Personas) -> None:
    notify_event(
        rule="task.overdue", recipients=[p.reporter_a.pk], text="已逾期：建设产业园", key="work.task:1"
    )
    Outbox.objects.update(state=OutboxState.UNKNOWN, last_error="发送过程中断，结果未知，未重发。")
    rnd = make_round(p)
    make_problem(p, rnd, "1", is_public=True, money_involved=Decimal("3"))
    results_publish(actor=p.officer, round=rnd)
    urls = [
        reverse("notifications"),
        reverse("notify_outbox"),
        reverse("rectification:publication", args=[rnd.pk]),
    ]
    known = sorted(
        {
            "已逾期：建设产业园",
            "发送过程中断，结果未知，未重发。",
            *Round.objects.values_list("name", flat=True),
            *Round.objects.values_list("body", flat=True),
            *Problem.objects.values_list("text", flat=True),
            *Unit.objects.values_list("name", flat=True),
            *Unit.objects.values_list("short_name", flat=True),
            *Person.objects.values_list("name", flat=True),
            "简体中文",
        }
        - {""},
        key=len,
        reverse=True,
    )
    identifiers = {"task", "overdue", "work", "k", "WeCom", "DingTalk"} | set(
        Unit.objects.values_list("code", flat=True)
    )
    zh, en = client_for(p.officer), client_for(p.officer)
    en.cookies["django_language"] = "en"
    for url in urls:
        html = zh.get(url).content.decode()
        assert not (english_words(html) - identifiers), (url, english_words(html) - identifiers)
        english = en.get(url).content.decode()
        assert '<html lang="en">' in english
        assert not chinese_left(visible_text(english), known), (
            url,
            chinese_left(visible_text(english), known),
        )
