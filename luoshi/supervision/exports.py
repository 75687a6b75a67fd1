"""The escalated items (催办 and above) as a workbook: the same selector as the list page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from luoshi.documents.exporters import DATE, INTEGER, Column, Exporter

from . import selectors


class EscalatedExporter(Exporter):
    def __init__(self, user: Any, today: date) -> None:
        self.user = user
        self.title = _("升级督办事项")
        self.subtitle = _("截至 %(d)s") % {"d": today.isoformat()}
        self.sheet_name = _("升级督办事项")
        self.filename = f"supervision-escalated-{today:%Y%m%d}"

    def columns(self) -> Sequence[Column]:
        return [
            Column(_("编号"), width=8, kind=INTEGER),
            Column(_("督办事项"), width=40, wrap=True),
            Column(_("来源"), width=10),
            Column(_("牵头单位"), width=18),
            Column(_("承办单位"), width=18),
            Column(_("督办层级"), width=8),
            Column(_("办结时限"), width=12, kind=DATE),
            Column(_("最近文号"), width=16),
            Column(_("印发日期"), width=12, kind=DATE),
            Column(_("反馈时限"), width=12, kind=DATE),
            Column(_("状态"), width=8),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        return selectors.escalated_rows(self.user)
