from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Fill an empty database with deterministic benchmark data: --scale tiny|district|two|city|province."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", choices=["tiny", "district", "two", "city", "province"], default="district"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=date.fromisoformat, default=None)
        parser.add_argument(
            "--no-lights", action="store_true", help="skip computing stored lights afterwards"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from luoshi.benchdata.generate import generate
        from luoshi.work.models import Plan
        from luoshi.work.selectors import compute_lights
        from luoshi.work.services.lights import persist_lights

        t0 = time.perf_counter()
        try:
            stats = generate(
                scale=opts["scale"], seed=opts["seed"], today=opts["today"], log=self.stdout.write
            )
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for name, n in stats.counts.items():
            self.stdout.write(f"  {name:12s} {n:>10,d} rows  {stats.seconds[name]:7.1f} s")
        self.stdout.write(f"loaded in {time.perf_counter() - t0:.1f} s")
        if not opts["no_lights"]:
            t1 = time.perf_counter()
            on = opts["today"] or date.today()
            for plan_id in Plan.objects.values_list("pk", flat=True):
                persist_lights(compute_lights(plan_id=plan_id, on=on), on=on)
            self.stdout.write(f"stored lights computed in {time.perf_counter() - t1:.1f} s")
