"""Issue 20's acceptance over a simulated quarter on the demo district.

One quarter is played (`luoshi simulate`, with its daily ticks and outbox steps), a bulletin is
published for one plan at the end of every week, and the lights of every such day are recorded as
`luoshi lights --date` prints them. Then the office catches up: the reports still waiting for their
unit heads are approved weeks later and one old report is corrected. Recomputed afterwards, every
published bulletin and every past day's lights are as they were; the next bulletin names the late
facts as corrections. Over the same quarter no follower was told of a change while a report of the
task waited for its head (except a change into 逾期, which never follows a report), and nobody got
two notices about one task on one day (a batch of approvals tells each task once).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q

from luoshi.demo.clock import simulated_clock
from luoshi.demo.simulate import simulate
from luoshi.documents.bulletin import build_bulletin, freeze
from luoshi.documents.models import PublishedBulletin
from luoshi.documents.services import bulletin_publish
from luoshi.notify.models import Notification
from luoshi.org.access import context_for
from luoshi.work.models import Follow, Light, Plan, Report, ReportState, Task
from luoshi.work.services import report_approve_many, report_submit

User = get_user_model()

TODAY = date(2026, 1, 5)  # the demo as of Monday 5 January
START, END = date(2026, 1, 6), date(2026, 3, 29)  # twelve weeks, three monthly deadlines
CATCH_UP = date(2026, 4, 20)
# The parts of a frozen bulletin that follow from lights as known on its day.
LIGHT_PARTS = ("units", "named", "changes", "tasks")


def lights_on(plan_id: int, day: date) -> list[list[str]]:
    out = io.StringIO()
    call_command("lights", "--plan", str(plan_id), "--date", day.isoformat(), stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def pending_on(task_id: int, day: date) -> bool:
    """A report of the task filed by `day` and still waiting for its head at the end of it."""
    return (
        Report.objects.filter(task_id=task_id, filed_on__lte=day)
        .filter(Q(known_on__isnull=True) | Q(known_on__gt=day))
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gt=day))
        .exists()
    )


@pytest.mark.scenario
@pytest.mark.django_db
def test_a_simulated_quarter_leaves_published_history_as_it_was(
    django_capture_on_commit_callbacks: Any,
) -> None:
    call_command("demo", "--small", "--today", TODAY.isoformat(), stdout=StringIO(), stderr=StringIO())
    plan = Plan.objects.filter(start__lte=START, due__gte=END).order_by("pk").first()
    assert plan is not None
    officer = User.objects.get(username="ducha1")
    tasks = list(Task.objects.filter(plan=plan).values_list("pk", flat=True))
    Follow.objects.bulk_create([Follow(user=officer, task_id=t) for t in tasks])

    published: dict[date, tuple[dict[str, Any], str]] = {}
    lights: dict[date, list[list[str]]] = {}
    day = START
    while day <= END:
        week_end = min(day + timedelta(days=6), END)
        while day <= week_end:
            # Day by day, so that the reactions after commit (staged light changes) run each evening,
            # as they do in production after each transaction, and the next day's outbox step sees them.
            with django_capture_on_commit_callbacks(execute=True):
                simulate(day, day, seed=7 + day.toordinal(), plan_ids=[plan.pk])
            day += timedelta(days=1)
        with simulated_clock(week_end):
            issue = bulletin_publish(actor=officer, plan=plan, on=week_end)
        published[week_end] = (issue.figures, issue.pdf_sha256)
        lights[week_end] = lights_on(plan.pk, week_end)
    assert len(published) == 12

    # Over the quarter: never told while a report waited (bar 逾期), never twice a task a day.
    told = list(
        Notification.objects.filter(user=officer, task_id__isnull=False).values_list(
            "task_id", "created", "text"
        )
    )
    assert told, "the office follows the whole plan: some lights changed and were told"
    overdue = str(dict(Light.choices)[Light.OVERDUE])
    for task_id, created, text in told:
        assert not pending_on(task_id, created.date()) or text.endswith(overdue), (task_id, created, text)
    per_day = [(task_id, created.date()) for task_id, created, _text in told]
    assert len(per_day) == len(set(per_day))

    # The office catches up weeks later: every waiting report approved, one old report corrected.
    waiting = list(Report.objects.filter(task__plan=plan, state=ReportState.PENDING).order_by("pk"))
    assert waiting, "some reports were still with their heads at the end of the quarter"
    old = Report.objects.filter(task__plan=plan, state=ReportState.SUBMITTED, period_end=date(2026, 1, 31))
    old = old.exclude(corrected_by__isnull=False).order_by("pk").first()
    assert old is not None
    with simulated_clock(CATCH_UP):
        by_head: dict[int, list[Report]] = {}
        for report in waiting:
            by_head.setdefault(report.unit_id, []).append(report)
        head_of: dict[int, Any] = {}
        for user in User.objects.filter(is_active=True).order_by("pk"):
            for unit_id in context_for(user).head_unit_ids:
                head_of.setdefault(unit_id, user)
        heads = {unit_id: head_of[unit_id] for unit_id in by_head}
        for unit_id, reports in by_head.items():
            approved, refused = report_approve_many(actor=heads[unit_id], reports=reports, on=CATCH_UP)
            assert not refused
        report_submit(
            actor=officer,
            task=old.task,
            percent=(old.percent or 0) + 3,
            corrects=old,
            on=CATCH_UP,
            acknowledge_warnings=True,
        )

    # Every published issue as it was; every past day's lights as they were.
    for issue in PublishedBulletin.objects.filter(plan=plan).order_by("on"):
        figures, sha = published[issue.on]
        assert (issue.figures, issue.pdf_sha256) == (figures, sha)
        again = freeze(build_bulletin(plan=plan, on=issue.on))
        for part in LIGHT_PARTS:
            assert again[part] == figures[part], (issue.on, part)
    for week_end, rows in lights.items():
        assert lights_on(plan.pk, week_end) == rows, week_end

    # The next issue names what became known late as corrections.
    with simulated_clock(CATCH_UP):
        follow_up = build_bulletin(plan=plan, on=CATCH_UP)
    assert follow_up.corrections
    assert any(c.task_id == old.task_id and c.old == old.percent for c in follow_up.corrections)
