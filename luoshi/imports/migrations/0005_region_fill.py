"""Fill the region key (lib/regions.py) of existing rows from their parents, parents first.
Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations


def _root(apps):
    """The install's root region: the first root unit's (as lib/regions.root_region_id)."""
    Unit = apps.get_model("org", "Unit")
    row = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("region_id", "pk").first()
    return None if row is None else (row[0] or row[1])


def fill(apps, schema_editor):
    root = _root(apps)
    with schema_editor.connection.cursor() as cur:
        cur.execute("UPDATE imports_importbatch SET region_id = (SELECT p.region_id FROM work_plan p WHERE p.id = imports_importbatch.plan_id)")
        if root is not None:
            cur.execute("UPDATE imports_importbatch SET region_id = %s WHERE region_id IS NULL", [root])


class Migration(migrations.Migration):
    dependencies = [("imports", "0004_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
