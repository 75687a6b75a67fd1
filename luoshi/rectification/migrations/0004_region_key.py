"""The region key (lib/regions.py) on every table of rectification: nullable first, filled by the next
migration, required by the one after."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_person_card_no'),
        ('work', '0016_region_key_required'),
        ('rectification', '0003_search_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table Django made for `Round.scope_units` becomes the explicit `RoundScopeUnit` (same table,
            # same columns), so it can carry the region key; nothing changes in the database.
            state_operations=[
                migrations.CreateModel(
                    name='RoundScopeUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='rectification.round')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'rectification_round_scope_units',
                        'unique_together': {('round', 'unit')},
                    },
                ),
                migrations.AlterField(
                    model_name='round',
                    name='scope_units',
                    field=models.ManyToManyField(blank=True, related_name='rectification_rounds', through='rectification.RoundScopeUnit', through_fields=('round', 'unit'), to='org.unit', verbose_name='被检查单位'),
                ),
            ],
        ),
        migrations.AddField(
            model_name='round',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='roundscopeunit',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='problem',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='measure',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='signoff',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='approval',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='signoffevidence',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='reopen',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='publication',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
    ]
