"""The region key (lib/regions.py), nullable until `0005_region_fill` fills it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('imports', '0003_batch_lead_choices'),
        ('org', '0005_person_card_no'),
        ('work', '0018_plan_figures_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
    ]
