"""The portal app's migrations 0001_initial … 0005_region_key_required squashed: its tables as its
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


def create_state_row(apps, schema_editor):
    """The one `PortalState` row exists from the start, so two first reviews never race to create it
    (old 0002_state_row)."""
    apps.get_model("portal", "PortalState").objects.get_or_create(pk=1, defaults={"generation": 0})


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('portal', '0001_initial'),
        ('portal', '0002_state_row'),
        ('portal', '0003_region_key'),
        ('portal', '0004_region_fill'),
        ('portal', '0005_region_key_required'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='PortalState',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('generation', models.PositiveBigIntegerField(default=0)),
                    ],
                ),
                migrations.CreateModel(
                    name='Publication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('commitment', '承诺事项'), ('task', '公开任务'), ('project', '重点项目'), ('catalogue', '三单清单')], max_length=12, verbose_name='类别')),
                        ('ref', models.CharField(max_length=60)),
                        ('title', models.CharField(blank=True, max_length=300)),
                        ('status', models.CharField(blank=True, max_length=16)),
                        ('search_text', models.TextField(blank=True)),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('withdrawn', models.BooleanField(default=False)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '公开事项',
                        'verbose_name_plural': '公开事项',
                        'ordering': ['kind', 'unit_id', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Snapshot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField()),
                        ('data', models.JSONField()),
                        ('state', models.CharField(choices=[('pending', '待审核'), ('published', '公开中'), ('superseded', '已被替换'), ('rejected', '未通过')], default='pending', max_length=12)),
                        ('proposed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('review_note', models.CharField(blank=True, max_length=300)),
                        ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('publication', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='portal.publication')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '公开版本',
                        'verbose_name_plural': '公开版本',
                        'ordering': ['publication_id', '-number'],
                    },
                ),
                migrations.AddField(
                    model_name='publication',
                    name='current',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='portal.snapshot'),
                ),
                migrations.CreateModel(
                    name='Feedback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('body', models.TextField(verbose_name='留言内容')),
                        ('contact', models.CharField(blank=True, max_length=80, verbose_name='联系方式')),
                        ('address_hash', models.CharField(db_index=True, max_length=64)),
                        ('created', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('state', models.CharField(choices=[('pending', '待审核'), ('approved', '已公开'), ('rejected', '不予公开')], default='pending', max_length=10)),
                        ('reply', models.TextField(blank=True, verbose_name='答复')),
                        ('moderated_at', models.DateTimeField(blank=True, null=True)),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('publication', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='feedback', to='portal.publication')),
                    ],
                    options={
                        'verbose_name': '公众留言',
                        'verbose_name_plural': '公众留言',
                        'ordering': ['-created', '-pk'],
                        'indexes': [models.Index(fields=['publication', 'state'], name='portal_feedback_pub_idx')],
                    },
                ),
                migrations.AddIndex(
                    model_name='snapshot',
                    index=models.Index(fields=['state', 'proposed_at'], name='portal_snapshot_state_idx'),
                ),
                migrations.AddConstraint(
                    model_name='snapshot',
                    constraint=models.UniqueConstraint(fields=('publication', 'number'), name='snapshot_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='snapshot',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('publication',), name='snapshot_one_pending'),
                ),
                migrations.AddIndex(
                    model_name='publication',
                    index=models.Index(fields=['kind', 'unit', 'status'], name='portal_pub_kind_unit_idx'),
                ),
                migrations.AddConstraint(
                    model_name='publication',
                    constraint=models.UniqueConstraint(fields=('kind', 'ref'), name='publication_kind_ref_unique'),
                ),
            ]
        ),
        migrations.RunPython(create_state_row, migrations.RunPython.noop, elidable=False),
    ]
