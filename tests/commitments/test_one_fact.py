"""One fact typed once (一个事实只填一次): a commitment linked to a task starts its period's 进展说明
from the task's latest report, shown with that report; the unit's 兑现情况 judgement and the office's
review stay their own."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from luoshi.commitments.models import Compliance
from luoshi.work.services.reports import report_submit
from tests.helpers import client_for

from .helpers import commitment

pytestmark = pytest.mark.django_db

NARRATIVE = "平台完成招标，接入停车场12个"
NEXT = "12月底前接入全部停车场"


def _linked(p: Any) -> Any:
    plan = p.plan(year=2026, start=date(2026, 1, 1), due=date(2026, 12, 31))
    task = p.task(plan, title="建设智慧停车平台")
    return commitment(p, task=task), task


def _page(who: Any, c: Any) -> str:
    return html.unescape(client_for(who).get(reverse("commitments:detail", args=[c.pk])).content.decode())


def test_the_note_starts_from_the_linked_tasks_report(p: Any) -> None:
    c, task = _linked(p)
    report_submit(actor=p.reporter_a, task=task, percent=60, narrative=NARRATIVE, next_steps=NEXT)
    page = _page(p.reporter_a, c)
    assert 'id="report-source"' in page and "同一事实不必重填" in page
    assert f">\n{NARRATIVE}\n{NEXT}</textarea>" in page


def test_the_fact_typed_once_shows_in_both_modules(p: Any) -> None:
    c, task = _linked(p)
    report_submit(actor=p.reporter_a, task=task, percent=60, narrative=NARRATIVE, next_steps=NEXT)
    r = client_for(p.reporter_a).post(
        reverse("commitments:compliance", args=[c.pk]),
        {"period": "2026Q4", "state": "on_track", "note": f"{NARRATIVE}\n{NEXT}"},
        follow=True,
    )
    assert r.status_code == 200
    assert Compliance.objects.get(commitment=c).note == f"{NARRATIVE}\n{NEXT}"


def test_without_a_linked_task_or_report_nothing_is_prefilled(p: Any) -> None:
    c, _task = _linked(p)
    assert 'id="report-source"' not in _page(p.reporter_a, c)
    unlinked = commitment(p, title="年内完成老旧小区改造")
    assert 'id="report-source"' not in _page(p.reporter_a, unlinked)
    # A leader, who does not state compliance, gets no form and no prefill.
    assert 'id="report-source"' not in _page(p.leader, c)
