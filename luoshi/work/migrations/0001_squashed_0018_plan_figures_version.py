"""The work app's migrations 0001_initial … 0018_plan_figures_version squashed (with notify 0001:
see `replaces`): its tables as its models make them today, generated afresh (`makemigrations` into
an empty migrations module) and made in one pass (`lib.migrations.CreateModels`), so that a new
database is made in seconds instead of replaying every region-key change. A database migrated with
the old chain to its end counts this one as applied (`replaces`); one part way along finishes the
old chain, whose files stay. The old chain's fills of existing rows find none on a new database and
are left out; what else it made (data, PostgreSQL-only objects) is made at the end here."""

import django.core.validators
import django.db.models.deletion
import luoshi.work.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels
from luoshi.lib.search import GRAMS_FUNCTION, index_sql


def postgresql_only(apps, schema_editor):
    """PostgreSQL only, as the old chain did it: free room in work_task's pages so that the daily
    refresh of stored lights is a HOT update (old 0003_task_fillfactor); pg_trgm, the `luoshi_grams`
    function and work_task's two search indexes (old 0017_search_indexes; luoshi/lib/search.py)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [
        f"ALTER TABLE {schema_editor.quote_name('work_task')} SET (fillfactor = 80)",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        GRAMS_FUNCTION,
        *index_sql("work_task", "search_text"),
    ]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    initial = True

    # notify 0001 is replaced here, not by notify's: it depends on work 0008 and work 0009 on it
    # (the move of Notification), so a squash of either app holding it and none of work's would
    # inherit both edges and make a cycle. Its tables are made by notify's squash, which runs next.
    replaces = [
        ('work', '0001_initial'),
        ('work', '0002_light_counts'),
        ('work', '0003_task_fillfactor'),
        ('work', '0004_task_public_idx'),
        ('work', '0005_task_assigned_on'),
        ('work', '0006_task_sort_path'),
        ('work', '0007_claims_and_evidence'),
        ('work', '0008_report_corrections_and_warnings'),
        ('notify', '0001_notification_and_outbox'),
        ('work', '0009_notification_moves_to_notify'),
        ('work', '0010_report_known_on'),
        ('work', '0011_late_cause'),
        ('work', '0012_known_figures'),
        ('work', '0013_task_source_enterprise'),
        ('work', '0014_region_key'),
        ('work', '0015_region_fill'),
        ('work', '0016_region_key_required'),
        ('work', '0017_search_indexes'),
        ('work', '0018_plan_figures_version'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='Milestone',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='节点')),
                        ('due', models.DateField(verbose_name='计划日期')),
                        ('duration_days', models.PositiveIntegerField(blank=True, null=True, verbose_name='工期(天)')),
                        ('met_on', models.DateField(blank=True, null=True, verbose_name='完成日期')),
                        ('sort', models.IntegerField(default=0)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '时间节点',
                        'verbose_name_plural': '时间节点',
                        'ordering': ['task_id', 'sort', 'due'],
                    },
                ),
                migrations.CreateModel(
                    name='Claim',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('completion', '完成申请'), ('milestone', '节点完成')], max_length=12)),
                        ('state', models.CharField(choices=[('pending', '待单位审核'), ('submitted', '待督查室确认'), ('confirmed', '已确认'), ('rejected', '已退回')], max_length=12)),
                        ('note', models.TextField(blank=True, verbose_name='说明')),
                        ('met_on', models.DateField(blank=True, null=True, verbose_name='完成日期')),
                        ('value', models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True, verbose_name='最终完成值')),
                        ('head_at', models.DateTimeField(blank=True, null=True)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('review_note', models.TextField(blank=True)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('head', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('reviewer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('milestone', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='claims', to='work.milestone')),
                    ],
                    options={
                        'verbose_name': '完成申请',
                        'verbose_name_plural': '完成申请',
                        'ordering': ['-created', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Plan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, unique=True, verbose_name='名称')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                        ('start', models.DateField(verbose_name='开始日期')),
                        ('due', models.DateField(verbose_name='截止日期')),
                        ('green_max', models.DecimalField(decimal_places=2, default=Decimal('5'), max_digits=5, verbose_name='绿灯最大滞后(百分点)')),
                        ('yellow_max', models.DecimalField(decimal_places=2, default=Decimal('15'), max_digits=5, verbose_name='黄灯最大滞后(百分点)')),
                        ('progress_cap', models.DecimalField(decimal_places=2, default=Decimal('120'), max_digits=6, verbose_name='完成度上限(%)')),
                        ('cadence', models.CharField(choices=[('weekly', '每周'), ('monthly', '每月'), ('quarterly', '每季度')], default='monthly', max_length=12, verbose_name='填报周期')),
                        ('grace_days', models.PositiveSmallIntegerField(default=3, verbose_name='宽限天数')),
                        ('cascade_days', models.PositiveSmallIntegerField(default=2, verbose_name='下级提前天数')),
                        ('head_approval', models.BooleanField(default=True, verbose_name='需单位负责人审核')),
                        ('late_approval_counts', models.BooleanField(default=True, help_text='按时填报、逾期才审核的，是否计入迟报和亮灯（不计时仍记录为迟审）', verbose_name='审核延迟计为迟报')),
                        ('claim_evidence', models.BooleanField(default=True, help_text='完成申请和节点完成须上传佐证材料', verbose_name='完成申请须附佐证材料')),
                        ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                        ('late_checked_on', models.DateField(blank=True, editable=False, null=True)),
                        ('figures_version', models.PositiveBigIntegerField(default=0, editable=False)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('owner_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='牵头部门')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '计划',
                        'verbose_name_plural': '计划',
                        'ordering': ['-year', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='LockedPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_end', models.DateField()),
                        ('locked_at', models.DateTimeField(auto_now_add=True)),
                        ('locked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='locked_periods', to='work.plan')),
                    ],
                ),
                migrations.CreateModel(
                    name='LightCount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('light', models.CharField(choices=[('not_started', '未开始'), ('green', '正常'), ('yellow', '滞后'), ('red', '严重滞后'), ('overdue', '逾期'), ('done', '完成')], max_length=12)),
                        ('count', models.PositiveIntegerField()),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='work.plan')),
                    ],
                ),
                migrations.CreateModel(
                    name='Report',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_end', models.DateField(verbose_name='所属期')),
                        ('reported_on', models.DateField(verbose_name='填报日期')),
                        ('filed_on', models.DateField(verbose_name='录入日期')),
                        ('known_on', models.DateField(blank=True, null=True, verbose_name='生效日期')),
                        ('returned_on', models.DateField(blank=True, null=True, verbose_name='退回日期')),
                        ('percent', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='完成进度(%)')),
                        ('value', models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True, verbose_name='累计完成值')),
                        ('narrative', models.TextField(blank=True, verbose_name='进展情况')),
                        ('problems', models.TextField(blank=True, verbose_name='存在问题')),
                        ('next_steps', models.TextField(blank=True, verbose_name='下步打算')),
                        ('no_change', models.BooleanField(default=False, verbose_name='与上期无变化')),
                        ('state', models.CharField(choices=[('pending', '待单位审核'), ('submitted', '已报送'), ('returned', '已退回')], default='submitted', max_length=12)),
                        ('approved_at', models.DateTimeField(blank=True, null=True)),
                        ('return_reason', models.TextField(blank=True)),
                        ('previous_figure', models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True, verbose_name='上期值')),
                        ('warnings', models.JSONField(blank=True, default=list, verbose_name='合理性提示')),
                        ('warnings_acknowledged', models.BooleanField(default=False, verbose_name='填报人已确认提示')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('corrects', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrected_by', to='work.report')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'verbose_name': '进度填报',
                        'verbose_name_plural': '进度填报',
                        'ordering': ['-reported_on', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Evidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=300, upload_to=luoshi.work.models.evidence_path)),
                        ('name', models.CharField(max_length=200)),
                        ('size', models.PositiveBigIntegerField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('content_type', models.CharField(blank=True, max_length=100)),
                        ('claim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='work.claim')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='work.report')),
                    ],
                    options={
                        'verbose_name': '佐证材料',
                        'verbose_name_plural': '佐证材料',
                    },
                ),
                migrations.CreateModel(
                    name='Task',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('path', models.CharField(db_index=True, default='', editable=False, max_length=255)),
                        ('sort_path', models.CharField(default='', editable=False, max_length=1000)),
                        ('depth', models.PositiveSmallIntegerField(default=0, editable=False)),
                        ('code', models.CharField(blank=True, help_text='序号或外部编号，导入时用于识别', max_length=60, verbose_name='编号')),
                        ('title', models.CharField(max_length=500, verbose_name='任务')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                        ('source', models.CharField(choices=[('target', '目标分解'), ('project', '重点项目'), ('supervision', '督办事项'), ('rectification', '整改问题'), ('meeting', '会议议定'), ('commitment', '承诺事项'), ('instruction', '领导批示'), ('enterprise', '企业服务')], default='target', max_length=20, verbose_name='来源')),
                        ('source_ref', models.CharField(blank=True, db_index=True, max_length=80, verbose_name='来源记录')),
                        ('start', models.DateField(verbose_name='开始日期')),
                        ('due', models.DateField(verbose_name='完成时限')),
                        ('deadline_text', models.CharField(blank=True, max_length=80, verbose_name='原文时限')),
                        ('assigned_on', models.DateField(blank=True, null=True, verbose_name='下达日期')),
                        ('weight', models.DecimalField(decimal_places=3, default=Decimal('1'), max_digits=7, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='权重')),
                        ('cadence', models.CharField(blank=True, choices=[('weekly', '每周'), ('monthly', '每月'), ('quarterly', '每季度')], max_length=12, verbose_name='填报周期')),
                        ('is_public', models.BooleanField(default=False, verbose_name='公开')),
                        ('status', models.CharField(choices=[('draft', '草稿'), ('in_progress', '推进中'), ('claimed', '已申请完成'), ('closed', '已销号'), ('suspended', '暂停'), ('cancelled', '已取消')], default='in_progress', max_length=12, verbose_name='状态')),
                        ('metric_name', models.CharField(blank=True, max_length=120, verbose_name='指标')),
                        ('metric_unit', models.CharField(blank=True, max_length=30, verbose_name='计量单位')),
                        ('baseline', models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True, verbose_name='基数')),
                        ('target', models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True, verbose_name='目标值')),
                        ('direction', models.CharField(choices=[('higher', '越大越好'), ('lower', '越小越好')], default='higher', max_length=8, verbose_name='方向')),
                        ('monthly_plan', models.JSONField(blank=True, default=dict, verbose_name='月度计划')),
                        ('actual_pct', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=7)),
                        ('expected_pct', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=7)),
                        ('light', models.CharField(choices=[('not_started', '未开始'), ('green', '正常'), ('yellow', '滞后'), ('red', '严重滞后'), ('overdue', '逾期'), ('done', '完成')], default='not_started', max_length=12, verbose_name='亮灯')),
                        ('light_on', models.DateField(blank=True, null=True)),
                        ('slack_days', models.IntegerField(blank=True, null=True)),
                        ('last_report_on', models.DateField(blank=True, null=True)),
                        ('report_late', models.BooleanField(default=False)),
                        ('known_percent', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True)),
                        ('known_value', models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True)),
                        ('known_period', models.DateField(blank=True, null=True)),
                        ('known_last_on', models.DateField(blank=True, null=True)),
                        ('known_through', models.DateField(blank=True, null=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('search_text', models.TextField(blank=True, editable=False)),
                        ('claimed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('lead_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='led_tasks', to='org.unit', verbose_name='牵头单位')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='work.task', verbose_name='上级任务')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='work.plan', verbose_name='计划')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('responsible_leader', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person', verbose_name='责任领导')),
                        ('responsible_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person', verbose_name='责任人')),
                    ],
                    options={
                        'verbose_name': '任务',
                        'verbose_name_plural': '任务',
                        'ordering': ['plan_id', 'sort_path'],
                    },
                ),
                migrations.AddField(
                    model_name='report',
                    name='task',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='work.task'),
                ),
                migrations.AddField(
                    model_name='milestone',
                    name='task',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='work.task'),
                ),
                migrations.CreateModel(
                    name='LateReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_end', models.DateField()),
                        ('due_on', models.DateField()),
                        ('detected_on', models.DateField()),
                        ('cause', models.CharField(choices=[('filing', '迟报（填报）'), ('approval', '迟审（审核）')], default='filing', max_length=10)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='late_reports', to='work.task')),
                    ],
                ),
                migrations.CreateModel(
                    name='Follow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='followers', to='work.task')),
                    ],
                ),
                migrations.AddField(
                    model_name='claim',
                    name='task',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='claims', to='work.task'),
                ),
                migrations.CreateModel(
                    name='TaskUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='task_units', to='work.task')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                ),
                migrations.AddField(
                    model_name='task',
                    name='co_units',
                    field=models.ManyToManyField(blank=True, related_name='co_tasks', through='work.TaskUnit', through_fields=('task', 'unit'), to='org.unit', verbose_name='配合单位'),
                ),
                migrations.CreateModel(
                    name='Transition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(choices=[('draft', '草稿'), ('in_progress', '推进中'), ('claimed', '已申请完成'), ('closed', '已销号'), ('suspended', '暂停'), ('cancelled', '已取消')], max_length=12)),
                        ('to_status', models.CharField(choices=[('draft', '草稿'), ('in_progress', '推进中'), ('claimed', '已申请完成'), ('closed', '已销号'), ('suspended', '暂停'), ('cancelled', '已取消')], max_length=12)),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('reason', models.TextField(blank=True)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='work.task')),
                    ],
                    options={
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='plan',
                    constraint=models.CheckConstraint(condition=models.Q(('due__gte', models.F('start'))), name='plan_due_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='plan',
                    constraint=models.CheckConstraint(condition=models.Q(('yellow_max__gte', models.F('green_max'))), name='plan_thresholds_ordered'),
                ),
                migrations.AddConstraint(
                    model_name='lockedperiod',
                    constraint=models.UniqueConstraint(fields=('plan', 'period_end'), name='locked_period_once'),
                ),
                migrations.AddIndex(
                    model_name='lightcount',
                    index=models.Index(fields=['plan', 'day'], name='work_lightc_plan_id_99c654_idx'),
                ),
                migrations.AddConstraint(
                    model_name='lightcount',
                    constraint=models.UniqueConstraint(fields=('plan', 'unit', 'day', 'light'), name='lightcount_unique'),
                ),
                migrations.AddConstraint(
                    model_name='evidence',
                    constraint=models.CheckConstraint(condition=models.Q(('report__isnull', False), ('claim__isnull', False), _connector='OR'), name='evidence_has_owner'),
                ),
                migrations.AddIndex(
                    model_name='report',
                    index=models.Index(fields=['task', '-reported_on'], name='work_report_task_id_4498dc_idx'),
                ),
                migrations.AddIndex(
                    model_name='report',
                    index=models.Index(fields=['task', 'known_on'], name='work_report_task_id_fbe1e6_idx'),
                ),
                migrations.AddIndex(
                    model_name='report',
                    index=models.Index(fields=['known_on'], name='work_report_known_o_06415f_idx'),
                ),
                migrations.AddIndex(
                    model_name='report',
                    index=models.Index(fields=['unit', 'state'], name='work_report_unit_id_080b0f_idx'),
                ),
                migrations.AddIndex(
                    model_name='report',
                    index=models.Index(fields=['period_end'], name='work_report_period__1f7c0a_idx'),
                ),
                migrations.AddConstraint(
                    model_name='report',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'returned'), _negated=True), fields=('corrects',), name='report_one_live_correction'),
                ),
                migrations.AddIndex(
                    model_name='latereport',
                    index=models.Index(fields=['unit', 'period_end'], name='work_latere_unit_id_438b61_idx'),
                ),
                migrations.AddConstraint(
                    model_name='latereport',
                    constraint=models.UniqueConstraint(fields=('task', 'period_end'), name='late_report_once'),
                ),
                migrations.AddConstraint(
                    model_name='follow',
                    constraint=models.UniqueConstraint(fields=('user', 'task'), name='follow_unique'),
                ),
                migrations.AddIndex(
                    model_name='claim',
                    index=models.Index(fields=['state', 'kind'], name='work_claim_state_2f38ad_idx'),
                ),
                migrations.AddIndex(
                    model_name='claim',
                    index=models.Index(fields=['task', 'state'], name='work_claim_task_id_ed3d25_idx'),
                ),
                migrations.AddConstraint(
                    model_name='claim',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'completion'), ('milestone__isnull', True)), models.Q(('kind', 'milestone'), ('met_on__isnull', False), ('milestone__isnull', False)), _connector='OR'), name='claim_kind_fits'),
                ),
                migrations.AddIndex(
                    model_name='taskunit',
                    index=models.Index(fields=['unit', 'task'], name='work_taskun_unit_id_2067a0_idx'),
                ),
                migrations.AddConstraint(
                    model_name='taskunit',
                    constraint=models.UniqueConstraint(fields=('task', 'unit'), name='taskunit_unique'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['plan', 'light'], name='work_task_plan_id_fdf234_idx'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['plan', 'sort_path'], name='task_plan_sort_path_idx'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['lead_unit', 'status'], name='work_task_lead_un_989b1e_idx'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['responsible_person', 'status'], name='work_task_respons_b92747_idx'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['plan', 'status', 'due'], name='work_task_plan_id_4e2f76_idx'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(condition=models.Q(('is_public', True)), fields=['status'], name='task_public_idx'),
                ),
                migrations.AddConstraint(
                    model_name='task',
                    constraint=models.CheckConstraint(condition=models.Q(('due__gte', models.F('start'))), name='task_due_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='task',
                    constraint=models.UniqueConstraint(condition=models.Q(('code', ''), _negated=True), fields=('plan', 'code'), name='task_code_unique_in_plan'),
                ),
            ]
        ),
        migrations.RunPython(postgresql_only, migrations.RunPython.noop, elidable=False),
    ]
