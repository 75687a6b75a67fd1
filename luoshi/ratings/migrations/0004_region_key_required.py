"""The region key is required from now on: every write path sets it (lib/regions.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [('ratings', '0003_region_fill')]

    operations = [
        migrations.AlterField(
            model_name='ratinground',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='roundunit',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='item',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='rater',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='panel',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='panelunit',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='ballot',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='answer',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AlterField(
            model_name='ballotrefusal',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
    ]
