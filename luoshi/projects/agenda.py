"""The key projects' agenda source (议题来源) for dispatch meetings (调度会).

Registered from `ProjectsConfig.ready` as `meetings.agenda.register("projects", candidates)`. For a
series whose scope holds key projects (the projects it names, and with `unit_projects` every project
led by a unit in its scope), it proposes the projects that need attention on the meeting day
(`selectors.projects_needing_attention`: red for investment or a missed stage date, stuck in a stage,
open problems). An agenda item points to a task, so a project is raised through its carrying task
(项目推进任务, `Project.task`, made by `services.project_tasks_ensure`); a project without one is not
raised. Read only, a fixed number of queries (seven) whatever the number of projects.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.lib.ids import id_array
from luoshi.work.rules import HUNDRED

from . import rules, selectors
from .models import Project

if TYPE_CHECKING:
    from luoshi.meetings.agenda import Candidate
    from luoshi.meetings.models import MeetingSeries

LABELS = {
    rules.INVESTMENT: _("投资滞后"),
    rules.STAGE_MISSED: _("节点逾期"),
    rules.STUCK: _("久滞不前"),
    rules.PROBLEMS: _("问题未解决"),
}


def scope(series: MeetingSeries) -> QuerySet[Project]:
    """The series' projects (none when its scope names no project and `unit_projects` is off)."""
    from luoshi.meetings.agenda import scope_unit_ids

    named = Q(pk__in=series.projects.values("pk"))
    if not series.unit_projects:
        return Project.objects.filter(named)
    unit_ids = scope_unit_ids(series)
    if not unit_ids:
        return Project.objects.all()
    return Project.objects.filter(named | Q(lead_unit_id__in_ids=id_array(unit_ids)))


def candidates(series: MeetingSeries, on: date) -> list[Candidate]:
    """Projects of the series' scope needing attention on `on`, each through its carrying task (if
    it is neither closed nor cancelled), with the project's figures: its light, investment completed
    against the time-proportional expectation, and the carrying task's due date."""
    from luoshi.meetings.agenda import Candidate
    from luoshi.work.models import Status, Task

    listed = [
        a
        for a in selectors.projects_needing_attention(scope(series).values_list("pk", flat=True), on)
        if a.project.task_id
    ]
    tasks = {
        pk: (title, lead_unit_id, due)
        for pk, title, lead_unit_id, due in Task.objects.filter(
            pk__in_ids=id_array([a.project.task_id for a in listed])
        )
        .exclude(status__in=[Status.CLOSED, Status.CANCELLED])
        .values_list("pk", "title", "lead_unit_id", "due")
    }
    out: list[Candidate] = []
    for a in listed:
        task = tasks.get(a.project.task_id or 0)
        if task is None:
            continue
        s = a.standing
        out.append(
            Candidate(
                task_id=a.project.task_id or 0,
                reasons=tuple(a.reasons),
                title=task[0],
                lead_unit_id=task[1],
                light=s.light,
                actual_pct=min(s.rate, HUNDRED) if s.rate is not None else Decimal(0),
                expected_pct=s.expected,
                due=task[2],
            )
        )
    return out
