"""Failed sign-ins: django-axes locks an account; this module adds the per-address limit and the reads.

axes counts failures per username (AXES_LOCKOUT_PARAMETERS) and locks the account for
AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT of them. Its records also hold the address, so the
per-address limit (LUOSHI_LOGIN_ADDRESS_LIMIT, higher: an office shares one address) is one sum
over the same rows: no second store, and one unlock clears both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from luoshi.audit.middleware import client_ip


def axes_client_ip(request: HttpRequest) -> str:
    """The address axes records: the same as the audit trail's (trusted proxies only)."""
    return client_ip(request.META, getattr(settings, "LUOSHI_TRUSTED_PROXIES", []))


def _since() -> Any:
    return timezone.now() - settings.AXES_COOLOFF_TIME


def address_blocked(address: str) -> bool:
    """Whether `address` has failed more sign-ins within the cool-off period than the address limit."""
    limit = int(settings.LUOSHI_LOGIN_ADDRESS_LIMIT)
    if limit <= 0 or not address:
        return False
    failed = (
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=_since()).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        or 0
    )
    return failed >= limit


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these accounts are locked now (one query)."""
    names = list(usernames)
    if not names:
        return set()
    return set(
        AccessAttempt.objects.filter(username__in=names, attempt_time__gte=_since())
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )


def failures(username: str) -> int:
    """Failed sign-ins of an account counted within the cool-off period."""
    n = AccessAttempt.objects.filter(username=username, attempt_time__gte=_since()).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return int(n or 0)
