from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luoshi.audit import anchor, keys
from luoshi.audit.sequencer import chain_pending
from luoshi.errors import LuoshiError
from luoshi.lib.env import ConfigError

HELP = """Audit trail tools:
  verify                 check each region's chain, the entries not chained yet and the last signed checkpoint
  chain                  chain the committed entries not chained yet (the sequencer, region by region)
  checkpoint             write a signed checkpoint to LUOSHI_AUDIT_ANCHOR_DIR now
  keygen DIR             write a new Ed25519 key pair for the checkpoints into DIR
  export FILE            the trail as .xlsx or .csv (by the file's suffix)
  purge --older-than D --archive FILE   remove entries older than D (past retention) after archiving them"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "chain", "checkpoint", "keygen", "export", "purge"])
        parser.add_argument("path", nargs="?", default="")
        parser.add_argument("--older-than", default="", help="purge: a date, YYYY-MM-DD")
        parser.add_argument("--archive", default="", help="purge: the csv file the removed entries go to")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"])(options)
        except LuoshiError as exc:
            raise CommandError(exc.message) from exc
        except (ConfigError, anchor.BadCheckpoint) as exc:
            raise CommandError(str(exc)) from exc

    def _verify(self, options: dict[str, Any]) -> None:
        report = anchor.verify_trail()
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        for region in report.regions:
            self.stdout.write(
                f"{region.label}: {'BROKEN' if region.problem else 'OK'}, {region.entries} entries "
                f"({region.entries - region.unchained} chained, {region.unchained} not chained yet)"
            )
        if report.problem is not None:
            raise CommandError(f"audit chain {report.problem}")
        cp = report.checkpoint
        against = f"; matches checkpoint {cp.name} ({cp.count} entries)" if cp else ""
        self.stdout.write(
            f"audit chain OK: {report.entries} entries verified "
            f"({report.entries - report.unchained} chained, {report.unchained} not chained yet)"
            f" in {len(report.regions)} region chain(s){against}"
        )

    def _chain(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"chained {chain_pending()} entries")

    def _checkpoint(self, options: dict[str, Any]) -> None:
        cp = anchor.write_checkpoint()
        self.stdout.write(f"checkpoint {cp.name}: {cp.count} entries in {len(cp.regions)} regions")

    def _keygen(self, options: dict[str, Any]) -> None:
        if not options["path"]:
            raise CommandError("keygen needs the directory to write the key pair into")
        private, public = keys.generate(Path(options["path"]))
        self.stdout.write(
            f"wrote {private} (LUOSHI_AUDIT_SIGNING_KEY, keep it secret) and {public} (LUOSHI_AUDIT_VERIFY_KEY)"
        )

    def _export(self, options: dict[str, Any]) -> None:
        from luoshi.audit.exporters import EntryExporter
        from luoshi.audit.models import Entry
        from luoshi.audit.services import record
        from luoshi.documents.exporters import write_csv, write_xlsx

        target = Path(options["path"] or "")
        if target.suffix not in (".xlsx", ".csv"):
            raise CommandError("export needs a file name ending in .xlsx or .csv")
        exporter = EntryExporter(Entry.objects.all())
        if target.suffix == ".xlsx":
            n = write_xlsx(exporter, str(target))
        else:
            with open(target, "w", encoding="utf-8", newline="") as f:
                write_csv(exporter, f)
            n = Entry.objects.count()
        record(None, "audit.trail.exported", data={"format": target.suffix[1:], "rows": n, "by": "console"})
        self.stdout.write(f"exported {n} entries to {target}")

    def _purge(self, options: dict[str, Any]) -> None:
        from luoshi.audit.retention import purges

        if not options["older_than"] or not options["archive"]:
            raise CommandError("purge needs --older-than YYYY-MM-DD and --archive FILE.csv")
        try:
            day = datetime.strptime(options["older_than"], "%Y-%m-%d").date()
        except ValueError as exc:
            raise CommandError(f"--older-than {options['older_than']!r} is not a date (YYYY-MM-DD)") from exc
        cutoff = timezone.make_aware(datetime.combine(day, time.min))
        done = purges(older_than=cutoff, archive=Path(options["archive"]))
        if not done:
            self.stdout.write(
                "nothing to purge: no chained entry is that old (each region's newest entry is always kept)"
            )
            return
        anchor.write_checkpoint()
        for p in done:
            self.stdout.write(
                f"purged {p.removed} entries of region #{p.region_id} through entry {p.through_seq};"
                f" archive {options['archive']}"
            )
