"""What Luoshi keeps about an account's password beside Django's user: its age and whether it must change.

The second factor's devices are django-otp's (TOTP and the static recovery codes); failed sign-ins
and lockouts are django-axes' records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Credential(models.Model):
    """An account's password state (口令状态): when it was last set and whether its holder must change it.

    No row means a password set before this record existed: its age is unknown, and sign-in asks for
    a change once the rotation period is on (a missing row never lets a password live for ever)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential", primary_key=True
    )
    changed = models.DateTimeField(_("口令设置时间"), default=timezone.now)
    # Set by an administrator's reset (an initial or temporary password): changed at the next sign-in.
    must_change = models.BooleanField(_("须修改口令"), default=False)

    class Meta:
        verbose_name = _("口令状态")
        verbose_name_plural = _("口令状态")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.changed:%Y-%m-%d}{' (must change)' if self.must_change else ''}"
