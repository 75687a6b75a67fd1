"""The imports app's migrations 0001_import_batch … 0006_region_key_required squashed: its tables as
its models make them today, generated afresh (`makemigrations` into an empty migrations module) and
made in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead
of replaying every region-key change. A database migrated with the old chain to its end counts this
one as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import luoshi.imports.models
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('imports', '0001_import_batch'),
        ('imports', '0002_batch_year'),
        ('imports', '0003_batch_lead_choices'),
        ('imports', '0004_region_key'),
        ('imports', '0005_region_fill'),
        ('imports', '0006_region_key_required'),
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
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('org', '单位和人员'), ('tasks', '任务分解表')], max_length=10, verbose_name='类型')),
                        ('file', models.FileField(max_length=300, upload_to=luoshi.imports.models.batch_path)),
                        ('filename', models.CharField(max_length=200, verbose_name='文件名')),
                        ('sha256', models.CharField(max_length=64)),
                        ('plan_name', models.CharField(blank=True, max_length=120, verbose_name='新计划名称')),
                        ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='计划年份')),
                        ('state', models.CharField(choices=[('parsing', '解析中'), ('ready', '待确认'), ('refused', '有错误'), ('committed', '已导入'), ('failed', '失败')], default='parsing', max_length=12, verbose_name='状态')),
                        ('rows_total', models.PositiveIntegerField(default=0)),
                        ('rows_done', models.PositiveIntegerField(default=0)),
                        ('preview', models.JSONField(blank=True, default=dict)),
                        ('lead_choices', models.JSONField(blank=True, default=dict)),
                        ('result', models.JSONField(blank=True, default=dict)),
                        ('message', models.TextField(blank=True)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('committed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='work.plan', verbose_name='计划')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '导入批次',
                        'verbose_name_plural': '导入批次',
                        'ordering': ['-created'],
                    },
                ),
            ]
        ),
    ]
