"""Concurrent writers: optimistic locking of tasks and the audit chain under real parallel connections.

The PostgreSQL tests use threads, each with its own Django connection (connections are per thread),
released together by a barrier so the updates really race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from luoshi.audit.models import Entry
from luoshi.audit.services import record, verify_chain
from luoshi.errors import Conflict
from luoshi.work.models import Task
from luoshi.work.services import task_update


def race(workers: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run each worker in its own thread and connection, all released at once; ("ok", result) or ("error", exc)."""
    barrier = threading.Barrier(len(workers))
    results: list[tuple[str, Any]] = [("missing", None)] * len(workers)

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", fn())
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_update_the_same_task_one_wins_one_conflicts(p):
    assert connection.vendor == "postgresql"
    plan = p.plan()
    task = p.task(plan, title="原标题")
    seen = Task.objects.get(pk=task.pk)  # both editors opened the form at version 1
    assert seen.version == 1

    def editor(user: Any, title: str) -> Callable[[], str]:
        def go() -> str:
            task_update(actor=user, task=Task.objects.get(pk=task.pk), version=seen.version, title=title)
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                return f"{title}@{cur.fetchone()[0]}"

        return go

    results = race([editor(p.officer, "甲改的标题"), editor(p.officer2, "乙改的标题")])
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    winner = next(value for kind, value in results if kind == "ok")
    loser = next(value for kind, value in results if kind == "error")
    assert isinstance(loser, Conflict), repr(loser)
    assert "请刷新后重试" in str(loser)
    stored = Task.objects.get(pk=task.pk)
    assert stored.title == winner.split("@")[0]  # the winner's value, never overwritten by the loser
    assert stored.version == 2
    updates = Entry.objects.filter(action="work.task.updated", object_id=str(task.pk))
    assert [e.after["title"] for e in updates] == [stored.title]
    assert verify_chain() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_editors_race_exactly_one_wins(p):
    plan = p.plan()
    task = p.task(plan)
    results = race(
        [
            (lambda i=i: task_update(actor=p.officer, task=task, version=1, description=f"第{i}版"))
            for i in range(6)
        ]
    )
    assert sum(kind == "ok" for kind, _ in results) == 1
    assert all(isinstance(v, Conflict) for kind, v in results if kind == "error")
    stored = Task.objects.get(pk=task.pk)
    winner = next(v for kind, v in results if kind == "ok")
    assert stored.description == winner.description and stored.version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_audit_appends_keep_the_chain_valid(p):
    """The advisory lock serialises appends: no two entries claim the same place in the chain."""
    before = Entry.objects.count()

    def appender(n: int) -> Callable[[], int]:
        def go() -> int:
            for i in range(8):
                record(
                    None, "jobs.tick.ran", data={"worker": n, "i": i}, object_type="test", object_id=str(n)
                )
            return n

        return go

    results = race([appender(n) for n in range(5)])
    assert all(kind == "ok" for kind, _ in results), results
    seqs = list(Entry.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == before + 40 and seqs == list(range(1, len(seqs) + 1))
    assert verify_chain() is None


@pytest.mark.django_db
def test_stale_version_is_a_conflict_on_any_database(p):
    """The sequential form of the race, on SQLite as on PostgreSQL: a stale version never overwrites."""
    plan = p.plan()
    task = p.task(plan, title="原标题")
    form_a = Task.objects.get(pk=task.pk)
    form_b = Task.objects.get(pk=task.pk)
    task_update(actor=p.officer, task=form_a, version=form_a.version, title="甲改的标题")
    with pytest.raises(Conflict) as exc:
        task_update(actor=p.officer2, task=form_b, version=form_b.version, title="乙改的标题")
    assert str(exc.value) == "任务已被他人修改（版本 1 → 2），请刷新后重试。"
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.version) == ("甲改的标题", 2)
    # With the version it now sees, the second editor succeeds.
    task_update(actor=p.officer2, task=form_b, version=stored.version, title="乙改的标题")
    assert Task.objects.get(pk=task.pk).version == 3
