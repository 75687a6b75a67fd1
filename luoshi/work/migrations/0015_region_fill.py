"""Fill the region key (lib/regions.py) of existing rows: units first (nearest district-level unit at
or above, else the tree's root), then plans (their owner unit's region, else the first root's), then
every other region-scoped table from its parent. Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations

FROM_TASK = ["work_taskunit", "work_milestone", "work_report", "work_claim", "work_transition",
             "work_latereport", "work_follow"]  # fmt: skip
FROM_PLAN = ["work_lockedperiod", "work_lightcount"]


def fill(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    region: dict[int, int] = {}
    for pk, parent_id, category in Unit.objects.order_by("depth", "pk").values_list("pk", "parent_id", "category"):
        region[pk] = pk if category == "district" or parent_id is None else region.get(parent_id, parent_id)
    by_region: dict[int, list[int]] = {}
    for pk, r in region.items():
        by_region.setdefault(r, []).append(pk)
    for r, pks in by_region.items():
        for i in range(0, len(pks), 500):
            Unit.objects.filter(pk__in=pks[i : i + 500]).update(region_id=r)
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "UPDATE work_plan SET region_id = (SELECT u.region_id FROM org_unit u WHERE u.id = work_plan.owner_unit_id)"
        )
        if root is not None:
            cur.execute("UPDATE work_plan SET region_id = %s WHERE region_id IS NULL", [root])
        cur.execute("UPDATE work_task SET region_id = (SELECT p.region_id FROM work_plan p WHERE p.id = work_task.plan_id)")
        for table in FROM_TASK:
            cur.execute(f"UPDATE {table} SET region_id = (SELECT t.region_id FROM work_task t WHERE t.id = {table}.task_id)")
        for table in FROM_PLAN:
            cur.execute(f"UPDATE {table} SET region_id = (SELECT p.region_id FROM work_plan p WHERE p.id = {table}.plan_id)")
        cur.execute(
            "UPDATE work_evidence SET region_id = COALESCE("
            "(SELECT r.region_id FROM work_report r WHERE r.id = work_evidence.report_id),"
            "(SELECT c.region_id FROM work_claim c WHERE c.id = work_evidence.claim_id))"
        )


class Migration(migrations.Migration):
    dependencies = [("org", "0004_region_key"), ("work", "0014_region_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
