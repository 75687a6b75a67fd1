"""The alerts app's migrations 0001_initial … 0004_region_key_required squashed: its tables as its
models make them today, generated afresh (`makemigrations` into an empty migrations module) and made
in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead of
replaying every region-key change. A database migrated with the old chain to its end counts this one
as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('alerts', '0001_initial'),
        ('alerts', '0002_region_key'),
        ('alerts', '0003_region_fill'),
        ('alerts', '0004_region_key_required'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        ('work', '0001_squashed_0018_plan_figures_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='PlanSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('window_days', models.PositiveSmallIntegerField(default=28, verbose_name='统计窗口（天）')),
                        ('blue', models.DecimalField(decimal_places=2, default=Decimal('2'), max_digits=6, verbose_name='蓝色预警分值')),
                        ('yellow', models.DecimalField(decimal_places=2, default=Decimal('5'), max_digits=6, verbose_name='黄色预警分值')),
                        ('orange', models.DecimalField(decimal_places=2, default=Decimal('9'), max_digits=6, verbose_name='橙色预警分值')),
                        ('red', models.DecimalField(decimal_places=2, default=Decimal('14'), max_digits=6, verbose_name='红色预警分值')),
                        ('weights', models.JSONField(blank=True, default=dict, verbose_name='权重')),
                        ('plan', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='work.plan', verbose_name='计划')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                ),
                migrations.CreateModel(
                    name='EvalCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kinds', models.JSONField(blank=True, default=list)),
                        ('recipe', models.CharField(max_length=40)),
                        ('report', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='work.report')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'constraints': [models.CheckConstraint(condition=models.Q(('report__isnull', False), ('unit__isnull', False), _connector='OR'), name='alerts_evalcase_subject')],
                    },
                ),
                migrations.CreateModel(
                    name='Flag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=80, unique=True)),
                        ('kind', models.CharField(choices=[('jump', '考核前进度突增'), ('copied', '内容雷同'), ('no_evidence', '称已完成但无佐证'), ('empty', '空话套话'), ('phantom', '从未填报'), ('drop', '累计值下降')], max_length=12, verbose_name='类型')),
                        ('reason', models.TextField(verbose_name='原因')),
                        ('detail', models.JSONField(blank=True, default=dict)),
                        ('found_on', models.DateField(verbose_name='发现日期')),
                        ('state', models.CharField(choices=[('open', '待查看'), ('looked', '已查看'), ('dismissed', '已排除')], default='open', max_length=10, verbose_name='状态')),
                        ('note', models.TextField(blank=True, verbose_name='处理说明')),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('other', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.report')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.report')),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '填报质量提示',
                        'verbose_name_plural': '填报质量提示',
                        'indexes': [models.Index(fields=['state', 'kind'], name='alerts_flag_state_bdb691_idx'), models.Index(fields=['unit', 'found_on'], name='alerts_flag_unit_id_01140c_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='Warning',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('subject', models.CharField(choices=[('unit', '单位'), ('person', '个人')], max_length=8)),
                        ('level', models.CharField(choices=[('none', '无'), ('blue', '蓝色预警'), ('yellow', '黄色预警'), ('orange', '橙色预警'), ('red', '红色预警')], max_length=8)),
                        ('score', models.DecimalField(decimal_places=2, max_digits=8)),
                        ('counts', models.JSONField(default=dict)),
                        ('reasons', models.JSONField(default=list)),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.person')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'verbose_name': '预警',
                        'verbose_name_plural': '预警',
                        'indexes': [models.Index(fields=['day', 'subject', 'level'], name='alerts_warn_day_658f76_idx'), models.Index(fields=['unit', 'day'], name='alerts_warn_unit_id_d5cd2b_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('subject', 'unit')), fields=('day', 'unit'), name='alerts_warning_unit_day'), models.UniqueConstraint(condition=models.Q(('subject', 'person')), fields=('day', 'person'), name='alerts_warning_person_day')],
                    },
                ),
            ]
        ),
    ]
