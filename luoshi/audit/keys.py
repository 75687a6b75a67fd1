"""The audit keys, all from the environment (settings), none in the database.

- LUOSHI_AUDIT_KEY: the HMAC-SM3 key of the chain (at least 32 characters).
- LUOSHI_AUDIT_SIGNING_KEY: path of the Ed25519 private key (PEM) that signs checkpoints; only the
  processes that write checkpoints (web, worker, `luoshi audit checkpoint`, `luoshi backup`) need it.
- LUOSHI_AUDIT_VERIFY_KEY: path of the matching public key (PEM), enough for `luoshi audit verify`.

Outside production mode, fixed development keys stand in for unset ones (settings refuses to start
in production without them).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from luoshi.lib.env import ConfigError

from .chain import sm3_hex

_DEV_SEED = bytes.fromhex(sm3_hex(b"luoshi development audit signing key, never for production"))


def chain_key() -> bytes:
    return str(settings.LUOSHI_AUDIT_KEY).encode("utf-8")


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{what} {path} cannot be read: {exc.strerror}") from exc


def signing_key() -> Ed25519PrivateKey:
    path = str(getattr(settings, "LUOSHI_AUDIT_SIGNING_KEY", "") or "")
    if not path:
        return Ed25519PrivateKey.from_private_bytes(_DEV_SEED)
    key = serialization.load_pem_private_key(_read(path, "LUOSHI_AUDIT_SIGNING_KEY"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError("LUOSHI_AUDIT_SIGNING_KEY is not an Ed25519 private key")
    return key


def verify_key() -> Ed25519PublicKey:
    path = str(getattr(settings, "LUOSHI_AUDIT_VERIFY_KEY", "") or "")
    if not path:
        return signing_key().public_key()
    key = serialization.load_pem_public_key(_read(path, "LUOSHI_AUDIT_VERIFY_KEY"))
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError("LUOSHI_AUDIT_VERIFY_KEY is not an Ed25519 public key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    """A short name of a public key, written into each checkpoint."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sm3_hex(raw)[:16]


def generate(directory: Path) -> tuple[Path, Path]:
    """Write a new key pair into `directory` (the private key readable by its owner only)."""
    directory.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    priv_path, pub_path = directory / "audit-signing.pem", directory / "audit-verify.pem"
    for p in (priv_path, pub_path):
        if p.exists():
            raise ConfigError(f"{p} exists already: keys are never overwritten")
    priv_bytes = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pub_bytes = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fd = os.open(priv_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "wb") as f:
        f.write(priv_bytes)
    pub_path.write_bytes(pub_bytes)
    return priv_path, pub_path
