"""The audit tables get the region key (docs/scaling.md, "The audit chain"), nullable until
0005 fills it; the chain's place becomes unique per region (0006), so the global unique `seq` goes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_keyed_chain"),
        ("org", "0005_person_card_no"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="purge",
            options={"ordering": ["region", "through_seq"], "verbose_name": "审计记录清理", "verbose_name_plural": "审计记录清理"},
        ),
        migrations.RemoveIndex(model_name="entry", name="audit_entry_unchained"),
        migrations.AddField(
            model_name="entry",
            name="region",
            field=models.ForeignKey(blank=True, null=True, db_constraint=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AddField(
            model_name="purge",
            name="region",
            field=models.ForeignKey(blank=True, null=True, db_constraint=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(model_name="entry", name="seq", field=models.BigIntegerField(blank=True, null=True)),
        migrations.AlterField(model_name="purge", name="through_seq", field=models.BigIntegerField()),
    ]
