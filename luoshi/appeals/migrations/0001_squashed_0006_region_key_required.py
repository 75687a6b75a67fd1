"""The appeals app's migrations 0001_initial … 0006_region_key_required squashed: its tables as its
models make them today, generated afresh (`makemigrations` into an empty migrations module) and made
in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead of
replaying every region-key change. A database migrated with the old chain to its end counts this one
as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import luoshi.lib.crypto_fields
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('appeals', '0001_initial'),
        ('appeals', '0002_encrypt_contacts'),
        ('appeals', '0003_sender_hash'),
        ('appeals', '0004_region_key'),
        ('appeals', '0005_region_fill'),
        ('appeals', '0006_region_key_required'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='Open311Client',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='名称')),
                        ('key_digest', models.CharField(max_length=64, unique=True)),
                        ('active', models.BooleanField(default=True, verbose_name='启用')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'verbose_name': '接入系统',
                        'verbose_name_plural': '接入系统',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Service',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='类别代码')),
                        ('name', models.CharField(max_length=100, verbose_name='类别名称')),
                        ('description', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                        ('group', models.CharField(blank=True, max_length=60, verbose_name='分组')),
                        ('keywords', models.CharField(blank=True, max_length=200, verbose_name='关键词')),
                        ('sla_hours', models.PositiveIntegerField(default=120, verbose_name='答复时限（小时）')),
                        ('active', models.BooleanField(default=True, verbose_name='启用')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='默认承办单位')),
                    ],
                    options={
                        'verbose_name': '诉求类别',
                        'verbose_name_plural': '诉求类别',
                        'ordering': ['group', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='Appeal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tracking_code', models.CharField(max_length=16, unique=True, verbose_name='查询码')),
                        ('kind', models.CharField(choices=[('request', '诉求'), ('complaint', '投诉')], default='request', max_length=10, verbose_name='性质')),
                        ('channel', models.CharField(choices=[('web', '网上提交'), ('phone', '电话受理'), ('open311', '接口接入')], max_length=10, verbose_name='来源渠道')),
                        ('description', models.TextField(verbose_name='诉求内容')),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                        ('lat', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='纬度')),
                        ('long', models.DecimalField(blank=True, decimal_places=6, max_digits=10, null=True, verbose_name='经度')),
                        ('media_url', models.URLField(blank=True, max_length=500, verbose_name='图片链接')),
                        ('enterprise_name', models.CharField(blank=True, max_length=200, verbose_name='企业名称')),
                        ('contact_name', models.CharField(blank=True, max_length=60, verbose_name='联系人')),
                        ('phone', luoshi.lib.crypto_fields.EncryptedCharField(blank=True, max_length=30, verbose_name='联系电话')),
                        ('phone_hash', luoshi.lib.crypto_fields.BlindIndexField(normaliser='phone', source='phone')),
                        ('email', luoshi.lib.crypto_fields.EncryptedCharField(blank=True, max_length=254, verbose_name='电子邮箱')),
                        ('email_hash', luoshi.lib.crypto_fields.BlindIndexField(normaliser='text', source='email')),
                        ('status', models.CharField(choices=[('new', '待分派'), ('assigned', '办理中'), ('paused', '暂停计时'), ('replied', '已答复'), ('closed', '已办结')], default='new', max_length=10, verbose_name='状态')),
                        ('received_at', models.DateTimeField(verbose_name='受理时间')),
                        ('sender_hash', models.CharField(blank=True, default='', editable=False, max_length=64)),
                        ('sla_hours', models.PositiveIntegerField(verbose_name='答复时限（小时）')),
                        ('due_at', models.DateTimeField(verbose_name='答复期限')),
                        ('paused_since', models.DateTimeField(blank=True, null=True)),
                        ('reply', models.TextField(blank=True, verbose_name='答复内容')),
                        ('replied_at', models.DateTimeField(blank=True, null=True, verbose_name='答复时间')),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('satisfaction', models.CharField(blank=True, choices=[('satisfied', '满意'), ('basic', '基本满意'), ('unsatisfied', '不满意')], max_length=12, verbose_name='满意度')),
                        ('satisfaction_note', models.CharField(blank=True, max_length=300, verbose_name='评价意见')),
                        ('reopen_count', models.PositiveSmallIntegerField(default=0)),
                        ('verification', models.CharField(blank=True, choices=[('', '未核查'), ('verified', '属实'), ('unfounded', '不属实')], default='', max_length=10, verbose_name='核查结论')),
                        ('verified_on', models.DateField(blank=True, null=True)),
                        ('verification_note', models.CharField(blank=True, max_length=300, verbose_name='核查说明')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('replied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='承办单位')),
                        ('client', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='appeals.open311client')),
                        ('service', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appeals', to='appeals.service', verbose_name='类别')),
                    ],
                    options={
                        'verbose_name': '企业诉求',
                        'verbose_name_plural': '企业诉求',
                        'ordering': ['-received_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Step',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField()),
                        ('action', models.CharField(max_length=12)),
                        ('note', models.CharField(blank=True, max_length=300)),
                        ('appeal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='appeals.appeal')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Pause',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(max_length=300, verbose_name='暂停原因')),
                        ('started_at', models.DateTimeField()),
                        ('ended_at', models.DateTimeField(blank=True, null=True)),
                        ('appeal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pauses', to='appeals.appeal')),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['started_at', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), ('ended_at__gte', models.F('started_at')), _connector='OR'), name='appeals_pause_ends_after_start')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='service',
                    constraint=models.CheckConstraint(condition=models.Q(('sla_hours__gt', 0)), name='appeals_service_sla_positive'),
                ),
                migrations.AddIndex(
                    model_name='appeal',
                    index=models.Index(fields=['unit', 'status', 'due_at'], name='appeals_app_unit_id_53dd36_idx'),
                ),
                migrations.AddIndex(
                    model_name='appeal',
                    index=models.Index(fields=['status', 'due_at'], name='appeals_app_status_38a402_idx'),
                ),
                migrations.AddIndex(
                    model_name='appeal',
                    index=models.Index(fields=['verification', 'verified_on'], name='appeals_app_verific_41774c_idx'),
                ),
                migrations.AddIndex(
                    model_name='appeal',
                    index=models.Index(condition=models.Q(('sender_hash', ''), _negated=True), fields=['sender_hash', 'received_at'], name='appeals_sender_recent_idx'),
                ),
                migrations.AddConstraint(
                    model_name='appeal',
                    constraint=models.CheckConstraint(condition=models.Q(('status', 'new'), ('unit__isnull', False), _connector='OR'), name='appeals_routed_has_unit'),
                ),
                migrations.AddConstraint(
                    model_name='appeal',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['replied', 'closed']), _negated=True), ('replied_at__isnull', False), _connector='OR'), name='appeals_replied_has_time'),
                ),
            ]
        ),
    ]
