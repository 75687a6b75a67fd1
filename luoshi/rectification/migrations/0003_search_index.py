"""Search (issue 17): the grams index on `rectification_problem.text` (PostgreSQL; see luoshi/lib/search.py)."""

from typing import Any

from django.db import migrations

from luoshi.lib.search import drop_index_sql, index_sql


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in index_sql("rectification_problem", "text", trigrams=False):
            schema_editor.execute(sql)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in drop_index_sql("rectification_problem", "text"):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("rectification", "0002_results_publication"), ("work", "0017_search_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
