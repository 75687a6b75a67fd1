"""Exports of the three lists (问题清单 / 任务清单 / 责任清单) of a round, as xlsx and csv: the same
selectors as the pages, so a page and its export always agree."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.documents.exporters import DATE, INTEGER, NUMBER, PERCENT, Column, Exporter

from . import selectors
from .models import ProblemKind, Round, StageChoice

STATE_LABELS = {
    "done": gettext_lazy("已完成"),
    "in_progress": gettext_lazy("整改中"),
    "not_done": gettext_lazy("未完成"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


class _RoundExporter(Exporter):
    list_name: Any = ""

    def __init__(self, rnd: Round, *, user: Any, today: date) -> None:
        self.round, self.user, self.today = rnd, user, today
        name = str(self.list_name)
        self.title = f"{rnd.name} {name}"
        self.subtitle = _("截至 %(d)s") % {"d": today.isoformat()}
        self.sheet_name = name
        self.filename = f"{rnd.name}-{name}"


class ProblemListExporter(_RoundExporter):
    """问题清单: one row per problem."""

    list_name = gettext_lazy("问题清单")

    def columns(self) -> Sequence[Column]:
        return [
            Column(_("序号"), width=8),
            Column(_("问题"), width=50, wrap=True),
            Column(_("类别"), width=12),
            Column(_("责任单位"), width=20),
            Column(_("牵头领导"), width=10),
            Column(_("整改类型"), width=10),
            Column(_("长效机制"), width=30, wrap=True),
            Column(_("整改时限"), width=12, kind=DATE),
            Column(_("销号进度"), width=14),
            Column(_("整改状态"), width=10),
            Column(_("措施数"), width=8, kind=INTEGER),
            Column(_("涉及金额（万元）"), width=12, kind=NUMBER),
            Column(_("挽回金额（万元）"), width=12, kind=NUMBER),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        kinds = dict(ProblemKind.choices)
        stages = dict(StageChoice.choices)
        for p in selectors.problem_list(self.round, user=self.user, today=self.today):
            yield [
                p.number,
                p.text,
                p.category,
                p.responsible_unit.name,
                p.responsible_leader.name if p.responsible_leader else "",
                str(kinds[p.kind]),
                p.mechanism,
                p.deadline,
                str(stages[p.stage]),
                state_label(p.state),  # type: ignore[attr-defined]
                p.measure_count,  # type: ignore[attr-defined]
                p.money_involved,
                p.money_recovered,
            ]


class TaskListExporter(_RoundExporter):
    """任务清单: one row per measure (a task of the engine)."""

    list_name = gettext_lazy("任务清单")

    def columns(self) -> Sequence[Column]:
        return [
            Column(_("编号"), width=8),
            Column(_("整改措施"), width=50, wrap=True),
            Column(_("问题序号"), width=8),
            Column(_("牵头单位"), width=20),
            Column(_("责任领导"), width=10),
            Column(_("开始日期"), width=12, kind=DATE),
            Column(_("完成时限"), width=12, kind=DATE),
            Column(_("状态"), width=10),
            Column(_("亮灯"), width=10),
            Column(_("实际进度"), width=10, kind=PERCENT),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        for m in selectors.task_list(self.round, user=self.user):
            t = m.task
            yield [
                t.code,
                t.title,
                m.problem.number,
                t.lead_unit.name,
                t.responsible_leader.name if t.responsible_leader else "",
                t.start,
                t.due,
                str(t.get_status_display()),
                str(t.get_light_display()),
                t.actual_pct,
            ]


class DutyListExporter(_RoundExporter):
    """责任清单: per responsible unit and lead leader, what they answer for and how far it is."""

    list_name = gettext_lazy("责任清单")

    def columns(self) -> Sequence[Column]:
        return [
            Column(_("责任单位"), width=24),
            Column(_("牵头领导"), width=10),
            Column(_("问题数"), width=8, kind=INTEGER),
            Column(_("已完成"), width=8, kind=INTEGER),
            Column(_("整改中"), width=8, kind=INTEGER),
            Column(_("未完成"), width=8, kind=INTEGER),
            Column(_("完成率"), width=10, kind=PERCENT),
            Column(_("最近整改时限"), width=12, kind=DATE),
            Column(_("涉及金额（万元）"), width=12, kind=NUMBER),
            Column(_("挽回金额（万元）"), width=12, kind=NUMBER),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        for row in selectors.responsibility_list(self.round, user=self.user, today=self.today):
            s = row["summary"]
            yield [
                row["unit"],
                row["leader"],
                s.total,
                s.done,
                s.in_progress,
                s.not_done,
                s.rate,
                row["next_deadline"],
                s.money_involved,
                s.money_recovered,
            ]


EXPORTERS: dict[str, type[_RoundExporter]] = {
    "problems": ProblemListExporter,
    "tasks": TaskListExporter,
    "duties": DutyListExporter,
}
