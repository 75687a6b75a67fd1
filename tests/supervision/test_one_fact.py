"""One fact typed once (一个事实只填一次): a unit's response to a notice starts from the task report it
already filed — the narrative and next steps as 办理情况, its problems as 未推进原因 — shown with the
report it came from; the unit submits it as is or adds to it, never types it again."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from luoshi.supervision import services
from luoshi.supervision.models import Item, Response
from luoshi.work.models import Plan, ReportState, Task
from luoshi.work.selectors import latest_report, report_text
from luoshi.work.services.reports import report_return, report_submit
from tests.factories import Personas
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

NARRATIVE = "完成3个小区管网改造，投资420万元"
NEXT = "6月底前完成剩余2个小区"
PROBLEM = "雨季施工受限"


def _file(p: Personas, item: Item) -> None:
    task = Task.objects.get(pk=item.task_id)
    report_submit(
        actor=p.reporter_a, task=task, percent=40, narrative=NARRATIVE, problems=PROBLEM, next_steps=NEXT
    )


def _page(who: object, item: Item) -> str:
    return html.unescape(client_for(who).get(reverse("supervision:item", args=[item.pk])).content.decode())


def test_the_response_form_starts_from_the_task_report(p: Personas, item: Item) -> None:
    services.notice_issue(actor=p.officer, item=item, level="supervise")
    _file(p, item)
    page = _page(p.reporter_a, item)
    assert "已取自本任务" in page and "同一事实不必重填" in page
    assert f">{NARRATIVE}\n{NEXT}</textarea>" in page


def test_without_a_report_the_form_is_empty_and_names_no_source(p: Personas, item: Item) -> None:
    services.notice_issue(actor=p.officer, item=item, level="supervise")
    page = _page(p.reporter_a, item)
    assert "已取自本任务" not in page
    assert 'aria-label="办理情况"></textarea>' in page


def test_the_fact_typed_once_shows_in_both_modules(p: Personas, item: Item) -> None:
    notice = services.notice_issue(actor=p.officer, item=item, level="supervise")
    _file(p, item)
    text, _reason = report_text(latest_report(p.reporter_a, item.task_id))
    r = client_for(p.reporter_a).post(
        reverse("supervision:respond", args=[notice.pk]), {"text": text}, follow=True
    )
    assert "书面反馈已提交" in r.content.decode()
    assert Response.objects.get(notice=notice).text == f"{NARRATIVE}\n{NEXT}"
    # The leader, who does not respond, is shown no form and no prefill.
    assert "已取自本任务" not in _page(p.leader, item)


def test_a_returned_report_is_not_a_source(p: Personas, item: Item) -> None:
    task = Task.objects.select_related("plan").get(pk=item.task_id)
    Plan.objects.filter(pk=task.plan_id).update(head_approval=True)
    task.refresh_from_db()
    report = report_submit(actor=p.reporter_a, task=task, percent=40, narrative=NARRATIVE)
    assert report.state == ReportState.PENDING
    report_return(actor=p.head_a, report=report, reason="数据不实")
    assert latest_report(p.reporter_a, item.task_id) is None
    assert report_text(None) == ("", "")
