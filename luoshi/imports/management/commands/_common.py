"""Shared output of the import commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import translation

from luoshi.imports.common import Problem


def in_site_language(handle: Callable[..., None]) -> Callable[..., None]:
    """Run a command in the site's language (LANGUAGE_CODE): problems, stored as codes, are written
    in one language, whatever a web request earlier in the same process left active."""

    @functools.wraps(handle)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            handle(*args, **kwargs)

    return wrapper


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
