"""`luoshi lights --plan ID [--date YYYY-MM-DD]`: every task's light as of a date, as CSV on stdout.

Computed on the spot by the light engine (`compute_lights`), not read from the stored columns, so
it answers for any date and shows what the rules of DESIGN.md say, whatever the last tick stored.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luoshi.lib.csvcell import neutralise
from luoshi.org.models import Unit
from luoshi.work.models import Plan
from luoshi.work.selectors import compute_lights

HEADER = ["id", "title", "lead_unit", "expected_pct", "actual_pct", "light", "slack_days"]


def _pct(value: Decimal) -> str:
    return f"{value:.2f}"


class Command(BaseCommand):
    help = (
        "Print one CSV row per task of a plan: id, title, lead unit, expected %, actual %, light, slack days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, type=int, help="plan id")
        parser.add_argument("--date", dest="day", help="as of YYYY-MM-DD (default: today, local time)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = self._day(options["day"])
        plan_id: int = options["plan"]
        if not Plan.objects.filter(pk=plan_id).exists():
            raise CommandError(f"no plan with id {plan_id}")
        rows = compute_lights(plan_id=plan_id, on=day)
        units = dict(Unit.objects.filter(pk__in={r.lead_unit_id for r in rows}).values_list("pk", "name"))
        out = csv.writer(self.stdout, lineterminator="\n")
        out.writerow(HEADER)
        for r in rows:
            out.writerow(
                [
                    r.id,
                    neutralise(r.title),
                    neutralise(units.get(r.lead_unit_id, "")),
                    _pct(r.expected),
                    _pct(r.actual),
                    r.light,
                    "" if r.slack is None else r.slack,
                ]
            )

    @staticmethod
    def _day(text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--date: expected YYYY-MM-DD, got {text!r}")
