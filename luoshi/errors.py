"""The errors every app raises when it refuses a use case, and what each means to the user.

Services raise these; the surfaces map them to responses in one place each: the API in
`luoshi/api/api.py` (one exception handler), the pages and HTMX partials in `luoshi/web/errors.py`.

| class            | meaning                                  | API | pages                          |
| ---------------- | ---------------------------------------- | --- | ------------------------------ |
| `LuoshiError`    | refused; the message says why            | 400 | the message, on the same page  |
| `NotAllowed`     | the actor may not do this (无权)         | 403 | the 403 page                   |
| `NotFound`       | no such record (or hidden from the actor)| 404 | the 404 page                   |
| `Conflict`       | somebody else changed the record first   | 409 | the stored values and the message |
| `InvalidField`   | one input's value is refused             | 400 | the message at that field      |
| `RateLimited`    | too many from one sender lately; try later | 429 | the message, on the same page  |

`NotAllowed` is not Django's `django.core.exceptions.PermissionDenied`: ours carries the message a
service gives; the page mapping turns it into Django's, which renders the 403 page.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _


class LuoshiError(Exception):
    """A refused use case; the message is shown to the user as is, `code` names it for machines."""

    status = 400

    def __init__(self, message: Any = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def body(self) -> dict[str, Any]:
        """The API's answer: `{"detail": message}`, with the code and the subclass's own data."""
        body: dict[str, Any] = {"detail": self.message}
        if self.code is not None:
            body["code"] = self.code
        return body


class NotAllowed(LuoshiError):
    """The actor may not do this (无权): 403."""

    status = 403


class NotFound(LuoshiError):
    """No such record, or one the actor may not see (hidden is 404): 404."""

    status = 404


class Conflict(LuoshiError):
    """Somebody else changed the record first: 409, never a silent overwrite."""

    status = 409


class InvalidField(LuoshiError):
    """A refused value of one input field, named so that pages and the API can point at it."""

    def __init__(self, message: Any, *, field: str, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field

    def body(self) -> dict[str, Any]:
        return {**super().body(), "field": self.field}


class RateLimited(LuoshiError):
    """Too many submissions from one sender lately (a page that needs no account): the message
    says when to try again; nothing was stored."""

    status = 429


class ImplausibleReport(InvalidField):
    """A reported figure that looks like a mistake (合理性提示): filed only once the filer confirms.

    The API sends the warnings and the previous figure; sending again with `acknowledge_warnings`
    files it anyway."""

    def __init__(self, message: Any, *, field: str, warnings: list[str], previous: Decimal | None) -> None:
        super().__init__(message, field=field)
        self.warnings = warnings
        self.previous = previous

    def body(self) -> dict[str, Any]:
        previous = None if self.previous is None else float(self.previous)
        return {**super().body(), "warnings": self.warnings, "previous": previous}


def refuse_unknown_fields(changes: Iterable[str], editable: Iterable[str]) -> None:
    """An edit service's check that it was asked to change only the fields it may change."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise LuoshiError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
