"""The organisation's part of /api/v1: units of the tree and the caller's personal API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from luoshi.api.common import ERRORS, Page, caller, paginate
from luoshi.api.schemas import TokenCreated, TokenIn, TokenOut, UnitOut, UnitPage
from luoshi.lib.limits import MAX_ID, MAX_SEARCH
from luoshi.org.models import ApiToken, Unit
from luoshi.org.services import token_create, token_revoke

router = Router(tags=["org"])

# ----------------------------------------------------------------------------------------------
# Units


class UnitQuery(Schema):
    category: str | None = Field(None, max_length=20)
    parent: int | None = Field(None, ge=1, le=MAX_ID)
    q: str = Field("", max_length=MAX_SEARCH, description="名称、简称、别名、拼音或首字母")


@router.get("/units", response={200: UnitPage, **ERRORS})
def unit_list(request: HttpRequest, filters: Query[UnitQuery], page: Query[Page]) -> Any:
    """Units of the organisation tree, filtered by category, parent and text (incl. pinyin)."""
    qs = Unit.objects.visible_to(caller(request))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    for term in filters.q.lower().split():
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(short_name__icontains=term)
            | Q(aliases__icontains=term)
            | Q(code__iexact=term)
            | Q(pinyin__contains=term)
            | Q(initials__contains=term)
        )
    return paginate(qs.order_by("path"), page)


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def unit_detail(request: HttpRequest, unit_id: int) -> Any:
    return get_object_or_404(Unit.objects.visible_to(caller(request)), pk=unit_id)


# ----------------------------------------------------------------------------------------------
# Tokens


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
def token_list(request: HttpRequest) -> Any:
    """The caller's own API tokens (never their values)."""
    return ApiToken.objects.filter(user=caller(request)).order_by("-created", "-id")


@router.post("/tokens", response={201: TokenCreated, **ERRORS})
def token_add(request: HttpRequest, payload: TokenIn) -> Any:
    """Issue a token for the caller; its value is shown in this answer only."""
    user = caller(request)
    token, raw = token_create(actor=user, user=user, name=payload.name)
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created": token.created,
            "revoked": token.revoked,
            "token": raw,
        },
    )


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def token_remove(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of the caller's own tokens."""
    user = caller(request)
    token = get_object_or_404(ApiToken.objects.filter(user=user), pk=token_id)
    if token.revoked is None:
        token_revoke(actor=user, token=token)
    return Status(204, None)
