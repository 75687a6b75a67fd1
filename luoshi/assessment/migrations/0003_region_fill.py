"""Fill the region key (lib/regions.py) of existing rows, parents first. A scheme names no unit of its
own: its office (`office`) is the unit of its author's officer post (the install's first root unit when
there is none), and its region is the office's; every other table takes its parent's. Portable SQL
(SQLite and PostgreSQL)."""

from django.db import migrations

# (table, its parent's table, the column naming the parent), parents before children
STEPS = [
    ("assessment_group", "assessment_scheme", "scheme_id"),
    ("assessment_bonusrule", "assessment_scheme", "scheme_id"),
    ("assessment_vetorule", "assessment_scheme", "scheme_id"),
    ("assessment_grade", "assessment_scheme", "scheme_id"),
    ("assessment_run", "assessment_scheme", "scheme_id"),
    ("assessment_group_units", "assessment_group", "group_id"),
    ("assessment_indicator", "assessment_group", "group_id"),
    ("assessment_deductionrule", "assessment_indicator", "indicator_id"),
    ("assessment_manualscore", "assessment_indicator", "indicator_id"),
    ("assessment_event", "org_unit", "unit_id"),
    ("assessment_runinput", "assessment_run", "run_id"),
    ("assessment_result", "assessment_run", "run_id"),
    ("assessment_line", "assessment_run", "run_id"),
    ("assessment_appeal", "assessment_run", "run_id"),
]


def fill(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True).first()
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "UPDATE assessment_scheme SET office_id = (SELECT MIN(po.unit_id) FROM org_membership m"
            " JOIN org_post po ON po.id = m.post_id JOIN org_person pe ON pe.id = m.person_id"
            " WHERE pe.user_id = assessment_scheme.created_by_id AND po.role = 'officer')"
            " WHERE office_id IS NULL"
        )
        if root is not None:
            cur.execute("UPDATE assessment_scheme SET office_id = %s WHERE office_id IS NULL", [root])
        cur.execute(
            "UPDATE assessment_scheme SET region_id = (SELECT u.region_id FROM org_unit u WHERE u.id = assessment_scheme.office_id)"
        )
        for table, parent, column in STEPS:
            cur.execute(
                f"UPDATE {table} SET region_id = (SELECT p.region_id FROM {parent} p WHERE p.id = {table}.{column})"
            )


class Migration(migrations.Migration):
    dependencies = [("work", "0016_region_key_required"), ("assessment", "0002_region_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
