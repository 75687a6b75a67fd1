from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.lib.regions import RegionKey

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


# The region of entries written while the install has no organisation tree yet (a first sign-in):
# not a unit, so the region key of the audit tables has no database constraint (docs/scaling.md).
NO_REGION = 0


def region_key() -> RegionKey:
    """The audit tables' region key: set by `audit.services.record` (the recorded object's region, the
    actor's unit's, else the root region's), not derived from a parent row; its `source` is the key
    itself, so the region-key checks see that every entry's region is a region (its own region)."""
    return RegionKey(source=("region",), db_constraint=False)


class Entry(models.Model):
    """One append-only audit entry (审计日志), in its region's chain (docs/scaling.md).

    Written in the writer's transaction with `mac` (HMAC-SM3 of its content under the audit key);
    after commit the sequencer (`audit.sequencer`) gives it its place in its region's chain: `seq`
    (gapless per region), and `hash` = HMAC-SM3(prev_hash | seq | mac), `prev_hash` being the hash of
    the region's previous entry. `seq` is null until then."""

    region = region_key()
    seq = models.BigIntegerField(null=True, blank=True)
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
    mac = models.CharField(max_length=64, default="")
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = EntryQuerySet.as_manager()

    # Set by the views for their templates, never stored.
    action_text: str

    class Meta:
        ordering = ["id"]
        constraints = [
            # One chain per region: its places are unique within it (and gapless: the sequencer).
            models.UniqueConstraint(fields=["region", "seq"], name="audit_entry_region_seq"),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"]),
            # The sequencers' queues: each region's entries not chained yet, in the order written.
            models.Index(
                fields=["region", "id"],
                condition=models.Q(seq__isnull=True),
                name="audit_entry_unchained_region",
            ),
        ]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        if not appending.get():
            raise PermissionError("audit entries are written by audit.services.record alone")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are append-only")

    def content(self) -> dict[str, Any]:
        """The fields the entry's MAC covers (everything but its place in the chain); the time in
        UTC, as the database gives it back."""
        return {
            "at": self.at.astimezone(UTC).isoformat(),
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


class Purge(models.Model):
    """Entries older than the retention period removed by `luoshi audit purge` (after export) from one
    region's chain: that chain now starts after `through_seq`, whose hash is kept here under the audit
    key's MAC so the region's first remaining entry still has something to link to. (The region is not
    in the MAC: `through_hash` is a link of that region's keyed chain, so a record moved to another
    region does not match the first entry left there.)"""

    region = region_key()
    through_seq = models.BigIntegerField()
    through_hash = models.CharField(max_length=64)
    older_than = models.DateTimeField()
    at = models.DateTimeField()
    removed = models.PositiveIntegerField()
    archive_sm3 = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["region", "through_seq"]
        constraints = [
            models.UniqueConstraint(fields=["region", "through_seq"], name="audit_purge_region_seq"),
        ]
        verbose_name = _("审计记录清理")
        verbose_name_plural = _("审计记录清理")

    def __str__(self) -> str:
        return f"purge of region {self.region_id} through #{self.through_seq}"

    def content(self) -> dict[str, Any]:
        return {
            "through_seq": self.through_seq,
            "through_hash": self.through_hash,
            "older_than": self.older_than.isoformat(),
            "at": self.at.isoformat(),
            "removed": self.removed,
            "archive_sm3": self.archive_sm3,
        }
