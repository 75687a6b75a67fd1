"""Supervision's facts for assessment (`luoshi.assessment.events`): notices a unit received in the
period, 督办 and 通报 as two kinds; one query each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.assessment.events import Collect, EventRow, register_source

from .models import Notice
from .rules import Level

KINDS = {Level.SUPERVISE: "supervision.supervise", Level.BULLETIN: "supervision.bulletin"}


def _notices(level: Level) -> Collect:
    def collect(unit_ids: Sequence[int], start: date, end: date) -> list[EventRow]:
        rows = (
            Notice.objects.filter(unit_id__in=unit_ids, level=level, issued_on__gte=start, issued_on__lte=end)
            .order_by("unit_id", "issued_on", "pk")
            .values_list("pk", "unit_id", "item_id", "item__title", "year", "seq", "issued_on")
        )
        label = _("督办") if level == Level.SUPERVISE else _("通报")
        return [
            EventRow(
                unit_id=unit_id,
                kind=KINDS[level],
                occurred_on=issued_on,
                value=Decimal(1),
                text=_("收到%(label)s 督〔%(year)s〕%(seq)s号：%(title)s")
                % {"label": label, "year": year, "seq": seq, "title": title},
                link=reverse("supervision:item", args=[item_id]),
                ref=f"supervision.Notice:{pk}",
            )
            for pk, unit_id, item_id, title, year, seq, issued_on in rows
        ]

    return collect


def register() -> None:
    register_source(KINDS[Level.SUPERVISE], gettext_lazy("收到督办"), _notices(Level.SUPERVISE))
    register_source(KINDS[Level.BULLETIN], gettext_lazy("被通报"), _notices(Level.BULLETIN))
