"""Reads of identity: the accounts list of the security admin, set-based (three queries a page)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticToken

from . import throttle
from .models import Credential


def accounts(*, q: str = "") -> QuerySet[Any]:
    """Every account, by username; `q` matches the username or the person's name."""
    qs = get_user_model().objects.select_related("person", "credential").order_by("username")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(person__name__icontains=q))
    return qs.annotate(n_totp=Count("totpdevice", filter=Q(totpdevice__confirmed=True), distinct=True))


def annotate_accounts(users: Iterable[Any]) -> None:
    """Set `locked` on each account of a page, in one query."""
    users = list(users)
    locked = throttle.locked_usernames(u.username for u in users)
    for u in users:
        u.locked = u.username in locked


def recovery_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def credential(user: Any) -> Credential | None:
    return Credential.objects.filter(user=user).first()
