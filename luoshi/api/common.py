"""What every app's API router shares: the error answers, pagination and id look-ups.

Kept apart from `api.py` (which mounts the routers) so an app's router can import it without
importing the API it is mounted on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, Window
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from luoshi.errors import LuoshiError
from luoshi.lib.counting import count_or_estimate
from luoshi.lib.limits import MAX_OFFSET

from .schemas import Message, ValidationErrors

MAX_LIMIT = 500

# 400 also answers a request holding a NUL character (luoshi.web.badinput); 422 any input that does
# not match the schema: a wrong type, a number, date or length out of range.
ERRORS: dict[int, Any] = {400: Message, 401: Message, 403: Message, 404: Message, 422: ValidationErrors}


class Page(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def paginate(qs: Any, page: Page) -> dict[str, Any]:
    return {"count": qs.count(), "items": list(qs[page.offset : page.offset + page.limit])}


def paginate_estimated(
    qs: Any, page: Page, *, rows: Callable[[list[int]], Iterable[Any]] | None = None
) -> dict[str, Any]:
    """As `paginate`, but a count past `lib.counting.EXACT_UP_TO` is PostgreSQL's estimate
    (`count_estimated`: true): counting 30,000 scattered rows the caller may see cost more than the
    page itself. A page that is not full tells the count without counting.

    With `rows`, the page is chosen by id first (`qs`'s filter and order, without its joins) and its
    rows read by `rows(ids)`: for a search ranking thousands of matches, the joins of the page's
    rows (units, people) are made for the page only. The ranking sorts every match anyway, so the
    same query counts them (`count(*) over ()`): the count is exact and costs no second scan."""
    if rows is None:
        items = list(qs[page.offset : page.offset + page.limit])
    else:
        ranked = list(
            qs.annotate(_matches=Window(Count("*"))).values_list("pk", "_matches")[
                page.offset : page.offset + page.limit
            ]
        )
        found = {row.pk: row for row in rows([pk for pk, _n in ranked])}
        items = [found[pk] for pk, _n in ranked if pk in found]
        if ranked:
            return {"count": ranked[0][1], "count_estimated": False, "items": items}
    if items and len(items) < page.limit or (page.offset == 0 and not items):
        return {"count": page.offset + len(items), "count_estimated": False, "items": items}
    count, estimated = count_or_estimate(qs)
    return {"count": count, "count_estimated": estimated, "items": items}


def caller(request: HttpRequest) -> Any:
    """The user the request authenticated as (by token or session)."""
    return request.auth  # type: ignore[attr-defined]


def lookup(qs: Any, pk: int | None, label: str) -> Any:
    """A record named by id in a request body; an unknown id is a 400 with the field named."""
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise LuoshiError(_("%(label)s 不存在：%(id)s") % {"label": label, "id": pk})
    return obj
