"""The audit app's migrations 0001_initial … 0006_region_key_required squashed: its tables as its
models make them today, generated afresh (`makemigrations` into an empty migrations module) and made
in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead of
replaying every region-key change. A database migrated with the old chain to its end counts this one
as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('audit', '0001_initial'),
        ('audit', '0002_actor_protect'),
        ('audit', '0003_keyed_chain'),
        ('audit', '0004_region_key'),
        ('audit', '0005_region_fill'),
        ('audit', '0006_region_key_required'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='Entry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.BigIntegerField(blank=True, null=True)),
                        ('at', models.DateTimeField(db_index=True)),
                        ('actor_name', models.CharField(blank=True, max_length=150)),
                        ('action', models.CharField(db_index=True, max_length=100)),
                        ('object_type', models.CharField(blank=True, max_length=60)),
                        ('object_id', models.CharField(blank=True, max_length=64)),
                        ('object_repr', models.CharField(blank=True, max_length=300)),
                        ('before', models.JSONField(blank=True, null=True)),
                        ('after', models.JSONField(blank=True, null=True)),
                        ('data', models.JSONField(blank=True, null=True)),
                        ('client_address', models.CharField(blank=True, max_length=64)),
                        ('mac', models.CharField(default='', max_length=64)),
                        ('prev_hash', models.CharField(blank=True, max_length=64)),
                        ('hash', models.CharField(blank=True, max_length=64)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, db_constraint=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '审计记录',
                        'verbose_name_plural': '审计记录',
                        'ordering': ['id'],
                        'indexes': [models.Index(fields=['object_type', 'object_id', 'seq'], name='audit_entry_object__72ae8c_idx'), models.Index(condition=models.Q(('seq__isnull', True)), fields=['region', 'id'], name='audit_entry_unchained_region')],
                        'constraints': [models.UniqueConstraint(fields=('region', 'seq'), name='audit_entry_region_seq')],
                    },
                ),
                migrations.CreateModel(
                    name='Purge',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('through_seq', models.BigIntegerField()),
                        ('through_hash', models.CharField(max_length=64)),
                        ('older_than', models.DateTimeField()),
                        ('at', models.DateTimeField()),
                        ('removed', models.PositiveIntegerField()),
                        ('archive_sm3', models.CharField(max_length=64)),
                        ('mac', models.CharField(max_length=64)),
                        ('region', models.ForeignKey(blank=True, db_constraint=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '审计记录清理',
                        'verbose_name_plural': '审计记录清理',
                        'ordering': ['region', 'through_seq'],
                        'constraints': [models.UniqueConstraint(fields=('region', 'through_seq'), name='audit_purge_region_seq')],
                    },
                ),
            ]
        ),
    ]
