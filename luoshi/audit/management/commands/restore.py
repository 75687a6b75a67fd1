from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.errors import LuoshiError


class Command(BaseCommand):
    help = (
        "Restore a `luoshi backup` file into an empty database (DATABASE_URL) and MEDIA_ROOT, copy its "
        "audit checkpoints into LUOSHI_AUDIT_ANCHOR_DIR, then check the row counts and files. A backup "
        "older than the last checkpoint is refused unless --accept-loss (the loss is then recorded)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--accept-loss", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from luoshi.audit.backup import backup_restore

        try:
            done = backup_restore(source=Path(options["file"]), accept_loss=options["accept_loss"])
        except LuoshiError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"restored {options['file']}: {len(done.counts)} tables, {sum(done.counts.values())} rows "
            f"(the same as the backup's), {done.files} files"
        )
        for region, (first, last) in done.lost.items():
            self.stdout.write(
                f"audit entries {first}..{last} were lost (region #{region}); the loss is recorded"
            )
        self.stdout.write("run `luoshi audit verify` next")
