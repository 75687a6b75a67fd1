from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.errors import LuoshiError


class Command(BaseCommand):
    help = (
        "Back up the database, the evidence files under MEDIA_ROOT and the audit checkpoints into one "
        "tar file (FILE.tar, or FILE.tar.gz compressed); `luoshi restore FILE` restores it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        from luoshi.audit.backup import backup_make

        try:
            made = backup_make(target=Path(options["file"]))
        except LuoshiError as exc:
            raise CommandError(exc.message) from exc
        m = made.manifest
        self.stdout.write(
            f"backup {made.path}: {len(m['tables'])} tables, {sum(m['tables'].values())} rows, "
            f"{len(m['files'])} files, audit chain through entry {m['chain']['count']} (checkpoint {m['checkpoint']})"
        )
