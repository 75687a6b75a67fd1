"""The export of a peer group's ranking (对标排名) as .xlsx: the same `selectors.ranking` as the page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from luoshi.documents.exporters import INTEGER, NUMBER, PERCENT, Column, Exporter

from . import selectors


class RankingExporter(Exporter):
    """One row per member: rank, value, the rank a year before, movement, gaps, source."""

    def __init__(self, result: selectors.Ranking) -> None:
        self.result = result
        ind = result.indicator
        self.title = _("%(g)s %(p)s %(i)s 对标排名") % {
            "g": result.group.name,
            "p": result.period.label(),
            "i": ind.name,
        }
        self.subtitle = _("单位：%(u)s；排名变化与 %(prev)s 比较；差距为正表示领先") % {
            "u": ind.unit_label,
            "prev": result.previous.label(),
        }
        self.sheet_name = _("对标排名")
        self.filename = f"{result.group.name}-{result.period.label()}-{ind.name}"

    def columns(self) -> Sequence[Column]:
        return [
            Column(_("排名"), width=6, kind=INTEGER),
            Column(_("地区"), width=16),
            Column(_("行政区划代码"), width=12),
            Column(self.result.indicator.heading, width=16, kind=NUMBER),
            Column(_("上期排名"), width=8, kind=INTEGER),
            Column(_("排名变化"), width=8, kind=INTEGER),
            Column(_("与第一差距"), width=12, kind=NUMBER),
            Column(_("与第一差距（%）"), width=12, kind=PERCENT),
            Column(_("与标杆差距"), width=12, kind=NUMBER),
            Column(_("与标杆差距（%）"), width=12, kind=PERCENT),
            Column(_("备注"), width=10),
            Column(_("来源"), width=40),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        for line in self.result.lines:
            note = _("本区") if line.is_home else _("标杆") if line.is_benchmark else ""
            yield [
                line.rank,
                line.label,
                line.region.code,
                line.value,
                line.previous_rank,
                line.movement,
                line.to_leader.absolute if line.to_leader else None,
                line.to_leader.percent if line.to_leader else None,
                line.to_benchmark.absolute if line.to_benchmark else None,
                line.to_benchmark.percent if line.to_benchmark else None,
                note,
                line.source,
            ]
