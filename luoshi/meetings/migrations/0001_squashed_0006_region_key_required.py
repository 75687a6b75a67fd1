"""The meetings app's migrations 0001_initial … 0006_region_key_required squashed: its tables as its
models make them today, generated afresh (`makemigrations` into an empty migrations module) and made
in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead of
replaying every region-key change. A database migrated with the old chain to its end counts this one
as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import django.utils.timezone
import luoshi.meetings.models
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('meetings', '0001_initial'),
        ('meetings', '0002_series_projects'),
        ('meetings', '0003_token_issued_by'),
        ('meetings', '0004_region_key'),
        ('meetings', '0005_region_fill'),
        ('meetings', '0006_region_key_required'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        ('projects', '0001_squashed_0008_region_key_required'),
        ('work', '0001_squashed_0018_plan_figures_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='CalendarFeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(default=luoshi.meetings.models._token, max_length=40, unique=True)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feed', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '日历订阅',
                        'verbose_name_plural': '日历订阅',
                    },
                ),
                migrations.CreateModel(
                    name='Meeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(verbose_name='期次')),
                        ('starts_at', models.DateTimeField(verbose_name='开始时间')),
                        ('ends_at', models.DateTimeField(verbose_name='结束时间')),
                        ('place', models.CharField(blank=True, max_length=120, verbose_name='地点')),
                        ('state', models.CharField(choices=[('planned', '已安排'), ('frozen', '议程已发出'), ('held', '已召开'), ('closed', '已办结')], default='planned', max_length=12, verbose_name='状态')),
                        ('agenda_send_at', models.DateTimeField(verbose_name='议程发出时间')),
                        ('agenda_sent_at', models.DateTimeField(blank=True, null=True)),
                        ('minutes', models.TextField(blank=True, verbose_name='会议记录')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '会议',
                        'verbose_name_plural': '会议',
                        'ordering': ['-starts_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(max_length=500, verbose_name='议定事项')),
                        ('deadline', models.DateField(verbose_name='完成时限')),
                        ('sort', models.PositiveIntegerField(default=0)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('owner_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='责任单位')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.plan', verbose_name='纳入计划')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='meeting_decision', to='work.task')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='meetings.meeting')),
                    ],
                    options={
                        'verbose_name': '议定事项',
                        'verbose_name_plural': '议定事项',
                        'ordering': ['meeting', 'sort', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CheckInToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(default=luoshi.meetings.models._token, max_length=40, unique=True)),
                        ('expires_at', models.DateTimeField()),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('used_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='meetings.meeting')),
                    ],
                    options={
                        'verbose_name': '签到码',
                        'verbose_name_plural': '签到码',
                    },
                ),
                migrations.CreateModel(
                    name='CheckInRefusal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('unknown_card', '卡号未登记'), ('token_unknown', '签到码无效'), ('token_used', '签到码已使用'), ('token_expired', '签到码已过期'), ('ended', '会议已结束'), ('not_open', '签到尚未开始')], max_length=20)),
                        ('detail', models.CharField(blank=True, max_length=80)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='refusals', to='meetings.meeting')),
                    ],
                    options={
                        'verbose_name': '签到拒绝记录',
                        'verbose_name_plural': '签到拒绝记录',
                        'ordering': ['-at'],
                    },
                ),
                migrations.CreateModel(
                    name='MeetingSeries',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, unique=True, verbose_name='名称')),
                        ('cadence', models.CharField(choices=[('daily', '每个工作日'), ('twice_weekly', '每周两次'), ('weekly', '每周'), ('monthly', '每月')], default='weekly', max_length=16, verbose_name='频次')),
                        ('unit_projects', models.BooleanField(default=False, verbose_name='含范围单位牵头的重点项目')),
                        ('place', models.CharField(blank=True, max_length=120, verbose_name='地点')),
                        ('start_time', models.TimeField(verbose_name='开始时间')),
                        ('duration_minutes', models.PositiveSmallIntegerField(default=90, verbose_name='时长（分钟）')),
                        ('lead_hours', models.PositiveSmallIntegerField(default=48, verbose_name='议程提前发出（小时）')),
                        ('grace_minutes', models.PositiveSmallIntegerField(default=5, verbose_name='迟到宽限（分钟）')),
                        ('attendee_roles', models.CharField(default='head', help_text='以逗号分隔的角色代码，如 head,leader', max_length=80, verbose_name='参会岗位角色')),
                        ('senior_only', models.BooleanField(default=True, verbose_name='仅副科级及以上')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('chair', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='chaired_series', to='org.person', verbose_name='主持人')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='主持单位')),
                    ],
                    options={
                        'verbose_name': '调度会',
                        'verbose_name_plural': '调度会',
                        'ordering': ['name'],
                    },
                ),
                migrations.AddField(
                    model_name='meeting',
                    name='series',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='meetings.meetingseries'),
                ),
                migrations.CreateModel(
                    name='SeriesPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='work.plan')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('series', models.ForeignKey(db_column='meetingseries_id', on_delete=django.db.models.deletion.CASCADE, to='meetings.meetingseries')),
                    ],
                    options={
                        'db_table': 'meetings_meetingseries_plans',
                    },
                ),
                migrations.AddField(
                    model_name='meetingseries',
                    name='plans',
                    field=models.ManyToManyField(blank=True, related_name='+', through='meetings.SeriesPlan', to='work.plan', verbose_name='范围计划'),
                ),
                migrations.CreateModel(
                    name='SeriesProject',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='projects.project')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('series', models.ForeignKey(db_column='meetingseries_id', on_delete=django.db.models.deletion.CASCADE, to='meetings.meetingseries')),
                    ],
                    options={
                        'db_table': 'meetings_meetingseries_projects',
                    },
                ),
                migrations.AddField(
                    model_name='meetingseries',
                    name='projects',
                    field=models.ManyToManyField(blank=True, related_name='+', through='meetings.SeriesProject', to='projects.project', verbose_name='范围项目'),
                ),
                migrations.CreateModel(
                    name='SeriesUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('series', models.ForeignKey(db_column='meetingseries_id', on_delete=django.db.models.deletion.CASCADE, to='meetings.meetingseries')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'meetings_meetingseries_units',
                    },
                ),
                migrations.AddField(
                    model_name='meetingseries',
                    name='units',
                    field=models.ManyToManyField(blank=True, related_name='+', through='meetings.SeriesUnit', through_fields=('series', 'unit'), to='org.unit', verbose_name='范围单位'),
                ),
                migrations.CreateModel(
                    name='Attendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('required', models.BooleanField(default=True)),
                        ('state', models.CharField(choices=[('pending', '未签到'), ('present', '出席'), ('late', '迟到'), ('absent', '缺席'), ('excused', '请假')], default='pending', max_length=10)),
                        ('checked_in_at', models.DateTimeField(blank=True, null=True)),
                        ('method', models.CharField(blank=True, choices=[('card', '刷卡'), ('qr', '扫码'), ('secretary', '会务代签')], max_length=10)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='meetings.meeting')),
                    ],
                    options={
                        'verbose_name': '出席',
                        'verbose_name_plural': '出席',
                        'ordering': ['meeting', 'unit__path', 'person__name'],
                        'constraints': [models.UniqueConstraint(fields=('meeting', 'person'), name='attendance_once')],
                    },
                ),
                migrations.CreateModel(
                    name='AgendaItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(default='tasks', max_length=30)),
                        ('reasons', models.CharField(max_length=120, verbose_name='上会原因')),
                        ('title', models.CharField(max_length=500, verbose_name='事项')),
                        ('light', models.CharField(max_length=12, verbose_name='亮灯')),
                        ('actual_pct', models.DecimalField(decimal_places=2, max_digits=7)),
                        ('expected_pct', models.DecimalField(decimal_places=2, max_digits=7)),
                        ('due', models.DateField(verbose_name='完成时限')),
                        ('sort', models.PositiveIntegerField(default=0)),
                        ('lead_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agenda', to='meetings.meeting')),
                    ],
                    options={
                        'verbose_name': '议题',
                        'verbose_name_plural': '议题',
                        'ordering': ['meeting', 'sort'],
                        'constraints': [models.UniqueConstraint(fields=('meeting', 'task'), name='agenda_task_once')],
                    },
                ),
                migrations.AddIndex(
                    model_name='meeting',
                    index=models.Index(fields=['state', 'agenda_send_at'], name='meeting_send_idx'),
                ),
                migrations.AddConstraint(
                    model_name='meeting',
                    constraint=models.UniqueConstraint(fields=('series', 'number'), name='meeting_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='meeting',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='meeting_ends_after_start'),
                ),
                migrations.AlterUniqueTogether(
                    name='seriesplan',
                    unique_together={('series', 'plan')},
                ),
                migrations.AlterUniqueTogether(
                    name='seriesproject',
                    unique_together={('series', 'project')},
                ),
                migrations.AlterUniqueTogether(
                    name='seriesunit',
                    unique_together={('series', 'unit')},
                ),
            ]
        ),
    ]
