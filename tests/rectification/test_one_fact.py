"""One fact typed once (一个事实只填一次): a sign-off application's 整改情况 starts from each measure's
latest task report, named by its measure and shown with the reports it came from; the approval chain's
decisions stay the approvers' own."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.urls import reverse

from luoshi.rectification.models import Problem
from luoshi.work.models import Task
from luoshi.work.services.reports import report_submit
from tests.factories import Personas, evidence
from tests.helpers import client_for

from .conftest import close_measures, make_problem

pytestmark = pytest.mark.django_db

NARRATIVE = "已修订财务报销制度，培训财务人员23人"
NEXT = "每季度抽查报销凭证"


def _report(p: Personas, problem: Problem, narrative: str = NARRATIVE, **kw: object) -> None:
    for task in Task.objects.filter(pk__in=problem.measures.values("task_id")).select_related("plan"):
        report_submit(
            actor=p.reporter_a, task=task, percent=80, narrative=narrative, on=date(2024, 6, 28), **kw
        )


def _page(who: object, problem: Problem) -> str:
    url = reverse("rectification:problem", args=[problem.pk])
    return html.unescape(client_for(who).get(url).content.decode())


def test_the_signoff_note_starts_from_the_measures_reports(p: Personas, rnd: object) -> None:
    problem = make_problem(p, rnd, measures=[("修订报销制度", None), ("开展财务培训", None)])
    _report(p, problem, next_steps=NEXT)
    close_measures(p, problem)
    page = _page(p.reporter_a, problem)
    assert 'id="signoff-source"' in page and "同一事实不必重填" in page
    assert f"修订报销制度：{NARRATIVE}\n{NEXT}" in page and f"开展财务培训：{NARRATIVE}\n{NEXT}" in page


def test_the_fact_typed_once_shows_in_both_modules(p: Personas, problem: Problem) -> None:
    _report(p, problem)
    close_measures(p, problem)
    note = f"整改措施1：{NARRATIVE}"
    assert note in _page(p.reporter_a, problem)
    r = client_for(p.reporter_a).post(
        reverse("rectification:signoff_submit", args=[problem.pk]), {"note": note, "evidence": evidence()}
    )
    assert r.status_code == 302
    assert problem.signoffs.get().note == note


def test_without_reports_nothing_is_prefilled(p: Personas, problem: Problem) -> None:
    close_measures(p, problem)
    page = _page(p.reporter_a, problem)
    assert 'id="signoff-form"' in page and 'id="signoff-source"' not in page
