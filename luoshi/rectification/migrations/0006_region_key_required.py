"""The region key is required from now on: every write path sets it (lib/regions.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [('rectification', '0005_region_fill')]

    operations = [
        migrations.AlterField(
            model_name='round',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='roundscopeunit',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='problem',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='measure',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='signoff',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='approval',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='signoffevidence',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='reopen',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
    ]
