"""Jobs of the task engine (found by the Huey worker)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()  # type: ignore[untyped-decorator]
def fill_search_text(ranges: list[list[int]]) -> int:
    """Complete the search text (with the titles' pinyin) of tasks created in bulk; `ranges` are
    [first id, last id] pairs. Returns how many tasks were updated."""
    from .services import search_text_fill

    return search_text_fill(ranges)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def refresh_stale_lights() -> int:
    """Every minute, the known figures and lights of tasks a stopped web process left queued for its
    refresher (LUOSHI_LIGHTS_IN_BACKGROUND); the number of queued reports refreshed."""
    from .services.lights import refresh_stale

    return refresh_stale()
