"""Tasks keep the effective report's figures as known so far, and plans the last day their late
reports were checked (issue 20, item 4: a tick whose cost does not grow with history).

The figures of existing tasks are filled by one set-based UPDATE, as `services.lights.figures_refresh`
computes them (written out here on the historical models). Plans start with no checked day, so the
first tick after this migration looks at every period so far, as every tick did before.
"""

from django.db import migrations, models
from django.db.models import Exists, Max, OuterRef, Subquery


def fill_figures(apps, schema_editor):
    Task = apps.get_model("work", "Task")
    Report = apps.get_model("work", "Report")
    known = Report.objects.filter(task_id=OuterRef("pk"), state="submitted", known_on__isnull=False)
    superseded = Report.objects.filter(corrects_id=OuterRef("pk"), state="submitted")
    effective = known.exclude(Exists(superseded))
    top = effective.order_by("-period_end", "-reported_on", "-id")
    Task.objects.update(
        known_percent=Subquery(top.values("percent")[:1]),
        known_value=Subquery(top.values("value")[:1]),
        known_period=Subquery(top.values("period_end")[:1]),
        known_last_on=Subquery(
            effective.order_by().values("task_id").annotate(m=Max("reported_on")).values("m")[:1]
        ),
        known_through=Subquery(known.order_by().values("task_id").annotate(m=Max("known_on")).values("m")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("work", "0011_late_cause"),
    ]

    operations = [
        migrations.AddField(
            model_name='plan',
            name='late_checked_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='known_last_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='known_percent',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='known_period',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='known_through',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='known_value',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=18, null=True),
        ),
        migrations.RunPython(fill_figures, migrations.RunPython.noop),
    ]
