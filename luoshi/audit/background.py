"""Chaining in the background (LUOSHI_AUDIT_CHAIN_IN_BACKGROUND): a web process's writers hand the
sequencer's run to one thread of the process (`luoshi.lib.background`) instead of running it after
their own commit.

A writer's commit only wakes the thread; the thread waits a few milliseconds for other commits to
gather, then chains every committed entry at once (`sequencer.chain_pending`). Under load one run
chains the entries of many requests, and no request waits for it. Nothing changes in what is
chained or in which order: the sequencer is the same, one at a time per region, and entries left
when a process stops are chained by the next run anywhere (the worker's minute step, another
writer, `luoshi audit chain`); `audit verify` covers entries not chained yet.
"""

from __future__ import annotations

from luoshi.lib.background import Background


def _chain() -> None:
    from .sequencer import chain_pending

    chain_pending()


_thread = Background("luoshi-audit-chain", _chain)


def wake() -> None:
    """Ask this process's chaining thread for a run, starting it on first use (and after a fork:
    a forked web worker starts its own)."""
    _thread.wake()


def stop(timeout: float = 5.0) -> bool:
    """Stop this process's chaining thread after its current run and close its connection; whether
    there was one."""
    return _thread.stop(timeout)
