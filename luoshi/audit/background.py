"""Chaining in the background (LUOSHI_AUDIT_CHAIN_IN_BACKGROUND): a web process's writers hand the
sequencer's run to one thread of the process instead of running it after their own commit.

A writer's commit only wakes the thread; the thread waits a few milliseconds for other commits to
gather, then chains every committed entry at once (`sequencer.chain_pending`). Under load one run
chains the entries of many requests, and no request waits for it. Nothing changes in what is
chained or in which order: the sequencer is the same, one at a time per region, and entries left
when a process stops are chained by the next run anywhere (the worker's minute step, another
writer, `luoshi audit chain`); `audit verify` covers entries not chained yet.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

log = logging.getLogger(__name__)

GATHER_SECONDS = 0.005  # how long a run waits for more commits before chaining

_guard = threading.Lock()
_runner: _Runner | None = None


class _Runner:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.wake = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, name="luoshi-audit-chain", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        from django.db import close_old_connections, connection

        from .sequencer import chain_pending

        try:
            while not self.stopping:
                self.wake.wait()
                if self.stopping:
                    break
                time.sleep(GATHER_SECONDS)
                self.wake.clear()  # a commit from here on wakes the next run
                try:
                    close_old_connections()
                    chain_pending()
                except Exception:
                    log.exception(
                        "audit: chaining in the background failed; the next run or the minute step chains"
                    )
                    connection.close()
        finally:
            connection.close()


def wake() -> None:
    """Ask this process's chaining thread for a run, starting it on first use (and after a fork:
    a forked web worker starts its own)."""
    global _runner
    runner = _runner
    if runner is None or runner.pid != os.getpid():
        with _guard:
            runner = _runner
            if runner is None or runner.pid != os.getpid():
                runner = _runner = _Runner()
                atexit.register(_drain)
    runner.wake.set()


def _drain() -> None:
    """At the process's exit (a command's end, a worker recycled): stop the thread and chain what
    this process committed since its last run, so a short-lived process leaves nothing behind."""
    if not stop():
        return  # stopped already (and drained by whoever stopped it)
    try:
        from .sequencer import chain_pending

        chain_pending()
    except Exception:
        log.exception("audit: chaining at exit failed; the minute step chains the entries")


def stop(timeout: float = 5.0) -> bool:
    """Stop this process's chaining thread after its current run and close its connection; whether
    there was one."""
    global _runner
    with _guard:
        runner, _runner = _runner, None
    if runner is None or runner.pid != os.getpid():
        return False
    runner.stopping = True
    runner.wake.set()
    runner.thread.join(timeout)
    return True
