"""The jobs app's migrations 0001_tick_run … 0003_step_run squashed: its tables as its models make
them today, generated afresh (`makemigrations` into an empty migrations module) and made in one pass
(`lib.migrations.CreateModels`), so that a new database is made in seconds instead of replaying
every region-key change. A database migrated with the old chain to its end counts this one as
applied (`replaces`); one part way along finishes the old chain, whose files stay. The old chain's
fills of existing rows find none on a new database and are left out."""

from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('jobs', '0001_tick_run'),
        ('jobs', '0002_job'),
        ('jobs', '0003_step_run'),
    ]

    dependencies = [
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='TickRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(unique=True, verbose_name='日期')),
                        ('lease_token', models.CharField(blank=True, max_length=64, null=True)),
                        ('lease_until', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('summary', models.JSONField(blank=True, default=dict, verbose_name='结果')),
                    ],
                    options={
                        'verbose_name': '每日巡检',
                        'verbose_name_plural': '每日巡检',
                        'ordering': ['-day'],
                    },
                ),
                migrations.CreateModel(
                    name='Job',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=40, verbose_name='类型')),
                        ('args', models.JSONField(blank=True, default=dict)),
                        ('state', models.CharField(choices=[('queued', '排队中'), ('running', '运行中'), ('done', '已完成'), ('failed', '失败')], default='queued', max_length=10, verbose_name='状态')),
                        ('lease_token', models.CharField(blank=True, max_length=64, null=True)),
                        ('lease_until', models.DateTimeField(blank=True, null=True)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('progress', models.JSONField(blank=True, default=dict)),
                        ('message', models.TextField(blank=True)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'verbose_name': '后台作业',
                        'verbose_name_plural': '后台作业',
                        'ordering': ['pk'],
                        'indexes': [models.Index(fields=['state', 'lease_until'], name='jobs_job_state_lease')],
                    },
                ),
                migrations.CreateModel(
                    name='StepRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='日期')),
                        ('step', models.CharField(max_length=80, verbose_name='步骤')),
                        ('state', models.CharField(choices=[('running', '运行中'), ('finished', '已完成'), ('failed', '失败')], default='running', max_length=10, verbose_name='状态')),
                        ('started', models.DateTimeField(verbose_name='开始时间')),
                        ('finished', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('summary', models.JSONField(blank=True, default=dict, verbose_name='结果')),
                        ('error', models.TextField(blank=True)),
                    ],
                    options={
                        'verbose_name': '巡检步骤',
                        'verbose_name_plural': '巡检步骤',
                        'ordering': ['day', 'started', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('day', 'step'), name='steprun_once_a_day')],
                    },
                ),
            ]
        ),
    ]
