"""`luoshi import-boundary FILE [--name NAME]`: load the district boundary (GeoJSON) for the project map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.errors import LuoshiError
from luoshi.imports.management.commands._common import actor_for, in_site_language
from luoshi.projects.services import boundary_set


class Command(BaseCommand):
    help = "Load the district boundary (GeoJSON) that the project map draws and imports check points against."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--name", help="the boundary's name (default: the file name)")
        parser.add_argument("--as", dest="username", help="record the load under this user")

    @in_site_language
    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            boundary = boundary_set(
                actor=actor_for(opts["username"]), name=opts["name"] or path.stem, data=path.read_bytes()
            )
        except LuoshiError as exc:
            raise CommandError(f"refused: {exc.message}") from exc
        self.stdout.write(f"boundary {boundary.name} loaded\n")
