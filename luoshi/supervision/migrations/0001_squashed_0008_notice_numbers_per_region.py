"""The supervision app's migrations 0001_initial … 0008_notice_numbers_per_region squashed: its
tables as its models make them today, generated afresh (`makemigrations` into an empty migrations
module) and made in one pass (`lib.migrations.CreateModels`), so that a new database is made in
seconds instead of replaying every region-key change. A database migrated with the old chain to its
end counts this one as applied (`replaces`); one part way along finishes the old chain, whose files
stay. The old chain's fills of existing rows find none on a new database and are left out; what else
it made (data, PostgreSQL-only objects) is made at the end here."""

import django.db.models.deletion
import django.utils.timezone
import luoshi.supervision.models
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels
from luoshi.lib.search import index_sql


def search_index(apps, schema_editor):
    """The grams index on `supervision_item.title` (old 0004_search_index; PostgreSQL only; luoshi/lib/search.py),
    with the `luoshi_grams` function the work app's migration makes."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in index_sql("supervision_item", "title", trigrams=False):
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('supervision', '0001_initial'),
        ('supervision', '0002_response_evidence'),
        ('supervision', '0003_idle_indexes'),
        ('supervision', '0004_search_index'),
        ('supervision', '0005_region_key'),
        ('supervision', '0006_region_fill'),
        ('supervision', '0007_region_key_required'),
        ('supervision', '0008_notice_numbers_per_region'),
    ]

    dependencies = [
        ('meetings', '0001_squashed_0006_region_key_required'),
        ('org', '0001_squashed_0005_person_card_no'),
        ('work', '0001_squashed_0018_plan_figures_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='Item',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=300, verbose_name='事项')),
                        ('source_kind', models.CharField(choices=[('instruction', '领导批示'), ('meeting', '会议议定'), ('hotline', '热线投诉'), ('inspection', '督查检查'), ('light', '亮灯预警')], max_length=12, verbose_name='来源')),
                        ('instruction_text', models.TextField(blank=True, verbose_name='批示内容')),
                        ('instruction_date', models.DateField(blank=True, null=True, verbose_name='批示日期')),
                        ('source_ref', models.CharField(blank=True, max_length=100, verbose_name='来源编号')),
                        ('deadline', models.DateField(verbose_name='办结时限')),
                        ('cadence_days', models.PositiveSmallIntegerField(default=7, verbose_name='反馈周期（天）')),
                        ('level', models.CharField(blank=True, choices=[('remind', '催办'), ('supervise', '督办'), ('bulletin', '通报'), ('account', '问责')], max_length=16, verbose_name='督办层级')),
                        ('held_since', models.DateTimeField(verbose_name='接手时间')),
                        ('signed', models.BooleanField(default=False, verbose_name='已签收')),
                        ('state', models.CharField(choices=[('open', '办理中'), ('closed', '已办结')], default='open', max_length=8, verbose_name='状态')),
                        ('effect', models.TextField(blank=True, verbose_name='办理成效')),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='meetings.decision', verbose_name='会议议定事项')),
                        ('holder_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person', verbose_name='承办人')),
                        ('holder_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='承办单位')),
                        ('instruction_leader', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person', verbose_name='批示领导')),
                        ('lead_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='牵头单位')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='supervision_item', to='work.task')),
                    ],
                    options={
                        'verbose_name': '督办事项',
                        'verbose_name_plural': '督办事项',
                        'ordering': ['-created', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Accountability',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('finding', models.TextField(verbose_name='问责事由')),
                        ('outcome', models.CharField(choices=[('interview', '约谈'), ('admonition', '诫勉'), ('criticism', '通报批评'), ('organisational', '组织处理'), ('disciplinary', '纪律处分')], max_length=16, verbose_name='处理结果')),
                        ('decided_on', models.DateField(verbose_name='决定日期')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person', verbose_name='问责对象')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accountabilities', to='supervision.item')),
                    ],
                    options={
                        'ordering': ['item_id', 'at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ItemCoUnit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='supervision.item')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'supervision_item_co_units',
                        'unique_together': {('item', 'unit')},
                    },
                ),
                migrations.AddField(
                    model_name='item',
                    name='co_units',
                    field=models.ManyToManyField(blank=True, related_name='+', through='supervision.ItemCoUnit', through_fields=('item', 'unit'), to='org.unit', verbose_name='配合单位'),
                ),
                migrations.CreateModel(
                    name='NoticeCounter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField()),
                        ('last', models.PositiveIntegerField(default=0)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                ),
                migrations.CreateModel(
                    name='Proposal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(choices=[('remind', '催办'), ('supervise', '督办'), ('bulletin', '通报'), ('account', '问责')], max_length=16)),
                        ('rank', models.PositiveSmallIntegerField(default=0)),
                        ('reason', models.CharField(choices=[('late_report', '迟报'), ('red', '持续严重滞后'), ('overdue', '逾期'), ('idle', '交办滞留'), ('no_response', '督办单逾期未反馈')], max_length=16)),
                        ('days', models.PositiveIntegerField(default=0)),
                        ('proposed_on', models.DateField()),
                        ('state', models.CharField(choices=[('pending', '待决定'), ('accepted', '已采纳'), ('dismissed', '已驳回')], default='pending', max_length=10)),
                        ('decided_level', models.CharField(blank=True, choices=[('remind', '催办'), ('supervise', '督办'), ('bulletin', '通报'), ('account', '问责')], max_length=16)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('dismiss_reason', models.CharField(blank=True, max_length=500)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='supervision.item')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('task', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.task')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'ordering': ['proposed_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Notice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(choices=[('remind', '催办'), ('supervise', '督办'), ('bulletin', '通报'), ('account', '问责')], max_length=16)),
                        ('year', models.PositiveSmallIntegerField()),
                        ('seq', models.PositiveIntegerField()),
                        ('issued_on', models.DateField()),
                        ('response_due', models.DateField()),
                        ('body', models.TextField()),
                        ('issuer', models.CharField(max_length=200, verbose_name='发文机关')),
                        ('issued_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='supervision.item')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='主送单位')),
                        ('proposal', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notice', to='supervision.proposal')),
                    ],
                    options={
                        'ordering': ['item_id', 'issued_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RedStreak',
                    fields=[
                        ('task', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='work.task')),
                        ('since', models.DateField()),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                ),
                migrations.CreateModel(
                    name='Response',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('submitted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('text', models.TextField(verbose_name='办理情况')),
                        ('stall_reason', models.TextField(blank=True, verbose_name='未推进原因')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('notice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='supervision.notice')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('supersedes', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='supervision.response')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'ordering': ['notice_id', 'submitted_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ResponseEvidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=300, upload_to=luoshi.supervision.models.response_evidence_path)),
                        ('name', models.CharField(max_length=200)),
                        ('size', models.PositiveBigIntegerField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('content_type', models.CharField(blank=True, max_length=100)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('response', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='supervision.response')),
                    ],
                    options={
                        'ordering': ['response_id', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Handoff',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('assign', '交办'), ('transfer', '转办'), ('sign', '签收'), ('return', '退回')], max_length=10)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('note', models.CharField(blank=True, max_length=500)),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('from_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('to_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='handoffs', to='supervision.item')),
                    ],
                    options={
                        'ordering': ['item_id', 'at', 'pk'],
                        'indexes': [models.Index(fields=['item', 'at'], name='sv_handoff_item_at')],
                    },
                ),
                migrations.AddIndex(
                    model_name='item',
                    index=models.Index(fields=['state', 'held_since'], name='sv_item_state_held'),
                ),
                migrations.AddIndex(
                    model_name='item',
                    index=models.Index(fields=['lead_unit', 'state'], name='sv_item_unit_state'),
                ),
                migrations.AddIndex(
                    model_name='item',
                    index=models.Index(fields=['-created', '-id'], name='sv_item_newest'),
                ),
                migrations.AddIndex(
                    model_name='item',
                    index=models.Index(condition=models.Q(('state', 'open')), fields=['held_since', 'id'], name='sv_item_open_held'),
                ),
                migrations.AddIndex(
                    model_name='item',
                    index=models.Index(condition=models.Q(('state', 'open')), fields=['level', 'held_since'], name='sv_item_open_level_held'),
                ),
                migrations.AddConstraint(
                    model_name='item',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('source_kind', 'instruction'), _negated=True), models.Q(('instruction_text', ''), _negated=True), _connector='OR'), name='sv_item_instruction_text'),
                ),
                migrations.AddConstraint(
                    model_name='noticecounter',
                    constraint=models.UniqueConstraint(fields=('region', 'year'), name='sv_noticecounter_year'),
                ),
                migrations.AddIndex(
                    model_name='proposal',
                    index=models.Index(fields=['state', '-rank', 'proposed_on', 'id'], name='sv_proposal_queue'),
                ),
                migrations.AddConstraint(
                    model_name='proposal',
                    constraint=models.UniqueConstraint(fields=('task', 'level', 'reason'), name='sv_proposal_once'),
                ),
                migrations.AddIndex(
                    model_name='notice',
                    index=models.Index(fields=['level', 'issued_on'], name='sv_notice_level_day'),
                ),
                migrations.AddConstraint(
                    model_name='notice',
                    constraint=models.UniqueConstraint(fields=('region', 'year', 'seq'), name='sv_notice_number'),
                ),
            ]
        ),
        migrations.RunPython(search_index, migrations.RunPython.noop, elidable=False),
    ]
