"""`luoshi import-divisions [FILE]`: the administrative division codes (code,name), by default the
2024 reference table shipped with the app; idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.benchmark import services
from luoshi.errors import LuoshiError
from luoshi.imports.management.commands._common import actor_for, in_site_language


class Command(BaseCommand):
    help = "Import administrative division codes (code,name CSV); the 2024 reference table by default."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="a code,name CSV (default: the shipped 2024 table)")
        parser.add_argument("--as", dest="username", help="record the import under this user")

    @in_site_language
    def handle(self, *args: Any, **opts: Any) -> None:
        data, name = None, ""
        if opts["file"]:
            path = Path(opts["file"])
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            data, name = path.read_bytes(), path.name
        try:
            result = services.divisions_import(actor=actor_for(opts["username"]), data=data, filename=name)
        except LuoshiError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{result.total} divisions: {result.created} created, {result.updated} updated\n")
