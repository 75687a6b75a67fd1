"""Notice numbers per region and year (each district's office numbers its own 督〔year〕N号): the
counter table is made anew keyed by (region, year) and filled with each region's highest number of
each year so far; a notice's number is unique within its region. Portable SQL (SQLite and PostgreSQL)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "INSERT INTO supervision_noticecounter (region_id, year, last)"
            " SELECT region_id, year, MAX(seq) FROM supervision_notice GROUP BY region_id, year"
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0007_region_key_required"), ("org", "0005_person_card_no")]

    operations = [
        migrations.RemoveConstraint(model_name="notice", name="sv_notice_number"),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(fields=("region", "year", "seq"), name="sv_notice_number"),
        ),
        migrations.DeleteModel(name="NoticeCounter"),
        migrations.CreateModel(
            name="NoticeCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("last", models.PositiveIntegerField(default=0)),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                        verbose_name="区域",
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("region", "year"), name="sv_noticecounter_year")]
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
