"""`luoshi worker`: the Huey consumer (`manage.py run_huey`), which also runs the daily tick; first it
queues again the jobs a worker that died left unfinished."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the job worker (Huey consumer): queued jobs and the daily tick at 01:30."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-w", "--workers", type=int, help="number of worker threads")

    def handle(self, *args: Any, **options: Any) -> None:
        from luoshi.jobs.durable import recover

        # Jobs left unfinished by a worker that died (killed, machine restarted) run again.
        again = recover()
        if again:
            self.stderr.write(f"queued again {again} unfinished job(s)")
        extra = ["--workers", str(options["workers"])] if options.get("workers") else []
        call_command("run_huey", *extra)
