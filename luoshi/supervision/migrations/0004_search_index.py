"""Search (issue 17): the grams index on `supervision_item.title` (PostgreSQL; see luoshi/lib/search.py)."""

from typing import Any

from django.db import migrations

from luoshi.lib.search import drop_index_sql, index_sql


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in index_sql("supervision_item", "title", trigrams=False):
            schema_editor.execute(sql)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in drop_index_sql("supervision_item", "title"):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_idle_indexes"), ("work", "0017_search_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
