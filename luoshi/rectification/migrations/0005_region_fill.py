"""Fill the region key (lib/regions.py) of existing rows, parents first: rounds from their plan, then
each table from its parent. Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations

# (table, its parent's table, the column naming the parent), parents before children
STEPS = [
    ("rectification_round", "work_plan", "plan_id"),
    ("rectification_round_scope_units", "rectification_round", "round_id"),
    ("rectification_problem", "rectification_round", "round_id"),
    ("rectification_publication", "rectification_round", "round_id"),
    ("rectification_measure", "rectification_problem", "problem_id"),
    ("rectification_signoff", "rectification_problem", "problem_id"),
    ("rectification_reopen", "rectification_problem", "problem_id"),
    ("rectification_approval", "rectification_signoff", "signoff_id"),
    ("rectification_signoffevidence", "rectification_signoff", "signoff_id"),
]


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        for table, parent, column in STEPS:
            cur.execute(
                f"UPDATE {table} SET region_id = (SELECT p.region_id FROM {parent} p WHERE p.id = {table}.{column})"
            )


class Migration(migrations.Migration):
    dependencies = [("work", "0016_region_key_required"), ("rectification", "0004_region_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
