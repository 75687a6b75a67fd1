"""The simulated clock under `luoshi demo --today` and `luoshi simulate` (issue 20, item 5).

The demo as of 5 January is loaded and checked (`facts.early_year_asserts`) by `test_simulate.py`,
which plays it forward from there; `test_demo.py` checks its mid-year load with
`facts.assert_history_ends_on`, so no test here loads a district of its own.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from luoshi.demo.clock import SimulatedClock, simulated_clock


def test_clock_moves_forward_only():
    clock = SimulatedClock(date(2026, 3, 2))
    first = clock.now()
    assert timezone.localdate(first) == date(2026, 3, 2) and clock.now() > first
    clock.advance_to(date(2026, 3, 1))  # never backwards
    assert timezone.localdate(clock.now()) == date(2026, 3, 2)
    clock.advance_to(date(2026, 3, 5))
    assert timezone.localdate(clock.now()) == date(2026, 3, 5)


def test_simulated_clock_is_what_django_reads_and_is_put_back():
    with simulated_clock(date(2025, 12, 31)):
        assert timezone.localdate() == date(2025, 12, 31)
        assert timezone.now().tzinfo is not None
    assert timezone.localdate() != date(2025, 12, 31)
