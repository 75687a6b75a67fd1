"""The "一张表" ledger (任务台账) of any filtered task list, as xlsx or csv.

The rows are exactly `TaskFilter(request.GET, user=…).qs`, the queryset behind the list page and the
API, so the three always agree and visibility is decided in one place. Joins and the latest report
are done in SQL; co-units (配合单位) are read with one extra query per chunk of rows, never per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from luoshi.work.models import Light, Report, TaskUnit

from .exporters import DATE, PERCENT, Column, Exporter

CHUNK = 2000
EXCERPT = 60


def _label(short: str | None, name: str | None) -> str:
    return short or name or ""


class LedgerExporter(Exporter):
    """任务台账: task, lead unit, co-units, leader, person, due, expected, actual, light, last report."""

    filename = "ledger"

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        plan_name: str = "",
        user_name: str = "",
        now: datetime | None = None,
    ) -> None:
        self.queryset = queryset
        self.plan_name = plan_name
        now = timezone.localtime(now or timezone.now())
        self.title = _("%(plan)s任务台账（一张表）") % {"plan": plan_name}
        self.subtitle = _("导出时间：%(t)s　导出人：%(u)s") % {
            "t": now.strftime("%Y-%m-%d %H:%M"),
            "u": user_name,
        }
        self.sheet_name = _("任务台账")
        self.filename = f"ledger-{now:%Y%m%d-%H%M}"

    def columns(self) -> Sequence[Column]:
        return [
            Column(pgettext("表头", "任务"), width=46, wrap=True),
            Column(_("牵头单位"), width=16, wrap=True),
            Column(_("配合单位"), width=24, wrap=True),
            Column(_("责任领导"), width=10),
            Column(_("责任人"), width=10),
            Column(_("完成时限"), width=12, kind=DATE),
            Column(_("均衡进度"), width=10, kind=PERCENT),
            Column(_("实际进度"), width=10, kind=PERCENT),
            Column(_("亮灯"), width=10),
            Column(_("最近填报"), width=48, wrap=True),
        ]

    def _values(self) -> Iterator[tuple[Any, ...]]:
        latest = Report.objects.effective().filter(task_id=OuterRef("pk")).order_by("-reported_on", "-id")
        qs = self.queryset.annotate(
            last_on=Subquery(latest.values("reported_on")[:1]),
            last_text=Subquery(
                latest.annotate(excerpt=Substr("narrative", 1, EXCERPT + 1)).values("excerpt")[:1]
            ),
        ).values_list(
            "id",
            "title",
            "lead_unit__short_name",
            "lead_unit__name",
            "responsible_leader__name",
            "responsible_person__name",
            "due",
            "expected_pct",
            "actual_pct",
            "light",
            "last_on",
            "last_text",
        )
        rows: Iterator[tuple[Any, ...]] = qs.iterator(chunk_size=CHUNK)
        return rows

    def rows(self) -> Iterator[Sequence[Any]]:
        lights = {k: str(v) for k, v in Light.choices}
        values = self._values()
        while True:
            chunk = list(islice(values, CHUNK))
            if not chunk:
                return
            co_units: dict[int, list[str]] = defaultdict(list)
            for task_id, short, name in (
                TaskUnit.objects.filter(task_id__in=[r[0] for r in chunk])
                .order_by("task_id", "id")
                .values_list("task_id", "unit__short_name", "unit__name")
            ):
                co_units[task_id].append(_label(short, name))
            for tid, title, short, name, leader, person, due, exp, act, light, last_on, text in chunk:
                last = ""
                if last_on is not None:
                    text = (text or "").replace("\r", " ").replace("\n", " ").strip()
                    if len(text) > EXCERPT:
                        text = text[:EXCERPT] + "…"
                    last = f"{last_on:%Y-%m-%d} {text}".strip()
                yield (
                    title,
                    _label(short, name),
                    "、".join(co_units.get(tid, ())),
                    leader or "",
                    person or "",
                    due,
                    exp,
                    act,
                    lights.get(light, light),
                    last,
                )
