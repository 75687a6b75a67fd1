"""The region key is required from now on: every write path sets it (lib/regions.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_region_fill")]

    operations = [
        migrations.AlterField(
            model_name="boundary",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="project",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="projectimport",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="projectinvestment",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="projectowner",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="projectproblem",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="projectstage",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="projectyear",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
    ]
