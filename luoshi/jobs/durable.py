"""Jobs that finish even when their worker dies: a row per job, a lease renewed by a heartbeat.

Huey takes a task off its queue (SQLite or Redis) when a worker starts it, so a worker killed in
the middle loses the task. Jobs that must finish (parsing a large import, the pinyin of tasks
created in bulk) are therefore also written to `jobs.Job`, in the transaction of the data they
work on, and sent to Huey once it commits:

- `job_create` writes the row and queues `run_job` on commit;
- `run` claims the row with a lease (one atomic UPDATE), renews the lease from a heartbeat thread
  while the handler runs, and marks the job done or failed;
- `recover` (at worker start, and every minute on the worker) queues again every job whose lease
  ran out: its worker died, or the queue lost it. Handlers are idempotent and save `progress`, so
  running a job again finishes it with the same result as a run that was never interrupted.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Job, JobState

log = logging.getLogger(__name__)

# kind → "module:function" taking the Job; the optional second one is told when the job gave up.
HANDLERS: dict[str, tuple[str, str | None]] = {
    "imports.parse": ("luoshi.imports.services:parse_job", "luoshi.imports.services:parse_job_failed"),
    "work.fill_search_text": ("luoshi.work.services:search_text_fill_job", None),
}
# A job whose worker died this many times is given up (it may be what kills the worker).
MAX_ATTEMPTS = 5
# A queued job no worker took within this time is queued again (the queue may have lost it).
QUEUED_GRACE = timedelta(hours=1)


def lease() -> timedelta:
    return timedelta(seconds=max(1, int(getattr(settings, "LUOSHI_JOB_LEASE_SECONDS", 60))))


def _resolve(path: str) -> Callable[..., Any]:
    module, name = path.split(":")
    func: Callable[..., Any] = getattr(import_module(module), name)
    return func


def _enqueue(job_id: int) -> None:
    from .tasks import run_job

    run_job(job_id)


def job_create(*, kind: str, args: dict[str, Any]) -> Job:
    """Record a job in the caller's transaction; it is sent to the worker when that commits."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, args=args, lease_until=timezone.now() + QUEUED_GRACE)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def save_progress(job: Job, **progress: Any) -> None:
    """Remember how far the job got, so that a run after a crash resumes from there."""
    job.progress = {**job.progress, **progress}
    Job.objects.filter(pk=job.pk).update(progress=job.progress)


def checkpoint(kind: str, step: int) -> None:
    """A point between two steps of a job. Tests only: with LUOSHI_TEST_JOB_HOLD set to a folder,
    note the step reached there (a line "<pid> <step>" in `<kind>.log`) and wait while
    `<folder>/hold-<kind>` exists, so a test can kill the worker at a known point instead of racing
    the clock."""
    folder = os.environ.get("LUOSHI_TEST_JOB_HOLD")
    if not folder:
        return
    with (Path(folder) / f"{kind}.log").open("a") as steps:
        steps.write(f"{os.getpid()} {step}\n")
    hold = Path(folder) / f"hold-{kind}"
    while hold.exists():
        time.sleep(0.05)


class _Heartbeat(threading.Thread):
    """Renews the lease every third of its length while the job runs (in its own connection)."""

    def __init__(self, job_id: int, token: str) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.token = job_id, token
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.wait(lease().total_seconds() / 3):
                Job.objects.filter(pk=self.job_id, lease_token=self.token).update(
                    lease_until=timezone.now() + lease()
                )
        except Exception:  # the job itself goes on; at worst its lease runs out and it runs again
            log.exception("heartbeat of job %s failed", self.job_id)
        finally:
            connection.close()


def _claim(job_id: int) -> Job | None:
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"[:64]
    now = timezone.now()
    claimable = Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, lease_until__lt=now)
    taken = (
        Job.objects.filter(claimable, pk=job_id)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(
            state=JobState.RUNNING, lease_token=token, lease_until=now + lease(), attempts=F("attempts") + 1
        )
    )
    if taken != 1:
        _give_up_if_exhausted(job_id)
        return None
    return Job.objects.get(pk=job_id)


def _finish(job: Job, state: str, message: str = "") -> None:
    Job.objects.filter(pk=job.pk, lease_token=job.lease_token).update(
        state=state, lease_token=None, lease_until=None, finished_at=timezone.now(), message=message[:2000]
    )


def _give_up_if_exhausted(job_id: int) -> None:
    now = timezone.now()
    exhausted = Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, lease_until__lt=now)
    job = Job.objects.filter(exhausted, pk=job_id, attempts__gte=MAX_ATTEMPTS).first()
    if job is None:
        return
    message = f"gave up after {job.attempts} attempts"
    given_up = Job.objects.filter(pk=job.pk, lease_token=job.lease_token, state=job.state).update(
        state=JobState.FAILED, lease_token=None, lease_until=None, finished_at=now, message=message
    )
    failed = HANDLERS.get(job.kind, ("", None))[1]
    if given_up and failed:
        _resolve(failed)(job, message)


def run(job_id: int) -> bool:
    """Run a job unless it is done or another live worker holds it; True when this call ran it."""
    job = _claim(job_id)
    if job is None:
        return False
    heartbeat = _Heartbeat(job.pk, job.lease_token or "")
    heartbeat.start()
    try:
        _resolve(HANDLERS[job.kind][0])(job)
    except Exception as exc:
        _finish(job, JobState.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        heartbeat.stop.set()
        heartbeat.join()
    _finish(job, JobState.DONE)
    return True


def recover() -> int:
    """Queue again every unfinished job whose lease ran out; returns how many."""
    now = timezone.now()
    stale = Job.objects.filter(state__in=[JobState.QUEUED, JobState.RUNNING], lease_until__lt=now)
    again = 0
    for job in stale.only("pk", "state", "lease_until", "attempts"):
        if job.attempts >= MAX_ATTEMPTS:
            _give_up_if_exhausted(job.pk)
            continue
        # Taken back with one UPDATE, so two workers starting at once queue it only once.
        if Job.objects.filter(pk=job.pk, state=job.state, lease_until=job.lease_until).update(
            state=JobState.QUEUED, lease_token=None, lease_until=now + QUEUED_GRACE
        ):
            log.warning("job %s (%s) did not finish; queued again", job.pk, job.state)
            _enqueue(job.pk)
            again += 1
    return again
