"""Identity's part of the demo district: every demo account's password is recorded as set today.

So the rotation period (LUOSHI_PASSWORD_MAX_AGE_DAYS) counts from the demo's load, and no demo
account is asked to change the published password before its period ends. No TOTP device is
made: under LUOSHI_DEBUG the demo signs in with the password alone (LUOSHI_2FA_RELAXED)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import Credential


def build(builder: Any) -> None:
    now = timezone.now()
    users = list(builder.users.values())
    Credential.objects.bulk_create(
        [Credential(user=u, changed=now, must_change=False) for u in users], ignore_conflicts=True
    )
