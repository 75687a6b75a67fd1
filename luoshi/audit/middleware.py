from __future__ import annotations

from collections.abc import Callable, Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .context import client_address

Networks = Sequence[IPv4Network | IPv6Network]


def _trusted(addr: str, proxies: Networks) -> bool | None:
    """Whether `addr` is one of the trusted proxies; None when it is not an IP address at all."""
    try:
        ip = ip_address(addr)
    except ValueError:
        return None
    return any(ip in net for net in proxies)


def client_ip(meta: dict[str, str], proxies: Networks) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy (LUOSHI_TRUSTED_PROXIES).

    Behind trusted proxies X-Forwarded-For is read from the right (each proxy appends the address
    it was connected from) and the first address that is not a trusted proxy is the client; what a
    client wrote further left is never believed. A hop that is not an address ends the walk at the
    proxy that reported it."""
    addr = meta.get("REMOTE_ADDR", "")
    if not proxies or not _trusted(addr, proxies):
        return addr
    for hop in reversed([h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]):
        trusted = _trusted(hop, proxies)
        if trusted is None:
            break
        addr = hop
        if not trusted:
            break
    return addr


class RequestContextMiddleware:
    """Remembers the client address for the audit trail while a request is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        addr = client_ip(request.META, getattr(settings, "LUOSHI_TRUSTED_PROXIES", []))
        token = client_address.set(addr)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
