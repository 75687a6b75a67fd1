"""Reports get the day they were entered (filed_on) and the day the office came to know them (known_on).

Existing reports keep the meaning they had: a submitted report counted from the day it was filed, so
its known_on is its reported_on, and every light computed before this migration stays as it was. A
returned report's return day was not kept; it is taken as its filing day (it never counted).
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def fill_dates(apps, schema_editor):
    Report = apps.get_model("work", "Report")
    Report.objects.update(filed_on=F("reported_on"))
    Report.objects.filter(state="submitted").update(known_on=F("reported_on"))
    Report.objects.filter(state="returned").update(returned_on=F("reported_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_unit_alias"),
        ("work", "0009_notification_moves_to_notify"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="filed_on",
            field=models.DateField(null=True, verbose_name="录入日期"),
        ),
        migrations.AddField(
            model_name="report",
            name="known_on",
            field=models.DateField(blank=True, null=True, verbose_name="生效日期"),
        ),
        migrations.AddField(
            model_name="report",
            name="returned_on",
            field=models.DateField(blank=True, null=True, verbose_name="退回日期"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["task", "known_on"], name="work_report_task_id_fbe1e6_idx"),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["known_on"], name="work_report_known_o_06415f_idx"),
        ),
        migrations.RunPython(fill_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="report",
            name="filed_on",
            field=models.DateField(verbose_name="录入日期"),
        ),
    ]
