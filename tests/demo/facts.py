"""Set-based checks that the database holds no fact after a day and no task outside its plan (issue 20).

Each entry of `facts_after(day)` counts one kind of fact dated after the end of `day`; a demo built
with `--today day`, or a simulation run to `day`, must leave every count at zero.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import F, Q
from django.utils import timezone

from luoshi.audit.models import Entry
from luoshi.audit.services import verify_chain
from luoshi.work.models import (
    Claim,
    LateReport,
    LightCount,
    Milestone,
    Plan,
    Report,
    Status,
    Task,
    Transition,
)


def facts_after(day: date) -> dict[str, int]:
    """How many facts of each kind are dated after `day` (all zero when the history ends on `day`)."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    report_dates = (
        Q(reported_on__gt=day)
        | Q(filed_on__gt=day)
        | Q(known_on__gt=day)
        | Q(returned_on__gt=day)
        | Q(approved_at__gte=end)
        | Q(created__gte=end)
    )
    later = Task.objects.filter(start__gt=day)
    return {
        "reports": Report.objects.filter(report_dates).count(),
        "claims": Claim.objects.filter(
            Q(created__gte=end) | Q(head_at__gte=end) | Q(reviewed_at__gte=end) | Q(met_on__gt=day)
        ).count(),
        "transitions": Transition.objects.filter(at__gte=end).count(),
        "milestones_met": Milestone.objects.filter(met_on__gt=day).count(),
        "audit_entries": Entry.objects.filter(at__gte=end).count(),
        "late_marks": LateReport.objects.filter(
            Q(detected_on__gt=day) | Q(due_on__gt=day) | Q(period_end__gt=day)
        ).count(),
        "light_counts": LightCount.objects.filter(day__gt=day).count(),
        "task_dates": Task.objects.filter(Q(light_on__gt=day) | Q(last_report_on__gt=day)).count(),
        "later_tasks_closed": later.filter(status__in=[Status.CLOSED, Status.CLAIMED]).count(),
        "later_tasks_reported": later.filter(reports__isnull=False).distinct().count(),
        "later_tasks_met": later.filter(milestones__met_on__isnull=False).distinct().count(),
    }


def tasks_outside_plan() -> int:
    """Tasks that start before their plan starts or are due after it ends."""
    return Task.objects.filter(Q(start__lt=F("plan__start")) | Q(due__gt=F("plan__due"))).count()


def assert_history_ends_on(day: date) -> None:
    """No fact after `day`, no task outside its plan, and the audit chain (which hashes every
    entry's time) intact."""
    counts = facts_after(day)
    assert set(counts.values()) == {0}, counts
    assert tasks_outside_plan() == 0
    assert verify_chain() is None


def early_year_asserts(day: date) -> None:
    """A demo a few days into the year (`--today 2026-01-05`): besides `assert_history_ends_on`,
    no task of the 2026 plan is due before the plan starts or overdue."""
    assert_history_ends_on(day)
    annual = Plan.objects.get(name="2026年度目标任务")
    assert not Task.objects.filter(plan=annual, due__lt=annual.start).exists()
    assert not Task.objects.filter(plan=annual, light="overdue").exists()
