"""Fill the region key (lib/regions.py) of existing rows from their parents, parents first.
Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute("UPDATE documents_publishedbulletin SET region_id = (SELECT p.region_id FROM work_plan p WHERE p.id = documents_publishedbulletin.plan_id)")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
