"""The region key (lib/regions.py) on every table of ratings: nullable first, filled by the next
migration, required by the one after."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_person_card_no'),
        ('work', '0016_region_key_required'),
        ('ratings', '0001_rounds_panels_ballots'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table Django made for `RatingRound.rated_units` becomes the explicit `RoundUnit` (same table,
            # same columns), so it can carry the region key; nothing changes in the database.
            state_operations=[
                migrations.CreateModel(
                    name='RoundUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ratinground', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ratings.ratinground')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'ratings_ratinground_rated_units',
                        'unique_together': {('ratinground', 'unit')},
                    },
                ),
                migrations.AlterField(
                    model_name='ratinground',
                    name='rated_units',
                    field=models.ManyToManyField(blank=True, related_name='rating_rounds', through='ratings.RoundUnit', through_fields=('ratinground', 'unit'), to='org.unit', verbose_name='被评议单位'),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # The table Django made for `Panel.rated_units` becomes the explicit `PanelUnit` (same table,
            # same columns), so it can carry the region key; nothing changes in the database.
            state_operations=[
                migrations.CreateModel(
                    name='PanelUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('panel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ratings.panel')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'ratings_panel_rated_units',
                        'unique_together': {('panel', 'unit')},
                    },
                ),
                migrations.AlterField(
                    model_name='panel',
                    name='rated_units',
                    field=models.ManyToManyField(blank=True, related_name='rating_panels', through='ratings.PanelUnit', through_fields=('panel', 'unit'), to='org.unit', verbose_name='被评议单位'),
                ),
            ],
        ),
        migrations.AddField(
            model_name='ratinground',
            name='office',
            field=models.ForeignKey(blank=True, help_text='组织评议的考核办所在单位', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='组织单位'),
        ),
        migrations.AddField(
            model_name='ratinground',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='roundunit',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='item',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='rater',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='panel',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='panelunit',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='ballot',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='answer',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='ballotrefusal',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
    ]
