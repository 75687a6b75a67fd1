"""The assessment app's migrations 0001_initial … 0004_region_key_required squashed: its tables as
its models make them today, generated afresh (`makemigrations` into an empty migrations module) and
made in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead
of replaying every region-key change. A database migrated with the old chain to its end counts this
one as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('assessment', '0001_initial'),
        ('assessment', '0002_region_key'),
        ('assessment', '0003_region_fill'),
        ('assessment', '0004_region_key_required'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='Group',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0)),
                        ('name', models.CharField(max_length=120, verbose_name='考核类别')),
                        ('categories', models.JSONField(blank=True, default=list, verbose_name='单位类别')),
                        ('multiplier', models.DecimalField(decimal_places=2, default=Decimal('1'), help_text='例如扣分分值加倍为 2', max_digits=5, verbose_name='扣分倍数')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['scheme', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='GroupUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessment.group')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'assessment_group_units',
                        'unique_together': {('group', 'unit')},
                    },
                ),
                migrations.AddField(
                    model_name='group',
                    name='units',
                    field=models.ManyToManyField(blank=True, related_name='+', through='assessment.GroupUnit', through_fields=('group', 'unit'), to='org.unit', verbose_name='单位'),
                ),
                migrations.CreateModel(
                    name='Indicator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0)),
                        ('name', models.CharField(max_length=300, verbose_name='指标')),
                        ('section', models.CharField(blank=True, max_length=200, verbose_name='一级指标')),
                        ('weight', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='分值')),
                        ('method', models.CharField(choices=[('task', '按任务完成'), ('measure', '按实绩赋分'), ('rank', '按排名赋分'), ('manual', '评分'), ('rating', '评议'), ('deduction', '扣分制')], max_length=10, verbose_name='计分方法')),
                        ('params', models.JSONField(blank=True, default=dict, verbose_name='参数')),
                        ('cap', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='上限')),
                        ('assessor', models.CharField(blank=True, max_length=200, verbose_name='考核单位')),
                        ('text', models.TextField(blank=True, verbose_name='考核内容')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='indicators', to='assessment.group')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'ordering': ['group', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='DeductionRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=60, verbose_name='事项类型')),
                        ('points', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='每次扣分')),
                        ('cap', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='上限')),
                        ('text', models.TextField(blank=True, verbose_name='原文')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deductions', to='assessment.indicator')),
                    ],
                    options={
                        'ordering': ['indicator', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ManualScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='分数')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('assessor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='assessment.indicator')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'ordering': ['indicator', 'unit', 'assessor'],
                    },
                ),
                migrations.CreateModel(
                    name='Run',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(verbose_name='版本')),
                        ('as_of', models.DateField(verbose_name='数据截至')),
                        ('spec', models.JSONField()),
                        ('content_hash', models.CharField(max_length=64)),
                        ('state', models.CharField(choices=[('computed', '已计算'), ('published', '已公布'), ('superseded', '已更正')], default='computed', max_length=10, verbose_name='状态')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('appeal_until', models.DateField(blank=True, null=True, verbose_name='申诉截止')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('previous', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assessment.run')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '考核结果',
                        'verbose_name_plural': '考核结果',
                        'ordering': ['scheme', '-number'],
                    },
                ),
                migrations.CreateModel(
                    name='Result',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('unit_name', models.CharField(max_length=120)),
                        ('group', models.CharField(max_length=120)),
                        ('score', models.DecimalField(decimal_places=2, max_digits=10)),
                        ('grade', models.CharField(blank=True, max_length=40)),
                        ('rank', models.PositiveIntegerField()),
                        ('veto', models.BooleanField(default=False)),
                        ('bottom', models.BooleanField(default=False)),
                        ('eligible', models.BooleanField(default=False)),
                        ('coefficient', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=5)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='results', to='assessment.run')),
                    ],
                    options={
                        'ordering': ['run', 'group', 'rank', 'unit_name'],
                    },
                ),
                migrations.CreateModel(
                    name='Line',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField()),
                        ('indicator', models.CharField(blank=True, max_length=300)),
                        ('points', models.DecimalField(decimal_places=2, max_digits=10)),
                        ('reason', models.CharField(max_length=600)),
                        ('link', models.CharField(blank=True, max_length=300)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='assessment.run')),
                    ],
                    options={
                        'ordering': ['run', 'unit', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='Appeal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(verbose_name='申诉理由')),
                        ('filed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('state', models.CharField(choices=[('pending', '待处理'), ('accepted', '已采纳'), ('rejected', '不予采纳')], default='pending', max_length=10, verbose_name='状态')),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('reason', models.TextField(blank=True, verbose_name='处理意见')),
                        ('corrections', models.JSONField(blank=True, default=dict)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('filed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('new_run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assessment.run')),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appeals', to='assessment.run')),
                    ],
                    options={
                        'verbose_name': '申诉',
                        'verbose_name_plural': '申诉',
                        'ordering': ['-filed_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RunInput',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('indicator', models.CharField(blank=True, max_length=20)),
                        ('kind', models.CharField(max_length=60)),
                        ('value', models.DecimalField(decimal_places=4, max_digits=18)),
                        ('text', models.CharField(blank=True, max_length=500)),
                        ('link', models.CharField(blank=True, max_length=300)),
                        ('ref', models.CharField(blank=True, max_length=80)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='inputs', to='assessment.run')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'ordering': ['run', 'unit', 'indicator', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Scheme',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='名称')),
                        ('purpose', models.CharField(choices=[('annual', '年度综合考核'), ('safety', '安全奖'), ('attendance', '全勤奖'), ('special', '专项考核')], default='annual', max_length=12, verbose_name='用途')),
                        ('period_kind', models.CharField(choices=[('quarter', '季度'), ('half', '半年'), ('year', '年度')], default='year', max_length=8, verbose_name='考核周期')),
                        ('start', models.DateField(verbose_name='开始日期')),
                        ('end', models.DateField(verbose_name='结束日期')),
                        ('total', models.DecimalField(decimal_places=2, default=Decimal('100'), max_digits=8, verbose_name='总分')),
                        ('base_score', models.DecimalField(blank=True, decimal_places=2, help_text='扣分制方案的起评分', max_digits=8, null=True, verbose_name='起评分')),
                        ('deduction_cap', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='扣分上限')),
                        ('bonus_cap', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='加分上限')),
                        ('bottom', models.PositiveSmallIntegerField(default=0, verbose_name='末位名次数')),
                        ('status', models.CharField(choices=[('draft', '草稿'), ('active', '启用'), ('archived', '已归档')], default='draft', max_length=10, verbose_name='状态')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='来源')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('office', models.ForeignKey(blank=True, help_text='制定方案的考核办所在单位', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='组织单位')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '考核方案',
                        'verbose_name_plural': '考核方案',
                        'ordering': ['-start', 'name'],
                    },
                ),
                migrations.AddField(
                    model_name='run',
                    name='scheme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='assessment.scheme'),
                ),
                migrations.AddField(
                    model_name='group',
                    name='scheme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='groups', to='assessment.scheme'),
                ),
                migrations.CreateModel(
                    name='Grade',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0)),
                        ('name', models.CharField(max_length=40, verbose_name='等次')),
                        ('minimum', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=8, verbose_name='分数线')),
                        ('quota', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='比例上限（%）')),
                        ('eligible', models.BooleanField(default=False, verbose_name='可评奖')),
                        ('coefficient', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=5, verbose_name='奖励系数')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grades', to='assessment.scheme')),
                    ],
                    options={
                        'ordering': ['scheme', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='BonusRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=60, verbose_name='事项类型')),
                        ('points', models.DecimalField(decimal_places=2, max_digits=8, verbose_name='每次加分')),
                        ('cap', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='上限')),
                        ('text', models.TextField(blank=True, verbose_name='原文')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bonuses', to='assessment.scheme')),
                    ],
                    options={
                        'ordering': ['scheme', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='VetoRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=60, verbose_name='事项类型')),
                        ('label', models.CharField(max_length=200, verbose_name='名称')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='vetoes', to='assessment.scheme')),
                    ],
                    options={
                        'ordering': ['scheme', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Event',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('assessment.complaint', '投诉经核实'), ('assessment.award', '表彰奖励'), ('assessment.veto', '一票否决情形'), ('assessment.other', '其他扣分事项')], max_length=40, verbose_name='类型')),
                        ('occurred_on', models.DateField(verbose_name='日期')),
                        ('count', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=8, verbose_name='次数')),
                        ('text', models.CharField(max_length=300, verbose_name='事由')),
                        ('link', models.CharField(blank=True, max_length=300, verbose_name='链接')),
                        ('recorded', models.DateTimeField(default=django.utils.timezone.now)),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'ordering': ['-occurred_on', 'pk'],
                        'indexes': [models.Index(fields=['kind', 'occurred_on'], name='as_event_kind_day')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='indicator',
                    constraint=models.CheckConstraint(condition=models.Q(('weight__gte', 0)), name='as_indicator_weight'),
                ),
                migrations.AddConstraint(
                    model_name='indicator',
                    constraint=models.CheckConstraint(condition=models.Q(('cap__isnull', True), ('cap__gte', 0), _connector='OR'), name='as_indicator_cap'),
                ),
                migrations.AddConstraint(
                    model_name='deductionrule',
                    constraint=models.CheckConstraint(condition=models.Q(('points__gte', 0)), name='as_deduction_points'),
                ),
                migrations.AddConstraint(
                    model_name='deductionrule',
                    constraint=models.CheckConstraint(condition=models.Q(('cap__isnull', True), ('cap__gte', 0), _connector='OR'), name='as_deduction_cap'),
                ),
                migrations.AddConstraint(
                    model_name='manualscore',
                    constraint=models.UniqueConstraint(fields=('indicator', 'unit', 'assessor'), name='as_score_once'),
                ),
                migrations.AddConstraint(
                    model_name='manualscore',
                    constraint=models.CheckConstraint(condition=models.Q(('score__gte', 0)), name='as_score_positive'),
                ),
                migrations.AddConstraint(
                    model_name='result',
                    constraint=models.UniqueConstraint(fields=('run', 'unit'), name='as_result_once'),
                ),
                migrations.AddIndex(
                    model_name='line',
                    index=models.Index(fields=['run', 'unit', 'position'], name='as_line_run_unit'),
                ),
                migrations.AddIndex(
                    model_name='runinput',
                    index=models.Index(fields=['run', 'unit'], name='as_input_run_unit'),
                ),
                migrations.AddConstraint(
                    model_name='scheme',
                    constraint=models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='as_scheme_dates'),
                ),
                migrations.AddConstraint(
                    model_name='scheme',
                    constraint=models.CheckConstraint(condition=models.Q(('total__gt', 0)), name='as_scheme_total'),
                ),
                migrations.AddConstraint(
                    model_name='scheme',
                    constraint=models.CheckConstraint(condition=models.Q(('deduction_cap__isnull', True), ('deduction_cap__gte', 0), _connector='OR'), name='as_scheme_deduction_cap'),
                ),
                migrations.AddConstraint(
                    model_name='scheme',
                    constraint=models.CheckConstraint(condition=models.Q(('bonus_cap__isnull', True), ('bonus_cap__gte', 0), _connector='OR'), name='as_scheme_bonus_cap'),
                ),
                migrations.AddConstraint(
                    model_name='run',
                    constraint=models.UniqueConstraint(fields=('scheme', 'number'), name='as_run_number'),
                ),
                migrations.AddConstraint(
                    model_name='group',
                    constraint=models.UniqueConstraint(fields=('scheme', 'name'), name='as_group_name'),
                ),
                migrations.AddConstraint(
                    model_name='group',
                    constraint=models.CheckConstraint(condition=models.Q(('multiplier__gt', 0)), name='as_group_multiplier'),
                ),
                migrations.AddConstraint(
                    model_name='grade',
                    constraint=models.CheckConstraint(condition=models.Q(('quota__isnull', True), models.Q(('quota__gte', 0), ('quota__lte', 100)), _connector='OR'), name='as_grade_quota'),
                ),
                migrations.AddConstraint(
                    model_name='bonusrule',
                    constraint=models.CheckConstraint(condition=models.Q(('points__gte', 0)), name='as_bonus_points'),
                ),
                migrations.AddConstraint(
                    model_name='bonusrule',
                    constraint=models.CheckConstraint(condition=models.Q(('cap__isnull', True), ('cap__gte', 0), _connector='OR'), name='as_bonus_cap'),
                ),
                migrations.AddConstraint(
                    model_name='vetorule',
                    constraint=models.UniqueConstraint(fields=('scheme', 'kind'), name='as_veto_kind'),
                ),
            ]
        ),
    ]
