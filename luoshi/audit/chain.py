"""The keyed audit chain (pure: no database).

Two keyed HMAC-SM3 values protect each entry, both under the audit key (LUOSHI_AUDIT_KEY), which
is never stored in the database:

- `mac` = HMAC-SM3(key, "entry|" + canonical JSON of its content), computed by the writer when the
  entry is appended, so an entry not chained yet is already tamper-evident;
- `hash` = HMAC-SM3(key, "link|" + prev_hash + "|" + seq + "|" + mac), computed by the sequencer
  after commit, fixing the entry's place: altering, removing or inserting an entry breaks the
  chain, and without the key nobody can recompute the hashes after a change.

What the chain alone cannot show (the newest entries removed, or the whole tail rewritten by
someone holding the key) the signed checkpoints outside the database show (`audit.anchor`).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

GENESIS = "0" * 64


# One encoder for every call: `json.dumps` with options builds a new one each time, which was most of
# the cost of hashing a 100,000-row import's rows. Same bytes either way.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical(fields: Mapping[str, Any]) -> bytes:
    return _CANONICAL.encode(fields).encode("utf-8")


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3(key: bytes, data: bytes) -> str:
    h = crypto_hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def entry_mac(key: bytes, content: Mapping[str, Any]) -> str:
    return hmac_sm3(key, b"entry|" + canonical(content))


def link(key: bytes, prev_hash: str, seq: int, mac: str) -> str:
    return hmac_sm3(key, f"link|{prev_hash}|{seq}|{mac}".encode("ascii"))


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str
    entry_id: int | None = None  # set for an entry not chained yet (its seq is 0)
    region: str = ""  # the chain's region as the reader knows it (`audit.verify` names it)

    def __str__(self) -> str:
        where = f"unchained entry id {self.entry_id}" if self.entry_id is not None else f"entry {self.seq}"
        return f"{self.region + ': ' if self.region else ''}BROKEN at {where}: {self.reason}"


# One chained entry as verify reads it: (seq, prev_hash, hash, mac, content).
Row = tuple[int, str, str, str, Mapping[str, Any]]


def verify(
    key: bytes, entries: Iterable[Row], *, base_seq: int = 0, base_hash: str = GENESIS
) -> Break | None:
    """Walk the chained entries in seq order from the base (the genesis, or the last entry removed
    by a retention purge); return the first break or None.

    The break names the entry that was tampered with: the altered one, the first removed one, or
    the one inserted (recognised when the entry after it still links to the entry before it)."""
    expected_prev = base_hash
    before_prev = ""  # the hash two entries back, to recognise an entry slipped in between
    expected_seq = base_seq + 1
    for seq, prev_hash, stored_hash, mac, content in entries:
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
        if not same(prev_hash, expected_prev):
            if before_prev and same(prev_hash, before_prev):
                return Break(seq - 1, f"entry {seq - 1} was inserted out of order: entry {seq} links past it")
            return Break(seq, f"entry {seq} does not link to entry {seq - 1} (inserted or reordered)")
        if not same(entry_mac(key, content), mac):
            return Break(seq, f"entry {seq} was altered: its content does not match its MAC")
        if not same(link(key, prev_hash, seq, mac), stored_hash):
            return Break(seq, f"entry {seq} was altered: its chain hash is not the audit key's")
        before_prev, expected_prev = expected_prev, stored_hash
        expected_seq += 1
    return None


def verify_unchained(key: bytes, entries: Iterable[tuple[int, str, Mapping[str, Any]]]) -> Break | None:
    """Entries written but not chained yet, as (id, mac, content): the first altered one, or None."""
    for entry_id, mac, content in entries:
        if not same(entry_mac(key, content), mac):
            return Break(0, "its content does not match its MAC (altered before it was chained)", entry_id)
    return None
