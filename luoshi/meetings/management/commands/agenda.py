"""`luoshi agenda --meeting ID [--generate | --send]`: a meeting's agenda as CSV on stdout.

With `--generate` the agenda is drawn again from what lags in scope first (only before it is sent);
with `--send` it is frozen and sent to the attendees, as the periodic step does when its time comes.
Both run as the system (actor none) and are audited.
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.errors import LuoshiError
from luoshi.lib.csvcell import neutralise
from luoshi.meetings import services
from luoshi.meetings.models import Meeting

HEADER = [
    "sort",
    "task_id",
    "title",
    "lead_unit",
    "reasons",
    "light",
    "expected_pct",
    "actual_pct",
    "due",
    "reason_labels",
]


class Command(BaseCommand):
    help = "Print a meeting's agenda as CSV (sort, task, title, lead unit, reasons, light, figures, due)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--meeting", required=True, type=int, help="meeting id")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--generate", action="store_true", help="draw the agenda again first")
        action.add_argument("--send", action="store_true", help="freeze and send the agenda first")

    def handle(self, *args: Any, **options: Any) -> None:
        meeting = Meeting.objects.select_related("series").filter(pk=options["meeting"]).first()
        if meeting is None:
            raise CommandError(f"no meeting {options['meeting']}")
        try:
            if options["generate"]:
                services.agenda_generate(actor=None, meeting=meeting)
            elif options["send"] and not services.agenda_send(actor=None, meeting=meeting):
                self.stderr.write("the agenda was sent already; printed as sent")
        except LuoshiError as exc:
            raise CommandError(str(exc)) from exc
        out = csv.writer(self.stdout)
        out.writerow(HEADER)
        for item in meeting.agenda.select_related("lead_unit").order_by("sort"):
            out.writerow(
                [
                    item.sort,
                    item.task_id,
                    neutralise(item.title),
                    neutralise(item.lead_unit.name),
                    item.reasons,
                    item.light,
                    f"{item.expected_pct:.2f}",
                    f"{item.actual_pct:.2f}",
                    item.due.isoformat(),
                    "、".join(label for _code, label in item.reason_labels),
                ]
            )
