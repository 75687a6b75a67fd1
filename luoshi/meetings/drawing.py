"""Storing a drawn agenda (议程): the lines `agenda.collect_for_writing` draws for a meeting, written
as the meeting's `AgendaItem`s by the services that draw it (`services.agenda_generate`,
`services.agenda_send`), inside their transaction and with the meeting's row locked.

A city-wide weekly agenda is tens of thousands of lines, so nothing here builds a model instance:
the other sources' lines go by COPY (`lib.bulk.write_rows`), the tasks source's are written by the
database from the tasks (INSERT … SELECT), and a redraw applies the difference set-based.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from . import agenda
from .models import AgendaItem, Meeting

# The agenda's columns as `write_agenda` writes them (COPY on PostgreSQL: a city-wide weekly agenda
# has thousands of items, and building a model instance for each took most of the time).
AGENDA_COLUMNS = (
    "meeting_id",
    "region_id",
    "task_id",
    "source",
    "reasons",
    "title",
    "lead_unit_id",
    "light",
    "actual_pct",
    "expected_pct",
    "due",
    "sort",
)


def write_agenda(meeting: Meeting) -> int:
    """Store the agenda drawn now; returns the number of lines.

    A first draw writes the other sources' lines (COPY on PostgreSQL, each line made as the one before
    is sent), then has the database write the tasks source's lines itself (`_insert_task_lines`): a
    city-wide agenda's tens of thousands of task lines never pass through Python. A redraw writes
    only what changed since the stored draft: the lines drawn now go to a scratch table the same way,
    then stored lines not drawn the same are deleted and drawn lines not stored are added, two
    set-based statements (`_apply_draw`). So redrawing an unchanged agenda (the office redraws its
    draft, or the tick draws it again when it sends it) writes nothing, and an unchanged line keeps
    its row. The other sources' lines are built with the cyclic GC paused (`lib.gcpause`)."""
    from luoshi.lib.bulk import write_rows
    from luoshi.lib.gcpause import gc_paused

    on = timezone.localdate(meeting.starts_at)
    first = not AgendaItem.objects.filter(meeting=meeting).exists()
    with gc_paused():
        collected, tasks = agenda.collect_for_writing(meeting.series, on)
        lines = (
            (
                meeting.pk,
                meeting.region_id,
                c.task_id,
                name,
                ",".join(c.reasons),
                c.title,
                c.lead_unit_id,
                c.light,
                c.actual_pct,
                c.expected_pct,
                c.due,
                i,
            )
            for i, (name, c) in enumerate(collected, start=1)
        )
        with _draw_table(first) as table:
            written = write_rows(AgendaItem, AGENDA_COLUMNS, lines, table=table)
            if tasks is not None:
                written += _insert_task_lines(meeting, tasks, after=written, table=table)
            if not first:
                _apply_draw(meeting, table)
    return written


@contextmanager
def _draw_table(first: bool) -> Iterator[str]:
    """Where a draw is written: the agenda's own table for a first draw, else a scratch table with
    its columns, dropped afterwards. Dropped only when the draw went through: a failed draw rolls
    back the transaction, and the table's creation with it (PostgreSQL and SQLite both), while a
    DROP in an aborted PostgreSQL transaction would hide the draw's own error behind its refusal."""
    stored = AgendaItem._meta.db_table
    if first:
        yield stored
        return
    qn = connection.ops.quote_name
    scratch = "luoshi_agenda_draw"
    columns = ", ".join(qn(c) for c in AGENDA_COLUMNS)
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMPORARY TABLE {scratch} AS SELECT {columns} FROM {qn(stored)} LIMIT 0")
    yield scratch
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE {scratch}")


def _apply_draw(meeting: Meeting, scratch: str) -> None:
    """Make the meeting's stored lines those in `scratch`: delete each stored line not drawn the
    same in every column, then add each drawn line whose task has no stored line left."""
    qn = connection.ops.quote_name
    stored = qn(AgendaItem._meta.db_table)
    same = " AND ".join(f"d.{qn(c)} = {stored}.{qn(c)}" for c in AGENDA_COLUMNS if c != "meeting_id")
    columns = ", ".join(qn(c) for c in AGENDA_COLUMNS)
    with connection.cursor() as cur:
        # Indexed by task, so each stored line finds its drawn one by a lookup whatever the planner
        # believes: a meeting's lines written since the table's statistics were taken are counted
        # as one row, and without the index each stored line scanned the whole draw (16 s for a
        # city-wide agenda instead of tens of milliseconds).
        cur.execute(f"CREATE INDEX {scratch}_task ON {scratch} ({qn('task_id')})")
        cur.execute(
            f"DELETE FROM {stored} WHERE {stored}.{qn('meeting_id')} = %s"
            f" AND NOT EXISTS (SELECT 1 FROM {scratch} d WHERE {same})",
            [meeting.pk],
        )
        cur.execute(
            f"INSERT INTO {stored} ({columns}) SELECT {columns} FROM {scratch} d WHERE NOT EXISTS"
            f" (SELECT 1 FROM {stored} WHERE {stored}.{qn('meeting_id')} = %s"
            f" AND {stored}.{qn('task_id')} = d.{qn('task_id')})",
            [meeting.pk],
        )


# what `_insert_task_lines` selects for each of AGENDA_COLUMNS
_TASK_LINE_NAMES: tuple[str, ...] = ("line_meeting", "line_region", "pk", "line_source", "reasons")
_TASK_LINE_NAMES += ("title", "lead_unit_id", "light", "actual_pct", "expected_pct", "due", "line_sort")


def _insert_task_lines(meeting: Meeting, tasks: QuerySet[Any], *, after: int, table: str) -> int:
    """Write the tasks source's lines of a draw into `table` in one INSERT … SELECT from `tasks`
    (`agenda.task_lines`): the columns `write_agenda` writes, numbered on from `after`."""
    from django.db.models import F, IntegerField, Value
    from django.db.models.expressions import Window
    from django.db.models.functions import RowNumber

    rows = tasks.annotate(
        line_meeting=Value(meeting.pk, output_field=IntegerField()),
        line_region=Value(meeting.region_id, output_field=IntegerField()),
        line_source=Value("tasks"),
        line_sort=Window(RowNumber(), order_by=[F("plan_id").asc(), F("sort_path").asc()]) + after,
    ).values_list(*_TASK_LINE_NAMES)
    query = rows.order_by().query
    # an INSERT … SELECT takes the columns in the SELECT's order, which Django 5.2 keeps as the
    # names were asked for (`Query.selected`)
    column_of = dict(zip(_TASK_LINE_NAMES, AGENDA_COLUMNS, strict=True))
    sql, params = query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(column_of[name]) for name in query.selected or ())
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {qn(table)} ({columns}) {sql}", params)
        return int(cur.rowcount)
