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
    """Walk (seq, prev_hash, hash, fields) in seq order; return the first break or None.

    The break names the entry that was tampered with: the altered one, the first removed one, or
    the one inserted (recognised when the entry after it still links to the entry before it).
    """
    expected_prev = GENESIS
    before_prev = ""  # the hash two entries back, to recognise an entry slipped in between
    expected_seq = 1
    for seq, prev_hash, stored_hash, fields in entries:
        if seq != expected_seq:
            if seq > expected_seq:
                if expected_seq == seq - 1:
                    return Break(
                        expected_seq, f"entry {expected_seq} was removed (entry {seq} follows {seq - 2})"
                    )
                return Break(
                    expected_seq, f"entries {expected_seq}..{seq - 1} were removed before entry {seq}"
                )
            return Break(seq, f"entry {seq} was inserted out of order (expected entry {expected_seq})")
        if prev_hash != expected_prev:
            if before_prev and prev_hash == before_prev:
                return Break(seq - 1, f"entry {seq - 1} was inserted out of order: entry {seq} links past it")
            return Break(seq, f"entry {seq} does not link to entry {seq - 1} (inserted or reordered)")
        if link(prev_hash, fields) != stored_hash:
            return Break(seq, f"entry {seq} was altered: its content does not match its hash")
        before_prev, expected_prev = expected_prev, stored_hash
        expected_seq += 1
    return None
