"""Search without a scan on PostgreSQL (issue 17): pg_trgm, the `luoshi_grams` function and the two
GIN indexes on `work_task.search_text` (see luoshi/lib/search.py). Nothing on SQLite."""

from typing import Any

from django.db import migrations

from luoshi.lib.search import GRAMS_FUNCTION, drop_index_sql, index_sql


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in ["CREATE EXTENSION IF NOT EXISTS pg_trgm", GRAMS_FUNCTION, *index_sql("work_task", "search_text")]:
        schema_editor.execute(sql)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in drop_index_sql("work_task", "search_text"):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("work", "0016_region_key_required")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
