"""The documents router of the JSON API: published bulletins (已发布通报) with their frozen figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.org.access import require_leader

from .models import PublishedBulletin

router = Router(tags=["documents"])


class PublishedBulletinOut(Schema):
    id: int
    plan_id: int
    on: date = Field(..., description="the date the bulletin is as of (截至日期)")
    number: int = Field(..., description="issue number (期号) within the plan, from 1")
    published_at: datetime
    published_by: str = Field(..., description="the publisher's user name")
    pdf_sha256: str = Field(..., description="SHA-256 of the PDF as issued")

    @staticmethod
    def resolve_published_by(obj: PublishedBulletin) -> str:
        return obj.published_by.get_username()


class PublishedBulletinPage(Schema):
    count: int
    items: list[PublishedBulletinOut]


class PublishedBulletinDetail(PublishedBulletinOut):
    figures: dict[str, Any] = Field(
        ...,
        description="everything the bulletin shows, frozen when it was published: `units` (light counts "
        "per unit), `totals`, `named` (red and overdue items), `changes` (light changes since "
        "`previous`), `late`, `corrections` (更正说明), `summary`, and `tasks` (task id -> [light, "
        "actual progress]); decimals are strings, dates ISO",
    )


class BulletinQuery(Schema):
    plan: int | None = Field(None, ge=1, le=2**31 - 1, description="only this plan's bulletins")


def _readable(request: HttpRequest) -> Any:
    """As the bulletin page: the supervision office and leaders (403 for anyone else)."""
    user = caller(request)
    require_leader(user)
    return PublishedBulletin.objects.visible_to(user).select_related("published_by")


@router.get("/bulletins", response={200: PublishedBulletinPage, **ERRORS})
def bulletin_list(request: HttpRequest, params: Query[BulletinQuery], page: Query[Page]) -> Any:
    """Published bulletins, newest first (without their figures)."""
    qs = _readable(request).defer("figures")
    if params.plan is not None:
        qs = qs.filter(plan_id=params.plan)
    return paginate(qs.order_by("-on", "plan_id", "id"), page)


@router.get("/bulletins/{bulletin_id}", response={200: PublishedBulletinDetail, **ERRORS})
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> Any:
    """One published bulletin with its frozen figures."""
    return get_object_or_404(_readable(request), pk=bulletin_id)
