from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.audit.models import Entry
from luoshi.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools: `luoshi audit verify` walks the SM3 hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        total = Entry.objects.count()
        if broken is not None:
            raise CommandError(f"audit chain BROKEN at entry {broken.seq}: {broken.reason}")
        self.stdout.write(f"audit chain OK: {total} entries verified")
