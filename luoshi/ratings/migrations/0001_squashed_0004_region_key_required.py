"""The ratings app's migrations 0001_rounds_panels_ballots … 0004_region_key_required squashed: its
tables as its models make them today, generated afresh (`makemigrations` into an empty migrations
module) and made in one pass (`lib.migrations.CreateModels`), so that a new database is made in
seconds instead of replaying every region-key change. A database migrated with the old chain to its
end counts this one as applied (`replaces`); one part way along finishes the old chain, whose files
stay. The old chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('ratings', '0001_rounds_panels_ballots'),
        ('ratings', '0002_region_key'),
        ('ratings', '0003_region_fill'),
        ('ratings', '0004_region_key_required'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='Panel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='评议组')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['round', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PanelUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('panel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ratings.panel')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'ratings_panel_rated_units',
                        'unique_together': {('panel', 'unit')},
                    },
                ),
                migrations.AddField(
                    model_name='panel',
                    name='rated_units',
                    field=models.ManyToManyField(blank=True, related_name='rating_panels', through='ratings.PanelUnit', through_fields=('panel', 'unit'), to='org.unit', verbose_name='被评议单位'),
                ),
                migrations.CreateModel(
                    name='Rater',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='名称')),
                        ('kind', models.CharField(choices=[('enterprise', '企业'), ('community', '社区/村'), ('department', '部门'), ('other', '其他')], max_length=12, verbose_name='类别')),
                        ('contact', models.CharField(blank=True, max_length=200, verbose_name='联系人及电话')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='对应单位')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='站内账号')),
                    ],
                    options={
                        'verbose_name': '评议人',
                        'verbose_name_plural': '评议人',
                    },
                ),
                migrations.CreateModel(
                    name='Ballot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                        ('issued_at', models.DateTimeField(blank=True, null=True)),
                        ('issues', models.PositiveIntegerField(default=0)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('panel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ballots', to='ratings.panel')),
                        ('rater', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ballots', to='ratings.rater')),
                    ],
                    options={
                        'ordering': ['panel', 'rater__name', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RatingRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='名称')),
                        ('kind', models.CharField(choices=[('quarterly', '季度评议'), ('unannounced', '不定期评议')], default='quarterly', max_length=12, verbose_name='类型')),
                        ('period', models.CharField(blank=True, help_text='例如 2026年第三季度', max_length=40, verbose_name='评议期')),
                        ('opens', models.DateTimeField(verbose_name='开始时间')),
                        ('closes', models.DateTimeField(verbose_name='截止时间')),
                        ('state', models.CharField(choices=[('draft', '准备中'), ('open', '评议中'), ('closed', '已结束')], default='draft', max_length=8, verbose_name='状态')),
                        ('scale', models.JSONField(help_text='[[名称, 分值, 是否不满意], …]，自高到低', verbose_name='评分档次')),
                        ('minimum_responses', models.PositiveIntegerField(default=5, verbose_name='最少有效票')),
                        ('veto_percent', models.DecimalField(decimal_places=2, default=Decimal('30.00'), max_digits=5, verbose_name='不满意否决线（%）')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('office', models.ForeignKey(blank=True, help_text='组织评议的考核办所在单位', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='组织单位')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '评议轮次',
                        'verbose_name_plural': '评议轮次',
                        'ordering': ['-opens', '-pk'],
                    },
                ),
                migrations.AddField(
                    model_name='panel',
                    name='round',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='panels', to='ratings.ratinground'),
                ),
                migrations.CreateModel(
                    name='Item',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField()),
                        ('text', models.CharField(max_length=200, verbose_name='评议事项')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='ratings.ratinground')),
                    ],
                    options={
                        'ordering': ['round', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='BallotRefusal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('unknown', '链接无效'), ('used', '已提交过'), ('not_open', '评议尚未开始'), ('closed', '评议已结束'), ('out_of_scale', '评分不在档次内'), ('incomplete', '有事项未评')], max_length=16)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('ballot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='refusals', to='ratings.ballot')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('round', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='refusals', to='ratings.ratinground')),
                    ],
                    options={
                        'ordering': ['-at', '-pk'],
                    },
                ),
                migrations.AddField(
                    model_name='ballot',
                    name='round',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ballots', to='ratings.ratinground'),
                ),
                migrations.CreateModel(
                    name='RoundUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ratinground', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ratings.ratinground')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'ratings_ratinground_rated_units',
                    },
                ),
                migrations.AddField(
                    model_name='ratinground',
                    name='rated_units',
                    field=models.ManyToManyField(blank=True, related_name='rating_rounds', through='ratings.RoundUnit', through_fields=('ratinground', 'unit'), to='org.unit', verbose_name='被评议单位'),
                ),
                migrations.CreateModel(
                    name='Answer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('choice', models.PositiveSmallIntegerField()),
                        ('points', models.DecimalField(decimal_places=2, max_digits=8)),
                        ('unsatisfied', models.BooleanField(default=False)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('ballot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='ratings.ballot')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='answers', to='ratings.item')),
                    ],
                    options={
                        'indexes': [models.Index(fields=['unit', 'item'], name='ratings_answer_unit_item')],
                        'constraints': [models.UniqueConstraint(fields=('ballot', 'unit', 'item'), name='ratings_one_answer')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='rater',
                    constraint=models.UniqueConstraint(fields=('kind', 'name'), name='ratings_rater_kind_name'),
                ),
                migrations.AddConstraint(
                    model_name='panel',
                    constraint=models.UniqueConstraint(fields=('round', 'name'), name='ratings_panel_name'),
                ),
                migrations.AddConstraint(
                    model_name='item',
                    constraint=models.UniqueConstraint(fields=('round', 'position'), name='ratings_item_position'),
                ),
                migrations.AddConstraint(
                    model_name='ballot',
                    constraint=models.UniqueConstraint(fields=('round', 'rater'), name='ratings_one_ballot_per_rater'),
                ),
                migrations.AlterUniqueTogether(
                    name='roundunit',
                    unique_together={('ratinground', 'unit')},
                ),
                migrations.AddConstraint(
                    model_name='ratinground',
                    constraint=models.CheckConstraint(condition=models.Q(('closes__gt', models.F('opens'))), name='ratings_round_dates'),
                ),
                migrations.AddConstraint(
                    model_name='ratinground',
                    constraint=models.CheckConstraint(condition=models.Q(('veto_percent__gte', 0), ('veto_percent__lte', 100)), name='ratings_round_veto_percent'),
                ),
            ]
        ),
    ]
