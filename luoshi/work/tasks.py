"""Jobs of the task engine (found by the Huey worker)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()  # type: ignore[untyped-decorator]
def fill_search_text(ranges: list[list[int]]) -> int:
    """Complete the search text (with the titles' pinyin) of tasks created in bulk; `ranges` are
    [first id, last id] pairs. Returns how many tasks were updated."""
    from .services import search_text_fill

    return search_text_fill(ranges)
