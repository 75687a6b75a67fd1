"""`visible_to(user)` on every model a page, the API or an export lists, beyond Task and Report
(tests/test_visibility.py): plans, milestones, evidence, locked periods, light counts, import
batches, and the audit history a task page shows. Persona × model: who sees what; through the
pages and the API, hidden is 404 and read-only is 403."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from luoshi.audit.selectors import entries_for
from luoshi.imports.models import ImportBatch, ImportKind
from luoshi.work.models import Evidence, LightCount, LockedPeriod, Milestone, Plan
from luoshi.work.services import period_lock, report_submit, task_follow
from luoshi.work.services.manage import milestone_create
from tests.factories import evidence

pytestmark = pytest.mark.django_db

PERSONAS = ["reporter_a", "head_a", "reporter_b", "leader", "officer", "anonymous"]

# A plan of unit A's tasks, one of unit B's, one holding only a public task of unit B.
SEES_PLAN = {
    "reporter_a": {"plan_a", "plan_public"},
    "head_a": {"plan_a", "plan_public"},
    "reporter_b": {"plan_b", "plan_public"},
    "leader": {"plan_a", "plan_public"},
    "officer": {"plan_a", "plan_b", "plan_public"},
    "anonymous": {"plan_public"},
}
# Light counts per unit: the units whose tasks the persona sees (own units, portfolio).
SEES_COUNTS = {
    "reporter_a": {"unit_a"},
    "head_a": {"unit_a"},
    "reporter_b": {"unit_b"},
    "leader": {"unit_a"},
    "officer": {"unit_a", "unit_b"},
    "anonymous": set(),
}
# Evidence of unit A's report waiting for its head, and of one let through.
SEES_PENDING_EVIDENCE = {"reporter_a", "head_a"}
SEES_SUBMITTED_EVIDENCE = {"reporter_a", "head_a", "leader", "officer"}


@pytest.fixture
def world(p):  # type: ignore[no-untyped-def]
    plans = {"plan_a": p.plan(), "plan_b": p.plan(), "plan_public": p.plan()}
    tasks = {
        "plan_a": p.task(plans["plan_a"], unit=p.unit_a),
        "plan_b": p.task(plans["plan_b"], unit=p.unit_b),
        "plan_public": p.task(plans["plan_public"], unit=p.unit_b, is_public=True),
    }
    milestones = {
        name: milestone_create(actor=p.officer, task=task, title="节点", due=date(2024, 6, 30))
        for name, task in tasks.items()
    }
    locks = {}
    for name in ("plan_a", "plan_b"):
        period_lock(actor=p.officer, plan=plans[name], period_end=date(2024, 1, 31))
        locks[name] = LockedPeriod.objects.get(plan=plans[name])
    pending = report_submit(
        actor=p.reporter_a, task=tasks["plan_a"], percent=30, on=date(2024, 6, 15), files=evidence()
    )
    submitted = report_submit(
        actor=p.head_a, task=tasks["plan_a"], percent=25, on=date(2024, 5, 15), files=evidence("b.pdf")
    )
    counts = {
        "unit_a": LightCount.objects.create(
            plan=plans["plan_a"], unit=p.unit_a, day=date(2024, 6, 1), light="green", count=3
        ),
        "unit_b": LightCount.objects.create(
            plan=plans["plan_b"], unit=p.unit_b, day=date(2024, 6, 1), light="red", count=1
        ),
    }
    return plans, tasks, milestones, locks, pending, submitted, counts


def _seen(qs, objs):  # type: ignore[no-untyped-def]
    ids = set(qs.values_list("pk", flat=True))
    return {name for name, obj in objs.items() if obj.pk in ids}


@pytest.mark.parametrize("persona", PERSONAS)
def test_plan_milestone_lock_visibility(p, world, persona):
    plans, _, milestones, locks, _, _, _ = world
    user = getattr(p, persona)
    assert _seen(Plan.objects.visible_to(user), plans) == SEES_PLAN[persona]
    assert _seen(Milestone.objects.visible_to(user), milestones) == SEES_PLAN[persona]
    assert _seen(LockedPeriod.objects.visible_to(user), locks) == SEES_PLAN[persona] - {"plan_public"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_evidence_and_light_count_visibility(p, world, persona):
    _, _, _, _, pending, submitted, counts = world
    user = getattr(p, persona)
    seen = set(Evidence.objects.visible_to(user).values_list("pk", flat=True))
    assert bool(seen & {e.pk for e in pending.evidence.all()}) == (persona in SEES_PENDING_EVIDENCE)
    assert bool(seen & {e.pk for e in submitted.evidence.all()}) == (persona in SEES_SUBMITTED_EVIDENCE)
    assert _seen(LightCount.objects.visible_to(user), counts) == SEES_COUNTS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_import_batches_are_the_offices(p, persona):
    batch = ImportBatch.objects.create(
        kind=ImportKind.TASKS, filename="a.xlsx", sha256="0" * 64, created_by=p.officer
    )
    seen = ImportBatch.objects.visible_to(getattr(p, persona)).filter(pk=batch.pk).exists()
    assert seen is (persona == "officer")


def _client(p, persona):  # type: ignore[no-untyped-def]
    c = Client()
    user = getattr(p, persona)
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.parametrize("persona", ["reporter_a", "reporter_b", "leader", "officer"])
def test_pages_and_api_hidden_404_read_only_403(p, world, persona):
    plans, _, milestones, _, _, submitted, _ = world
    c = _client(p, persona)
    sees = "plan_a" in SEES_PLAN[persona]
    # The plan page and the API: 404 when hidden.
    assert c.get(f"/work/plans/{plans['plan_a'].pk}/").status_code == (200 if sees else 404)
    assert c.get(f"/api/v1/plans/{plans['plan_a'].pk}").status_code == (200 if sees else 404)
    # The keeping pages: hidden 404, seen but not the office's 403.
    edit = c.get(f"/work/manage/plans/{plans['plan_a'].pk}/").status_code
    assert edit == (200 if persona == "officer" else 403 if sees else 404)
    ms = c.post(f"/work/manage/milestones/{milestones['plan_a'].pk}/", {})
    assert ms.status_code == (302 if persona == "officer" else 403 if sees else 404)
    # Evidence of an approved report: downloaded by whoever sees the report, 404 for the others.
    ev = submitted.evidence.first()
    assert c.get(f"/work/evidence/{ev.pk}/").status_code == (
        200 if persona in SEES_SUBMITTED_EVIDENCE else 404
    )
    # Imports are the office's pages.
    batch = ImportBatch.objects.create(
        kind=ImportKind.TASKS, filename="a.xlsx", sha256="1" * 64, created_by=p.officer
    )
    assert c.get(f"/imports/{batch.pk}/").status_code == (200 if persona == "officer" else 403)


def test_task_history_through_the_audit_selector(p):
    """The task page's history: the task's entries, newest first; following is the follower's own
    business, shown only to the audit admin."""
    plan = p.plan()
    task = p.task(plan, unit=p.unit_a)
    task_follow(actor=p.reporter_a, task=task)
    for_reporter = entries_for(task, p.reporter_a)
    assert [e.action for e in for_reporter] == ["work.task.created"]
    assert for_reporter[0].action_text
    for_auditor = [e.action for e in entries_for(task, p.auditor)]
    assert for_auditor == ["work.task.followed", "work.task.created"]
    assert entries_for(p.task(plan, unit=p.unit_b), p.reporter_a)[0].object_id != str(task.pk)
