"""The learning app's migrations 0001_initial … 0004_region_key_required squashed: its tables as its
models make them today, generated afresh (`makemigrations` into an empty migrations module) and made
in one pass (`lib.migrations.CreateModels`), so that a new database is made in seconds instead of
replaying every region-key change. A database migrated with the old chain to its end counts this one
as applied (`replaces`); one part way along finishes the old chain, whose files stay. The old
chain's fills of existing rows find none on a new database and are left out."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from luoshi.lib.migrations import CreateModels


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('learning', '0001_initial'),
        ('learning', '0002_region_key'),
        ('learning', '0003_region_fill'),
        ('learning', '0004_region_key_required'),
    ]

    dependencies = [
        ('org', '0001_squashed_0005_person_card_no'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModels(
            [
                migrations.CreateModel(
                    name='Course',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='课程名称')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                        ('deadline', models.DateField(blank=True, null=True, verbose_name='完成期限')),
                        ('pass_mark', models.PositiveSmallIntegerField(default=60, verbose_name='及格分')),
                        ('attempts_allowed', models.PositiveSmallIntegerField(default=3, help_text='0 为不限', verbose_name='考试次数')),
                        ('time_limit', models.PositiveSmallIntegerField(default=30, verbose_name='限时（分钟）')),
                        ('draw_single', models.PositiveSmallIntegerField(default=5, verbose_name='单选题数')),
                        ('draw_multiple', models.PositiveSmallIntegerField(default=3, verbose_name='多选题数')),
                        ('draw_judge', models.PositiveSmallIntegerField(default=2, verbose_name='判断题数')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                    ],
                    options={
                        'verbose_name': '课程',
                        'verbose_name_plural': '课程',
                        'ordering': ['-created', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CoursePost',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='learning.course')),
                        ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.post')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'db_table': 'learning_course_posts',
                        'unique_together': {('course', 'post')},
                    },
                ),
                migrations.AddField(
                    model_name='course',
                    name='posts',
                    field=models.ManyToManyField(blank=True, related_name='+', through='learning.CoursePost', to='org.post', verbose_name='适用岗位'),
                ),
                migrations.CreateModel(
                    name='Material',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('document', '文档'), ('link', '链接'), ('video', '视频')], max_length=10, verbose_name='类型')),
                        ('title', models.CharField(max_length=200, verbose_name='标题')),
                        ('url', models.URLField(blank=True, max_length=500, verbose_name='网址')),
                        ('file', models.FileField(blank=True, upload_to='learning/%Y/%m/', verbose_name='文件')),
                        ('name', models.CharField(blank=True, max_length=200)),
                        ('size', models.PositiveBigIntegerField(default=0)),
                        ('sha256', models.CharField(blank=True, max_length=64)),
                        ('content_type', models.CharField(blank=True, max_length=100)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='materials', to='learning.course')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '学习资料',
                        'verbose_name_plural': '学习资料',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Question',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('single', '单选题'), ('multiple', '多选题'), ('judge', '判断题')], max_length=10, verbose_name='题型')),
                        ('text', models.TextField(verbose_name='题干')),
                        ('options', models.JSONField(default=list, verbose_name='选项')),
                        ('answer', models.JSONField(default=list, verbose_name='答案')),
                        ('code', models.CharField(blank=True, max_length=40, verbose_name='题号')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='learning.course')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '试题',
                        'verbose_name_plural': '试题',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Attempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(default=1)),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('deadline_at', models.DateTimeField()),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('question_ids', models.JSONField(default=list)),
                        ('answers', models.JSONField(default=dict)),
                        ('late', models.BooleanField(default=False)),
                        ('score', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('passed', models.BooleanField(default=False)),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.person')),
                        ('region', models.ForeignKey(blank=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域')),
                        ('unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attempts', to='learning.course')),
                    ],
                    options={
                        'verbose_name': '考试记录',
                        'verbose_name_plural': '考试记录',
                        'ordering': ['-started_at', '-pk'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('submitted_at__isnull', True)), fields=('course', 'person'), name='learning_one_open_attempt'), models.UniqueConstraint(fields=('course', 'person', 'number'), name='learning_attempt_number')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='course',
                    constraint=models.CheckConstraint(condition=models.Q(('pass_mark__lte', 100)), name='course_pass_mark_le_100'),
                ),
                migrations.AddConstraint(
                    model_name='question',
                    constraint=models.UniqueConstraint(condition=models.Q(('code', ''), _negated=True), fields=('course', 'code'), name='learning_question_code_unique'),
                ),
            ]
        ),
    ]
