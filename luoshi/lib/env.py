"""Reading settings from the environment, failing loudly on bad values."""

from __future__ import annotations

import os
import re
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse


class ConfigError(RuntimeError):
    """A setting in the environment has a value we cannot use."""


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r}: expected true/false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_networks(name: str) -> list[IPv4Network | IPv6Network]:
    """Comma-separated addresses or networks (10.0.0.1, 10.0.0.0/8, ::1); a bad one stops start-up."""
    networks: list[IPv4Network | IPv6Network] = []
    for value in env_list(name, []):
        try:
            networks.append(ip_network(value, strict=False))
        except ValueError:
            raise ConfigError(f"{name}: expected IP addresses or networks such as 10.0.0.0/8, got {value!r}")
    return networks


def redact(url: str) -> str:
    """The URL with its password masked, for error messages and logs."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(":" + parsed.password + "@", ":***@", 1)
    return parsed._replace(netloc=netloc).geturl()


def parse_database_url(url: str, base_dir: Path) -> dict[str, Any]:
    """Turn `sqlite:///path` or `postgres://user:pw@host:port/name` into a DATABASES entry.

    `sqlite:///name.db` is relative to `base_dir`, `sqlite:////abs/name.db` absolute,
    `sqlite:///:memory:` in memory; a postgres URL's query string becomes connection OPTIONS
    (`sslmode=require`…), except `conn_max_age` (seconds, default 60).
    """
    shown = redact(url)
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "sqlite":
        raw_path = unquote(parsed.path)
        if parsed.netloc:
            raw_path = parsed.netloc + raw_path
        # sqlite:///relative.db -> "/relative.db"; sqlite:////abs/path.db -> "//abs/path.db"
        if raw_path in {":memory:", "/:memory:"}:
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        if raw_path.startswith("//"):
            path = Path(raw_path[1:])
        elif raw_path in {"", "/"}:
            raise ConfigError(f"DATABASE_URL={shown!r}: no file name")
        else:
            path = base_dir / raw_path.lstrip("/")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ConfigError(f"DATABASE_URL={shown!r}: no database name")
        try:
            port = parsed.port
        except ValueError:
            raise ConfigError(f"DATABASE_URL={shown!r}: the port must be a number") from None
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        try:
            conn_max_age = int(options.pop("conn_max_age", "60"))
        except ValueError:
            raise ConfigError(f"DATABASE_URL={shown!r}: conn_max_age must be an integer") from None
        # PostgreSQL's JIT compiles plans whose estimated cost is high: on the bench's ledger export
        # it spent 608 ms compiling a 3,000-row query that ran in 70 ms. Off unless the URL sets
        # its own `options` (e.g. `?options=-c%20jit%3Don`).
        options.setdefault("options", "-c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "OPTIONS": options,
        }
    raise ConfigError(f"DATABASE_URL={shown!r}: scheme must be sqlite:// or postgres://")


def parse_field_keys(raw: str) -> list[tuple[str, bytes]]:
    """``"k2:hex,k1:hex"`` → [(id, key)], checked: ids unique, keys 16 bytes."""
    keys: list[tuple[str, bytes]] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        kid, sep, hexkey = part.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", kid):
            raise ConfigError("LUOSHI_FIELD_KEYS: each entry is id:hexkey (id: letters, digits, _ or -)")
        try:
            key = bytes.fromhex(hexkey.strip())
        except ValueError:
            raise ConfigError(f"LUOSHI_FIELD_KEYS: key {kid!r} is not hexadecimal") from None
        if len(key) != 16:
            raise ConfigError(f"LUOSHI_FIELD_KEYS: key {kid!r} must be 16 bytes (32 hex digits)")
        if any(k == kid for k, _ in keys):
            raise ConfigError(f"LUOSHI_FIELD_KEYS: key id {kid!r} is listed twice")
        keys.append((kid, key))
    if not keys:
        raise ConfigError("LUOSHI_FIELD_KEYS lists no key")
    return keys
