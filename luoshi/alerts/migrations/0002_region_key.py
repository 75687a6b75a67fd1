"""The region key (lib/regions.py) on every table of alerts: nullable first, filled by the next
migration, required by the one after."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_person_card_no'),
        ('work', '0016_region_key_required'),
        ('alerts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='plansettings',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='warning',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='flag',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
    ]
