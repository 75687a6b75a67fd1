"""Helpers of the identity tests: an enrolled authenticator, and codes it would show."""

from __future__ import annotations

import time
from typing import Any

from django_otp.oath import TOTP

from luoshi.identity import services


def code(key: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(user: Any) -> tuple[str, list[str]]:
    """Bind a TOTP device to `user` as the enrolment page does; (its key, the recovery codes)."""
    key = services.totp_new_key()
    codes = services.totp_enrol(user=user, key=key, token=code(key))
    return key, codes


def signed_in(client: Any) -> bool:
    return "_auth_user_id" in client.session
