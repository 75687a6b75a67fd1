"""`luoshi import-tasks FILE --plan ID|NAME [--year YYYY] [--dry-run]`: a decomposition table into a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.imports.common import ImportRefused, errors
from luoshi.imports.task_import import import_tasks, year_reason

from ._common import actor_for, in_site_language, write_problems


class Command(BaseCommand):
    help = "Import a task decomposition table (.xlsx/.csv); a new plan name creates the plan."
    # Django's system checks (URLs, models, templates…) are for the server and `check`; run before
    # every import they took seconds of a large one.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="plan id or name (a new name creates the plan)")
        parser.add_argument(
            "--year", type=int, help="year of a plan the import creates (default: the year in the title rows)"
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
        parser.add_argument("--as", dest="username", help="record the import under this user (an officer)")

    @in_site_language
    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = actor_for(opts["username"])
        try:
            result = import_tasks(
                path.read_bytes(),
                plan=opts["plan"],
                actor=actor,
                dry_run=opts["dry_run"],
                filename=path.name,
                year=opts["year"],
            )
        except ImportRefused as exc:
            write_problems(self.stderr, exc.problems)
            raise CommandError(f"refused: {len(errors(exc.problems))} error(s); nothing was written")
        preview = result.preview
        write_problems(self.stderr, [p for p in preview.problems if p.level != "error"])
        c = preview.counts()
        if preview.year:
            self.stdout.write(f"year {preview.year} ({year_reason(preview)})\n")
        if opts["dry_run"]:
            for r in preview.rows:
                self.stdout.write(f"{r.action}\t{r.code}\t{r.title[:40]}\t{r.lead_name}\t{r.due}\n")
            if not preview.ok:
                write_problems(self.stderr, errors(preview.problems))
                raise CommandError(f"refused: {c['errors']} error(s); nothing was written")
            self.stdout.write(
                f"dry run: {c['create']} to create, {c['update']} to update, {c['unchanged']} unchanged\n"
            )
            return
        self.stdout.write(
            f"plan {result.plan_id}: {result.created} created, {result.updated} updated, {c['unchanged']} unchanged\n"
        )
