"""The region key is required from now on: every write path sets it (lib/regions.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("supervision", "0006_region_fill")]

    operations = [
        migrations.AlterField(
            model_name="accountability",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="handoff",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="item",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="itemcounit",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="notice",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="proposal",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="redstreak",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="response",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="responseevidence",
            name="region",
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
    ]
