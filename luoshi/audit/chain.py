"""SM3 hash chain over audit entries (pure: no database).

Each entry's hash is SM3(previous hash || canonical JSON of the entry's fields), so altering,
removing or inserting an entry breaks every hash after it, and `verify` names the first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode(
        "utf-8"
    )


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def link(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return sm3_hex(prev_hash.encode("ascii") + b"|" + canonical(fields))


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(entries: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> Break | None:
    """Walk (seq, prev_hash, hash, fields) in seq order; return the first break or None."""
    expected_prev = GENESIS
    expected_seq = 1
    for seq, prev_hash, stored_hash, fields in entries:
        if seq != expected_seq:
            if seq > expected_seq:
                return Break(seq, f"entries {expected_seq}..{seq - 1} are missing before entry {seq}")
            return Break(seq, f"entry {seq} is out of order (expected {expected_seq})")
        if prev_hash != expected_prev:
            return Break(seq, f"entry {seq} does not link to entry {seq - 1} (inserted or reordered)")
        if link(prev_hash, fields) != stored_hash:
            return Break(seq, f"entry {seq} was altered: its content does not match its hash")
        expected_prev = stored_hash
        expected_seq += 1
    return None
