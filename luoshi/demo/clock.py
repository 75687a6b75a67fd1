"""A simulated clock (模拟时钟) for the demo and the simulation: "now" is a moment on the played day.

The services stamp some facts with the wall clock (an approval's `approved_at`, a claim's `head_at`,
a transition's `at`, every audit entry's `at`). When `luoshi demo --today D` or `luoshi simulate`
replays days that are not today, those stamps must fall on the replayed day, or the history would
hold facts dated after D. `simulated_clock()` replaces `django.utils.timezone.now` (which
`timezone.localdate()` and `auto_now` fields call too) for the duration of the block.

It is a process-wide switch, meant for these two commands and their tests only: never enter it in a
web or worker process. Within a day the clock starts at 08:00 and moves forward by a millisecond per
reading, so it is deterministic and never goes backwards (`advance_to` ignores an earlier day).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

DAY_STARTS = time(8, 0)
TICK = timedelta(milliseconds=1)


class SimulatedClock:
    """The played day's clock; `now()` stands in for `django.utils.timezone.now`."""

    def __init__(self, day: date) -> None:
        self.day = day
        self._now = self._start(day)

    @staticmethod
    def _start(day: date) -> datetime:
        # In UTC, as `timezone.now()` gives it (the audit chain hashes the stored form).
        return timezone.make_aware(datetime.combine(day, DAY_STARTS)).astimezone(UTC)

    def advance_to(self, day: date) -> None:
        """Move to `day` (08:00); a day before the current one leaves the clock where it is."""
        if day > self.day:
            self.day = day
            self._now = self._start(day)

    def now(self) -> datetime:
        self._now += TICK
        last = timezone.make_aware(datetime.combine(self.day, time(23, 59, 59))).astimezone(UTC)
        return min(self._now, last)


@contextmanager
def simulated_clock(day: date) -> Iterator[SimulatedClock]:
    """Within the block `timezone.now()` is the simulated clock, starting on `day`."""
    clock = SimulatedClock(day)
    real = timezone.now
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = real
