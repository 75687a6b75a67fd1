"""The region key is required, and a chain is per region: `(region, seq)` unique, and each region's
entries not chained yet indexed for its sequencer."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_region_fill")]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="region",
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AlterField(
            model_name="purge",
            name="region",
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit", verbose_name="区域"),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(condition=models.Q(("seq__isnull", True)), fields=["region", "id"], name="audit_entry_unchained_region"),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.UniqueConstraint(fields=("region", "seq"), name="audit_entry_region_seq"),
        ),
        migrations.AddConstraint(
            model_name="purge",
            constraint=models.UniqueConstraint(fields=("region", "through_seq"), name="audit_purge_region_seq"),
        ),
    ]
