"""Jobs of the imports app (found by the Huey worker): parsing large files with visible progress."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()  # type: ignore[untyped-decorator]  # huey has no type hints
def parse_batch_job(batch_id: int) -> None:
    from .services import batch_parse

    batch_parse(batch_id=batch_id)
