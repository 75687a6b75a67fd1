"""The task engine's refusals: every service raises one of these, and pages and the API map them."""

from __future__ import annotations

from decimal import Decimal


class ServiceError(Exception):
    """A refused use case; the message is shown to the user as is."""


class PermissionDenied(ServiceError):
    """The actor may not do this (shown as 403)."""


class Conflict(ServiceError):
    """Somebody else changed the record first (shown as 409)."""


class InvalidField(ServiceError):
    """A refused value of one input field, named so that pages and the API can point at it."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class ImplausibleReport(InvalidField):
    """A reported figure that looks like a mistake (合理性提示): filed only once the filer confirms."""

    def __init__(self, message: str, *, field: str, warnings: list[str], previous: Decimal | None) -> None:
        super().__init__(message, field=field)
        self.warnings = warnings
        self.previous = previous
