"""A web process's after-commit work in one thread of its own (`Background`): writers' commits only
wake the thread, which waits a few milliseconds for other commits to gather and then runs once for
all of them. Under load one run serves many requests, and no request waits for it.

What a run does must be durable without it: the work is found in the database (entries not chained,
tasks queued for a refresh), so whatever a stopped process leaves is done by the next run anywhere
or by the worker's minute step. Used by the audit trail's sequencer (`audit.background`) and the
task engine's light refresher (`work.services.lights`).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

GATHER_SECONDS = 0.005  # how long a run waits for more commits before running


class _Thread:
    def __init__(self, name: str, run: Callable[[], object], gather: float) -> None:
        self.pid = os.getpid()
        self.run = run
        self.gather = gather
        self.wake = threading.Event()
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        from django.db import close_old_connections, connection

        try:
            while not self.stopping:
                self.wake.wait()
                if self.stopping:
                    break
                time.sleep(self.gather)
                self.wake.clear()  # a commit from here on wakes the next run
                try:
                    close_old_connections()
                    self.run()
                except Exception:
                    log.exception(
                        "%s: a run failed; the next run or the minute step does its work", self.thread.name
                    )
                    connection.close()
        finally:
            connection.close()


class Background:
    """One thread per process running `run` when woken (started on first use, and again after a
    fork: a forked web worker starts its own); at the process's exit it is stopped and `run` once
    more in the exiting thread, so a short-lived process leaves nothing behind."""

    def __init__(self, name: str, run: Callable[[], object], gather: float = GATHER_SECONDS) -> None:
        self.name = name
        self.run = run
        self.gather = gather
        self._guard = threading.Lock()
        self._thread: _Thread | None = None

    def wake(self) -> None:
        """Ask for a run."""
        thread = self._thread
        if thread is None or thread.pid != os.getpid():
            with self._guard:
                thread = self._thread
                if thread is None or thread.pid != os.getpid():
                    thread = self._thread = _Thread(self.name, self.run, self.gather)
                    atexit.register(self._drain)
        thread.wake.set()

    def _drain(self) -> None:
        if not self.stop():
            return  # stopped already (and drained by whoever stopped it)
        try:
            self.run()
        except Exception:
            log.exception("%s: the run at exit failed; the minute step does its work", self.name)

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop this process's thread after its current run and close its connection; whether there
        was one."""
        with self._guard:
            thread, self._thread = self._thread, None
        if thread is None or thread.pid != os.getpid():
            return False
        thread.stopping = True
        thread.wake.set()
        thread.thread.join(timeout)
        return True
