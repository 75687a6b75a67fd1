"""The region key is required from now on: every write path sets it (lib/regions.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("work", "0015_region_fill")]

    operations = [
        migrations.AlterField(
            model_name="claim",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="follow",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="latereport",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="lightcount",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="lockedperiod",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="plan",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="report",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="task",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="taskunit",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="transition",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
    ]
