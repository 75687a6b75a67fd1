"""`luoshi flags-eval`: precision and recall of the report quality flags on the labelled evaluation
set the demo seeds (`alerts.evalset`), per flag and overall."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.alerts import evalset


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


class Command(BaseCommand):
    help = "Precision and recall of the report quality flags on the seeded evaluation set (luoshi demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        cases, scores = evalset.evaluate()
        if not cases:
            raise CommandError(
                "没有评估样本：先运行 luoshi demo（或 luoshi demo --small）。 No evaluation set: run `luoshi demo` first."
            )
        self.stdout.write(f"cases: {cases}")
        self.stdout.write(
            f"{'flag':<12} {'labelled':>8} {'flagged':>8} {'hits':>6} {'precision':>9} {'recall':>7}"
        )
        for s in scores:
            self.stdout.write(
                f"{s.kind:<12} {s.labelled:>8} {s.flagged:>8} {s.hits:>6} {_pct(s.precision):>9} {_pct(s.recall):>7}"
            )
