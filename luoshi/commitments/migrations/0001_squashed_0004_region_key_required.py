"""The commitments app's migrations 0001_initial … 0004_region_key_required squashed: its tables as
its models make them today, generated afresh (`makemigrations` into an empty migrations module) and
made in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead
of replaying every region-key change. A database migrated with the old chain to its end counts this
one as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('commitments', '0001_initial'),
        ('commitments', '0002_region_key'),
        ('commitments', '0003_region_fill'),
        ('commitments', '0004_region_key_required'),
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
                    name='Commitment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('session', models.CharField(max_length=120, verbose_name='承诺场次')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                        ('number', models.PositiveIntegerField(verbose_name='序号')),
                        ('title', models.CharField(max_length=300, verbose_name='承诺事项')),
                        ('measure', models.TextField(verbose_name='措施或成果')),
                        ('deadline', models.DateField(verbose_name='完成时限')),
                        ('withdrawn', models.BooleanField(default=False, verbose_name='已撤销')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task', verbose_name='关联任务')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '承诺事项',
                        'verbose_name_plural': '承诺事项',
                        'ordering': ['unit_id', 'year', 'number', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CommitmentVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField()),
                        ('title', models.CharField(max_length=300)),
                        ('measure', models.TextField()),
                        ('deadline', models.DateField()),
                        ('reason', models.CharField(max_length=300, verbose_name='修改原因')),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('changed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='commitments.commitment')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['commitment_id', '-version'],
                    },
                ),
                migrations.CreateModel(
                    name='Compliance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period', models.CharField(max_length=8, verbose_name='期次')),
                        ('state', models.CharField(choices=[('fulfilled', '已兑现'), ('on_track', '按进度推进'), ('behind', '滞后'), ('not_started', '未启动')], max_length=12, verbose_name='兑现情况')),
                        ('note', models.TextField(verbose_name='进展说明')),
                        ('submitted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('review', models.CharField(choices=[('pending', '待审核'), ('accepted', '已认定'), ('returned', '已退回')], default='pending', max_length=10, verbose_name='审核')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('review_note', models.CharField(blank=True, max_length=300, verbose_name='审核意见')),
                        ('commitment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='compliance', to='commitments.commitment')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '兑现情况',
                        'verbose_name_plural': '兑现情况',
                        'ordering': ['commitment_id', 'period'],
                    },
                ),
                migrations.CreateModel(
                    name='CatalogueItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('power', '权力清单'), ('responsibility', '责任清单'), ('negative', '负面清单')], max_length=16, verbose_name='清单')),
                        ('code', models.CharField(max_length=40, verbose_name='编号')),
                        ('name', models.CharField(max_length=300, verbose_name='事项名称')),
                        ('basis', models.TextField(blank=True, verbose_name='设定依据')),
                        ('post', models.CharField(blank=True, max_length=120, verbose_name='责任岗位')),
                        ('process', models.TextField(blank=True, verbose_name='运行流程')),
                        ('active', models.BooleanField(default=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('updated', models.DateTimeField(default=django.utils.timezone.now)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '清单事项',
                        'verbose_name_plural': '清单事项',
                        'ordering': ['unit_id', 'kind', 'code'],
                        'constraints': [models.UniqueConstraint(fields=('unit', 'kind', 'code'), name='catalogue_item_code_unique')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='commitment',
                    constraint=models.UniqueConstraint(fields=('unit', 'year', 'number'), name='commitment_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='commitmentversion',
                    constraint=models.UniqueConstraint(fields=('commitment', 'version'), name='commitment_version_unique'),
                ),
                migrations.AddIndex(
                    model_name='compliance',
                    index=models.Index(condition=models.Q(('review', 'pending')), fields=['review'], name='compliance_pending_idx'),
                ),
                migrations.AddConstraint(
                    model_name='compliance',
                    constraint=models.UniqueConstraint(fields=('commitment', 'period'), name='compliance_one_per_period'),
                ),
            ]
        ),
    ]
