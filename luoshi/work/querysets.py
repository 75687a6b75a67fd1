"""Who sees what of the task engine: one `visible_to(user)` per model that a page, the API or an
export lists, all built on `org.access.context_for(user)`. Hidden is 404, read-only is 403.

The querysets name the other models through the app registry (`_model`), so this module and
`models.py` do not import each other.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from luoshi.org.access import context_for

from .choices import NOT_COUNTED, PUBLIC_STATUSES, ClaimState, ReportState

if TYPE_CHECKING:  # the models name these querysets, so only the type checker imports them back
    from .models import (  # noqa: F401
        Claim,
        Evidence,
        LightCount,
        LockedPeriod,
        Milestone,
        Plan,
        Report,
        Task,
    )


def _model(name: str) -> Any:
    return apps.get_model("work", name)


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: Any) -> PlanQuerySet:
        """The supervision office sees every plan; others the plans holding a task they may see."""
        if context_for(user).sees_everything:
            return self.all()
        tasks = _model("Task").objects.visible_to(user).filter(plan_id=OuterRef("pk"))
        return self.filter(Exists(tasks))


# Past this many co-unit tasks (a leader over a large portfolio) the ids stay a subquery.
CO_TASK_IDS_MAX = 5000


class TaskQuerySet(models.QuerySet["Task"]):
    def counted(self) -> TaskQuerySet:
        """The tasks every count of a plan counts (统计口径): work items (末级任务), that is tasks that are
        neither draft nor cancelled and have no child that is neither, so a goal and its decomposed
        tasks are never counted twice. Dashboard, plan pages, bulletin, ledger and API all use it."""
        live_children = (
            _model("Task").objects.filter(parent_id=OuterRef("pk")).exclude(status__in=NOT_COUNTED)
        )
        return self.exclude(status__in=NOT_COUNTED).filter(~Exists(live_children))

    def visible_to(self, user: Any) -> TaskQuerySet:
        """Officers see all; others see tasks of their units and portfolio, or where named; all: public."""
        ctx = context_for(user)
        if ctx.sees_everything:
            return self.all()
        public = Q(is_public=True, status__in=PUBLIC_STATUSES)
        if not (user is not None and user.is_authenticated):
            return self.filter(public)
        # Plain indexable conditions. A correlated EXISTS for co-units probed the index once per task
        # of the province (319 ms for a reporter's list page); a UNION of every part was no better
        # with 29,000 public tasks; `id IN (subquery)` made PostgreSQL scan every task.
        cond: Any = public
        scope = ctx.scope_unit_ids
        if scope:
            # Co-unit tasks as a list of ids, fetched first: then every arm of the OR is an index
            # scan and PostgreSQL combines them (BitmapOr) instead of testing every task.
            co_tasks: Any = _model("TaskUnit").objects.order_by().filter(unit_id__in=scope).values("task_id")
            ids = list(co_tasks.distinct()[: CO_TASK_IDS_MAX + 1].values_list("task_id", flat=True))
            cond |= Q(lead_unit_id__in=scope) | Q(pk__in=ids if len(ids) <= CO_TASK_IDS_MAX else co_tasks)
        if ctx.person_id is not None:
            cond |= Q(responsible_leader_id=ctx.person_id) | Q(responsible_person_id=ctx.person_id)
        return self.filter(cond)

    def reportable_by(self, user: Any) -> TaskQuerySet:
        """Tasks the user may file reports for: reporters and heads of the lead or a co-unit."""
        ctx = context_for(user)
        units = ctx.reporter_unit_ids | ctx.head_unit_ids
        if not units:
            return self.none()
        # A few hundred tasks at most: index scans of both parts beat one test per task.
        lead = _model("Task").objects.order_by().filter(lead_unit_id__in=units).values("pk")
        return self.filter(
            pk__in=lead.union(
                _model("TaskUnit").objects.order_by().filter(unit_id__in=units).values("task_id")
            )
        )

    def editable_by(self, user: Any) -> TaskQuerySet:
        """Task fields (not reports) are edited by the supervision office."""
        if context_for(user).is_officer:
            return self.all()
        return self.none()


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: Any) -> ReportQuerySet:
        """Reports of visible tasks. A report not (yet) let through by its unit head — pending or
        returned — is seen only by its author and the people holding a post in that unit itself:
        not upward (leaders, the supervision office, a parent unit) until the head approves it."""
        ctx = context_for(user)
        if ctx.superuser:
            return self.all()
        qs = (
            self.all()
            if ctx.sees_everything
            else self.filter(task__in=_model("Task").objects.visible_to(user))
        )
        if not (user is not None and user.is_authenticated):
            return qs.filter(state=ReportState.SUBMITTED)
        return qs.filter(
            Q(state=ReportState.SUBMITTED) | Q(unit_id__in=ctx.post_unit_ids) | Q(author_id=user.pk)
        )

    def effective(self) -> ReportQuerySet:
        """Submitted reports not superseded by a submitted correction: a correction awaiting the unit
        head leaves the report it corrects in force, and a returned one is void."""
        return self.filter(state=ReportState.SUBMITTED).exclude(corrected_by__state=ReportState.SUBMITTED)

    def known_by(self, on: date) -> ReportQuerySet:
        """Reports the office knew at the end of `on` (approved, or entered where no approval is
        needed, by then): what every figure "as of `on`" counts, whenever it is computed."""
        return self.filter(state=ReportState.SUBMITTED, known_on__lte=on)

    def effective_by(self, on: date) -> ReportQuerySet:
        """`effective()` as known at the end of `on`: a correction known later leaves the report it
        corrects in force until then."""
        superseded = self.model.objects.filter(
            corrects=OuterRef("pk"), state=ReportState.SUBMITTED, known_on__lte=on
        )
        return self.known_by(on).exclude(Exists(superseded))


class ClaimQuerySet(models.QuerySet["Claim"]):
    def visible_to(self, user: Any) -> ClaimQuerySet:
        """Claims of visible tasks; like a report, one still waiting for the unit head is seen only by
        its author and the people holding a post in that unit."""
        ctx = context_for(user)
        qs = self.filter(task__in=_model("Task").objects.visible_to(user))
        if ctx.superuser:
            return qs
        if not (user is not None and user.is_authenticated):
            return qs.exclude(state=ClaimState.PENDING)
        return qs.filter(
            ~Q(state=ClaimState.PENDING) | Q(unit_id__in=ctx.post_unit_ids) | Q(author_id=user.pk)
        )


class MilestoneQuerySet(models.QuerySet["Milestone"]):
    def visible_to(self, user: Any) -> MilestoneQuerySet:
        """Milestones (时间节点) of the tasks the user may see."""
        if context_for(user).sees_everything:
            return self.all()
        return self.filter(task__in=_model("Task").objects.visible_to(user))


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def visible_to(self, user: Any) -> EvidenceQuerySet:
        """Evidence files (佐证材料) of the reports and claims the user may see."""
        return self.filter(
            Q(report__in=_model("Report").objects.visible_to(user))
            | Q(claim__in=_model("Claim").objects.visible_to(user))
        )


class LockedPeriodQuerySet(models.QuerySet["LockedPeriod"]):
    def visible_to(self, user: Any) -> LockedPeriodQuerySet:
        """Locked reporting periods (锁定填报期) of the plans the user may see."""
        if context_for(user).sees_everything:
            return self.all()
        return self.filter(plan__in=_model("Plan").objects.visible_to(user))


class LightCountQuerySet(models.QuerySet["LightCount"]):
    def visible_to(self, user: Any) -> LightCountQuerySet:
        """Daily light counts (trend charts) of the units the user may see tasks of."""
        ctx = context_for(user)
        if ctx.sees_everything:
            return self.all()
        return self.filter(unit_id__in=ctx.scope_unit_ids)
