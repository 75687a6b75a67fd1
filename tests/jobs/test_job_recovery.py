"""Jobs finish even when their worker dies: a real `luoshi worker` killed (SIGKILL) in the middle
of a large import's parse and of its after-commit pinyin job; after a restart both finish and the
data equal an import that was never interrupted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from luoshi.imports.models import BatchState, ImportBatch
from luoshi.imports.services import batch_create
from luoshi.jobs import durable
from luoshi.jobs.models import Job, JobState
from luoshi.lib.text import pinyin_forms
from luoshi.work.models import Task
from luoshi.work.services import search_text
from tests.factories import Personas
from tests.jobs.jobs_scenario import ROWS

ROOT = Path(__file__).resolve().parent.parent.parent
LEASE = 2  # seconds: the lease of the workers started here
TIMEOUT = 240  # seconds any one stage may take on a busy machine


def _luoshi_cmd() -> list[str]:
    script = Path(sys.executable).parent / "luoshi"
    return [str(script)] if script.exists() else [sys.executable, "-m", "luoshi"]


@pytest.fixture
def scenario_db(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Callable[[str], list[tuple[Any, ...]]]]]:
    """A database of the scenario's own (the workers are other processes): a SQLite file, or on
    the PostgreSQL run a scratch database beside the test database. Yields its URL and a query
    function for watching it from here."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        import sqlite3

        path = tmp_path / "scenario.sqlite3"
        # The worker's test database is migrated already: a copy of it (SQLite's backup API) spares
        # the scenario's `migrate` the ~10 s the whole graph takes on SQLite (it finds nothing to do).
        request.getfixturevalue("django_db_setup")
        from django.db import connection

        with request.getfixturevalue("django_db_blocker").unblock():
            connection.ensure_connection()
            with sqlite3.connect(path) as copy:
                connection.connection.backup(copy)
            copy.close()

        def query(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path, timeout=20) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    scratch = f"{name.split('?')[0]}_jobkill"
    admin = f"{base}/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        db.execute(f'CREATE DATABASE "{scratch}"')

    def query_pg(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(f"{base}/{scratch}") as db:
            return db.execute(sql).fetchall()

    try:
        yield f"{base}/{scratch}", query_pg
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _wait(what: str, ready: Callable[[], Any], proc: subprocess.Popen[bytes] | None = None) -> Any:
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        value = ready()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the worker exited ({proc.returncode}) before {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_s_jobs_finish_after_a_restart_with_the_same_data(
    scenario_db, tmp_path: Path
) -> None:
    url, query = scenario_db
    hold = tmp_path / "hold"
    hold.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_") and k != "DB"} | {
        "DATABASE_URL": url,
        "LUOSHI_DATA_DIR": str(tmp_path / "var"),
        "LUOSHI_FAST_HASHER": "1",
        "LUOSHI_JOB_LEASE_SECONDS": str(LEASE),
        "LUOSHI_TEST_JOB_HOLD": str(hold),
    }

    def step(name: str) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-m", "tests.jobs.jobs_scenario", name],
            cwd=ROOT,
            env={k: v for k, v in env.items() if k != "LUOSHI_TEST_JOB_HOLD"},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        return result

    log = (tmp_path / "worker.log").open("ab")

    def worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen([*_luoshi_cmd(), "worker"], cwd=ROOT, env=env, stdout=log, stderr=log)

    def jobs() -> dict[str, str]:
        return dict(query("SELECT kind, state FROM jobs_job"))

    def batch() -> tuple[str, int, int]:
        return query("SELECT state, rows_done, rows_total FROM imports_importbatch")[0]

    def reached(kind: str) -> list[tuple[int, int]]:
        """(worker pid, step) of every step of `kind` the workers reached, in order."""
        steps = hold / f"{kind}.log"
        lines = steps.read_text().split() if steps.exists() else []
        return [(int(pid), int(step)) for pid, step in zip(lines[::2], lines[1::2], strict=True)]

    procs: list[subprocess.Popen[bytes]] = []
    try:
        assert step("setup")["state"] == BatchState.PARSING
        assert jobs() == {"imports.parse": JobState.QUEUED}

        # 1. Killed while it parses: held after its first 500 rows, then SIGKILL.
        (hold / "hold-imports.parse").touch()
        procs.append(first := worker())
        _wait("the parse to reach its first 500 rows", lambda: reached("imports.parse"), first)
        first.kill()
        first.wait(timeout=30)
        state, done, total = batch()
        assert (state, jobs()) == (BatchState.PARSING, {"imports.parse": JobState.RUNNING})
        assert 0 < done < total
        # 2. A new worker, once the dead one's lease has run out, parses it again to the end.
        (hold / "hold-imports.parse").unlink()
        (hold / "hold-work.fill_search_text").touch()  # for step 3
        time.sleep(LEASE + 1)
        procs.append(second := worker())
        _wait("the parse to finish", lambda: jobs() == {"imports.parse": JobState.DONE}, second)
        assert batch() == (BatchState.READY, total, total)

        # 3. The commit queues the titles' pinyin; the worker is killed after its first chunk.
        committed = step("commit")
        assert committed["state"] == BatchState.COMMITTED
        _wait("the pinyin job's first chunk", lambda: reached("work.fill_search_text"), second)
        second.kill()
        second.wait(timeout=30)
        assert jobs()["work.fill_search_text"] == JobState.RUNNING
        # 4. A new worker resumes it after the last chunk the dead one finished.
        (hold / "hold-work.fill_search_text").unlink()
        time.sleep(LEASE + 1)
        procs.append(third := worker())
        _wait("the pinyin job to finish", lambda: jobs()["work.fill_search_text"] == JobState.DONE, third)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        log.close()

    # The parse started over in the second worker; the pinyin job went on after the chunk the
    # killed worker had finished, in the third.
    parse = reached("imports.parse")
    assert [s for pid, s in parse if pid == first.pid] == [500]
    again = [s for pid, s in parse if pid == second.pid]
    assert again[0] == 500 and again[-1] == ROWS and again == sorted(again)
    fill = reached("work.fill_search_text")
    killed_at = [s for pid, s in fill if pid == second.pid]
    resumed = [s for pid, s in fill if pid == third.pid]
    assert len(killed_at) == 1 and resumed and min(resumed) > killed_at[0]
    assert {pid for pid, _ in fill} == {second.pid, third.pid}

    result = step("check")
    kinds = [(j["kind"], j["state"], j["attempts"]) for j in result["jobs"]]
    assert kinds == [("imports.parse", "done", 2), ("work.fill_search_text", "done", 2)]
    assert result["jobs"][1]["progress"] == {"after": resumed[-1]}
    a, b = result["a"], result["b"]
    assert result["a_tasks"] == committed["result"]["created"] > ROWS  # sections and their tasks
    assert result["a_with_pinyin"] == result["a_tasks"]
    assert a["state"] == b["state"] == BatchState.COMMITTED
    assert a["preview"] == b["preview"]
    assert a["result"] == b["result"]
    assert a["tasks"] == b["tasks"]


# ---------------------------------------------------------------------------------------------
# The same rules in-process, fast.


def _expire(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_recover_queues_again_only_jobs_whose_lease_ran_out(p: Personas, monkeypatch) -> None:
    sent: list[int] = []
    monkeypatch.setattr(durable, "_enqueue", sent.append)
    plan = p.plan()
    batch = ImportBatch.objects.create(
        kind="tasks", filename="x.csv", sha256="0", plan=plan, created_by=p.officer
    )
    running = Job.objects.create(
        kind="imports.parse", args={"batch_id": batch.pk}, state=JobState.RUNNING, attempts=1
    )
    Job.objects.filter(pk=running.pk).update(
        lease_token="w1", lease_until=timezone.now() + timedelta(minutes=1)
    )
    assert durable.recover() == 0 and sent == []  # its worker is alive: its lease is renewed
    _expire(running)
    assert durable.recover() == 1 and sent == [running.pk]
    assert durable.recover() == 0  # queued once, not once per worker that starts
    running.refresh_from_db()
    assert running.state == JobState.QUEUED and running.lease_token is None


@pytest.mark.django_db
def test_a_job_that_kills_its_worker_every_time_is_given_up_and_its_batch_failed(
    p: Personas, monkeypatch
) -> None:
    monkeypatch.setattr(durable, "_enqueue", lambda pk: None)
    plan = p.plan()
    batch = ImportBatch.objects.create(
        kind="tasks", filename="x.csv", sha256="0", plan=plan, created_by=p.officer
    )
    job = Job.objects.create(kind="imports.parse", args={"batch_id": batch.pk})
    for _ in range(durable.MAX_ATTEMPTS):
        assert durable._claim(job.pk) is not None  # the worker takes it, and dies
        _expire(job)
        durable.recover()
    assert durable.run(job.pk) is False
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.state == JobState.FAILED and "5 attempts" in job.message
    assert batch.state == BatchState.FAILED


@pytest.mark.django_db
def test_the_pinyin_job_resumes_after_its_last_finished_chunk(p: Personas) -> None:
    plan = p.plan()
    tasks = [p.task(plan, title=f"推进第{i}项工程") for i in range(3)]
    for t in tasks:  # as a large import leaves them: no pinyin of the title
        Task.objects.filter(pk=t.pk).update(
            search_text=search_text(t.title, t.code, t.lead_unit, title_pinyin=False)
        )
    ids = sorted(t.pk for t in tasks)
    job = Job.objects.create(kind="work.fill_search_text", args={"ranges": [[ids[0], ids[-1]]]})
    # A worker died after the chunk ending at the second task.
    Job.objects.filter(pk=job.pk).update(progress={"after": ids[1]})
    assert durable.run(job.pk)
    filled = {t.pk: pinyin_forms(t.title)[0] in t.search_text for t in Task.objects.filter(pk__in=ids)}
    assert filled == {ids[0]: False, ids[1]: False, ids[2]: True}
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.progress == {"after": ids[-1]} and job.attempts == 1
    assert durable.run(job.pk) is False  # done: not run again


@pytest.mark.django_db
def test_a_large_upload_records_its_parse_job_with_the_batch(
    p: Personas, django_capture_on_commit_callbacks
) -> None:
    rows = "\n".join(f"{i},任务{i},区发改局,6月底前" for i in range(1, 2102))
    data = ("序号,重点任务,牵头单位,完成时限\n" + rows).encode("utf-8-sig")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = batch_create(actor=p.officer, kind="tasks", data=data, filename="big.csv", plan=p.plan())
    job = Job.objects.get()
    assert (job.kind, job.args, job.state) == ("imports.parse", {"batch_id": batch.pk}, JobState.QUEUED)
    assert len(callbacks) == 1
    assert durable.run(job.pk)
    batch.refresh_from_db()
    assert batch.state == BatchState.READY and batch.preview["counts"]["create"] == 2101
    # Run again (a duplicate in the queue): the batch is left as it is.
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    ImportBatch.objects.filter(pk=batch.pk).update(message="kept")
    assert durable.run(job.pk)
    batch.refresh_from_db()
    assert batch.state == BatchState.READY and batch.message == "kept"
