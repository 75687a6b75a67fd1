from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Set by audit.services.record while it appends: the only way an entry is written.
appending: ContextVar[bool] = ContextVar("audit_appending", default=False)


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, user: Any) -> EntryQuerySet:
        """Only the audit admin (审计管理员) and superusers read the trail."""
        from luoshi.org.access import is_audit_admin

        if user is not None and user.is_authenticated and (user.is_superuser or is_audit_admin(user)):
            return self.all()
        return self.none()

    # The trail is append-only through the application: entries are added by audit.services.record
    # alone (which chains them) and are never updated or deleted.
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise PermissionError("audit entries are append-only")

    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are appended one by one by audit.services.record")


class Entry(models.Model):
    """One append-only audit entry (审计日志), hash-chained with SM3 to the one before it."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    # PROTECT, not SET_NULL: the actor is part of the hashed content, so deleting a user must not
    # rewrite their entries (deactivate users instead).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = EntryQuerySet.as_manager()

    # Set by the views for their templates, never stored.
    action_text: str

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        if not appending.get():
            raise PermissionError("audit entries are written by audit.services.record alone")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are append-only")

    def chained_fields(self) -> dict[str, Any]:
        """The fields the hash covers; keep in step with audit.services.record."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "before": self.before,
            "after": self.after,
            "data": self.data,
            "client_address": self.client_address,
        }
