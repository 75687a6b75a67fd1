"""Search (issue 17): the grams index on `projects_project.name` (PostgreSQL; see luoshi/lib/search.py)."""

from typing import Any

from django.db import migrations

from luoshi.lib.search import drop_index_sql, index_sql


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in index_sql("projects_project", "name", trigrams=False):
            schema_editor.execute(sql)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in drop_index_sql("projects_project", "name"):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_year_completed"), ("work", "0017_search_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
