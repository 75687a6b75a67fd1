"""Exports of a run: the results workbook (results, and every unit's breakdown lines) and the
published 考核结果通报 as an official document (PDF). Same selectors as the pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.documents import official
from luoshi.documents.exporters import INTEGER, NUMBER, Column, Exporter, Sheet
from luoshi.documents.official import OfficialDocument

from . import rules, selectors
from .models import Line, Result, Run


class RunExporter(Exporter):
    """考核结果: sheet 1 the results (group, rank, unit, score, grade, veto, 末位, eligibility,
    coefficient), sheet 2 every breakdown line."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.title = _("%(scheme)s 考核结果（%(v)s）") % {"scheme": run.scheme.name, "v": run.label}
        self.filename = f"{run.scheme.name}-{run.label}"

    def columns(self) -> Sequence[Column]:
        return []

    def rows(self) -> Iterable[Sequence[Any]]:
        return []

    def sheets(self) -> Iterator[Sheet]:
        results = selectors.results(self.run)
        yield Sheet(
            name=_("考核结果"),
            title=str(self.title),
            subtitle=_("数据截至 %(d)s；内容指纹 %(h)s")
            % {"d": self.run.as_of.isoformat(), "h": self.run.content_hash[:16]},
            columns=[
                Column(_("考核类别"), width=16),
                Column(_("名次"), width=6, kind=INTEGER),
                Column(_("单位"), width=26),
                Column(_("得分"), width=10, kind=NUMBER),
                Column(_("等次"), width=8),
                Column(_("一票否决"), width=8),
                Column(_("末位"), width=6),
                Column(_("可评奖"), width=8),
                Column(_("奖励系数"), width=8, kind=NUMBER),
            ],
            rows=(
                [
                    r.group,
                    r.rank,
                    r.unit_name,
                    r.score,
                    r.grade,
                    _("是") if r.veto else "",
                    _("是") if r.bottom else "",
                    _("是") if r.eligible else "",
                    r.coefficient,
                ]
                for r in results
            ),
        )
        names = {r.unit_id: r.unit_name for r in results}
        lines = (
            Line.objects.filter(run=self.run)
            .order_by("unit_id", "position")
            .values_list("unit_id", "indicator", "points", "reason", "link")
        )
        yield Sheet(
            name=_("得分明细"),
            title=_("得分明细"),
            columns=[
                Column(_("单位"), width=26),
                Column(_("指标"), width=30),
                Column(_("分值"), width=10, kind=NUMBER),
                Column(_("说明"), width=70, wrap=True),
                Column(_("依据链接"), width=30),
            ],
            rows=(
                [names.get(u, ""), ind, pts, reason, link] for u, ind, pts, reason, link in lines.iterator()
            ),
        )


def bulletin_document(run: Run) -> OfficialDocument:
    """考核结果通报: the scheme, the grades per group, vetoes and 末位."""
    results: list[Result] = selectors.results(run)
    day = timezone.localdate(run.published_at) if run.published_at else run.as_of
    doc = OfficialDocument(
        masthead=_("考核工作领导小组办公室文件"),
        number=_("考〔%(y)s〕%(n)s号") % {"y": day.year, "n": run.pk},
        title=_("关于%(scheme)s结果的通报") % {"scheme": run.scheme.name},
        recipient=_("各有关单位"),
        date_cn=official.date_cn(day),
        signer=_("考核工作领导小组办公室"),
    )
    doc.para(
        _("根据%(scheme)s，经计算（数据截至%(d)s，%(v)s），现将考核结果通报如下。")
        % {"scheme": run.scheme.name, "d": official.date_cn(run.as_of), "v": run.label}
    )
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.group, []).append(r)
    for n, (group, rows) in enumerate(groups.items(), start=1):
        doc.heading(f"{_chinese(n)}、{group}")
        by_grade: dict[str, list[str]] = {}
        for r in rows:
            by_grade.setdefault(r.grade or _("未定等次"), []).append(f"{r.unit_name}（{rules.fmt(r.score)}）")
        for grade, names in by_grade.items():
            doc.para(f"{grade}：{'、'.join(names)}")
        vetoed = [r.unit_name for r in rows if r.veto]
        if vetoed:
            doc.para(_("一票否决：%(u)s") % {"u": "、".join(vetoed)})
        bottom = [r.unit_name for r in rows if r.bottom]
        if bottom:
            doc.para(_("末位：%(u)s") % {"u": "、".join(bottom)})
    if run.appeal_until:
        doc.para(
            _("对考核结果有异议的，请于%(d)s前通过系统提出申诉。") % {"d": official.date_cn(run.appeal_until)}
        )
    return doc


def _chinese(n: int) -> str:
    digits = "一二三四五六七八九十"
    return digits[n - 1] if 1 <= n <= 10 else str(n)


def bulletin_pdf(run: Run) -> bytes:
    return official.render_pdf(bulletin_document(run))
