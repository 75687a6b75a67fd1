"""Exports of ratings: a round's results (per panel and unit, with each item) and the token links of
a round's unanswered ballots (for sending by hand). Same selectors as the pages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.documents.exporters import INTEGER, NUMBER, PERCENT, Column, Exporter

from . import selectors
from .models import RatingRound
from .services import Issued


def insufficient_label() -> str:
    return _("样本不足")


class ResultsExporter(Exporter):
    """评议结果: one row per panel and rated unit; scores to two decimals, 样本不足 where too few."""

    def __init__(self, rnd: RatingRound, results: selectors.RoundResults, items: list[str]) -> None:
        self.round, self.results, self.items = rnd, results, items
        self.title = _("%(name)s 评议结果") % {"name": rnd.name}
        self.subtitle = _(
            "最少有效票 %(m)s 张；去掉一个最高分和一个最低分（3 票及以上）；不满意率超过 %(v)s%% 为服务否决"
        ) % {"m": rnd.minimum_responses, "v": rnd.veto_percent}
        self.sheet_name = _("评议结果")
        self.filename = f"{rnd.name}-{_('评议结果')}"

    def columns(self) -> Sequence[Column]:
        return [
            Column(_("评议组"), width=14),
            Column(_("被评议单位"), width=24),
            Column(_("有效票"), width=8, kind=INTEGER),
            Column(_("得分"), width=10, kind=NUMBER),
            *[Column(text, width=12, kind=NUMBER) for text in self.items],
            Column(_("不满意率"), width=10, kind=PERCENT),
            Column(_("服务否决"), width=10),
            Column(_("说明"), width=12),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        for u in self.results.units:
            yield [
                u.panel,
                u.unit,
                u.ballots,
                u.score,
                *[i.score for i in u.items],
                u.unsatisfied_percent,
                _("否决") if u.veto else "",
                insufficient_label() if u.insufficient else "",
            ]


class LinksExporter(Exporter):
    """评议链接: the links just issued, one row per rater, to send by hand (短信、微信)."""

    def __init__(self, rnd: RatingRound, issued: list[Issued], link_base: str) -> None:
        self.round, self.issued, self.link_base = rnd, issued, link_base
        self.title = _("%(name)s 评议链接") % {"name": rnd.name}
        closes = timezone.localtime(rnd.closes).strftime("%Y-%m-%d %H:%M")
        self.subtitle = _("截止 %(c)s；每个链接只能提交一次，重新发放后旧链接失效") % {"c": closes}
        self.sheet_name = _("评议链接")
        self.filename = f"{rnd.name}-{_('评议链接')}"

    def columns(self) -> Sequence[Column]:
        return [
            Column(_("评议组"), width=14),
            Column(_("评议人"), width=28),
            Column(_("联系人及电话"), width=22),
            Column(_("评议链接"), width=70),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        for i in self.issued:
            b = i.ballot
            yield [b.panel.name, b.rater.name, b.rater.contact, f"{self.link_base}{i.token}/"]
