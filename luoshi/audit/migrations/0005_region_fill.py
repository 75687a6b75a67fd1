"""Existing entries keep their place: the one chain written before regions becomes the root region's
chain (the region of entries that belong to no region), every entry with its `seq`, `prev_hash` and
`hash` unchanged; only entries written from now on are split by region. Re-deriving per-region
chains would rewrite history (and the hashes the signed checkpoints hold), so it is not done. The
retention purges of that chain go with it. With no unit at all, the install's entries go to region 0
(`audit.models.NO_REGION`). Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations


def fill(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("region_id", "pk").first()
    region = 0 if root is None else (root[0] or root[1])
    with schema_editor.connection.cursor() as cur:
        cur.execute("UPDATE audit_entry SET region_id = %s WHERE region_id IS NULL", [region])
        cur.execute("UPDATE audit_purge SET region_id = %s WHERE region_id IS NULL", [region])


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_region_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
