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
        # Courses set before they had an office unit belong to the root region.
        if root is not None:
            cur.execute("UPDATE learning_course SET region_id = %s", [root])
        for table in ("learning_course_posts", "learning_material", "learning_question", "learning_attempt"):
            cur.execute(f"UPDATE {table} SET region_id = (SELECT c.region_id FROM learning_course c WHERE c.id = {table}.course_id)")


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
