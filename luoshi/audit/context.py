"""The request being served, so services can record the client address without a parameter."""

from __future__ import annotations

from contextvars import ContextVar

client_address: ContextVar[str] = ContextVar("client_address", default="")
