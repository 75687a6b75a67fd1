"""Privilege and permission changes made outside the services are audited too (issue 16: "role and
permission changes, admin commands"): `createsuperuser`, a flag flipped in a shell or the admin, groups
and permissions added, removed or cleared."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from luoshi.audit.models import Entry

pytestmark = pytest.mark.django_db


def _entries(action: str) -> list[Any]:
    return list(Entry.objects.filter(action=action).order_by("id"))


def test_createsuperuser_is_recorded(monkeypatch: Any) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Zx9!correct-horse")
    call_command("createsuperuser", "--noinput", username="root2", email="r@example.org", verbosity=0)
    user = get_user_model().objects.get(username="root2")
    [entry] = _entries("identity.account.created")
    assert entry.object_id == str(user.pk) and entry.object_repr == "root2"
    assert entry.after == {"is_superuser": True, "is_staff": True, "is_active": True}
    assert entry.actor is None and entry.actor_name == "system"


def test_an_ordinary_account_is_left_to_the_services() -> None:
    get_user_model().objects.create_user("clerk9", password="Zx9!correct-horse")
    assert _entries("identity.account.created") == []


def test_a_flag_flipped_outside_the_services_is_recorded_with_before_and_after() -> None:
    user = get_user_model().objects.create_user("clerk8", password="Zx9!correct-horse")
    user.is_superuser = True
    user.save()
    user.first_name = "八"
    user.save()  # no privilege changed: nothing more
    user.is_active = False
    user.save(update_fields=["is_active"])
    first, second = _entries("identity.privileges.changed")
    assert (first.before, first.after) == ({"is_superuser": False}, {"is_superuser": True})
    assert (second.before, second.after) == ({"is_active": True}, {"is_active": False})
    user.save(update_fields=["last_login"])  # a sign-in's save reads nothing and records nothing
    assert len(_entries("identity.privileges.changed")) == 2


def test_groups_and_permissions_added_removed_and_cleared_are_recorded() -> None:
    user = get_user_model().objects.create_user("clerk7", password="Zx9!correct-horse")
    group = Group.objects.create(name="督查组")
    perm = Permission.objects.get(codename="view_entry")
    user.groups.add(group)
    user.user_permissions.add(perm)
    group.permissions.add(perm)
    user.groups.remove(group)
    user.user_permissions.clear()
    user.user_permissions.clear()  # nothing left to clear: nothing recorded
    rows = [
        (e.object_repr, e.data["change"], e.data["field"], e.data["ids"])
        for e in _entries("identity.permissions.changed")
    ]
    assert rows == [
        ("clerk7", "add", "groups", [group.pk]),
        ("clerk7", "add", "permissions", [perm.pk]),
        ("督查组", "add", "permissions", [perm.pk]),
        ("clerk7", "remove", "groups", [group.pk]),
        ("clerk7", "clear", "permissions", [perm.pk]),
    ]
