"""`luoshi tick [--date YYYY-MM-DD]`: run the daily tick now, in this process."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luoshi.jobs.services import tick_run


def parse_day(text: str | None) -> date:
    if not text:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date: expected YYYY-MM-DD, got {text!r}")


class Command(BaseCommand):
    help = "Recompute stored lights, record late reports and count lights for a day (default: today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD (default: today, local time)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["day"])
        result = tick_run(on=day)
        if not result.ran:
            raise CommandError(f"the tick for {day} is already running in another worker")
        self.stdout.write(
            f"tick {day}: {result.plans} plans, {result.lights_changed} lights changed, "
            f"{result.late_reports} late reports recorded, {result.light_counts_changed} light counts changed"
        )
