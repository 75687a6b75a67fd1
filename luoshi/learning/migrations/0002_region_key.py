"""The region key (lib/regions.py), nullable until `0003_region_fill` fills it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('learning', '0001_initial'),
        ('org', '0005_person_card_no'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CoursePost',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='learning.course')),
                        ('post', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.post')),
                    ],
                    options={
                        'db_table': 'learning_course_posts',
                        'unique_together': {('course', 'post')},
                    },
                ),
                migrations.AlterField(
                    model_name='course',
                    name='posts',
                    field=models.ManyToManyField(blank=True, related_name='+', through='learning.CoursePost', to='org.post', verbose_name='适用岗位'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='course',
            name='unit',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit'),
        ),
        migrations.AddField(
            model_name='course',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='coursepost',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='material',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='question',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
        migrations.AddField(
            model_name='attempt',
            name='region',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='区域'),
        ),
    ]
