"""Fill the region key (lib/regions.py) of existing rows, parents first. A round names no unit of its
own: its office (`office`) is the unit of its author's officer post (the install's first root unit when
there is none), and its region is the office's. A rater takes its unit's region, or, when it is no unit
(an enterprise), the region of the first round that invited it. Every other table takes its parent's.
Portable SQL (SQLite and PostgreSQL)."""

from django.db import migrations

# (table, its parent's table, the column naming the parent), parents before children
STEPS = [
    ("ratings_ratinground_rated_units", "ratings_ratinground", "ratinground_id"),
    ("ratings_item", "ratings_ratinground", "round_id"),
    ("ratings_panel", "ratings_ratinground", "round_id"),
    ("ratings_ballot", "ratings_ratinground", "round_id"),
    ("ratings_panel_rated_units", "ratings_panel", "panel_id"),
    ("ratings_answer", "ratings_ballot", "ballot_id"),
    ("ratings_rater", "org_unit", "unit_id"),
]


def fill(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", "region_id").first()
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "UPDATE ratings_ratinground SET office_id = (SELECT MIN(po.unit_id) FROM org_membership m"
            " JOIN org_post po ON po.id = m.post_id JOIN org_person pe ON pe.id = m.person_id"
            " WHERE pe.user_id = ratings_ratinground.created_by_id AND po.role = 'officer')"
            " WHERE office_id IS NULL"
        )
        if root is not None:
            cur.execute("UPDATE ratings_ratinground SET office_id = %s WHERE office_id IS NULL", [root[0]])
        cur.execute(
            "UPDATE ratings_ratinground SET region_id = "
            "(SELECT u.region_id FROM org_unit u WHERE u.id = ratings_ratinground.office_id)"
        )
        for table, parent, column in STEPS:
            cur.execute(
                f"UPDATE {table} SET region_id = (SELECT p.region_id FROM {parent} p WHERE p.id = {table}.{column})"
            )
        cur.execute(
            "UPDATE ratings_ballotrefusal SET region_id = COALESCE("
            "(SELECT r.region_id FROM ratings_ratinground r WHERE r.id = ratings_ballotrefusal.round_id),"
            "(SELECT b.region_id FROM ratings_ballot b WHERE b.id = ratings_ballotrefusal.ballot_id))"
        )
        cur.execute(
            "UPDATE ratings_rater SET region_id = (SELECT b.region_id FROM ratings_ballot b"
            " WHERE b.rater_id = ratings_rater.id ORDER BY b.id LIMIT 1) WHERE region_id IS NULL"
        )
        if root is not None:
            cur.execute(
                "UPDATE ratings_rater SET region_id = %s WHERE region_id IS NULL", [root[1] or root[0]]
            )


class Migration(migrations.Migration):
    dependencies = [("work", "0016_region_key_required"), ("ratings", "0002_region_key")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
