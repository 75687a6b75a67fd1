"""Leave room in each page of work_task so the daily refresh of stored lights can be HOT updates.

Every day the tick rewrites expected progress, slack and light of every open task. With free
space in the page and no indexed column changed, PostgreSQL updates the row in place without
touching the table's indexes (measured on the district bench: the refresh UPDATE went from
366 ms to 165 ms). Other databases ignore this.
"""

from django.db import migrations


def set_fillfactor(apps, schema_editor, value: int | None) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("work_task")
    if value is None:
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
    else:
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(value)})")


class Migration(migrations.Migration):
    dependencies = [("work", "0002_light_counts")]

    operations = [
        migrations.RunPython(
            lambda apps, se: set_fillfactor(apps, se, 80),
            lambda apps, se: set_fillfactor(apps, se, None),
        )
    ]
