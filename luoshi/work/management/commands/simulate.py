"""`luoshi simulate --from D1 --to D2 [--seed N] [--plan ID]`: play the demo district forward."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.demo.simulate import simulate
from luoshi.errors import LuoshiError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Play the district in the database forward day by day, from --from to --to: reporters file, "
        "heads approve or return, and the daily tick runs each evening. Deterministic for a --seed; "
        "starts after the latest fact already stored (e.g. `luoshi demo --today D`, then --from D+1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=_day, required=True, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", type=_day, required=True, help="last day, inclusive")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--plan", dest="plans", type=int, action="append", help="only this plan's tasks (repeatable)"
        )
        parser.add_argument(
            "--defer-lights",
            action="store_true",
            help="leave light refreshes to each evening's tick (faster; light notices come from the tick only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        t0 = time.perf_counter()
        try:
            summary = simulate(
                options["start"],
                options["end"],
                seed=options["seed"],
                plan_ids=options["plans"],
                log=self.stderr.write,
                defer_lights=options["defer_lights"],
            )
        except LuoshiError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{summary.line()}, in {time.perf_counter() - t0:.1f} s")
