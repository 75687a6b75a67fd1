"""Retention (保存期限): entries are kept at least LUOSHI_AUDIT_RETENTION_DAYS (≥ 180) days. A purge
of older ones writes them to an archive first (csv, the same columns as the export), keeps the
hash of the last one removed (so the chain still starts somewhere the key vouches for) and is
itself an audit entry. Each region's chain is purged on its own (`audit_purge` carries the region):
one `Purge` per region that had entries that old."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.documents.exporters import write_csv
from luoshi.errors import Conflict, InvalidField

from . import chain, keys
from .exporters import EntryExporter
from .models import Entry, Purge
from .sequencer import chain_pending, head
from .services import record
from .verify import check_entries, regions_on_record


def earliest_allowed_cutoff(now: datetime | None = None) -> datetime:
    """Entries older than this may be purged; nothing younger, ever."""
    return (now or timezone.now()) - timedelta(days=int(settings.LUOSHI_AUDIT_RETENTION_DAYS))


def purge(*, older_than: datetime, archive: Path, actor: Any = None) -> Purge | None:
    """Remove the chained entries written before `older_than` from every region's chain (the oldest
    first, never a region's newest entry), after writing them to `archive`. Refused for a cut-off
    inside the retention period, on a trail that does not verify, and onto an existing archive file.
    The purge of the last region done (`purges` for all), or None when nothing is that old."""
    done = purges(older_than=older_than, archive=archive, actor=actor)
    return done[-1] if done else None


def _through(region: int, older_than: datetime) -> int | None:
    """The last seq of the region's chain to remove: before the first entry younger than the
    cut-off, and never the region's newest; None when nothing goes."""
    newest, _h = head(region)
    chained = Entry.objects.filter(region_id=region, seq__isnull=False)
    younger = chained.filter(at__gte=older_than).order_by("seq").values_list("seq", flat=True).first()
    through = min(newest - 1, (younger - 1) if younger is not None else newest)
    first = chained.order_by("seq").values_list("seq", flat=True).first()
    return None if first is None or through < first else through


def purges(*, older_than: datetime, archive: Path, actor: Any = None) -> list[Purge]:
    """`purge`, returning one `Purge` per region whose chain lost entries (region order)."""
    limit = earliest_allowed_cutoff()
    if older_than > limit:
        raise InvalidField(
            _("审计记录至少保存 %(days)s 天：只能清理 %(date)s 之前的记录。")
            % {
                "days": settings.LUOSHI_AUDIT_RETENTION_DAYS,
                "date": timezone.localtime(limit).strftime("%Y-%m-%d"),
            },
            field="older_than",
        )
    if archive.exists():
        raise InvalidField(_("归档文件已存在，不会覆盖：%(path)s") % {"path": archive}, field="archive")
    chain_pending()
    with transaction.atomic():
        broken = check_entries()
        if broken is not None:
            raise Conflict(_("审计记录校验未通过，不能清理：%(reason)s") % {"reason": str(broken)})
        cuts = {r: t for r in regions_on_record() if (t := _through(r, older_than)) is not None}
        if not cuts:
            return []
        which = Q()
        for region, through in cuts.items():
            which |= Q(region_id=region, seq__lte=through)
        removed_qs = Entry.objects.filter(which, seq__isnull=False).order_by("region_id", "seq")
        archive.parent.mkdir(parents=True, exist_ok=True)
        with open(archive, "x", encoding="utf-8", newline="") as f:
            write_csv(EntryExporter(removed_qs), f)
        archive_sm3 = chain.sm3_hex(archive.read_bytes())
        done = []
        for region, through in sorted(cuts.items()):
            in_region = Entry.objects.filter(region_id=region, seq__isnull=False, seq__lte=through)
            p = Purge(
                region_id=region,
                through_seq=through,
                through_hash=Entry.objects.values_list("hash", flat=True).get(region_id=region, seq=through),
                older_than=older_than,
                at=timezone.now(),
                removed=in_region.count(),
                archive_sm3=archive_sm3,
            )
            p.mac = chain.hmac_sm3(keys.chain_key(), b"purge|" + chain.canonical(p.content()))
            p.save()
            with connection.cursor() as cur:
                cur.execute(
                    f"DELETE FROM {Entry._meta.db_table} WHERE region_id = %s AND seq IS NOT NULL AND seq <= %s",
                    [region, through],
                )
            record(
                p,
                "audit.trail.purged",
                actor=actor,
                data={
                    "region": region,
                    "through_seq": through,
                    "removed": p.removed,
                    "older_than": older_than,
                    "archive_sm3": p.archive_sm3,
                },
            )
            done.append(p)
    return done
