"""Password validators beside Django's (length, common, similar, numeric): character classes, username."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import rules


class CharacterClassesValidator:
    """At least LUOSHI_PASSWORD_MIN_CLASSES of: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int | None = None) -> None:
        self.min_classes = min_classes

    @property
    def required(self) -> int:
        return self.min_classes or int(getattr(settings, "LUOSHI_PASSWORD_MIN_CLASSES", 3))

    def validate(self, password: str, user: Any = None) -> None:
        if rules.character_classes(password) < self.required:
            raise ValidationError(
                _("口令须包含小写字母、大写字母、数字、其他字符中的至少 %(n)d 类。") % {"n": self.required},
                code="password_too_few_classes",
            )

    def get_help_text(self) -> str:
        return _("口令须包含小写字母、大写字母、数字、其他字符中的至少 %(n)d 类。") % {"n": self.required}


class NotUsernameValidator:
    """The username, forwards or backwards, may not appear inside the password."""

    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if rules.contains_username(password, username):
            raise ValidationError(_("口令不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("口令不能包含用户名。")
