"""The audit trail as a table (xlsx or csv) for the audit admin, and as the archive a retention
purge writes before it deletes anything."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from luoshi.documents.exporters import Column, Exporter

from .actions import describe
from .models import NO_REGION, Entry


def region_names() -> dict[int, str]:
    """Region id -> the name its chain is shown by: the region unit's name and id (region 0, entries
    written before the install had a unit, is 未分区)."""
    from luoshi.org.models import Unit

    names = {
        pk: f"{name} ({pk})" for pk, name in Unit.objects.filter(pk=F("region_id")).values_list("pk", "name")
    }
    return names | {NO_REGION: _("未分区")}


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


class EntryExporter(Exporter):
    filename = "audit-trail"
    sheet_name = "audit"

    def __init__(self, entries: QuerySet[Entry], *, language: str = "zh-hans") -> None:
        self.entries = entries
        self.language = language
        self.title = _("审计日志")

    def columns(self) -> Sequence[Column]:
        return [
            Column(_("区域"), width=16),
            Column(_("序号"), width=10),
            Column(_("记录编号"), width=10),
            Column(_("时间"), width=20),
            Column(_("操作人"), width=14),
            Column(_("操作代码"), width=28),
            Column(_("操作"), width=20),
            Column(_("对象类型"), width=18),
            Column(_("对象编号"), width=10),
            Column(_("对象"), width=30),
            Column(_("来源地址"), width=16),
            Column(_("修改前"), width=30),
            Column(_("修改后"), width=30),
            Column(_("数据"), width=30),
            Column("MAC", width=20),
            Column(_("前一哈希"), width=20),
            Column(_("哈希"), width=20),
        ]

    def rows(self) -> Iterable[Sequence[Any]]:
        names = region_names()
        fields = (
            "region_id", "seq", "id", "at", "actor_name", "action", "object_type", "object_id", "object_repr",
            "client_address", "before", "after", "data", "mac", "prev_hash", "hash",
        )  # fmt: skip
        # each region's chain in its order (a region numbers its own entries: docs/scaling.md)
        qs = self.entries.order_by("region_id", F("seq").asc(nulls_last=True), "id").values_list(*fields)
        for (
            region,
            seq,
            pk,
            at,
            actor,
            action,
            otype,
            oid,
            orepr,
            addr,
            before,
            after,
            data,
            mac,
            prev,
            h,
        ) in qs.iterator(chunk_size=2000):
            yield [
                names.get(region, str(region)), "" if seq is None else str(seq), str(pk), at.isoformat(), actor, action,
                describe(action, self.language), otype, oid, orepr, addr,
                _json(before), _json(after), _json(data), mac, prev, h,
            ]  # fmt: skip
