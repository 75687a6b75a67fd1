"""The org app's migrations 0001_initial … 0005_person_card_no squashed: its tables as its models
make them today, generated afresh (`makemigrations` into an empty migrations module) and made in one
pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead of replaying
every region-key change. A database migrated with the old chain to its end counts this one as
applied (`replaces`); one part way along finishes the old chain, whose files stay. The old chain's
fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import django.utils.timezone
import luoshi.lib.crypto_fields
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('org', '0001_initial'),
        ('org', '0002_unit_alias'),
        ('org', '0003_encrypt_contacts'),
        ('org', '0004_region_key'),
        ('org', '0005_person_card_no'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='Post',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=80, verbose_name='职务')),
                        ('role', models.CharField(choices=[('reporter', '填报员'), ('head', '单位主要负责人'), ('leader', '区领导'), ('officer', '督查考核人员'), ('assessor', '考核评分人'), ('sysadmin', '系统管理员'), ('secadmin', '安全管理员'), ('auditadmin', '审计管理员')], max_length=20, verbose_name='角色')),
                        ('senior', models.BooleanField(default=False, verbose_name='副科级及以上')),
                    ],
                    options={
                        'verbose_name': '岗位',
                        'verbose_name_plural': '岗位',
                        'ordering': ['unit__path', 'title'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80)),
                        ('prefix', models.CharField(max_length=8)),
                        ('digest', models.CharField(max_length=64, unique=True)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('revoked', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '接口令牌',
                        'verbose_name_plural': '接口令牌',
                    },
                ),
                migrations.CreateModel(
                    name='Person',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=60, verbose_name='姓名')),
                        ('phone', luoshi.lib.crypto_fields.EncryptedCharField(blank=True, max_length=30, verbose_name='电话')),
                        ('phone_hash', luoshi.lib.crypto_fields.BlindIndexField(normaliser='phone', source='phone')),
                        ('card_no', models.CharField(blank=True, max_length=40, verbose_name='卡号')),
                        ('pinyin', models.CharField(blank=True, editable=False, max_length=200)),
                        ('initials', models.CharField(blank=True, editable=False, max_length=40)),
                        ('user', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='person', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '人员',
                        'verbose_name_plural': '人员',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('start', models.DateField(verbose_name='任职起')),
                        ('end', models.DateField(blank=True, null=True, verbose_name='任职止')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='org.person')),
                        ('post', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='org.post')),
                    ],
                    options={
                        'verbose_name': '任职',
                        'verbose_name_plural': '任职',
                        'ordering': ['-start'],
                    },
                ),
                migrations.CreateModel(
                    name='Unit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=40, unique=True, verbose_name='代码')),
                        ('name', models.CharField(max_length=120, verbose_name='名称')),
                        ('short_name', models.CharField(blank=True, max_length=60, verbose_name='简称')),
                        ('aliases', models.CharField(blank=True, help_text='以顿号或逗号分隔', max_length=300, verbose_name='别名')),
                        ('category', models.CharField(choices=[('district', '区'), ('zone', '功能区/街镇'), ('department', '区直部门'), ('resident', '驻区单位'), ('community', '社区/村'), ('other', '其他')], max_length=20, verbose_name='类别')),
                        ('path', models.CharField(db_index=True, default='', editable=False, max_length=255)),
                        ('depth', models.PositiveSmallIntegerField(default=0, editable=False)),
                        ('sort', models.IntegerField(default=0, verbose_name='排序')),
                        ('pinyin', models.CharField(blank=True, editable=False, max_length=400)),
                        ('initials', models.CharField(blank=True, editable=False, max_length=120)),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='org.unit', verbose_name='上级单位')),
                        ('region', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'verbose_name': '单位',
                        'verbose_name_plural': '单位',
                        'ordering': ['path'],
                    },
                ),
                migrations.AddField(
                    model_name='post',
                    name='unit',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='posts', to='org.unit', verbose_name='单位'),
                ),
                migrations.CreateModel(
                    name='PortfolioUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('leader', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='portfolio', to='org.person')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'verbose_name': '分管单位',
                        'verbose_name_plural': '分管单位',
                    },
                ),
                migrations.CreateModel(
                    name='UnitAlias',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='写法')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('scope', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit', verbose_name='适用范围')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alias_names', to='org.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '单位别名',
                        'verbose_name_plural': '单位别名',
                        'ordering': ['name'],
                    },
                ),
                migrations.AddIndex(
                    model_name='person',
                    index=models.Index(condition=models.Q(('card_no', ''), _negated=True), fields=['card_no'], name='org_person_card_no'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.CheckConstraint(condition=models.Q(('end__isnull', True), ('end__gte', models.F('start')), _connector='OR'), name='membership_end_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='portfoliounit',
                    constraint=models.UniqueConstraint(fields=('leader', 'unit'), name='portfolio_unique'),
                ),
                migrations.AddConstraint(
                    model_name='unitalias',
                    constraint=models.UniqueConstraint(fields=('name', 'scope'), name='unit_alias_unique_in_scope'),
                ),
                migrations.AddConstraint(
                    model_name='unitalias',
                    constraint=models.UniqueConstraint(condition=models.Q(('scope__isnull', True)), fields=('name',), name='unit_alias_unique_everywhere'),
                ),
            ]
        ),
    ]
