"""`luoshi import-org FILE [--dry-run]`: units and people from .xlsx/.csv, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.imports.common import ImportRefused, errors
from luoshi.imports.org_import import import_org

from ._common import actor_for, in_site_language, write_problems


class Command(BaseCommand):
    help = "Import units and people (.xlsx/.csv); a file with any error writes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check the file; write nothing")
        parser.add_argument("--as", dest="username", help="record the import under this user")

    @in_site_language
    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        from django.contrib.auth import get_user_model

        actor = (
            actor_for(opts["username"])
            if opts["username"]
            else (get_user_model().objects.filter(is_superuser=True).order_by("pk").first())
        )
        try:
            result = import_org(path.read_bytes(), actor=actor, dry_run=opts["dry_run"], filename=path.name)
        except ImportRefused as exc:
            write_problems(self.stderr, exc.problems)
            raise CommandError(f"refused: {len(errors(exc.problems))} error(s); nothing was written")
        preview = result.preview
        write_problems(self.stderr, [p for p in preview.problems if p.level != "error"])
        c = preview.counts()
        if opts["dry_run"] and not preview.ok:
            write_problems(self.stderr, errors(preview.problems))
            raise CommandError(f"refused: {c['errors']} error(s); nothing was written")
        verb = "would create" if opts["dry_run"] else "created"
        self.stdout.write(f"{verb} {c['units']} units and {c['people']} people\n")
