"""`luoshi bulletin --plan ID [--date YYYY-MM-DD] --format xlsx|pdf --out FILE`: write a weekly bulletin
(the published one, as issued, when the plan's bulletin for that date is published)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from luoshi.documents.bulletin import BulletinExporter, build_bulletin, render_bulletin_pdf, thaw
from luoshi.documents.exporters import write_xlsx
from luoshi.documents.models import PublishedBulletin
from luoshi.work.models import Plan


class Command(BaseCommand):
    help = "Write the weekly bulletin (督查通报) of a plan as xlsx or pdf."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="plan id or exact name")
        parser.add_argument("--date", help="as of this date, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["xlsx", "pdf"], help="default: from --out's suffix")
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args: Any, **opts: Any) -> None:
        ref = opts["plan"]
        plan = Plan.objects.filter(pk=int(ref)).first() if ref.isdigit() else None
        plan = plan or Plan.objects.filter(name=ref).first()
        if plan is None:
            raise CommandError(f"no plan {ref!r}")
        try:
            on = date.fromisoformat(opts["date"]) if opts["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"bad --date {opts['date']!r}: use YYYY-MM-DD")
        out = Path(opts["out"])
        fmt = opts["format"] or out.suffix.lstrip(".").lower()
        if fmt not in ("xlsx", "pdf"):
            raise CommandError("--format must be xlsx or pdf")
        if out.parent and not out.parent.exists():
            raise CommandError(f"directory {out.parent} does not exist")
        published = PublishedBulletin.objects.filter(plan=plan, on=on).first()
        b = thaw(plan, published.figures) if published else build_bulletin(plan=plan, on=on)
        if fmt == "pdf":
            if published:
                with published.pdf.open("rb") as fh:
                    out.write_bytes(fh.read())
            else:
                out.write_bytes(render_bulletin_pdf(b))
        else:
            write_xlsx(BulletinExporter(b), str(out))
        self.stdout.write(
            f"{out} ({fmt}): {plan.name} {b.doc_number}{' (published)' if published else ''}, {b.total} tasks, "
            f"{len(b.named)} red/overdue, {len(b.changes)} changed, {len(b.late)} late"
        )
