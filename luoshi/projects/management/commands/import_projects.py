"""`luoshi import-projects FILE [--year Y] [--commit] [--reject ROW …]`: a key-project list
(.xlsx/.csv) previewed, and written all or nothing with --commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.errors import LuoshiError
from luoshi.imports.management.commands._common import actor_for, in_site_language
from luoshi.projects import importer, rules


class Command(BaseCommand):
    help = "Preview a key-project list (.xlsx/.csv); --commit writes it, all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--year", type=int, help="the year's rows of a file holding several years")
        parser.add_argument("--commit", action="store_true", help="write the list (default: preview only)")
        parser.add_argument(
            "--reject",
            type=int,
            action="append",
            default=[],
            metavar="ROW",
            help="do not take the proposed drifted-name match of this row (it becomes a new project)",
        )
        parser.add_argument("--as", dest="username", help="record the import under this user")

    @in_site_language
    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        data = path.read_bytes()
        year = opts["year"]
        proposed = importer.proposed_drifts(data, filename=path.name, year=year)
        accept = [n for n in proposed if n not in set(opts["reject"])]
        result = importer.preview(data, filename=path.name, year=year, accept=accept)
        for row in result.rows:
            if row.match == rules.DRIFT:
                self.stdout.write(
                    f"row {row.number}: {row.name} ≈ {row.project_name} (drifted name: confirm or --reject {row.number})\n"
                )
            if row.moves and row.stage_from:
                self.stdout.write(f"row {row.number}: {row.name}: {row.stage_from} → {row.stage}\n")
        for warning in result.warnings:
            self.stdout.write(f"note: {warning}\n")
        for problem in result.problems:
            self.stderr.write(f"ERROR {problem}\n")
        c = result.counts()
        summary = f"{c['rows']} rows: {c['new']} new, {c['same']} same, {c['drift']} drifted, {c['moves']} stage moves"
        if not result.ok:
            raise CommandError(f"refused: {c['errors']} error(s); nothing was written")
        if not opts["commit"]:
            self.stdout.write(f"preview {result.year}: {summary} (nothing written; add --commit)\n")
            return
        try:
            importer.commit(
                data=data, actor=actor_for(opts["username"]), filename=path.name, year=year, accept=accept
            )
        except LuoshiError as exc:
            raise CommandError(f"refused: {exc.message}; nothing was written") from exc
        self.stdout.write(f"imported {result.year}: {summary}\n")
