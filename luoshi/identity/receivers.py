"""Signal receivers: each session's clock starts at sign-in; a lockout is written to the audit trail;
so is every change of an account's privileges or permissions, whichever path makes it: the services,
`createsuperuser`, `changepassword`'s neighbours, the Django admin or a shell (issue 16: "role and
permission changes, admin commands")."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_save, pre_save

# The account flags whose change is a privilege change.
PRIVILEGES = ("is_superuser", "is_staff", "is_active")


def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from .services import session_start

    if request is not None and hasattr(request, "session"):
        session_start(request=request, user=user)


def _locked_out(
    sender: Any, request: Any = None, username: str | None = None, ip_address: str = "", **kwargs: Any
) -> None:
    from .services import lockout_record

    # axes sends this again for every attempt while the lock lasts; record the lock once, when the
    # failure that reached the limit was counted (the attempts themselves are failed sign-ins).
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    lockout_record(username=username or "", address=ip_address or "")


def _flags_before(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """Remember the stored privileges before a save that may change them (not a `last_login` save)."""
    instance._luoshi_privileges = None
    if raw or instance.pk is None or (update_fields is not None and not set(update_fields) & set(PRIVILEGES)):
        return
    instance._luoshi_privileges = (
        type(instance)._default_manager.filter(pk=instance.pk).values(*PRIVILEGES).first()
    )


def _flags_after(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    from luoshi.audit.services import record

    if raw:
        return
    now = {f: getattr(instance, f) for f in PRIVILEGES}
    if created:
        # Ordinary accounts are made by the organisation services, which record the person; an
        # account that starts privileged (createsuperuser, the admin) is recorded here.
        if instance.is_superuser or instance.is_staff:
            record(instance, "identity.account.created", object_repr=instance.get_username(), after=now)
        return
    before = getattr(instance, "_luoshi_privileges", None)
    if before is not None and before != now:
        changed = [f for f in PRIVILEGES if before[f] != now[f]]
        record(
            instance,
            "identity.privileges.changed",
            object_repr=instance.get_username(),
            before={f: before[f] for f in changed},
            after={f: now[f] for f in changed},
        )


def _permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    """Groups and permissions of an account (or a group's permissions) added, removed or cleared."""
    from luoshi.audit.services import record

    if action not in ("post_add", "post_remove", "pre_clear") or (action != "pre_clear" and not pk_set):
        return
    User = get_user_model()
    field = "groups" if sender is User.groups.through else "permissions"
    if action == "pre_clear":
        if reverse:
            return  # a permission's or group's own side cleared: rare, and not an account's change
        attr = {User.groups.through: "groups", User.user_permissions.through: "user_permissions"}.get(
            sender, "permissions"
        )
        ids = sorted(getattr(instance, attr).values_list("pk", flat=True))
        if not ids:
            return
    else:
        ids = sorted(pk_set)
    record(
        instance,
        "identity.permissions.changed",
        object_repr=str(instance)[:300],
        data={"change": action.split("_", 1)[1], "field": field, "ids": ids, "from": model._meta.label_lower},
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="luoshi.identity.session_start")
    user_locked_out.connect(_locked_out, dispatch_uid="luoshi.identity.locked_out")
    User = get_user_model()
    pre_save.connect(_flags_before, sender=User, dispatch_uid="luoshi.identity.flags_before")
    post_save.connect(_flags_after, sender=User, dispatch_uid="luoshi.identity.flags_after")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            _permissions_changed, sender=through, dispatch_uid=f"luoshi.identity.m2m.{through.__name__}"
        )
