"""The region key (lib/regions.py) on every table of assessment: nullable first, filled by the next
migration, required by the one after."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_person_card_no'),
        ('work', '0016_region_key_required'),
        ('assessment', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table Django made for `Group.units` becomes the explicit `GroupUnit` (same table,
            # same columns), so it can carry the region key; nothing changes in the database.
            state_operations=[
                migrations.CreateModel(
                    name='GroupUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessment.group')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'assessment_group_units',
                        'unique_together': {('group', 'unit')},
                    },
                ),
                migrations.AlterField(
                    model_name='group',
                    name='units',
                    field=models.ManyToManyField(blank=True, related_name='+', through='assessment.GroupUnit', through_fields=('group', 'unit'), to='org.unit', verbose_name='单位'),
                ),
            ],
        ),
        migrations.AddField(
            model_name='scheme',
            name='office',
            field=models.ForeignKey(blank=True, help_text='制定方案的考核办所在单位', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='组织单位'),
        ),
        migrations.AddField(
            model_name='scheme',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='group',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='groupunit',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='deductionrule',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='bonusrule',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='vetorule',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='grade',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='manualscore',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='event',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='run',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='runinput',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='result',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='line',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
    ]
