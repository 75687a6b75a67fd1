"""The peer groups' region key is required from now on; a group's name is unique within its region."""

import django.db.models.deletion
from django.db import migrations, models

KEY = dict(
    blank=True,
    editable=False,
    on_delete=django.db.models.deletion.PROTECT,
    related_name="+",
    to="org.unit",
    verbose_name="区域",
)


class Migration(migrations.Migration):
    dependencies = [("benchmark", "0004_peer_group_region_fill")]

    operations = [
        migrations.AlterField(model_name="peergroup", name="region", field=models.ForeignKey(**KEY)),
        migrations.AlterField(model_name="groupmember", name="region", field=models.ForeignKey(**KEY)),
        migrations.AlterField(
            model_name="peergroup", name="name", field=models.CharField(max_length=100, verbose_name="名称")
        ),
        migrations.AddConstraint(
            model_name="peergroup",
            constraint=models.UniqueConstraint(fields=("region", "name"), name="benchmark_peergroup_name"),
        ),
    ]
