"""Fill the region key (lib/regions.py) of existing rows from their parents, parents first.
Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations


def _root(apps):
    """The install's root region: the first root unit's (as lib/regions.root_region_id)."""
    Unit = apps.get_model("org", "Unit")
    row = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("region_id", "pk").first()
    return None if row is None else (row[0] or row[1])


def fill(apps, schema_editor):
    from django.db.models import BigIntegerField, OuterRef, Subquery
    from django.db.models.fields.json import KeyTextTransform
    from django.db.models.functions import Cast

    Outbox = apps.get_model("notify", "Outbox")
    Task = apps.get_model("work", "Task")
    # The outbox's task from its payload (portable: Django writes the JSON lookup per database);
    # a task deleted since leaves it empty.
    task = Cast(KeyTextTransform("task", OuterRef("payload")), BigIntegerField())
    Outbox.objects.filter(payload__task__isnull=False).update(
        task_id=Subquery(Task.objects.filter(pk=task).values("pk")[:1])
    )
    root = _root(apps)
    with schema_editor.connection.cursor() as cur:
        for table in ("work_notification", "notify_outbox", "notify_followedlight"):
            cur.execute(f"UPDATE {table} SET region_id = (SELECT t.region_id FROM work_task t WHERE t.id = {table}.task_id)")
        if root is not None:
            for table in ("work_notification", "notify_outbox"):
                cur.execute(f"UPDATE {table} SET region_id = %s WHERE region_id IS NULL", [root])


class Migration(migrations.Migration):
    dependencies = [("notify", "0004_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
