"""`luoshi import-stats FILE [--period 2024] [--within CODE] [--dry-run]`: a published statistics
table (.csv/.xlsx) into benchmark values; a file with any refused row writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.benchmark import importer, rules
from luoshi.benchmark.models import Region
from luoshi.errors import LuoshiError
from luoshi.imports.management.commands._common import actor_for, in_site_language


class Command(BaseCommand):
    help = "Import a statistics table (.xlsx/.csv) of regions' indicators; any error writes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--period", default="", help="the period of a table without one (2024, 2025年前三季度)"
        )
        parser.add_argument(
            "--within", default="", help="division code of the parent region names fall under"
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file; write nothing")
        parser.add_argument("--as", dest="username", help="record the import under this user")

    @in_site_language
    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            period = rules.parse_period(opts["period"]) if opts["period"] else None
        except rules.Unreadable as exc:
            raise CommandError(str(exc)) from exc
        within = None
        if opts["within"]:
            within = Region.objects.filter(code=opts["within"]).first()
            if within is None:
                raise CommandError(f"no such division code: {opts['within']}")
        data = path.read_bytes()
        try:
            if opts["dry_run"]:
                parsed = importer.preview(data=data, filename=path.name, period=period, within=within)
                for note in parsed.notes:
                    self.stdout.write(f"note: {note}\n")
                for e in parsed.errors:
                    self.stderr.write(f"{e}\n")
                if parsed.errors:
                    raise CommandError(f"refused: {len(parsed.errors)} error(s); nothing was written")
                self.stdout.write(f"would import {parsed.values} values from {len(parsed.rows)} rows\n")
                return
            done = importer.stats_import(
                actor=actor_for(opts["username"]), data=data, filename=path.name, period=period, within=within
            )
        except LuoshiError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{done.rows} rows: {done.created} values created, {done.updated} updated ({', '.join(done.periods)})\n"
        )
