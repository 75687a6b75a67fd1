"""The enterprises app's migrations 0001_initial … 0005_region_key_required squashed: its tables as
its models make them today, generated afresh (`makemigrations` into an empty migrations module) and
made in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead
of replaying every region-key change. A database migrated with the old chain to its end counts this
one as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import luoshi.lib.crypto_fields
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('enterprises', '0001_initial'),
        ('enterprises', '0002_encrypt_contacts'),
        ('enterprises', '0003_region_key'),
        ('enterprises', '0004_region_fill'),
        ('enterprises', '0005_region_key_required'),
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
                    name='Enterprise',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='企业名称')),
                        ('credit_code', models.CharField(max_length=18, unique=True, verbose_name='统一社会信用代码')),
                        ('industry', models.CharField(max_length=60, verbose_name='行业')),
                        ('size', models.CharField(choices=[('large', '大型'), ('medium', '中型'), ('small', '小型'), ('micro', '微型')], max_length=10, verbose_name='规模')),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                        ('contact', models.CharField(blank=True, max_length=60, verbose_name='企业联系人')),
                        ('phone', luoshi.lib.crypto_fields.EncryptedCharField(blank=True, max_length=30, verbose_name='联系电话')),
                        ('phone_hash', luoshi.lib.crypto_fields.BlindIndexField(normaliser='phone', source='phone')),
                        ('status', models.CharField(choices=[('normal', '正常'), ('watched', '重点关注'), ('resolved', '风险已解除')], default='normal', max_length=10, verbose_name='状态')),
                        ('watched_since', models.DateField(blank=True, null=True, verbose_name='列入关注')),
                        ('resolved_on', models.DateField(blank=True, null=True, verbose_name='风险解除')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='属地单位')),
                    ],
                    options={
                        'verbose_name': '企业',
                        'verbose_name_plural': '企业',
                        'ordering': ['name', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RiskFlag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('funding', '资金链紧张'), ('wages', '拖欠工资'), ('halt', '停产半停产'), ('relocation', '外迁倾向'), ('other', '其他风险')], max_length=12, verbose_name='风险类型')),
                        ('raised_on', models.DateField(verbose_name='发现日期')),
                        ('note', models.CharField(max_length=300, verbose_name='情况')),
                        ('closed_on', models.DateField(blank=True, null=True, verbose_name='解除日期')),
                        ('closed_note', models.CharField(blank=True, max_length=300, verbose_name='解除说明')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='enterprises.enterprise')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['raised_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TeamMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('leader', '组长'), ('member', '成员'), ('bank', '金融联络员')], default='member', max_length=10, verbose_name='分工')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='team', to='enterprises.enterprise')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person')),
                        ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.post')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['role', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Visit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('visited_on', models.DateField(verbose_name='走访日期')),
                        ('notes', models.TextField(verbose_name='走访情况')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='enterprises.enterprise')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['-visited_on', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Problem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(max_length=300, verbose_name='问题')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problems', to='enterprises.enterprise')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task')),
                        ('visit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='problems', to='enterprises.visit')),
                    ],
                    options={
                        'ordering': ['created', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='VisitVisitor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.person')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('visit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='enterprises.visit')),
                    ],
                    options={
                        'db_table': 'enterprises_visit_visitors',
                    },
                ),
                migrations.AddField(
                    model_name='visit',
                    name='visitors',
                    field=models.ManyToManyField(related_name='+', through='enterprises.VisitVisitor', to='org.person', verbose_name='走访人员'),
                ),
                migrations.AddIndex(
                    model_name='enterprise',
                    index=models.Index(fields=['status', 'unit'], name='enterprises_status_00501b_idx'),
                ),
                migrations.AddConstraint(
                    model_name='riskflag',
                    constraint=models.CheckConstraint(condition=models.Q(('closed_on__isnull', True), ('closed_on__gte', models.F('raised_on')), _connector='OR'), name='enterprises_flag_closed_after_raised'),
                ),
                migrations.AddConstraint(
                    model_name='teammember',
                    constraint=models.UniqueConstraint(fields=('enterprise', 'person'), name='enterprises_team_person_once'),
                ),
                migrations.AlterUniqueTogether(
                    name='visitvisitor',
                    unique_together={('visit', 'person')},
                ),
            ]
        ),
    ]
