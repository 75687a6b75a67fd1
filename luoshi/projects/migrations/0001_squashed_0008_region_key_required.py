"""The projects app's migrations 0001_initial … 0008_region_key_required squashed: its tables as its
models make them today, generated afresh (`makemigrations` into an empty migrations module) and made
in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead of
replaying every region-key change. A database migrated with the old chain to its end counts this one
as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out; what else it made
(data, PostgreSQL-only objects) is made at the end here."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels
from luoshi.lib.search import index_sql


def search_index(apps, schema_editor):
    """The grams index on `projects_project.name` (old 0005_search_index; PostgreSQL only; luoshi/lib/search.py),
    with the `luoshi_grams` function the work app's migration makes."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in index_sql("projects_project", "name", trigrams=False):
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('projects', '0001_initial'),
        ('projects', '0002_boundary'),
        ('projects', '0003_board_indexes'),
        ('projects', '0004_year_completed'),
        ('projects', '0005_search_index'),
        ('projects', '0006_region_key'),
        ('projects', '0007_region_fill'),
        ('projects', '0008_region_key_required'),
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
                    name='Boundary',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='名称')),
                        ('geojson', models.TextField()),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'verbose_name': '区域边界',
                        'verbose_name_plural': '区域边界',
                        'ordering': ['-created', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Project',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='项目名称')),
                        ('code', models.CharField(max_length=40, unique=True, verbose_name='编号')),
                        ('category', models.CharField(blank=True, choices=[('industry', '产业转型'), ('infrastructure', '基础设施'), ('livelihood', '民生改善'), ('reform', '改革创新')], max_length=20, verbose_name='类别')),
                        ('theme', models.CharField(blank=True, max_length=80, verbose_name='计划主题')),
                        ('lat', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='纬度')),
                        ('lng', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='经度')),
                        ('protected', models.BooleanField(default=False, verbose_name='挂牌保护')),
                        ('total_investment', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='总投资（万元）')),
                        ('stage', models.CharField(blank=True, choices=[('packaged', '包装'), ('inviting', '招商'), ('signed', '签约'), ('landed', '落地'), ('started', '开工'), ('building', '在建'), ('producing', '投产'), ('reached', '达产达效')], max_length=20, verbose_name='当前阶段')),
                        ('stage_since', models.DateField(blank=True, null=True, verbose_name='进入阶段日期')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('lead_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='牵头单位')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task', verbose_name='任务')),
                    ],
                    options={
                        'verbose_name': '重点项目',
                        'verbose_name_plural': '重点项目',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='ProjectImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(upload_to='projects/imports/%Y/%m/')),
                        ('file_name', models.CharField(max_length=255)),
                        ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='年度')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('committed', models.DateTimeField(blank=True, null=True)),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'verbose_name': '项目清单导入',
                        'verbose_name_plural': '项目清单导入',
                        'ordering': ['-created'],
                    },
                ),
                migrations.CreateModel(
                    name='ProjectInvestment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='月份')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='完成投资（万元）')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='investments', to='projects.project')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '月度完成投资',
                        'verbose_name_plural': '月度完成投资',
                        'ordering': ['project_id', 'month'],
                    },
                ),
                migrations.CreateModel(
                    name='ProjectOwner',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('leader', '包抓领导'), ('manager', '项目经理'), ('local_head', '属地负责人'), ('department_head', '牵头部门负责人')], max_length=20, verbose_name='职责')),
                        ('post', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.post', verbose_name='岗位')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='owners', to='projects.project')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '四包一',
                        'verbose_name_plural': '四包一',
                        'ordering': ['project_id', 'role'],
                    },
                ),
                migrations.CreateModel(
                    name='ProjectProblem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=300, verbose_name='问题')),
                        ('description', models.TextField(blank=True, verbose_name='描述')),
                        ('deadline', models.DateField(verbose_name='解决时限')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('owner_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='责任单位')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problems', to='projects.project')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task', verbose_name='任务')),
                    ],
                    options={
                        'verbose_name': '项目问题',
                        'verbose_name_plural': '项目问题',
                        'ordering': ['project_id', 'deadline', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ProjectStage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stage', models.CharField(choices=[('packaged', '包装'), ('inviting', '招商'), ('signed', '签约'), ('landed', '落地'), ('started', '开工'), ('building', '在建'), ('producing', '投产'), ('reached', '达产达效')], max_length=20, verbose_name='阶段')),
                        ('planned', models.DateField(blank=True, null=True, verbose_name='计划日期')),
                        ('met', models.DateField(blank=True, null=True, verbose_name='完成日期')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stages', to='projects.project')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '项目阶段',
                        'verbose_name_plural': '项目阶段',
                        'ordering': ['project_id', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ProjectYear',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                        ('name', models.CharField(max_length=300, verbose_name='清单中的名称')),
                        ('seq', models.PositiveIntegerField(blank=True, null=True, verbose_name='序号')),
                        ('annual_plan', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='年度计划投资（万元）')),
                        ('status_word', models.CharField(blank=True, max_length=20, verbose_name='清单中的状态')),
                        ('completed', models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=16, verbose_name='年度累计完成投资（万元）')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='years', to='projects.project')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '年度清单条目',
                        'verbose_name_plural': '年度清单条目',
                        'ordering': ['project_id', 'year'],
                    },
                ),
                migrations.CreateModel(
                    name='StageChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stage', models.CharField(choices=[('packaged', '包装'), ('inviting', '招商'), ('signed', '签约'), ('landed', '落地'), ('started', '开工'), ('building', '在建'), ('producing', '投产'), ('reached', '达产达效')], max_length=20, verbose_name='阶段')),
                        ('met', models.DateField(verbose_name='完成日期')),
                        ('note', models.TextField(blank=True, verbose_name='说明')),
                        ('file', models.FileField(blank=True, upload_to='projects/evidence/%Y/%m/', verbose_name='佐证材料')),
                        ('file_name', models.CharField(blank=True, max_length=255)),
                        ('content_type', models.CharField(blank=True, max_length=100)),
                        ('sha256', models.CharField(blank=True, max_length=64)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stage_changes', to='projects.project')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '阶段变动',
                        'verbose_name_plural': '阶段变动',
                        'ordering': ['-created', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='project',
                    index=models.Index(fields=['stage_since', 'code'], name='project_stage_since_idx'),
                ),
                migrations.AddConstraint(
                    model_name='project',
                    constraint=models.CheckConstraint(condition=models.Q(('total_investment__gte', 0)), name='project_investment_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='projectinvestment',
                    constraint=models.UniqueConstraint(fields=('project', 'month'), name='project_investment_month_once'),
                ),
                migrations.AddConstraint(
                    model_name='projectinvestment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='project_investment_amount_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='projectowner',
                    constraint=models.UniqueConstraint(fields=('project', 'role'), name='project_owner_role_once'),
                ),
                migrations.AddConstraint(
                    model_name='projectstage',
                    constraint=models.UniqueConstraint(fields=('project', 'stage'), name='project_stage_once'),
                ),
                migrations.AddConstraint(
                    model_name='projectyear',
                    constraint=models.UniqueConstraint(fields=('project', 'year'), name='project_year_once'),
                ),
                migrations.AddConstraint(
                    model_name='projectyear',
                    constraint=models.CheckConstraint(condition=models.Q(('annual_plan__gte', 0)), name='project_year_plan_not_negative'),
                ),
                migrations.AddIndex(
                    model_name='stagechange',
                    index=models.Index(fields=['met'], name='project_stagechange_met_idx'),
                ),
            ]
        ),
        migrations.RunPython(search_index, migrations.RunPython.noop, elidable=False),
    ]
