"""Every write of identity: passwords, the second factor, unlocks; each one transaction with its audit entry.

Sign-in events themselves (success, failure, sign-out) are recorded by the audit app from Django's
signals; here are the changes an account holder or the security admin (安全管理员) makes.
"""

from __future__ import annotations

import secrets
import string
import time
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from luoshi.audit.services import record
from luoshi.errors import InvalidField, LuoshiError, NotAllowed
from luoshi.org.access import context_for, require_security_admin

from . import rules, throttle
from .models import Credential

# The session's record of its own clock and duties: start and last-seen times (epoch seconds) and
# whether the password must be changed before anything else.
SESSION_STATE = "luoshi.session"
RECOVERY_CODES = 10


# ---------------------------------------------------------------------------------------------
# Sessions


def password_must_change(user: Any) -> bool:
    """Whether `user` must change the password now: reset by an admin, or older than the rotation period.

    A password set before its age was kept counts from the account's creation."""
    cred = Credential.objects.filter(user=user).first()
    if cred is not None and cred.must_change:
        return True
    changed = cred.changed if cred is not None else user.date_joined
    age_days = (timezone.now() - changed).total_seconds() / 86400 if changed else None
    return rules.password_expired(age_days=age_days, max_age_days=int(settings.LUOSHI_PASSWORD_MAX_AGE_DAYS))


def session_start(*, request: HttpRequest, user: Any) -> None:
    """Start a signed-in session's clock (idle timeout, absolute lifetime) and its duty to change the password."""
    now = time.time()
    request.session[SESSION_STATE] = {"start": now, "seen": now, "change": password_must_change(user)}


def second_factor_required(user: Any) -> bool:
    """Whether this account must sign in with a second factor (by its roles, see rules)."""
    ctx = context_for(user)
    return rules.second_factor_required(ctx.roles, superuser=bool(user.is_superuser))


def has_second_factor(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


# ---------------------------------------------------------------------------------------------
# Passwords


def _validate(password: str, user: Any) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidField(" ".join(exc.messages), field="new_password", code="weak_password") from exc


def _credential_set(user: Any, *, must_change: bool) -> None:
    Credential.objects.update_or_create(
        user=user, defaults={"changed": timezone.now(), "must_change": must_change}
    )


@transaction.atomic
def password_change(*, user: Any, old_password: str, new_password: str) -> None:
    """The account holder changes their own password (修改口令): the old one, then a new one to policy."""
    if not user.check_password(old_password):
        raise InvalidField(_("原口令不正确。"), field="old_password", code="wrong_password")
    if old_password == new_password:
        raise InvalidField(_("新口令不能与原口令相同。"), field="new_password", code="same_password")
    _validate(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _credential_set(user, must_change=False)
    record(user, "identity.password.changed", actor=user, object_repr=user.username)


def temporary_password() -> str:
    """A random password that meets the policy: 16 characters from four classes."""
    alphabet = string.ascii_letters + string.digits + "-_.!"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(16))
        if rules.character_classes(pw) == 4:
            return pw


def _managed_account(actor: Any, user: Any) -> None:
    require_security_admin(actor)
    if user.pk == getattr(actor, "pk", None):
        raise NotAllowed(_("安全管理员不能重置自己的账号，请由另一名安全管理员办理。"))


@transaction.atomic
def password_reset(*, actor: Any, user: Any) -> str:
    """The security admin gives an account a temporary password (重置口令), to be changed at next sign-in.

    Returns the password, shown once to the admin and never stored in clear."""
    _managed_account(actor, user)
    password = temporary_password()
    _validate(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _credential_set(user, must_change=True)
    record(user, "identity.password.reset", actor=actor, object_repr=user.username)
    return password


@transaction.atomic
def account_unlock(*, actor: Any, user: Any) -> int:
    """The security admin lifts a lockout (解除锁定) before its cool-off ends; returns the failures cleared."""
    _managed_account(actor, user)
    cleared = throttle.failures(user.username)
    axes_reset(username=user.username)
    record(
        user, "identity.account.unlocked", actor=actor, object_repr=user.username, data={"failures": cleared}
    )
    return cleared


def lockout_record(*, username: str, address: str) -> None:
    """An account was locked after repeated failed sign-ins (from axes' signal)."""
    record(
        None,
        "identity.account.locked",
        object_type="auth.user",
        object_repr=username[:300],
        data={"username": username[:150], "address": address},
    )


# ---------------------------------------------------------------------------------------------
# Second factor: TOTP (动态口令) with recovery codes


def totp_new_key() -> str:
    """A fresh TOTP secret (hex), held in the enrolment page's session until the first code proves it."""
    return str(random_hex(20))


def totp_config_url(*, user: Any, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return str(TOTPDevice(user=user, key=key, name=_("动态口令")).config_url)


def _token(value: str) -> str:
    return "".join(value.split()).lower()


@transaction.atomic
def totp_enrol(*, user: Any, key: str, token: str) -> list[str]:
    """Confirm a new TOTP device (绑定动态口令) with its first code; replaces any earlier one.

    Returns fresh recovery codes (恢复码), shown once."""
    code = _token(token)
    if not (code.isdigit() and len(code) == 6):
        raise InvalidField(_("请输入验证器显示的 6 位数字。"), field="token", code="bad_token")
    totp = TOTP(key=bytes.fromhex(key), step=30, t0=0, digits=6, drift=0)
    if not totp.verify(int(code), tolerance=1):
        raise InvalidField(_("验证码不正确，请核对手机时间后重试。"), field="token", code="wrong_token")
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, key=key, name=_("动态口令"), confirmed=True, last_t=totp.t()
    )
    record(user, "identity.totp.enrolled", actor=user, object_repr=user.username, data={"device": device.pk})
    return recovery_codes_generate(user=user)


@transaction.atomic
def recovery_codes_generate(*, user: Any) -> list[str]:
    """New one-time recovery codes (恢复码) for signing in without the phone; earlier ones stop working."""
    if not has_second_factor(user):
        raise LuoshiError(_("请先绑定动态口令。"), code="no_second_factor")
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    record(user, "identity.recovery_codes.generated", actor=user, object_repr=user.username)
    return codes


@transaction.atomic
def second_factor_verify(*, user: Any, token: str) -> str | None:
    """Check a second-factor code: "totp", "recovery" (that code is then spent), or None when wrong."""
    code = _token(token)
    if not code:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if code.isdigit() and device.verify_token(code):
            return "totp"
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):
            left = static.token_set.count()
            record(
                user,
                "identity.recovery_code.used",
                actor=user,
                object_repr=user.username,
                data={"left": left},
            )
            return "recovery"
    return None


@transaction.atomic
def second_factor_reset(*, actor: Any, user: Any) -> None:
    """The security admin removes an account's TOTP device and recovery codes (a lost phone): it enrols
    again at its next sign-in."""
    _managed_account(actor, user)
    n = TOTPDevice.objects.filter(user=user).delete()[0]
    StaticDevice.objects.filter(user=user).delete()
    record(user, "identity.totp.reset", actor=actor, object_repr=user.username, data={"devices": n})
