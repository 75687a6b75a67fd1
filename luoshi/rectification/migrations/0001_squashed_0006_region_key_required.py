"""The rectification app's migrations 0001_rounds_problems_signoffs … 0006_region_key_required
squashed: its tables as its models make them today, generated afresh (`makemigrations` into an empty
migrations module) and made in one pass (`lib.migrations.CreateModels`), so that a new database is
made in seconds instead of replaying every region-key change. A database migrated with the old chain
to its end counts this one as applied (`replaces`); one part way along finishes the old chain, whose
files stay. The old chain's fills of existing rows find none on a new database and are left out;
what else it made (data, PostgreSQL-only objects) is made at the end here."""

import django.db.models.deletion
import django.utils.timezone
import luoshi.rectification.models
import luoshi.rectification.rules
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels
from luoshi.lib.search import index_sql


def search_index(apps, schema_editor):
    """The grams index on `rectification_problem.text` (old 0003_search_index; PostgreSQL only; luoshi/lib/search.py),
    with the `luoshi_grams` function the work app's migration makes."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in index_sql("rectification_problem", "text", trigrams=False):
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('rectification', '0001_rounds_problems_signoffs'),
        ('rectification', '0002_results_publication'),
        ('rectification', '0003_search_index'),
        ('rectification', '0004_region_key'),
        ('rectification', '0005_region_fill'),
        ('rectification', '0006_region_key_required'),
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
                    name='Problem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=20, verbose_name='序号')),
                        ('sort_key', models.CharField(default='', editable=False, max_length=120)),
                        ('text', models.TextField(verbose_name='问题')),
                        ('category', models.CharField(blank=True, max_length=60, verbose_name='类别')),
                        ('deadline', models.DateField(verbose_name='整改时限')),
                        ('kind', models.CharField(choices=[('immediate', '立行立改'), ('long_term', '长期整改')], max_length=12, verbose_name='整改类型')),
                        ('mechanism', models.TextField(blank=True, verbose_name='长效机制')),
                        ('stage', models.CharField(choices=[('open', '整改中'), ('unit_head', '待单位负责人审核'), ('leader', '待牵头领导审核'), ('office', '待巡察办审核'), ('done', '已销号')], default=luoshi.rectification.rules.Stage['OPEN'], max_length=12, verbose_name='销号进度')),
                        ('money_involved', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='涉及金额（万元）')),
                        ('money_recovered', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='挽回金额（万元）')),
                        ('is_public', models.BooleanField(default=False, verbose_name='公开')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('responsible_leader', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person', verbose_name='牵头领导')),
                        ('responsible_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='责任单位')),
                    ],
                    options={
                        'verbose_name': '整改问题',
                        'verbose_name_plural': '整改问题',
                        'ordering': ['round_id', 'sort_key'],
                    },
                ),
                migrations.CreateModel(
                    name='Measure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task')),
                        ('problem', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='measures', to='rectification.problem')),
                    ],
                    options={
                        'verbose_name': '整改措施',
                        'verbose_name_plural': '整改措施',
                    },
                ),
                migrations.CreateModel(
                    name='Reopen',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField(verbose_name='重新打开原因')),
                        ('old_deadline', models.DateField()),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('problem', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reopens', to='rectification.problem')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['problem_id', 'at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Round',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('patrol', '巡察'), ('audit', '审计'), ('inspection', '督察')], max_length=12, verbose_name='类型')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='名称')),
                        ('body', models.CharField(max_length=200, verbose_name='检查机关')),
                        ('start', models.DateField(verbose_name='检查开始')),
                        ('end', models.DateField(verbose_name='检查结束')),
                        ('feedback', models.DateField(blank=True, null=True, verbose_name='反馈日期')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.plan', verbose_name='计划')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '检查轮次',
                        'verbose_name_plural': '检查轮次',
                        'ordering': ['-start', '-pk'],
                    },
                ),
                migrations.AddField(
                    model_name='problem',
                    name='round',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='rectification.round'),
                ),
                migrations.CreateModel(
                    name='RoundScopeUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='rectification.round')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'rectification_round_scope_units',
                    },
                ),
                migrations.AddField(
                    model_name='round',
                    name='scope_units',
                    field=models.ManyToManyField(blank=True, related_name='rectification_rounds', through='rectification.RoundScopeUnit', through_fields=('round', 'unit'), to='org.unit', verbose_name='被检查单位'),
                ),
                migrations.CreateModel(
                    name='SignOff',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('submitted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('note', models.TextField(verbose_name='整改情况')),
                        ('state', models.CharField(choices=[('pending', '审核中'), ('approved', '已销号'), ('rejected', '已退回')], default='pending', max_length=10)),
                        ('problem', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signoffs', to='rectification.problem')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '销号申请',
                        'verbose_name_plural': '销号申请',
                        'ordering': ['problem_id', '-submitted_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Approval',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('step', models.CharField(choices=[('unit_head', '单位负责人'), ('leader', '牵头领导'), ('office', '巡察办')], max_length=12)),
                        ('approved', models.BooleanField()),
                        ('note', models.TextField(blank=True)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('signoff', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='approvals', to='rectification.signoff')),
                    ],
                    options={
                        'ordering': ['signoff_id', 'at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SignOffEvidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=300, upload_to=luoshi.rectification.models.signoff_evidence_path)),
                        ('name', models.CharField(max_length=200)),
                        ('size', models.PositiveBigIntegerField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('content_type', models.CharField(blank=True, max_length=100)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('signoff', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='rectification.signoff')),
                    ],
                ),
                migrations.CreateModel(
                    name='Publication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('snapshot', models.JSONField()),
                        ('as_of', models.DateField(verbose_name='统计日期')),
                        ('published_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                        ('withdraw_reason', models.TextField(blank=True)),
                        ('published_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='rectification.round')),
                    ],
                    options={
                        'verbose_name': '整改结果公开',
                        'verbose_name_plural': '整改结果公开',
                        'ordering': ['round_id', '-published_at', '-pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('withdrawn_at__isnull', True)), fields=('round',), name='publication_one_current')],
                    },
                ),
                migrations.AddIndex(
                    model_name='problem',
                    index=models.Index(fields=['round', 'responsible_unit'], name='problem_round_unit'),
                ),
                migrations.AddConstraint(
                    model_name='problem',
                    constraint=models.UniqueConstraint(fields=('round', 'number'), name='problem_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='problem',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'long_term'), _negated=True), models.Q(('mechanism', ''), _negated=True), _connector='OR'), name='problem_long_term_mechanism'),
                ),
                migrations.AddConstraint(
                    model_name='problem',
                    constraint=models.CheckConstraint(condition=models.Q(('money_involved__gte', 0), ('money_recovered__gte', 0)), name='problem_money'),
                ),
                migrations.AlterUniqueTogether(
                    name='roundscopeunit',
                    unique_together={('round', 'unit')},
                ),
                migrations.AddConstraint(
                    model_name='round',
                    constraint=models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='round_dates'),
                ),
                migrations.AddConstraint(
                    model_name='signoff',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('problem',), name='signoff_one_pending_per_problem'),
                ),
                migrations.AddConstraint(
                    model_name='approval',
                    constraint=models.UniqueConstraint(fields=('signoff', 'step'), name='approval_one_per_step'),
                ),
            ]
        ),
        migrations.RunPython(search_index, migrations.RunPython.noop, elidable=False),
    ]
