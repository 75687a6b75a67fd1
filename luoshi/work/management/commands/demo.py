from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luoshi.demo import data
from luoshi.demo.build import DemoError, build


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--today: not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Load the demo district (演示区): ~100 units and their people, an annual targets plan and a "
        "60-day campaign with four months of reports. Deterministic for a given --today."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when a plan already exists")
        parser.add_argument("--today", type=_day, default=None, help="the demo's today (default: today)")
        parser.add_argument("--logins", action="store_true", help="print the demo logins to try and exit")
        parser.add_argument("--small", action="store_true", help="a smaller district (≥100 tasks), for tests")

    def handle(self, *args: Any, **options: Any) -> None:
        from luoshi.work.models import Plan

        if options["logins"]:
            self._print_logins()
            return
        if not settings.LUOSHI_DEMO_ALLOWED:
            # Every demo account has the published password: never in a production-mode database.
            raise CommandError(
                "demo: refused without LUOSHI_DEBUG=1 (production mode): every demo account uses a "
                "published password. Load the demo on a developer's machine only."
            )
        if options["if_empty"] and Plan.objects.exists():
            self.stdout.write("demo: the database already holds plans; nothing loaded (--if-empty).")
            return
        today = options["today"] or timezone.localdate()
        t0 = time.perf_counter()
        try:
            result = build(today=today, small=options["small"], log=self.stdout.write)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        c = result["counts"]
        self.stdout.write(
            f"demo district loaded as of {today}: {c['units']} units, {c['people']} people, "
            f"{c['tasks']} tasks, {c.get('reports_service', 0)} reports through the services "
            f"+ {c.get('reports_imported', 0)} imported from the ledger, in {time.perf_counter() - t0:.1f} s"
        )
        if options["verbosity"] >= 2:
            for name, secs in result["timings"].items():
                self.stdout.write(f"  {name:<8} {secs:6.1f} s")
        self._warn()

    def _warn(self) -> None:
        self.stderr.write(
            self.style.WARNING(
                f"WARNING: every demo account uses the published password {data.DEMO_PASSWORD!r}. "
                "Never load the demo into a production database."
            )
        )

    def _print_logins(self) -> None:
        from django.contrib.auth import get_user_model

        present = set(
            get_user_model()
            .objects.filter(username__in=[u for u, _ in data.LOGINS_TO_TRY])
            .values_list("username", flat=True)
        )
        self.stdout.write(f"Demo logins (password: {data.DEMO_PASSWORD}):")
        for username, who in data.LOGINS_TO_TRY:
            mark = "" if username in present else "  (not loaded)"
            self.stdout.write(f"  {username:<10} {who}{mark}")
        self._warn()
