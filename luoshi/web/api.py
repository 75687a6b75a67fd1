"""The search box's router of the JSON API: one query over tasks, key projects, supervision items
and rectification problems (the same sections as the search page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from luoshi.api.common import ERRORS, caller
from luoshi.lib.limits import MAX_SEARCH
from luoshi.lib.search import highlight

from .search import search_all

router = Router(tags=["web"])


class SearchQuery(Schema):
    q: str = Field(
        ..., min_length=1, max_length=MAX_SEARCH, description="检索词，空格分隔；支持拼音和首字母（任务）"
    )
    limit: int = Field(10, ge=1, le=50, description="每类最多返回的条数")


class HitOut(Schema):
    id: int
    code: str
    title: str
    title_html: str = Field(..., description="title, HTML-escaped, matched terms in <mark>")
    unit: str
    url: str


class SectionOut(Schema):
    kind: str = Field(..., description="task, project, supervision_item or problem")
    label: str
    count: int = Field(..., description="matches; past 1,000 the count stops at 1,001 (capped)")
    capped: bool
    items: list[HitOut]


class SearchOut(Schema):
    q: str
    sections: list[SectionOut]


@router.get("/search", response={200: SearchOut, **ERRORS})
def search(request: HttpRequest, params: Query[SearchQuery]) -> Any:
    """Best matches first in each section (exact code, title prefix, title, unit, the rest)."""
    q = params.q.strip()
    sections = [
        {
            "kind": f.kind,
            "label": str(f.label),
            "count": f.count,
            "capped": f.capped,
            "items": [{**h.__dict__, "title_html": str(highlight(h.title, q))} for h in f.hits],
        }
        for f in search_all(caller(request), q, limit=params.limit)
    ]
    return {"q": q, "sections": sections}
