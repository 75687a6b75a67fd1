"""Fill the region key of existing projects (their lead unit's region, else their task's, else the
root region's) and of their rows (the project's); earlier imports and boundaries take the root region. Portable SQL (SQLite and PostgreSQL), parents before children."""

from django.db import migrations

def _root_region(cur):
    cur.execute("SELECT COALESCE(region_id, id) FROM org_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1")
    row = cur.fetchone()
    return None if row is None else row[0]


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        root = _root_region(cur)
        cur.execute(
            "UPDATE projects_project SET region_id = COALESCE("
            "(SELECT u.region_id FROM org_unit u WHERE u.id = projects_project.lead_unit_id),"
            "(SELECT t.region_id FROM work_task t WHERE t.id = projects_project.task_id))"
        )
        if root is not None:
            cur.execute("UPDATE projects_project SET region_id = %s WHERE region_id IS NULL", [root])
        cur.execute(
            "UPDATE projects_projectyear SET region_id = (SELECT p.region_id FROM projects_project p WHERE p.id = projects_projectyear.project_id)"
        )
        cur.execute(
            "UPDATE projects_projectstage SET region_id = (SELECT p.region_id FROM projects_project p WHERE p.id = projects_projectstage.project_id)"
        )
        cur.execute(
            "UPDATE projects_stagechange SET region_id = (SELECT p.region_id FROM projects_project p WHERE p.id = projects_stagechange.project_id)"
        )
        cur.execute(
            "UPDATE projects_projectinvestment SET region_id = (SELECT p.region_id FROM projects_project p WHERE p.id = projects_projectinvestment.project_id)"
        )
        cur.execute(
            "UPDATE projects_projectowner SET region_id = (SELECT p.region_id FROM projects_project p WHERE p.id = projects_projectowner.project_id)"
        )
        cur.execute(
            "UPDATE projects_projectproblem SET region_id = (SELECT p.region_id FROM projects_project p WHERE p.id = projects_projectproblem.project_id)"
        )
        # earlier imports and boundaries name no office: the root region's
        if root is not None:
            cur.execute("UPDATE projects_projectimport SET region_id = %s WHERE region_id IS NULL", [root])
        if root is not None:
            cur.execute("UPDATE projects_boundary SET region_id = %s WHERE region_id IS NULL", [root])


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_region_key"), ("work", "0016_region_key_required")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
