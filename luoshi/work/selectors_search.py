"""Task search for the search box (检索): the matching tasks a user may see, best match first."""

from __future__ import annotations

from typing import Any

from django.db.models import Case

from luoshi.lib.search import capped_count, matches, rank

from .models import Task


def search_rank(q: str) -> Case:
    """A task's place among the matches of `q` (`lib.search.rank`: code, title, lead unit)."""
    return rank(q, code="code", title="title", unit="lead_unit__name")


def task_search(user: Any, q: str, *, limit: int = 10) -> tuple[list[Task], int]:
    """The first `limit` visible tasks matching `q` (best first) and how many match (capped)."""
    qs = Task.objects.visible_to(user).filter(matches("search_text", q))
    rows = list(
        qs.annotate(search_rank=search_rank(q))
        .select_related("lead_unit")
        .order_by("search_rank", "plan_id", "sort_path")[:limit]
    )
    return rows, capped_count(qs, len(rows), limit)
