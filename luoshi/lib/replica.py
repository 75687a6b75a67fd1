"""Reads on a PostgreSQL streaming replica, with read-your-own-writes for the writer.

With `DATABASE_REPLICA_URL` set (settings.py adds the `replica` connection), a request that only
reads — a page, an export, an API GET — reads the replica; writes, every read inside a transaction,
every read of an unsafe request (POST/PUT/PATCH/DELETE: the view reads what its service then
writes) and the security state (sessions, accounts, lock-outs, second factors, API tokens: a
sign-out or a revoked token must count at once) go to the primary. Without it nothing changes:
the router answers "no opinion" and the middleware passes the request through, on SQLite too.

Read-your-own-writes: a request that wrote leaves the primary's WAL insert position (an LSN) in a
signed cookie. While a request carries one, the middleware asks the replica how far it has
replayed (`pg_last_wal_replay_lsn()`): past the LSN, the request reads the replica and the cookie
is dropped; behind it, the request reads the primary. So the writer sees the write at once, and
everyone else as soon as the replica has it (docs/architecture.md, "数据库 / Databases").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core import signing
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "luoshi_rw"
_PIN_SALT = "luoshi.lib.replica.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Security state is read where it is written: a sign-out, a lock-out, a password change or a revoked
# token takes effect on the next request, whatever the replica's lag.
PRIMARY_APPS = frozenset({"sessions", "auth", "axes", "otp_totp", "otp_static", "identity"})
PRIMARY_MODELS = frozenset({"org.apitoken"})

# The connection this request's reads go to; None outside a request (commands, the tick, tests):
# the router then has no opinion and everything uses the primary, as without a replica.
_reads: ContextVar[str | None] = ContextVar("luoshi_reads", default=None)

_FIRST_WORDS_THAT_READ = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW", "BEGIN", "COMMIT")


def replica_configured() -> bool:
    """Whether a `replica` connection is set up (DATABASE_REPLICA_URL)."""
    return REPLICA in connections.settings


def reads_from() -> str | None:
    """The connection reads go to in this request (None: no request, the primary)."""
    return _reads.get()


class ReplicaRouter:
    """Reads to the replica the middleware chose for this request; writes and transactions to the
    primary; migrations only on the primary (the replica is a copy of it)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        alias = _reads.get()
        if alias is None or alias == DEFAULT_DB_ALIAS:
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # A row read from the replica is the primary's row: relations across the two are fine.
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA, None} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def _is_write(sql: str) -> bool:
    words = sql.lstrip().split(None, 1)
    if not words or words[0].upper() in _FIRST_WORDS_THAT_READ:
        return False
    # The session's last-seen time (written once a minute) is not the user's data.
    return '"django_session"' not in sql


class _WriteWatch:
    """An execute wrapper on the primary that notes whether the request wrote anything."""

    def __init__(self) -> None:
        self.wrote = False

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.wrote and _is_write(sql):
            self.wrote = True
        return execute(sql, params, many, context)


def primary_lsn() -> str:
    """The primary's WAL insert position: every write committed so far lies before it."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return str(cursor.fetchone()[0])


def replica_has(lsn: str) -> bool:
    """Whether the replica has replayed the WAL up to `lsn` (a server not in recovery has it all)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_last_wal_replay_lsn() IS NULL OR pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
        )
        return bool(cursor.fetchone()[0])


def _pin(request: HttpRequest) -> str | None:
    try:
        value = request.get_signed_cookie(PIN_COOKIE, default=None, salt=_PIN_SALT)
    except signing.BadSignature:
        return None
    return value or None


class ReadReplicaMiddleware:
    """Chooses where a request reads (see the module's docstring) and pins the writer's reads to
    the primary until the replica has replayed the write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        pin = _pin(request)
        alias = self._choose(request, pin)
        watch = _WriteWatch()
        token = _reads.set(alias)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(watch):
                response = self.get_response(request)
        finally:
            _reads.reset(token)
        if watch.wrote or request.method not in SAFE_METHODS:
            try:
                response.set_signed_cookie(
                    PIN_COOKIE, primary_lsn(), salt=_PIN_SALT, httponly=True, samesite="Lax"
                )
            except DatabaseError:
                log.exception("could not read the primary's WAL position; the writer may read stale rows")
        elif pin is not None and alias == REPLICA:
            response.delete_cookie(PIN_COOKIE, samesite="Lax")
        return response

    def _choose(self, request: HttpRequest, pin: str | None) -> str:
        if request.method not in SAFE_METHODS:
            return DEFAULT_DB_ALIAS
        try:
            if pin is not None:
                return REPLICA if replica_has(pin) else DEFAULT_DB_ALIAS
            connections[REPLICA].ensure_connection()
        except DatabaseError:
            # A replica that is down or not answering costs freshness of nothing: read the primary.
            log.warning("read replica unavailable; reading the primary", exc_info=True)
            return DEFAULT_DB_ALIAS
        return REPLICA
