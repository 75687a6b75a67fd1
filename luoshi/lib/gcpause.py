"""Pausing Python's cyclic garbage collector while a step builds many short-lived rows.

Building tens of thousands of tuples (a city-wide agenda's lines, a bulk import's rows) triggers the
cyclic collector again and again, and each pass walks every object alive; none of these rows forms a
cycle, so the passes free nothing. Reference counting still frees them as usual; the collector runs
again when the block ends. Measured on a city-wide agenda of 19,296 lines: 340–420 ms with the
collector, 314–326 ms without (bench/README.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (if it was enabled) and restore it after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
