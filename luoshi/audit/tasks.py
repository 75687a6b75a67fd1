"""The audit trail's periodic step in the job worker: every minute, chain what the writers' commits
left pending and write a signed checkpoint when one is due."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def chain_and_anchor() -> int:
    from .anchor import checkpoint_due, write_checkpoint
    from .sequencer import chain_pending

    n = chain_pending()
    if checkpoint_due():
        write_checkpoint()
    return n
