from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "After a new key was put first in LUOSHI_FIELD_KEYS: re-encrypt every sensitive field under it "
        "(then the old key can be removed). --rehash also recomputes the lookup hashes after "
        "LUOSHI_FIELD_HASH_KEY changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rehash", action="store_true", help="recompute the HMAC-SM3 lookup hashes too")

    def handle(self, *args: Any, **options: Any) -> None:
        from luoshi.audit.services import record
        from luoshi.lib.crypto_fields import DecryptionError, keyring, reencrypt_all

        try:
            changed = reencrypt_all(rehash=options["rehash"])
        except DecryptionError as exc:
            raise CommandError(f"{exc}; keep every old key in LUOSHI_FIELD_KEYS until this has run") from exc
        key = keyring()[0]
        record(
            None, "audit.fields.reencrypted", data={"key": key, "rehash": options["rehash"], "rows": changed}
        )
        for label, n in changed.items():
            self.stdout.write(f"{label}: {n} rows re-encrypted under key {key}")
