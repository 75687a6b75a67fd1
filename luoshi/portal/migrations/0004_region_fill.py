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
        cur.execute("UPDATE portal_publication SET region_id = (SELECT u.region_id FROM org_unit u WHERE u.id = portal_publication.unit_id)")
        if root is not None:
            cur.execute("UPDATE portal_publication SET region_id = %s WHERE region_id IS NULL", [root])
        for table in ("portal_snapshot", "portal_feedback"):
            cur.execute(f"UPDATE {table} SET region_id = (SELECT p.region_id FROM portal_publication p WHERE p.id = {table}.publication_id)")


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
