"""Shared output of the import commands."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from luoshi.imports.common import Problem


def actor_for(username: str | None) -> Any:
    """The user the import is recorded under: --as USERNAME, else the first superuser (the system)."""
    User = get_user_model()
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("no superuser to record the import under: pass --as USERNAME")
    return user


def write_problems(stream: Any, problems: list[Problem]) -> None:
    for p in problems:
        level = "ERROR" if p.level == "error" else "WARNING"
        stream.write(f"{level} {p}\n")
