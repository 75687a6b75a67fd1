"""Fill the region key (lib/regions.py) of existing rows from their parents, parents first.
Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute("UPDATE enterprises_enterprise SET region_id = (SELECT u.region_id FROM org_unit u WHERE u.id = enterprises_enterprise.unit_id)")
        for table in ("enterprises_riskflag", "enterprises_teammember", "enterprises_visit", "enterprises_problem"):
            cur.execute(f"UPDATE {table} SET region_id = (SELECT e.region_id FROM enterprises_enterprise e WHERE e.id = {table}.enterprise_id)")
        cur.execute("UPDATE enterprises_visit_visitors SET region_id = (SELECT v.region_id FROM enterprises_visit v WHERE v.id = enterprises_visit_visitors.visit_id)")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
