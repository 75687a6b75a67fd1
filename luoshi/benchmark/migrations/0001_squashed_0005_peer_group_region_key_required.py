"""The benchmark app's migrations 0001_regions_indicators_values …
0005_peer_group_region_key_required squashed: its tables as its models make them today, generated
afresh (`makemigrations` into an empty migrations module) and made in one pass
(`lib.migrations.CreateModels`), so that a new database is made in seconds instead of replaying
every region-key change. A database migrated with the old chain to its end counts this one as
applied (`replaces`); one part way along finishes the old chain, whose files stay. The old chain's
fills of existing rows find none on a new database and are left out; what else it made (data,
PostgreSQL-only objects) is made at the end here."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


# The default indicators (old 0002_default_indicators), frozen here as they were there; the demo and
# tests put them back after a flush with luoshi/benchmark/defaults.py `ensure`.
INDICATORS = [
    ("gdp", "地区生产总值", "amount", "GDP、生产总值、地区生产总值总量"),
    ("gdp_growth", "地区生产总值增长", "growth", "GDP增长、生产总值增长、GDP增速、地区生产总值增速"),
    ("revenue", "一般公共预算收入", "amount", "地方一般公共预算收入、公共财政预算收入、财政一般预算收入、公共财政收入"),
    ("revenue_growth", "一般公共预算收入增长", "growth", "一般公共预算收入增速、地方一般公共预算收入增长、公共财政预算收入增长"),
    ("fai_growth", "固定资产投资增长", "growth", "固定资产投资增速、固投增长"),
    ("industry_growth", "规上工业增加值增长", "growth", "规模以上工业增加值增长、规上工业增加值增速"),
    ("industry", "工业增加值", "amount", "全部工业增加值"),
    ("industry_total_growth", "工业增加值增长", "growth", "全部工业增加值增长、工业增加值增速"),
    ("retail", "社会消费品零售总额", "amount", "社零总额"),
    ("retail_growth", "社会消费品零售总额增长", "growth", "社零增长、社会消费品零售总额增速、社零总额增长"),
]


def add_indicators(apps, schema_editor):
    Indicator = apps.get_model("benchmark", "Indicator")
    for sort, (code, name, kind, aliases) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "aliases": aliases, "sort": sort * 10}
        )


def remove_indicators(apps, schema_editor):
    apps.get_model("benchmark", "Indicator").objects.filter(code__in=[c for c, *_ in INDICATORS]).delete()


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('benchmark', '0001_regions_indicators_values'),
        ('benchmark', '0002_default_indicators'),
        ('benchmark', '0003_peer_group_region_key'),
        ('benchmark', '0004_peer_group_region_fill'),
        ('benchmark', '0005_peer_group_region_key_required'),
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
                    name='Indicator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='代码')),
                        ('name', models.CharField(max_length=60, unique=True, verbose_name='名称')),
                        ('kind', models.CharField(choices=[('amount', '总量（亿元）'), ('growth', '增速（%）')], max_length=8, verbose_name='类型')),
                        ('higher_is_better', models.BooleanField(default=True, verbose_name='越高越好')),
                        ('aliases', models.CharField(blank=True, max_length=400, verbose_name='表头别名')),
                        ('sort', models.IntegerField(default=0, verbose_name='排序')),
                    ],
                    options={
                        'verbose_name': '对标指标',
                        'verbose_name_plural': '对标指标',
                        'ordering': ['sort', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='PeerGroup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('office', models.ForeignKey(blank=True, help_text='设立对标组的督查室所在单位', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='组织单位')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '对标组',
                        'verbose_name_plural': '对标组',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='GroupMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('peergroup', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='benchmark.peergroup')),
                    ],
                    options={
                        'db_table': 'benchmark_peergroup_members',
                    },
                ),
                migrations.CreateModel(
                    name='Period',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='年份')),
                        ('quarter', models.PositiveSmallIntegerField(default=4, verbose_name='截至季度')),
                    ],
                    options={
                        'verbose_name': '统计期',
                        'verbose_name_plural': '统计期',
                        'ordering': ['year', 'quarter'],
                        'constraints': [models.UniqueConstraint(fields=('year', 'quarter'), name='benchmark_period_unique'), models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='benchmark_period_quarter')],
                    },
                ),
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=6, unique=True, verbose_name='行政区划代码')),
                        ('name', models.CharField(db_index=True, max_length=60, verbose_name='名称')),
                        ('level', models.CharField(choices=[('province', '省级'), ('city', '地级'), ('county', '县级')], max_length=8, verbose_name='级别')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='benchmark.region', verbose_name='上级')),
                        ('unit', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='benchmark_region', to='org.unit', verbose_name='对应单位')),
                    ],
                    options={
                        'verbose_name': '行政区划',
                        'verbose_name_plural': '行政区划',
                        'ordering': ['code'],
                    },
                ),
                migrations.AddField(
                    model_name='peergroup',
                    name='benchmark',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='benchmark.region', verbose_name='标杆地区'),
                ),
                migrations.AddField(
                    model_name='peergroup',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='benchmark.region', verbose_name='本区'),
                ),
                migrations.AddField(
                    model_name='peergroup',
                    name='members',
                    field=models.ManyToManyField(related_name='peer_groups', through='benchmark.GroupMember', through_fields=('peergroup', 'division'), to='benchmark.region', verbose_name='对标地区'),
                ),
                migrations.AddField(
                    model_name='groupmember',
                    name='division',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='benchmark.region'),
                ),
                migrations.CreateModel(
                    name='Value',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('value', models.DecimalField(decimal_places=8, max_digits=24, verbose_name='数值')),
                        ('source', models.CharField(blank=True, max_length=200, verbose_name='来源')),
                        ('source_row', models.PositiveIntegerField(blank=True, null=True, verbose_name='来源行')),
                        ('entered', models.DateTimeField(default=django.utils.timezone.now)),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='benchmark.indicator')),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='benchmark.period')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='benchmark.region')),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task', verbose_name='来源任务')),
                    ],
                    options={
                        'verbose_name': '指标值',
                        'verbose_name_plural': '指标值',
                    },
                ),
                migrations.AddConstraint(
                    model_name='region',
                    constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[0-9]{6}$')), name='benchmark_region_code'),
                ),
                migrations.AddConstraint(
                    model_name='peergroup',
                    constraint=models.UniqueConstraint(fields=('region', 'name'), name='benchmark_peergroup_name'),
                ),
                migrations.AlterUniqueTogether(
                    name='groupmember',
                    unique_together={('peergroup', 'division')},
                ),
                migrations.AddIndex(
                    model_name='value',
                    index=models.Index(fields=['indicator', 'period'], name='benchmark_value_ind_period'),
                ),
                migrations.AddConstraint(
                    model_name='value',
                    constraint=models.UniqueConstraint(fields=('region', 'indicator', 'period'), name='benchmark_value_unique'),
                ),
            ]
        ),
        migrations.RunPython(add_indicators, remove_indicators, elidable=False),
    ]
