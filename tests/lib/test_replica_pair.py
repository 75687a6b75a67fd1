"""Read-your-own-writes on a real replica (luoshi/lib/replica.py).

The test starts its own primary and a `pg_basebackup` streaming replica of it (tests/lib/pgpair.py),
loads the test database into the primary, points Django's connections at the pair, pauses the
replica's replay and checks through the API and the pages that the writer sees a write at once while
another user sees it only once the replica has replayed it. Its own module: the pair is
module-scoped, and pytest-django runs transactional tests after the others.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from luoshi.lib import replica
from luoshi.lib.replica import REPLICA, primary_lsn, replica_has
from tests.lib import pgpair
from tests.lib.pgpair import PgPair, wait_for


@pytest.fixture(scope="module")
def pair(django_db_setup: None, django_db_blocker: Any) -> Iterator[PgPair]:
    """The pair, holding a copy of the (migrated, empty) test database, with Django's `default`
    connection on its primary and `replica` on its replica; everything put back and both servers
    stopped afterwards, also when the test fails. Module-scoped so that the transactional test's
    flush after it empties the pair's small primary, not the whole test database."""
    why = pgpair.available()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    pg = PgPair()
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    saved = {k: default[k] for k in ("NAME", "HOST", "PORT", "USER", "PASSWORD")}
    with django_db_blocker.unblock():
        try:
            pg.start_primary()
            env = os.environ | {"PGPASSWORD": str(saved["PASSWORD"] or "")}
            source = ["-h", str(saved["HOST"] or "127.0.0.1"), "-p", str(saved["PORT"] or 5432)]
            source += ["-U", str(saved["USER"] or "postgres")]
            target = ["-h", "127.0.0.1", "-p", str(pg.primary_port), "-U", "postgres"]
            bin_ = pgpair.PG_BIN
            subprocess.run([bin_ / "createdb", *target, "luoshi"], check=True, env=env, timeout=30)
            dump = subprocess.run(
                [bin_ / "pg_dump", *source, "--no-owner", "--no-privileges", str(saved["NAME"])],
                check=True,
                capture_output=True,
                env=env,
                timeout=60,
            )
            subprocess.run(
                [bin_ / "psql", *target, "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", "luoshi"],
                input=dump.stdout,
                check=True,
                capture_output=True,
                env=env,
                timeout=60,
            )
            pg.start_replica()
            connections.close_all()
            default.update(NAME="luoshi", HOST="127.0.0.1", PORT=str(pg.primary_port), USER="postgres")
            default["PASSWORD"] = ""
            connections.settings[REPLICA] = copy.deepcopy(default) | {
                "PORT": str(pg.replica_port),
                "TEST": {**default["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
            }
            yield pg
        finally:
            connections.close_all()
            if REPLICA in connections.settings:
                del connections[REPLICA]
                del connections.settings[REPLICA]
            default.update(saved)
            pg.stop()


def _replayed() -> bool:
    return replica_has(primary_lsn())


def _title(client: Any, task_id: int) -> str:
    response = client.get(f"/api/v1/tasks/{task_id}")
    assert response.status_code == 200, response.content
    return str(response.json()["title"])


@pytest.mark.postgres
# Transactional: no test transaction around it; the mark also has the test database made, which the
# pair copies. The replica is a mirror of the primary (as settings.py declares it), never flushed.
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_a_writer_reads_its_own_write_at_once_and_others_after_replication(pair: PgPair) -> None:
    from tests.factories import Personas
    from tests.helpers import client_for

    p = Personas()
    task = p.task(p.plan(), title="原标题")
    writer, other = client_for(p.officer), client_for(p.officer2)
    assert wait_for(_replayed), pair.log()
    # Before any write both read the replica: stop it replaying, and a change made on the primary
    # behind the application's back is seen by neither.
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("UPDATE work_task SET description = '旁路修改' WHERE id = %s", [task.pk])
    seen = writer.get(f"/api/v1/tasks/{task.pk}").json()
    assert (seen["title"], seen["description"]) == ("原标题", "")
    assert replica.PIN_COOKIE not in writer.cookies

    changed = writer.patch(
        f"/api/v1/tasks/{task.pk}",
        data=json.dumps({"version": task.version, "title": "新标题"}),
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "新标题"
    assert writer.cookies[replica.PIN_COOKIE].value  # the primary's LSN after the write

    # The writer sees it at once, on the API and on the page; the replica, still paused, has not.
    assert _title(writer, task.pk) == "新标题"
    assert "新标题" in writer.get(f"/work/tasks/{task.pk}/").content.decode()
    assert _title(other, task.pk) == "原标题"
    assert "新标题" not in other.get(f"/work/tasks/{task.pk}/").content.decode()
    # Inside a transaction reads go to the primary even in a request that reads the replica.
    token = replica._reads.set(REPLICA)
    try:
        from luoshi.work.models import Task

        assert Task.objects.get(pk=task.pk).title == "原标题"
        with transaction.atomic():
            assert Task.objects.get(pk=task.pk).title == "新标题"
    finally:
        replica._reads.reset(token)

    # Replication catches up: the other user sees the write, and the writer's pin is dropped.
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    pin = writer.cookies[replica.PIN_COOKIE].value.split(":")[0]
    assert wait_for(lambda: replica_has(pin)), pair.log()
    assert _title(other, task.pk) == "新标题"
    assert _title(writer, task.pk) == "新标题"
    assert writer.cookies[replica.PIN_COOKIE].value == ""  # deleted: the writer reads the replica again

    # A replica that is down is not an outage: reads fall back to the primary.
    pair.stop_replica()
    connections[REPLICA].close()
    assert _title(other, task.pk) == "新标题"
