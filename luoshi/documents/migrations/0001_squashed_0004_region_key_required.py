"""The documents app's migrations 0001_published_bulletin … 0004_region_key_required squashed: its
tables as its models make them today, generated afresh (`makemigrations` into an empty migrations
module) and made in one pass (`lib.migrations.CreateModels`), so that a new database is made in
seconds instead of replaying every region-key change. A database migrated with the old chain to its
end counts this one as applied (`replaces`); one part way along finishes the old chain, whose files
stay. The old chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import luoshi.documents.models
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('documents', '0001_published_bulletin'),
        ('documents', '0002_region_key'),
        ('documents', '0003_region_fill'),
        ('documents', '0004_region_key_required'),
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
                    name='PublishedBulletin',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('on', models.DateField(verbose_name='截至日期')),
                        ('number', models.PositiveIntegerField(verbose_name='期号')),
                        ('published_at', models.DateTimeField(verbose_name='发布时间')),
                        ('figures', models.JSONField(verbose_name='通报数据')),
                        ('pdf', models.FileField(max_length=300, upload_to=luoshi.documents.models.bulletin_pdf_path)),
                        ('pdf_sha256', models.CharField(max_length=64)),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='work.plan', verbose_name='计划')),
                        ('published_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '已发布通报',
                        'verbose_name_plural': '已发布通报',
                        'ordering': ['plan_id', '-on'],
                        'constraints': [models.UniqueConstraint(fields=('plan', 'on'), name='published_bulletin_once_a_day'), models.UniqueConstraint(fields=('plan', 'number'), name='published_bulletin_number_once')],
                    },
                ),
            ]
        ),
    ]
