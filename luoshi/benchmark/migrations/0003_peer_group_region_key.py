"""The region key (lib/regions.py) on peer groups: a group is its office's (`office`, the unit of its
author's officer post, else the install's first root unit), its members the group's; a group's name
is unique within its region. The table Django made for `PeerGroup.members` becomes the explicit
`GroupMember`, whose division column is renamed `division_id` so that `region_id` is the region key
as on every other table; 0004 fills the key. Values stay a reference table (docs/scaling.md). Portable SQL."""

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


def rename_index(apps, schema_editor):
    """PostgreSQL keeps an index's name when its column is renamed: the division column's index would
    take the name the region key's index is about to get (SQLite rebuilt the table and renamed it)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    table = "benchmark_peergroup_members"
    old = schema_editor._create_index_name(table, ["region_id"])
    new = schema_editor._create_index_name(table, ["division_id"])
    schema_editor.execute(f"ALTER INDEX IF EXISTS {old} RENAME TO {new}")


class Migration(migrations.Migration):
    dependencies = [
        ("benchmark", "0002_default_indicators"),
        ("org", "0005_person_card_no"),
        ("work", "0016_region_key_required"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # the same table and columns as Django made them; nothing changes in the database
            state_operations=[
                migrations.CreateModel(
                    name="GroupMember",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "peergroup",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="benchmark.peergroup"
                            ),
                        ),
                        (
                            "division",
                            models.ForeignKey(
                                db_column="region_id",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="benchmark.region",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "benchmark_peergroup_members",
                        "unique_together": {("peergroup", "division")},
                    },
                ),
                migrations.AlterField(
                    model_name="peergroup",
                    name="members",
                    field=models.ManyToManyField(
                        related_name="peer_groups",
                        through="benchmark.GroupMember",
                        through_fields=("peergroup", "division"),
                        to="benchmark.region",
                        verbose_name="对标地区",
                    ),
                ),
            ],
        ),
        # the division column is renamed, so that `region_id` can be the region key
        migrations.AlterField(
            model_name="groupmember",
            name="division",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="benchmark.region"
            ),
        ),
        migrations.RunPython(rename_index, migrations.RunPython.noop),
        migrations.AddField(
            model_name="peergroup",
            name="office",
            field=models.ForeignKey(
                blank=True,
                help_text="设立对标组的督查室所在单位",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
                verbose_name="组织单位",
            ),
        ),
        migrations.AddField(model_name="peergroup", name="region", field=models.ForeignKey(null=True, **KEY)),
        migrations.AddField(model_name="groupmember", name="region", field=models.ForeignKey(null=True, **KEY)),
    ]
