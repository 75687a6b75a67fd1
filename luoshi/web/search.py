"""The one search box (检索): tasks, key projects, supervision items and rectification problems on
one page (`/search/?q=`) and in the API (`GET /api/v1/search?q=`).

Each area answers with its own selector (visibility, matching and ranking stay in the area; see
`lib/search.py`); this module only puts the sections side by side."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.lib.limits import MAX_SEARCH
from luoshi.lib.search import COUNT_CAP, Hit, terms
from luoshi.projects.selectors import project_search
from luoshi.rectification.selectors import problem_search
from luoshi.supervision.selectors import item_search
from luoshi.work.selectors_search import task_search

PER_SECTION = 10


@dataclass(frozen=True)
class Section:
    kind: str
    label: Any
    search: Callable[..., tuple[list[Any], int]]
    hit: Callable[[Any], Hit]
    more: str = ""  # the area's own list, filtered by the same query


@dataclass
class Found:
    kind: str
    label: Any
    hits: list[Hit]
    count: int
    more_url: str = ""
    capped: bool = field(init=False)

    def __post_init__(self) -> None:
        self.capped = self.count > COUNT_CAP


SECTIONS = [
    Section(
        "task",
        _("任务"),
        task_search,
        lambda t: Hit("task", t.pk, t.code, t.title, t.lead_unit.name, reverse("task_detail", args=[t.pk])),
        more="/work/tasks/",
    ),
    Section(
        "project",
        _("重点项目"),
        project_search,
        lambda p: Hit(
            "project",
            p.pk,
            p.code,
            p.name,
            p.lead_unit.name if p.lead_unit_id else "",
            reverse("projects:detail", args=[p.pk]),
        ),
    ),
    Section(
        "supervision_item",
        _("督办事项"),
        item_search,
        lambda i: Hit(
            "supervision_item",
            i.pk,
            i.source_ref,
            i.title,
            i.lead_unit.name,
            reverse("supervision:item", args=[i.pk]),
        ),
    ),
    Section(
        "problem",
        _("整改问题"),
        problem_search,
        lambda p: Hit(
            "problem",
            p.pk,
            p.number,
            p.text,
            p.responsible_unit.name,
            reverse("rectification:problem", args=[p.pk]),
        ),
    ),
]


def search_all(user: Any, q: str, *, limit: int = PER_SECTION) -> list[Found]:
    """Every section's best `limit` hits for `q` and its (capped) count; nothing for an empty query."""
    if not terms(q):
        return []
    out = []
    for s in SECTIONS:
        rows, count = s.search(user, q, limit=limit)
        more = f"{s.more}?{urlencode({'q': q})}" if s.more and count > len(rows) else ""
        out.append(Found(s.kind, s.label, [s.hit(r) for r in rows], count, more))
    return out


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:MAX_SEARCH].strip()
    found = search_all(request.user, q)
    return render(
        request,
        "web/search.html",
        {"q": q, "found": found, "total": sum(f.count for f in found), "cap": COUNT_CAP},
    )
