"""Fill the region key (lib/regions.py) of existing rows from their parents, parents first.
Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        for table in ("commitments_commitment", "commitments_catalogueitem"):
            cur.execute(f"UPDATE {table} SET region_id = (SELECT u.region_id FROM org_unit u WHERE u.id = {table}.unit_id)")
        for table in ("commitments_commitmentversion", "commitments_compliance"):
            cur.execute(f"UPDATE {table} SET region_id = (SELECT c.region_id FROM commitments_commitment c WHERE c.id = {table}.commitment_id)")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
