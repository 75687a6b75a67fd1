"""The notify app's migrations 0001_notification_and_outbox … 0006_region_key_required squashed: its
tables as its models make them today, generated afresh (`makemigrations` into an empty migrations
module) and made in one pass (`lib.migrations.CreateModels`), so that a new database is made in
seconds instead of replaying every region-key change. A database migrated with the old chain to its
end counts this one as applied (`replaces`); one part way along finishes the old chain, whose files
stay. The old chain's fills of existing rows find none on a new database and are left out."""

import datetime
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    # 0001 is replaced by work's squash (see there); this one makes every notify table.
    replaces = [
        ('notify', '0002_followed_lights_and_preferences'),
        ('notify', '0003_reminder_channels_rules_quiet_hours'),
        ('notify', '0004_region_key'),
        ('notify', '0005_region_fill'),
        ('notify', '0006_region_key_required'),
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
                    name='Preference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('digest', models.CharField(choices=[('immediate', '即时通知'), ('daily', '每日汇总'), ('weekly', '每周汇总')], default='immediate', max_length=10, verbose_name='亮灯变化通知')),
                        ('digest_until', models.DateField(blank=True, null=True)),
                        ('email_on', models.BooleanField(default=False, verbose_name='电子邮件')),
                        ('sms_on', models.BooleanField(default=False, verbose_name='短信')),
                        ('wecom_on', models.BooleanField(default=False, verbose_name='企业微信群机器人')),
                        ('dingtalk_on', models.BooleanField(default=False, verbose_name='钉钉群机器人')),
                        ('weekly_digest', models.BooleanField(default=True, verbose_name='每周工作提醒汇总')),
                        ('quiet_start', models.TimeField(default=datetime.time(22, 0), verbose_name='免打扰开始')),
                        ('quiet_end', models.TimeField(default=datetime.time(7, 30), verbose_name='免打扰结束')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '通知方式',
                        'verbose_name_plural': '通知方式',
                    },
                ),
                migrations.CreateModel(
                    name='FollowedLight',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('announced', models.CharField(max_length=12)),
                        ('light', models.CharField(max_length=12)),
                        ('changed_on', models.DateField(blank=True, null=True)),
                        ('changed_at', models.DateTimeField(blank=True, null=True)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='work.task')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'indexes': [models.Index(fields=['changed_at'], name='notify_followedlight_staged')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'task'), name='notify_followedlight_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(max_length=300)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('read', models.BooleanField(default=False)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='work.task')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'work_notification',
                        'ordering': ['-created'],
                        'indexes': [models.Index(fields=['user', 'read', '-created'], name='work_notifi_user_id_db7cea_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='Outbox',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('in_app', '站内通知'), ('email', '电子邮件'), ('sms', '短信'), ('wecom', '企业微信群机器人'), ('dingtalk', '钉钉群机器人')], default='in_app', max_length=20, verbose_name='渠道')),
                        ('state', models.CharField(choices=[('pending', '待发送'), ('sending', '发送中'), ('sent', '已发送'), ('failed', '发送失败'), ('unknown', '结果未知')], default='pending', max_length=10, verbose_name='状态')),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('last_error', models.TextField(blank=True)),
                        ('payload', models.JSONField(default=dict)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('rule', models.CharField(blank=True, max_length=60, verbose_name='规则')),
                        ('source', models.CharField(blank=True, max_length=80, verbose_name='来源')),
                        ('dedupe_key', models.CharField(blank=True, max_length=255, null=True, unique=True)),
                        ('next_try_at', models.DateTimeField(blank=True, null=True)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('claim_token', models.CharField(blank=True, max_length=40)),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='work.task')),
                    ],
                    options={
                        'verbose_name': '发送队列',
                        'verbose_name_plural': '发送队列',
                        'ordering': ['pk'],
                        'indexes': [models.Index(fields=['state', 'attempts'], name='notify_outbox_state_attempts'), models.Index(fields=['state', 'next_try_at'], name='notify_outbox_state_next'), models.Index(fields=['rule', '-created'], name='notify_outbox_rule')],
                    },
                ),
            ]
        ),
    ]
