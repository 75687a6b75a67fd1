"""Fill the region key (lib/regions.py) of existing rows: settings from their plan, warnings from their
unit, flags from their task (a unit-level flag from its unit). Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "UPDATE alerts_plansettings SET region_id = "
            "(SELECT p.region_id FROM work_plan p WHERE p.id = alerts_plansettings.plan_id)"
        )
        cur.execute(
            "UPDATE alerts_warning SET region_id = (SELECT u.region_id FROM org_unit u WHERE u.id = alerts_warning.unit_id)"
        )
        cur.execute(
            "UPDATE alerts_flag SET region_id = COALESCE("
            "(SELECT t.region_id FROM work_task t WHERE t.id = alerts_flag.task_id),"
            "(SELECT u.region_id FROM org_unit u WHERE u.id = alerts_flag.unit_id))"
        )


class Migration(migrations.Migration):
    dependencies = [("work", "0016_region_key_required"), ("alerts", "0002_region_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
