"""The read replica's router (luoshi/lib/replica.py) without a database: where reads go, what is a
write. The real primary and replica are in test_replica_pair.py."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS

from luoshi.lib import replica
from luoshi.lib.replica import REPLICA, ReplicaRouter


class _Model:
    class _meta:  # stands in for a model's Meta
        app_label = "work"
        label_lower = "work.task"


class _Session(_Model):
    class _meta:
        app_label = "sessions"
        label_lower = "sessions.session"


def test_without_a_replica_the_router_has_no_opinion() -> None:
    router = ReplicaRouter()
    assert not replica.replica_configured()
    assert router.db_for_read(_Model) is None
    assert router.db_for_write(_Model) is None
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "work") is None
    assert router.allow_migrate(REPLICA, "work") is False


def test_router_sends_a_request_s_reads_where_the_middleware_chose() -> None:
    router = ReplicaRouter()
    token = replica._reads.set(REPLICA)
    try:
        assert router.db_for_read(_Model) == REPLICA
        assert router.db_for_read(_Session) == DEFAULT_DB_ALIAS  # security state: the primary
    finally:
        replica._reads.reset(token)
    token = replica._reads.set(DEFAULT_DB_ALIAS)
    try:
        assert router.db_for_read(_Model) is None
    finally:
        replica._reads.reset(token)


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "work_task"."id" FROM "work_task"', False),
        ("  select 1", False),
        ('SAVEPOINT "s1"', False),
        ('INSERT INTO "work_report" ("task_id") VALUES (%s)', True),
        ('UPDATE "work_task" SET "title" = %s', True),
        ('DELETE FROM "work_follow" WHERE id = %s', True),
        ("WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM x", True),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ("", False),
    ],
)
def test_what_counts_as_a_write(sql: str, writes: bool) -> None:
    assert replica._is_write(sql) is writes
