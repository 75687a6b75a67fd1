"""Sensitive fields encrypted at rest with SM4 (等保三级: confidentiality of important data).

A value is stored as ``sm4g1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``: SM4 in GCM mode (the
key id and format version are the associated data, so a value cannot be moved to another key id
unseen), a fresh random 12-byte nonce per value. Keys come from ``LUOSHI_FIELD_KEYS`` ("id:hex,…",
16-byte keys): the first encrypts, every listed key decrypts, so keys rotate by putting a new key
first and running ``manage.py reencrypt_fields``. The empty string is stored as itself (an empty
phone is not a secret, and ``exclude(phone="")`` keeps working).

Ciphertext is not searchable; a companion ``BlindIndexField`` stores HMAC-SM3 of the normalised
value (key ``LUOSHI_FIELD_HASH_KEY``) for exact-match lookups: ``filter(phone_hash=blind_index(q))``.
"""

from __future__ import annotations

import base64
import hmac as std_hmac
import os
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import models

from luoshi.lib.env import parse_field_keys as parse_keys

PREFIX = "sm4g1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    """A stored value that cannot be decrypted: unknown key id, wrong key, or tampered bytes."""


@lru_cache(maxsize=8)
def _keyring(raw: str) -> tuple[str, dict[str, bytes]]:
    keys = parse_keys(raw)
    return keys[0][0], dict(keys)


def keyring() -> tuple[str, dict[str, bytes]]:
    """(id of the encrypting key, every key by id), from the current settings."""
    return _keyring(settings.LUOSHI_FIELD_KEYS)


def _aad(kid: str) -> bytes:
    return f"{PREFIX}:{kid}".encode()


def encrypt(plain: str) -> str:
    """The stored form of `plain` under the current key; "" stays ""."""
    if plain == "":
        return ""
    kid, keys = keyring()
    nonce = os.urandom(NONCE_BYTES)
    enc = Cipher(algorithms.SM4(keys[kid]), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(_aad(kid))
    body = enc.update(plain.encode()) + enc.finalize()
    return f"{PREFIX}:{kid}:" + base64.b64encode(nonce + body + enc.tag).decode("ascii")


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX + ":")


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1] if is_encrypted(stored) else ""


def decrypt(stored: str) -> str:
    """The plain value of a stored one; raises DecryptionError on an unknown key or tampering."""
    if stored == "":
        return ""
    try:
        prefix, kid, b64 = stored.split(":", 2)
    except ValueError:
        raise DecryptionError("not an encrypted value") from None
    if prefix != PREFIX:
        raise DecryptionError(f"unknown format {prefix!r}")
    key = keyring()[1].get(kid)
    if key is None:
        raise DecryptionError(f"no key {kid!r} in LUOSHI_FIELD_KEYS")
    try:
        raw = base64.b64decode(b64, validate=True)
    except ValueError:
        raise DecryptionError("damaged value") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("damaged value")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(_aad(kid))
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except (InvalidTag, UnicodeDecodeError):
        raise DecryptionError(
            f"value fails authentication under key {kid!r} (tampered or wrong key)"
        ) from None


# --- normalising and the keyed hash -------------------------------------------------------------


def normalise_phone(value: str) -> str:
    """Digits only, a leading +86/0086 dropped: "138-0000 1234" and "+86 13800001234" match."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def normalise_text(value: str) -> str:
    """Trimmed and case-folded (e-mail addresses, ID numbers with a final x/X)."""
    return (value or "").strip().casefold()


def blind_index(value: str, normalise: Callable[[str], str] = normalise_phone) -> str:
    """HMAC-SM3 of the normalised value, hex; "" for an empty value (so nothing matches it)."""
    norm = normalise(value)
    if not norm:
        return ""
    h = c_hmac.HMAC(settings.LUOSHI_FIELD_HASH_KEY.encode(), hashes.SM3())
    h.update(norm.encode())
    return h.finalize().hex()


def same_index(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a, b)


def mask_phone(value: str) -> str:
    """For lists: 13812341234 → 138****1234, 0512-66001234 → 051*-****1234 (the first three and
    last four digits kept, separators too); with fewer than 8 digits only the last two show."""
    v = (value or "").strip()
    where = [i for i, ch in enumerate(v) if ch.isdigit()]
    keep = set(where[:3] + where[-4:]) if len(where) >= 8 else set(where[-2:])
    return "".join(ch if (i in keep or not ch.isdigit()) else "*" for i, ch in enumerate(v))


def mask_email(value: str) -> str:
    name, at, domain = (value or "").partition("@")
    if not at:
        return mask_phone(value)
    return (name[:1] + "***" if name else "") + "@" + domain


# --- model fields -------------------------------------------------------------------------------


class EncryptedCharField(models.TextField):  # type: ignore[type-arg]
    """A string encrypted at rest (SM4-GCM). Python sees the plain value; the column holds the
    ciphertext. `max_length` is the plain value's limit, checked by forms and validation. Only
    ``= ""`` / ``isnull`` lookups mean anything on it: search through its BlindIndexField."""

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length is not None:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_encrypted(value):
            return value
        return encrypt(value)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        from django import forms

        kwargs.setdefault("max_length", self.plain_max_length)
        return models.Field.formfield(self, form_class=form_class or forms.CharField, **kwargs)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC-SM3 of another field's normalised value, kept up to date on every save and bulk create
    (`pre_save`); `normaliser` is "phone" or "text"."""

    NORMALISERS: dict[str, Callable[[str], str]] = {"phone": normalise_phone, "text": normalise_text}

    def __init__(self, *args: Any, source: str = "", normaliser: str = "phone", **kwargs: Any) -> None:
        self.source = source
        self.normaliser = normaliser
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["normaliser"] = self.normaliser
        for k, v in (
            ("max_length", 64),
            ("blank", True),
            ("editable", False),
            ("db_index", True),
            ("default", ""),
        ):
            if kwargs.get(k) == v:
                kwargs.pop(k)
        return name, path, args, kwargs

    def index_of(self, value: str) -> str:
        return blind_index(value, self.NORMALISERS[self.normaliser])

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = self.index_of(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


# --- data migrations ----------------------------------------------------------------------------


def migration_encrypt(app: str, model: str, fields: dict[str, str]) -> tuple[Any, Any]:
    """(forward, backward) functions for RunPython: encrypt the plain values already in `fields`
    (name → normaliser of its hash field, stored as `<name>_hash`) and back. The raw column is
    read through Cast, which skips the field's decryption."""
    from django.db.models import TextField, Value
    from django.db.models.functions import Cast

    def rows(apps: Any) -> Any:
        cls = apps.get_model(app, model)
        raw = {f"raw_{f}": Cast(f, TextField()) for f in fields}
        return cls, cls.objects.annotate(**raw).values("pk", *raw)

    def forward(apps: Any, schema_editor: Any) -> None:
        cls, qs = rows(apps)
        for row in qs.iterator():
            update: dict[str, Any] = {}
            for f, norm in fields.items():
                value = row[f"raw_{f}"] or ""
                plain = decrypt(value) if is_encrypted(value) else value
                update[f] = Value(encrypt(plain), output_field=TextField())
                update[f"{f}_hash"] = blind_index(plain, BlindIndexField.NORMALISERS[norm])
            cls.objects.filter(pk=row["pk"]).update(**update)

    def backward(apps: Any, schema_editor: Any) -> None:
        cls, qs = rows(apps)
        for row in qs.iterator():
            update = {}
            for f in fields:
                value = row[f"raw_{f}"] or ""
                update[f] = Value(decrypt(value) if is_encrypted(value) else value, output_field=TextField())
            cls.objects.filter(pk=row["pk"]).update(**update)

    return forward, backward


SENSITIVE = frozenset({"phone", "email"})


def masked(values: dict[str, Any]) -> dict[str, Any]:
    """An audit entry's before/after with the sensitive fields masked: the trail must not become a
    plain copy of what the table encrypts."""
    return {
        k: (mask_email(str(v)) if k == "email" else mask_phone(str(v))) if k in SENSITIVE and v else v
        for k, v in values.items()
    }


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields, and those fields' names."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if names:
            found.append((model, names))
    return found


def reencrypt_all(*, rehash: bool = False, batch: int = 500) -> dict[str, int]:
    """Move every encrypted value to the current first key (and, with `rehash`, recompute the lookup
    hashes under the current hash key), in batches, one transaction each; rows already under the
    current key are left alone. Returns rows changed per model label."""
    from django.db import transaction
    from django.db.models import TextField, Value
    from django.db.models.functions import Cast

    current, _ = keyring()
    changed: dict[str, int] = {}
    for model, names in encrypted_fields():
        hashes = {
            f.source: f
            for f in model._meta.concrete_fields
            if isinstance(f, BlindIndexField) and f.source in names
        }
        qs = model._default_manager.annotate(**{f"raw_{n}": Cast(n, TextField()) for n in names})
        rows = qs.order_by("pk").values("pk", *(f"raw_{n}" for n in names))
        n_changed, last = 0, None
        while True:
            page = list((rows.filter(pk__gt=last) if last is not None else rows)[:batch])
            if not page:
                break
            last = page[-1]["pk"]
            with transaction.atomic():
                for row in page:
                    update: dict[str, Any] = {}
                    for n in names:
                        stored = row[f"raw_{n}"] or ""
                        plain = decrypt(stored) if is_encrypted(stored) else stored
                        if stored and key_id_of(stored) != current:
                            update[n] = Value(encrypt(plain), output_field=TextField())
                        if rehash and n in hashes:
                            update[hashes[n].attname] = hashes[n].index_of(plain)
                    if update:
                        model._default_manager.filter(pk=row["pk"]).update(**update)
                        n_changed += 1
        changed[model._meta.label] = n_changed
    return changed
